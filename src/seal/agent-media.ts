/**
 * The guest-agent media of this release (build/media.ts writes them; the release bundle ships them) and what to tell
 * a user whose guest runs an agent that speaks another protocol than this host side: which ISO to attach.
 */
import pkg from '../../package.json';

/** The version in the agent ISOs' file names and in their /VERSION: the release's version. */
export const AGENT_MEDIA_VERSION: string = pkg.version;

/** File names of this release's agent ISOs, by guest family. */
export function agentMediaFiles(version: string = AGENT_MEDIA_VERSION): {
  readonly linux: string;
  readonly windows: string;
} {
  return { linux: `virtseal-linux-${version}.iso`, windows: `virtseal-windows-${version}.iso` };
}

/**
 * True when a guest announcing these protocol versions can talk to a host that speaks `hostVersion`.
 * (The one place the comparison lives, so a protocol revision changes it here.)
 */
export function agentSpeaksHostProtocol(guestVersions: readonly number[], hostVersion: number): boolean {
  return guestVersions.includes(hostVersion);
}

/** One line for a guest whose agent speaks another protocol: the versions on both sides and the ISO to attach. */
export function agentProtocolMismatchMessage(
  guestVersions: readonly number[],
  hostVersion: number,
  version: string = AGENT_MEDIA_VERSION,
): string {
  const iso = agentMediaFiles(version);
  return (
    `the guest agent speaks protocol ${guestVersions.join(',')} but this host side speaks ${hostVersion}: ` +
    `attach ${iso.linux} (Linux) or ${iso.windows} (Windows) with guest_config's media option ` +
    `(publish it first with virtseal.core.image, kind: iso), or update the agent in the image`
  );
}
