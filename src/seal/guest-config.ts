/**
 * The guest configuration carried by the sealed exchange. Mirrors src/schemas/fragments/guest_config.schema.json
 * (the schema is the source of truth for documentation; this interface is what src/seal works with).
 */
export type SealProtocol = 'v3' | 'hlvmm-v1';

export interface GuestNicConfig {
  readonly mac?: string;
  readonly dhcp4?: boolean;
  readonly ipv4_address?: string;
  readonly ipv4_gateway?: string;
  readonly dhcp6?: boolean;
  readonly ipv6_address?: string;
  readonly ipv6_gateway?: string;
  readonly dns_servers?: readonly string[];
  readonly search_domains?: readonly string[];
}

export interface GuestAdminConfig {
  readonly name: string;
  readonly password?: string;
  readonly password_hash?: string;
  readonly ssh_authorized_keys?: readonly string[];
}

export interface GuestAnsibleConfig {
  readonly user: string;
  readonly ssh_authorized_keys: readonly string[];
}

export interface GuestDomainJoinConfig {
  readonly domain: string;
  readonly user: string;
  readonly password: string;
  readonly ou?: string;
}

export interface GuestConfig {
  /** Default `v3`. */
  readonly protocol?: SealProtocol;
  readonly hostname?: string;
  readonly domain?: string;
  readonly timezone?: string;
  readonly nics?: readonly GuestNicConfig[];
  readonly admin?: GuestAdminConfig;
  readonly ansible?: GuestAnsibleConfig;
  readonly domain_join?: GuestDomainJoinConfig;
  readonly run_once?: readonly string[];
  readonly user_data?: string;
}

/** Every secret of a config, for redaction (`ctx.addSecret`) and canary checks. */
export function guestConfigSecrets(config: GuestConfig): string[] {
  const out: string[] = [];
  if (config.admin?.password) out.push(config.admin.password);
  if (config.admin?.password_hash) out.push(config.admin.password_hash);
  if (config.domain_join?.password) out.push(config.domain_join.password);
  if (config.user_data) out.push(config.user_data);
  return out;
}
