// generated — do not edit. Source: xapi-project/xen-api e2ee48d doc/data/xenapi.json via src/drivers/xen/xenapi/subset.json (sha256 370674fe2cfb61b1);
// regenerate with `npx tsx build/gen-xenapi.ts`.
/* eslint-disable */

/** An opaque XAPI reference (`OpaqueRef:…`), valid only within the session that returned it. */
export type Ref<C extends string> = string & { readonly __xapiClass?: C };

export interface XapiEvent {
  readonly id: string | number;
  readonly timestamp?: string;
  readonly class: string;
  readonly operation: 'add' | 'mod' | 'del';
  readonly ref: string;
  readonly snapshot?: unknown;
}
export interface EventBatch {
  readonly events: readonly XapiEvent[];
  readonly token: string;
  readonly valid_ref_counts: Readonly<Record<string, number>>;
}

export type Enum_domain_type = 'hvm' | 'pv' | 'pv_in_pvh' | 'pvh' | 'unspecified';
export type Enum_event_operation = 'add' | 'del' | 'mod';
export type Enum_host_allowed_operations =
  | 'provision'
  | 'evacuate'
  | 'shutdown'
  | 'reboot'
  | 'power_on'
  | 'vm_start'
  | 'vm_resume'
  | 'vm_migrate'
  | 'apply_updates'
  | 'enable';
export type Enum_host_display = 'enabled' | 'disable_on_reboot' | 'disabled' | 'enable_on_reboot';
export type Enum_host_numa_affinity_policy = 'any' | 'best_effort' | 'default_policy';
export type Enum_host_sched_gran = 'core' | 'cpu' | 'socket';
export type Enum_latest_synced_updates_applied_state = 'yes' | 'no' | 'unknown';
export type Enum_network_default_locking_mode = 'unlocked' | 'disabled';
export type Enum_network_operations = 'attaching';
export type Enum_network_purpose = 'nbd' | 'insecure_nbd';
export type Enum_on_boot = 'reset' | 'persist';
export type Enum_on_crash_behaviour =
  | 'destroy'
  | 'coredump_and_destroy'
  | 'restart'
  | 'coredump_and_restart'
  | 'preserve'
  | 'rename_restart';
export type Enum_on_normal_exit = 'destroy' | 'restart';
export type Enum_on_softreboot_behavior = 'soft_reboot' | 'destroy' | 'restart' | 'preserve';
export type Enum_pool_allowed_operations =
  | 'ha_enable'
  | 'ha_disable'
  | 'cluster_create'
  | 'designate_new_master'
  | 'configure_repositories'
  | 'sync_updates'
  | 'get_updates'
  | 'apply_updates'
  | 'tls_verification_enable'
  | 'cert_refresh'
  | 'exchange_certificates_on_join'
  | 'exchange_ca_certificates_on_join'
  | 'copy_primary_host_certs'
  | 'eject';
export type Enum_storage_operations =
  | 'scan'
  | 'destroy'
  | 'forget'
  | 'plug'
  | 'unplug'
  | 'update'
  | 'vdi_create'
  | 'vdi_introduce'
  | 'vdi_destroy'
  | 'vdi_resize'
  | 'vdi_clone'
  | 'vdi_snapshot'
  | 'vdi_mirror'
  | 'vdi_enable_cbt'
  | 'vdi_disable_cbt'
  | 'vdi_data_destroy'
  | 'vdi_list_changed_blocks'
  | 'vdi_set_on_boot'
  | 'pbd_create'
  | 'pbd_destroy';
export type Enum_task_allowed_operations = 'cancel' | 'destroy';
export type Enum_task_status_type = 'pending' | 'success' | 'failure' | 'cancelling' | 'cancelled';
export type Enum_telemetry_frequency = 'daily' | 'weekly' | 'monthly';
export type Enum_tristate_type = 'yes' | 'no' | 'unspecified';
export type Enum_update_guidances =
  | 'reboot_host'
  | 'reboot_host_on_livepatch_failure'
  | 'reboot_host_on_kernel_livepatch_failure'
  | 'reboot_host_on_xen_livepatch_failure'
  | 'restart_toolstack'
  | 'restart_device_model'
  | 'restart_vm';
export type Enum_update_sync_frequency = 'daily' | 'weekly';
export type Enum_vbd_mode = 'RO' | 'RW';
export type Enum_vbd_operations =
  | 'attach'
  | 'eject'
  | 'insert'
  | 'plug'
  | 'unplug'
  | 'unplug_force'
  | 'pause'
  | 'unpause';
export type Enum_vbd_type = 'CD' | 'Disk' | 'Floppy';
export type Enum_vdi_operations =
  | 'clone'
  | 'copy'
  | 'resize'
  | 'resize_online'
  | 'snapshot'
  | 'mirror'
  | 'destroy'
  | 'forget'
  | 'update'
  | 'force_unlock'
  | 'generate_config'
  | 'enable_cbt'
  | 'disable_cbt'
  | 'data_destroy'
  | 'list_changed_blocks'
  | 'set_on_boot'
  | 'blocked';
export type Enum_vdi_type =
  | 'system'
  | 'user'
  | 'ephemeral'
  | 'suspend'
  | 'crashdump'
  | 'ha_statefile'
  | 'metadata'
  | 'redo_log'
  | 'rrd'
  | 'pvs_cache'
  | 'cbt_metadata';
export type Enum_vif_ipv4_configuration_mode = 'None' | 'Static';
export type Enum_vif_ipv6_configuration_mode = 'None' | 'Static';
export type Enum_vif_locking_mode = 'network_default' | 'locked' | 'unlocked' | 'disabled';
export type Enum_vif_operations = 'attach' | 'plug' | 'unplug';
export type Enum_vm_operations =
  | 'snapshot'
  | 'clone'
  | 'copy'
  | 'create_template'
  | 'revert'
  | 'checkpoint'
  | 'snapshot_with_quiesce'
  | 'provision'
  | 'start'
  | 'start_on'
  | 'pause'
  | 'unpause'
  | 'clean_shutdown'
  | 'clean_reboot'
  | 'hard_shutdown'
  | 'power_state_reset'
  | 'hard_reboot'
  | 'suspend'
  | 'csvm'
  | 'resume'
  | 'resume_on'
  | 'pool_migrate'
  | 'migrate_send'
  | 'get_boot_record'
  | 'send_sysrq'
  | 'send_trigger'
  | 'query_services'
  | 'shutdown'
  | 'call_plugin'
  | 'changing_memory_live'
  | 'awaiting_memory_live'
  | 'changing_dynamic_range'
  | 'changing_static_range'
  | 'changing_memory_limits'
  | 'changing_shadow_memory'
  | 'changing_shadow_memory_live'
  | 'changing_VCPUs'
  | 'changing_VCPUs_live'
  | 'changing_NVRAM'
  | 'assert_operation_valid'
  | 'data_source_op'
  | 'update_allowed_operations'
  | 'make_into_template'
  | 'import'
  | 'export'
  | 'metadata_export'
  | 'reverting'
  | 'destroy'
  | 'create_vtpm';
export type Enum_vm_power_state = 'Halted' | 'Paused' | 'Running' | 'Suspended';

export interface SessionRecord {
  readonly uuid: string;
  readonly this_host: Ref<'host'>;
  readonly this_user: Ref<'user'>;
  readonly last_active: string;
  readonly pool: boolean;
  readonly other_config: Record<string, string>;
  readonly is_local_superuser: boolean;
  readonly subject: Ref<'subject'>;
  readonly validation_time: string;
  readonly auth_user_sid: string;
  readonly auth_user_name: string;
  readonly rbac_permissions: string[];
  readonly tasks: Ref<'task'>[];
  readonly parent: Ref<'session'>;
  readonly originator: string;
  readonly client_certificate: boolean;
}

export interface TaskRecord {
  readonly uuid: string;
  readonly name_label: string;
  readonly name_description: string;
  readonly allowed_operations: Enum_task_allowed_operations[];
  readonly current_operations: Record<string, Enum_task_allowed_operations>;
  readonly created: string;
  readonly finished: string;
  readonly status: Enum_task_status_type;
  readonly resident_on: Ref<'host'>;
  readonly progress: number;
  readonly type: string;
  readonly result: string;
  readonly error_info: string[];
  readonly other_config: Record<string, string>;
  readonly subtask_of: Ref<'task'>;
  readonly subtasks: Ref<'task'>[];
  readonly backtrace: string;
}

export interface EventRecord {
  readonly snapshot: unknown;
  readonly id: number;
  readonly timestamp: string;
  readonly class: string;
  readonly operation: Enum_event_operation;
  readonly ref: string;
  readonly obj_uuid: string;
}

export interface PoolRecord {
  readonly uuid: string;
  readonly name_label: string;
  readonly name_description: string;
  readonly master: Ref<'host'>;
  readonly default_SR: Ref<'SR'>;
  readonly suspend_image_SR: Ref<'SR'>;
  readonly crash_dump_SR: Ref<'SR'>;
  readonly other_config: Record<string, string>;
  readonly ha_enabled: boolean;
  readonly ha_configuration: Record<string, string>;
  readonly ha_statefiles: string[];
  readonly ha_host_failures_to_tolerate: number;
  readonly ha_plan_exists_for: number;
  readonly ha_allow_overcommit: boolean;
  readonly ha_overcommitted: boolean;
  readonly blobs: Record<string, Ref<'blob'>>;
  readonly tags: string[];
  readonly gui_config: Record<string, string>;
  readonly health_check_config: Record<string, string>;
  readonly wlb_url: string;
  readonly wlb_username: string;
  readonly wlb_enabled: boolean;
  readonly wlb_verify_cert: boolean;
  readonly redo_log_enabled: boolean;
  readonly redo_log_vdi: Ref<'VDI'>;
  readonly vswitch_controller: string;
  readonly restrictions: Record<string, string>;
  readonly metadata_VDIs: Ref<'VDI'>[];
  readonly ha_cluster_stack: string;
  readonly allowed_operations: Enum_pool_allowed_operations[];
  readonly current_operations: Record<string, Enum_pool_allowed_operations>;
  readonly guest_agent_config: Record<string, string>;
  readonly cpu_info: Record<string, string>;
  readonly policy_no_vendor_device: boolean;
  readonly live_patching_disabled: boolean;
  readonly igmp_snooping_enabled: boolean;
  readonly uefi_certificates: string;
  readonly custom_uefi_certificates: string;
  readonly is_psr_pending: boolean;
  readonly tls_verification_enabled: boolean;
  readonly repositories: Ref<'Repository'>[];
  readonly client_certificate_auth_enabled: boolean;
  readonly client_certificate_auth_name: string;
  readonly repository_proxy_url: string;
  readonly repository_proxy_username: string;
  readonly repository_proxy_password: Ref<'secret'>;
  readonly migration_compression: boolean;
  readonly coordinator_bias: boolean;
  readonly local_auth_max_threads: number;
  readonly ext_auth_max_threads: number;
  readonly telemetry_uuid: Ref<'secret'>;
  readonly telemetry_frequency: Enum_telemetry_frequency;
  readonly telemetry_next_collection: string;
  readonly last_update_sync: string;
  readonly update_sync_frequency: Enum_update_sync_frequency;
  readonly update_sync_day: number;
  readonly update_sync_enabled: boolean;
}

export interface HostRecord {
  readonly uuid: string;
  readonly name_label: string;
  readonly name_description: string;
  readonly memory_overhead: number;
  readonly allowed_operations: Enum_host_allowed_operations[];
  readonly current_operations: Record<string, Enum_host_allowed_operations>;
  readonly API_version_major: number;
  readonly API_version_minor: number;
  readonly API_version_vendor: string;
  readonly API_version_vendor_implementation: Record<string, string>;
  readonly enabled: boolean;
  readonly software_version: Record<string, string>;
  readonly other_config: Record<string, string>;
  readonly capabilities: string[];
  readonly cpu_configuration: Record<string, string>;
  readonly sched_policy: string;
  readonly supported_bootloaders: string[];
  readonly resident_VMs: Ref<'VM'>[];
  readonly logging: Record<string, string>;
  readonly PIFs: Ref<'PIF'>[];
  readonly suspend_image_sr: Ref<'SR'>;
  readonly crash_dump_sr: Ref<'SR'>;
  readonly crashdumps: Ref<'host_crashdump'>[];
  readonly patches: Ref<'host_patch'>[];
  readonly updates: Ref<'pool_update'>[];
  readonly PBDs: Ref<'PBD'>[];
  readonly host_CPUs: Ref<'host_cpu'>[];
  readonly cpu_info: Record<string, string>;
  readonly hostname: string;
  readonly address: string;
  readonly metrics: Ref<'host_metrics'>;
  readonly license_params: Record<string, string>;
  readonly ha_statefiles: string[];
  readonly ha_network_peers: string[];
  readonly blobs: Record<string, Ref<'blob'>>;
  readonly tags: string[];
  readonly external_auth_type: string;
  readonly external_auth_service_name: string;
  readonly external_auth_configuration: Record<string, string>;
  readonly edition: string;
  readonly license_server: Record<string, string>;
  readonly bios_strings: Record<string, string>;
  readonly power_on_mode: string;
  readonly power_on_config: Record<string, string>;
  readonly local_cache_sr: Ref<'SR'>;
  readonly chipset_info: Record<string, string>;
  readonly PCIs: Ref<'PCI'>[];
  readonly PGPUs: Ref<'PGPU'>[];
  readonly PUSBs: Ref<'PUSB'>[];
  readonly ssl_legacy: boolean;
  readonly guest_VCPUs_params: Record<string, string>;
  readonly display: Enum_host_display;
  readonly virtual_hardware_platform_versions: number[];
  readonly control_domain: Ref<'VM'>;
  readonly updates_requiring_reboot: Ref<'pool_update'>[];
  readonly features: Ref<'Feature'>[];
  readonly iscsi_iqn: string;
  readonly multipathing: boolean;
  readonly uefi_certificates: string;
  readonly certificates: Ref<'Certificate'>[];
  readonly editions: string[];
  readonly pending_guidances: Enum_update_guidances[];
  readonly tls_verification_enabled: boolean;
  readonly last_software_update: string;
  readonly https_only: boolean;
  readonly latest_synced_updates_applied: Enum_latest_synced_updates_applied_state;
  readonly numa_affinity_policy: Enum_host_numa_affinity_policy;
  readonly pending_guidances_recommended: Enum_update_guidances[];
  readonly pending_guidances_full: Enum_update_guidances[];
  readonly last_update_hash: string;
}

export interface Host_metricsRecord {
  readonly uuid: string;
  readonly memory_total: number;
  readonly memory_free: number;
  readonly live: boolean;
  readonly last_updated: string;
  readonly other_config: Record<string, string>;
}

export interface VMRecord {
  readonly uuid: string;
  readonly allowed_operations: Enum_vm_operations[];
  readonly current_operations: Record<string, Enum_vm_operations>;
  readonly name_label: string;
  readonly name_description: string;
  readonly power_state: Enum_vm_power_state;
  readonly user_version: number;
  readonly is_a_template: boolean;
  readonly is_default_template: boolean;
  readonly suspend_VDI: Ref<'VDI'>;
  readonly resident_on: Ref<'host'>;
  readonly scheduled_to_be_resident_on: Ref<'host'>;
  readonly affinity: Ref<'host'>;
  readonly memory_overhead: number;
  readonly memory_target: number;
  readonly memory_static_max: number;
  readonly memory_dynamic_max: number;
  readonly memory_dynamic_min: number;
  readonly memory_static_min: number;
  readonly VCPUs_params: Record<string, string>;
  readonly VCPUs_max: number;
  readonly VCPUs_at_startup: number;
  readonly actions_after_softreboot: Enum_on_softreboot_behavior;
  readonly actions_after_shutdown: Enum_on_normal_exit;
  readonly actions_after_reboot: Enum_on_normal_exit;
  readonly actions_after_crash: Enum_on_crash_behaviour;
  readonly consoles: Ref<'console'>[];
  readonly VIFs: Ref<'VIF'>[];
  readonly VBDs: Ref<'VBD'>[];
  readonly VUSBs: Ref<'VUSB'>[];
  readonly crash_dumps: Ref<'crashdump'>[];
  readonly VTPMs: Ref<'VTPM'>[];
  readonly PV_bootloader: string;
  readonly PV_kernel: string;
  readonly PV_ramdisk: string;
  readonly PV_args: string;
  readonly PV_bootloader_args: string;
  readonly PV_legacy_args: string;
  readonly HVM_boot_policy: string;
  readonly HVM_boot_params: Record<string, string>;
  readonly HVM_shadow_multiplier: number;
  readonly platform: Record<string, string>;
  readonly PCI_bus: string;
  readonly other_config: Record<string, string>;
  readonly domid: number;
  readonly domarch: string;
  readonly last_boot_CPU_flags: Record<string, string>;
  readonly is_control_domain: boolean;
  readonly metrics: Ref<'VM_metrics'>;
  readonly guest_metrics: Ref<'VM_guest_metrics'>;
  readonly last_booted_record: string;
  readonly recommendations: string;
  readonly xenstore_data: Record<string, string>;
  readonly ha_always_run: boolean;
  readonly ha_restart_priority: string;
  readonly is_a_snapshot: boolean;
  readonly snapshot_of: Ref<'VM'>;
  readonly snapshots: Ref<'VM'>[];
  readonly snapshot_time: string;
  readonly transportable_snapshot_id: string;
  readonly blobs: Record<string, Ref<'blob'>>;
  readonly tags: string[];
  readonly blocked_operations: Record<string, string>;
  readonly snapshot_info: Record<string, string>;
  readonly snapshot_metadata: string;
  readonly parent: Ref<'VM'>;
  readonly children: Ref<'VM'>[];
  readonly bios_strings: Record<string, string>;
  readonly protection_policy: Ref<'VMPP'>;
  readonly is_snapshot_from_vmpp: boolean;
  readonly snapshot_schedule: Ref<'VMSS'>;
  readonly is_vmss_snapshot: boolean;
  readonly appliance: Ref<'VM_appliance'>;
  readonly start_delay: number;
  readonly shutdown_delay: number;
  readonly order: number;
  readonly VGPUs: Ref<'VGPU'>[];
  readonly attached_PCIs: Ref<'PCI'>[];
  readonly suspend_SR: Ref<'SR'>;
  readonly version: number;
  readonly generation_id: string;
  readonly hardware_platform_version: number;
  readonly has_vendor_device: boolean;
  readonly requires_reboot: boolean;
  readonly reference_label: string;
  readonly domain_type: Enum_domain_type;
  readonly NVRAM: Record<string, string>;
  readonly pending_guidances: Enum_update_guidances[];
  readonly pending_guidances_recommended: Enum_update_guidances[];
  readonly pending_guidances_full: Enum_update_guidances[];
}

export interface VMCreateArgs {
  readonly name_label?: string;
  readonly name_description?: string;
  readonly power_state?: Enum_vm_power_state;
  readonly user_version: number;
  readonly is_a_template: boolean;
  readonly suspend_VDI?: Ref<'VDI'>;
  readonly affinity: Ref<'host'>;
  readonly memory_target?: number;
  readonly memory_static_max: number;
  readonly memory_dynamic_max: number;
  readonly memory_dynamic_min: number;
  readonly memory_static_min: number;
  readonly VCPUs_params: Record<string, string>;
  readonly VCPUs_max: number;
  readonly VCPUs_at_startup: number;
  readonly actions_after_softreboot?: Enum_on_softreboot_behavior;
  readonly actions_after_shutdown: Enum_on_normal_exit;
  readonly actions_after_reboot: Enum_on_normal_exit;
  readonly actions_after_crash: Enum_on_crash_behaviour;
  readonly PV_bootloader: string;
  readonly PV_kernel: string;
  readonly PV_ramdisk: string;
  readonly PV_args: string;
  readonly PV_bootloader_args: string;
  readonly PV_legacy_args: string;
  readonly HVM_boot_policy: string;
  readonly HVM_boot_params: Record<string, string>;
  readonly HVM_shadow_multiplier?: number;
  readonly platform: Record<string, string>;
  readonly PCI_bus: string;
  readonly other_config: Record<string, string>;
  readonly last_boot_CPU_flags?: Record<string, string>;
  readonly last_booted_record?: string;
  readonly recommendations: string;
  readonly xenstore_data?: Record<string, string>;
  readonly ha_always_run?: boolean;
  readonly ha_restart_priority?: string;
  readonly tags?: string[];
  readonly blocked_operations?: Record<string, string>;
  readonly protection_policy?: Ref<'VMPP'>;
  readonly is_snapshot_from_vmpp?: boolean;
  readonly snapshot_schedule?: Ref<'VMSS'>;
  readonly is_vmss_snapshot?: boolean;
  readonly appliance?: Ref<'VM_appliance'>;
  readonly start_delay?: number;
  readonly shutdown_delay?: number;
  readonly order?: number;
  readonly suspend_SR?: Ref<'SR'>;
  readonly version?: number;
  readonly generation_id?: string;
  readonly hardware_platform_version?: number;
  readonly has_vendor_device?: boolean;
  readonly reference_label?: string;
  readonly domain_type?: Enum_domain_type;
  readonly NVRAM?: Record<string, string>;
}

export interface VM_metricsRecord {
  readonly uuid: string;
  readonly memory_actual: number;
  readonly VCPUs_number: number;
  readonly VCPUs_utilisation: Record<string, number>;
  readonly VCPUs_CPU: Record<string, number>;
  readonly VCPUs_params: Record<string, string>;
  readonly VCPUs_flags: Record<string, string[]>;
  readonly state: string[];
  readonly start_time: string;
  readonly install_time: string;
  readonly last_updated: string;
  readonly other_config: Record<string, string>;
  readonly hvm: boolean;
  readonly nested_virt: boolean;
  readonly nomigrate: boolean;
  readonly current_domain_type: Enum_domain_type;
}

export interface VM_guest_metricsRecord {
  readonly uuid: string;
  readonly os_version: Record<string, string>;
  readonly PV_drivers_version: Record<string, string>;
  readonly PV_drivers_up_to_date: boolean;
  readonly memory: Record<string, string>;
  readonly disks: Record<string, string>;
  readonly networks: Record<string, string>;
  readonly other: Record<string, string>;
  readonly last_updated: string;
  readonly other_config: Record<string, string>;
  readonly live: boolean;
  readonly can_use_hotplug_vbd: Enum_tristate_type;
  readonly can_use_hotplug_vif: Enum_tristate_type;
  readonly PV_drivers_detected: boolean;
  readonly services?: Record<string, string>; // since 25.15.0
}

export interface VDIRecord {
  readonly uuid: string;
  readonly name_label: string;
  readonly name_description: string;
  readonly allowed_operations: Enum_vdi_operations[];
  readonly current_operations: Record<string, Enum_vdi_operations>;
  readonly SR: Ref<'SR'>;
  readonly VBDs: Ref<'VBD'>[];
  readonly crash_dumps: Ref<'crashdump'>[];
  readonly virtual_size: number;
  readonly physical_utilisation: number;
  readonly type: Enum_vdi_type;
  readonly sharable: boolean;
  readonly read_only: boolean;
  readonly other_config: Record<string, string>;
  readonly storage_lock: boolean;
  readonly location: string;
  readonly managed: boolean;
  readonly missing: boolean;
  readonly parent: Ref<'VDI'>;
  readonly xenstore_data: Record<string, string>;
  readonly sm_config: Record<string, string>;
  readonly is_a_snapshot: boolean;
  readonly snapshot_of: Ref<'VDI'>;
  readonly snapshots: Ref<'VDI'>[];
  readonly snapshot_time: string;
  readonly tags: string[];
  readonly allow_caching: boolean;
  readonly on_boot: Enum_on_boot;
  readonly metadata_of_pool: Ref<'pool'>;
  readonly metadata_latest: boolean;
  readonly is_tools_iso: boolean;
  readonly cbt_enabled: boolean;
}

export interface VDICreateArgs {
  readonly name_label?: string;
  readonly name_description?: string;
  readonly SR: Ref<'SR'>;
  readonly virtual_size: number;
  readonly type: Enum_vdi_type;
  readonly sharable: boolean;
  readonly read_only: boolean;
  readonly other_config: Record<string, string>;
  readonly xenstore_data?: Record<string, string>;
  readonly sm_config?: Record<string, string>;
  readonly tags?: string[];
}

export interface VBDRecord {
  readonly uuid: string;
  readonly allowed_operations: Enum_vbd_operations[];
  readonly current_operations: Record<string, Enum_vbd_operations>;
  readonly VM: Ref<'VM'>;
  readonly VDI: Ref<'VDI'>;
  readonly device: string;
  readonly userdevice: string;
  readonly bootable: boolean;
  readonly mode: Enum_vbd_mode;
  readonly type: Enum_vbd_type;
  readonly unpluggable: boolean;
  readonly storage_lock: boolean;
  readonly empty: boolean;
  readonly other_config: Record<string, string>;
  readonly currently_attached: boolean;
  readonly status_code: number;
  readonly status_detail: string;
  readonly runtime_properties: Record<string, string>;
  readonly qos_algorithm_type: string;
  readonly qos_algorithm_params: Record<string, string>;
  readonly qos_supported_algorithms: string[];
  readonly metrics: Ref<'VBD_metrics'>;
}

export interface VBDCreateArgs {
  readonly VM: Ref<'VM'>;
  readonly VDI: Ref<'VDI'>;
  readonly device?: string;
  readonly userdevice: string;
  readonly bootable: boolean;
  readonly mode: Enum_vbd_mode;
  readonly type: Enum_vbd_type;
  readonly unpluggable?: boolean;
  readonly empty: boolean;
  readonly other_config: Record<string, string>;
  readonly currently_attached?: boolean;
  readonly qos_algorithm_type: string;
  readonly qos_algorithm_params: Record<string, string>;
}

export interface VIFRecord {
  readonly uuid: string;
  readonly allowed_operations: Enum_vif_operations[];
  readonly current_operations: Record<string, Enum_vif_operations>;
  readonly device: string;
  readonly network: Ref<'network'>;
  readonly VM: Ref<'VM'>;
  readonly MAC: string;
  readonly MTU: number;
  readonly other_config: Record<string, string>;
  readonly currently_attached: boolean;
  readonly status_code: number;
  readonly status_detail: string;
  readonly runtime_properties: Record<string, string>;
  readonly qos_algorithm_type: string;
  readonly qos_algorithm_params: Record<string, string>;
  readonly qos_supported_algorithms: string[];
  readonly metrics: Ref<'VIF_metrics'>;
  readonly MAC_autogenerated: boolean;
  readonly locking_mode: Enum_vif_locking_mode;
  readonly ipv4_allowed: string[];
  readonly ipv6_allowed: string[];
  readonly ipv4_configuration_mode: Enum_vif_ipv4_configuration_mode;
  readonly ipv4_addresses: string[];
  readonly ipv4_gateway: string;
  readonly ipv6_configuration_mode: Enum_vif_ipv6_configuration_mode;
  readonly ipv6_addresses: string[];
  readonly ipv6_gateway: string;
}

export interface VIFCreateArgs {
  readonly device: string;
  readonly network: Ref<'network'>;
  readonly VM: Ref<'VM'>;
  readonly MAC: string;
  readonly MTU: number;
  readonly other_config: Record<string, string>;
  readonly currently_attached?: boolean;
  readonly qos_algorithm_type: string;
  readonly qos_algorithm_params: Record<string, string>;
  readonly locking_mode?: Enum_vif_locking_mode;
  readonly ipv4_allowed?: string[];
  readonly ipv6_allowed?: string[];
}

export interface SRRecord {
  readonly uuid: string;
  readonly name_label: string;
  readonly name_description: string;
  readonly allowed_operations: Enum_storage_operations[];
  readonly current_operations: Record<string, Enum_storage_operations>;
  readonly VDIs: Ref<'VDI'>[];
  readonly PBDs: Ref<'PBD'>[];
  readonly virtual_allocation: number;
  readonly physical_utilisation: number;
  readonly physical_size: number;
  readonly type: string;
  readonly content_type: string;
  readonly shared: boolean;
  readonly other_config: Record<string, string>;
  readonly tags: string[];
  readonly sm_config: Record<string, string>;
  readonly blobs: Record<string, Ref<'blob'>>;
  readonly local_cache_enabled: boolean;
  readonly introduced_by: Ref<'DR_task'>;
  readonly clustered: boolean;
  readonly is_tools_sr: boolean;
}

export interface PBDRecord {
  readonly uuid: string;
  readonly host: Ref<'host'>;
  readonly SR: Ref<'SR'>;
  readonly device_config: Record<string, string>;
  readonly currently_attached: boolean;
  readonly other_config: Record<string, string>;
}

export interface PBDCreateArgs {
  readonly host: Ref<'host'>;
  readonly SR: Ref<'SR'>;
  readonly device_config: Record<string, string>;
  readonly other_config?: Record<string, string>;
}

export interface NetworkRecord {
  readonly uuid: string;
  readonly name_label: string;
  readonly name_description: string;
  readonly allowed_operations: Enum_network_operations[];
  readonly current_operations: Record<string, Enum_network_operations>;
  readonly VIFs: Ref<'VIF'>[];
  readonly PIFs: Ref<'PIF'>[];
  readonly MTU: number;
  readonly other_config: Record<string, string>;
  readonly bridge: string;
  readonly managed: boolean;
  readonly blobs: Record<string, Ref<'blob'>>;
  readonly tags: string[];
  readonly default_locking_mode: Enum_network_default_locking_mode;
  readonly assigned_ips: Record<string, string>;
  readonly purpose: Enum_network_purpose[];
}

export interface NetworkCreateArgs {
  readonly name_label?: string;
  readonly name_description?: string;
  readonly MTU?: number;
  readonly other_config: Record<string, string>;
  readonly bridge?: string;
  readonly managed?: boolean;
  readonly tags?: string[];
}

/** Every method of the classes above: arguments after the session, and the result. */
export interface XapiMethods {
  'session.logout_subject_identifier': (subject_identifier: string) => '';
  'session.get_all_subject_identifiers': () => string[];
  'session.local_logout': () => '';
  'session.create_from_db_file': (filename: string) => Ref<'session'>;
  'session.slave_local_login_with_password': (uname: string, pwd: string) => Ref<'session'>;
  'session.change_password': (old_pwd: string, new_pwd: string) => '';
  'session.logout': () => '';
  'session.login_with_password': (uname: string, pwd: string, version: string, originator: string) => Ref<'session'>;
  'session.remove_from_other_config': (self: Ref<'session'>, key: string) => '';
  'session.add_to_other_config': (self: Ref<'session'>, key: string, value: string) => '';
  'session.set_other_config': (self: Ref<'session'>, value: Record<string, string>) => '';
  'session.get_client_certificate': (self: Ref<'session'>) => boolean;
  'session.get_originator': (self: Ref<'session'>) => string;
  'session.get_parent': (self: Ref<'session'>) => Ref<'session'>;
  'session.get_tasks': (self: Ref<'session'>) => Ref<'task'>[];
  'session.get_rbac_permissions': (self: Ref<'session'>) => string[];
  'session.get_auth_user_name': (self: Ref<'session'>) => string;
  'session.get_auth_user_sid': (self: Ref<'session'>) => string;
  'session.get_validation_time': (self: Ref<'session'>) => string;
  'session.get_subject': (self: Ref<'session'>) => Ref<'subject'>;
  'session.get_is_local_superuser': (self: Ref<'session'>) => boolean;
  'session.get_other_config': (self: Ref<'session'>) => Record<string, string>;
  'session.get_pool': (self: Ref<'session'>) => boolean;
  'session.get_last_active': (self: Ref<'session'>) => string;
  'session.get_this_user': (self: Ref<'session'>) => Ref<'user'>;
  'session.get_this_host': (self: Ref<'session'>) => Ref<'host'>;
  'session.get_uuid': (self: Ref<'session'>) => string;
  'session.get_by_uuid': (uuid: string) => Ref<'session'>;
  'session.get_record': (self: Ref<'session'>) => SessionRecord;
  'task.get_all_records': () => Record<string, TaskRecord>;
  'task.get_all': () => Ref<'task'>[];
  'task.set_error_info': (self: Ref<'task'>, value: string[]) => '';
  'task.set_result': (self: Ref<'task'>, value: string) => '';
  'task.set_progress': (self: Ref<'task'>, value: number) => '';
  'task.set_status': (self: Ref<'task'>, value: Enum_task_status_type) => '';
  'task.cancel': (task: Ref<'task'>) => '';
  'task.destroy': (self: Ref<'task'>) => '';
  'task.create': (label: string, description: string) => Ref<'task'>;
  'task.remove_from_other_config': (self: Ref<'task'>, key: string) => '';
  'task.add_to_other_config': (self: Ref<'task'>, key: string, value: string) => '';
  'task.set_other_config': (self: Ref<'task'>, value: Record<string, string>) => '';
  'task.get_backtrace': (self: Ref<'task'>) => string;
  'task.get_subtasks': (self: Ref<'task'>) => Ref<'task'>[];
  'task.get_subtask_of': (self: Ref<'task'>) => Ref<'task'>;
  'task.get_other_config': (self: Ref<'task'>) => Record<string, string>;
  'task.get_error_info': (self: Ref<'task'>) => string[];
  'task.get_result': (self: Ref<'task'>) => string;
  'task.get_type': (self: Ref<'task'>) => string;
  'task.get_progress': (self: Ref<'task'>) => number;
  'task.get_resident_on': (self: Ref<'task'>) => Ref<'host'>;
  'task.get_status': (self: Ref<'task'>) => Enum_task_status_type;
  'task.get_finished': (self: Ref<'task'>) => string;
  'task.get_created': (self: Ref<'task'>) => string;
  'task.get_current_operations': (self: Ref<'task'>) => Record<string, Enum_task_allowed_operations>;
  'task.get_allowed_operations': (self: Ref<'task'>) => Enum_task_allowed_operations[];
  'task.get_name_description': (self: Ref<'task'>) => string;
  'task.get_name_label': (self: Ref<'task'>) => string;
  'task.get_uuid': (self: Ref<'task'>) => string;
  'task.get_by_name_label': (label: string) => Ref<'task'>[];
  'task.get_by_uuid': (uuid: string) => Ref<'task'>;
  'task.get_record': (self: Ref<'task'>) => TaskRecord;
  'event.inject': (class_: string, ref: string) => string;
  'event.get_current_id': () => number;
  'event.from': (classes: string[], token: string, timeout: number) => EventBatch;
  'event.next': () => EventRecord[];
  'event.unregister': (classes: string[]) => '';
  'event.register': (classes: string[]) => '';
  'pool.get_all_records': () => Record<string, PoolRecord>;
  'pool.get_all': () => Ref<'pool'>[];
  'pool.set_ext_auth_max_threads': (self: Ref<'pool'>, value: number) => '';
  'pool.set_local_auth_max_threads': (self: Ref<'pool'>, value: number) => '';
  'pool.set_update_sync_enabled': (self: Ref<'pool'>, value: boolean) => '';
  'pool.configure_update_sync': (
    self: Ref<'pool'>,
    update_sync_frequency: Enum_update_sync_frequency,
    update_sync_day: number,
  ) => '';
  'pool.reset_telemetry_uuid': (self: Ref<'pool'>) => '';
  'pool.set_telemetry_next_collection': (self: Ref<'pool'>, value: string) => '';
  'pool.set_https_only': (self: Ref<'pool'>, value: boolean) => '';
  'pool.set_custom_uefi_certificates': (self: Ref<'pool'>, value: string) => '';
  'pool.set_uefi_certificates': (self: Ref<'pool'>, value: string) => '';
  'pool.disable_repository_proxy': (self: Ref<'pool'>) => '';
  'pool.configure_repository_proxy': (self: Ref<'pool'>, url: string, username: string, password: string) => '';
  'pool.disable_client_certificate_auth': (self: Ref<'pool'>) => '';
  'pool.enable_client_certificate_auth': (self: Ref<'pool'>, name: string) => '';
  'pool.check_update_readiness': (self: Ref<'pool'>, requires_reboot: boolean) => string[][];
  'pool.sync_updates': (self: Ref<'pool'>, force: boolean, token: string, token_id: string) => string;
  'pool.remove_repository': (self: Ref<'pool'>, value: Ref<'Repository'>) => '';
  'pool.add_repository': (self: Ref<'pool'>, value: Ref<'Repository'>) => '';
  'pool.set_repositories': (self: Ref<'pool'>, value: Ref<'Repository'>[]) => '';
  'pool.rotate_secret': () => '';
  'pool.remove_from_guest_agent_config': (self: Ref<'pool'>, key: string) => '';
  'pool.add_to_guest_agent_config': (self: Ref<'pool'>, key: string, value: string) => '';
  'pool.has_extension': (self: Ref<'pool'>, name: string) => boolean;
  'pool.set_igmp_snooping_enabled': (self: Ref<'pool'>, value: boolean) => '';
  'pool.disable_ssl_legacy': (self: Ref<'pool'>) => '';
  'pool.enable_ssl_legacy': (self: Ref<'pool'>) => '';
  'pool.apply_edition': (self: Ref<'pool'>, edition: string) => '';
  'pool.get_license_state': (self: Ref<'pool'>) => Record<string, string>;
  'pool.disable_local_storage_caching': (self: Ref<'pool'>) => '';
  'pool.enable_local_storage_caching': (self: Ref<'pool'>) => '';
  'pool.test_archive_target': (self: Ref<'pool'>, config: Record<string, string>) => string;
  'pool.set_vswitch_controller': (address: string) => '';
  'pool.disable_redo_log': () => '';
  'pool.enable_redo_log': (sr: Ref<'SR'>) => '';
  'pool.enable_tls_verification': () => '';
  'pool.certificate_sync': () => '';
  'pool.crl_list': () => string[];
  'pool.crl_uninstall': (name: string) => '';
  'pool.crl_install': (name: string, cert: string) => '';
  'pool.uninstall_ca_certificate': (name: string) => '';
  'pool.install_ca_certificate': (name: string, cert: string) => '';
  'pool.certificate_list': () => string[];
  'pool.certificate_uninstall': (name: string) => '';
  'pool.certificate_install': (name: string, cert: string) => '';
  'pool.send_test_post': (host: string, port: number, body: string) => string;
  'pool.retrieve_wlb_recommendations': () => Record<string, string[]>;
  'pool.retrieve_wlb_configuration': () => Record<string, string>;
  'pool.send_wlb_configuration': (config: Record<string, string>) => '';
  'pool.deconfigure_wlb': () => '';
  'pool.initialize_wlb': (
    wlb_url: string,
    wlb_username: string,
    wlb_password: string,
    xenserver_username: string,
    xenserver_password: string,
  ) => '';
  'pool.detect_nonhomogeneous_external_auth': (pool: Ref<'pool'>) => '';
  'pool.disable_external_auth': (pool: Ref<'pool'>, config: Record<string, string>) => '';
  'pool.enable_external_auth': (
    pool: Ref<'pool'>,
    config: Record<string, string>,
    service_name: string,
    auth_type: string,
  ) => '';
  'pool.create_new_blob': (pool: Ref<'pool'>, name: string, mime_type: string, public_: boolean) => Ref<'blob'>;
  'pool.set_ha_host_failures_to_tolerate': (self: Ref<'pool'>, value: number) => '';
  'pool.ha_compute_vm_failover_plan': (failed_hosts: Ref<'host'>[], failed_vms: Ref<'VM'>[]) => Record<string, unknown>;
  'pool.ha_compute_hypothetical_max_host_failures_to_tolerate': (configuration: Record<string, string>) => number;
  'pool.ha_compute_max_host_failures_to_tolerate': () => number;
  'pool.ha_failover_plan_exists': (n: number) => boolean;
  'pool.ha_prevent_restarts_for': (seconds: number) => '';
  'pool.designate_new_master': (host: Ref<'host'>) => '';
  'pool.sync_database': () => '';
  'pool.disable_ha': () => '';
  'pool.enable_ha': (heartbeat_srs: Ref<'SR'>[], configuration: Record<string, string>) => '';
  'pool.create_VLAN_from_PIF': (pif: Ref<'PIF'>, network: Ref<'network'>, VLAN: number) => Ref<'PIF'>[];
  'pool.management_reconfigure': (network: Ref<'network'>) => '';
  'pool.create_VLAN': (device: string, network: Ref<'network'>, VLAN: number) => Ref<'PIF'>[];
  'pool.recover_slaves': () => Ref<'host'>[];
  'pool.emergency_reset_master': (master_address: string) => '';
  'pool.emergency_transition_to_master': () => '';
  'pool.eject': (host: Ref<'host'>) => '';
  'pool.join_force': (master_address: string, master_username: string, master_password: string) => '';
  'pool.join': (master_address: string, master_username: string, master_password: string) => '';
  'pool.set_coordinator_bias': (self: Ref<'pool'>, value: boolean) => '';
  'pool.set_migration_compression': (self: Ref<'pool'>, value: boolean) => '';
  'pool.set_is_psr_pending': (self: Ref<'pool'>, value: boolean) => '';
  'pool.set_live_patching_disabled': (self: Ref<'pool'>, value: boolean) => '';
  'pool.set_policy_no_vendor_device': (self: Ref<'pool'>, value: boolean) => '';
  'pool.set_wlb_verify_cert': (self: Ref<'pool'>, value: boolean) => '';
  'pool.set_wlb_enabled': (self: Ref<'pool'>, value: boolean) => '';
  'pool.remove_from_health_check_config': (self: Ref<'pool'>, key: string) => '';
  'pool.add_to_health_check_config': (self: Ref<'pool'>, key: string, value: string) => '';
  'pool.set_health_check_config': (self: Ref<'pool'>, value: Record<string, string>) => '';
  'pool.remove_from_gui_config': (self: Ref<'pool'>, key: string) => '';
  'pool.add_to_gui_config': (self: Ref<'pool'>, key: string, value: string) => '';
  'pool.set_gui_config': (self: Ref<'pool'>, value: Record<string, string>) => '';
  'pool.remove_tags': (self: Ref<'pool'>, value: string) => '';
  'pool.add_tags': (self: Ref<'pool'>, value: string) => '';
  'pool.set_tags': (self: Ref<'pool'>, value: string[]) => '';
  'pool.set_ha_allow_overcommit': (self: Ref<'pool'>, value: boolean) => '';
  'pool.remove_from_other_config': (self: Ref<'pool'>, key: string) => '';
  'pool.add_to_other_config': (self: Ref<'pool'>, key: string, value: string) => '';
  'pool.set_other_config': (self: Ref<'pool'>, value: Record<string, string>) => '';
  'pool.set_crash_dump_SR': (self: Ref<'pool'>, value: Ref<'SR'>) => '';
  'pool.set_suspend_image_SR': (self: Ref<'pool'>, value: Ref<'SR'>) => '';
  'pool.set_default_SR': (self: Ref<'pool'>, value: Ref<'SR'>) => '';
  'pool.set_name_description': (self: Ref<'pool'>, value: string) => '';
  'pool.set_name_label': (self: Ref<'pool'>, value: string) => '';
  'pool.get_update_sync_enabled': (self: Ref<'pool'>) => boolean;
  'pool.get_update_sync_day': (self: Ref<'pool'>) => number;
  'pool.get_update_sync_frequency': (self: Ref<'pool'>) => Enum_update_sync_frequency;
  'pool.get_last_update_sync': (self: Ref<'pool'>) => string;
  'pool.get_telemetry_next_collection': (self: Ref<'pool'>) => string;
  'pool.get_telemetry_frequency': (self: Ref<'pool'>) => Enum_telemetry_frequency;
  'pool.get_telemetry_uuid': (self: Ref<'pool'>) => Ref<'secret'>;
  'pool.get_ext_auth_max_threads': (self: Ref<'pool'>) => number;
  'pool.get_local_auth_max_threads': (self: Ref<'pool'>) => number;
  'pool.get_coordinator_bias': (self: Ref<'pool'>) => boolean;
  'pool.get_migration_compression': (self: Ref<'pool'>) => boolean;
  'pool.get_repository_proxy_password': (self: Ref<'pool'>) => Ref<'secret'>;
  'pool.get_repository_proxy_username': (self: Ref<'pool'>) => string;
  'pool.get_repository_proxy_url': (self: Ref<'pool'>) => string;
  'pool.get_client_certificate_auth_name': (self: Ref<'pool'>) => string;
  'pool.get_client_certificate_auth_enabled': (self: Ref<'pool'>) => boolean;
  'pool.get_repositories': (self: Ref<'pool'>) => Ref<'Repository'>[];
  'pool.get_tls_verification_enabled': (self: Ref<'pool'>) => boolean;
  'pool.get_is_psr_pending': (self: Ref<'pool'>) => boolean;
  'pool.get_custom_uefi_certificates': (self: Ref<'pool'>) => string;
  'pool.get_uefi_certificates': (self: Ref<'pool'>) => string;
  'pool.get_igmp_snooping_enabled': (self: Ref<'pool'>) => boolean;
  'pool.get_live_patching_disabled': (self: Ref<'pool'>) => boolean;
  'pool.get_policy_no_vendor_device': (self: Ref<'pool'>) => boolean;
  'pool.get_cpu_info': (self: Ref<'pool'>) => Record<string, string>;
  'pool.get_guest_agent_config': (self: Ref<'pool'>) => Record<string, string>;
  'pool.get_current_operations': (self: Ref<'pool'>) => Record<string, Enum_pool_allowed_operations>;
  'pool.get_allowed_operations': (self: Ref<'pool'>) => Enum_pool_allowed_operations[];
  'pool.get_ha_cluster_stack': (self: Ref<'pool'>) => string;
  'pool.get_metadata_VDIs': (self: Ref<'pool'>) => Ref<'VDI'>[];
  'pool.get_restrictions': (self: Ref<'pool'>) => Record<string, string>;
  'pool.get_vswitch_controller': (self: Ref<'pool'>) => string;
  'pool.get_redo_log_vdi': (self: Ref<'pool'>) => Ref<'VDI'>;
  'pool.get_redo_log_enabled': (self: Ref<'pool'>) => boolean;
  'pool.get_wlb_verify_cert': (self: Ref<'pool'>) => boolean;
  'pool.get_wlb_enabled': (self: Ref<'pool'>) => boolean;
  'pool.get_wlb_username': (self: Ref<'pool'>) => string;
  'pool.get_wlb_url': (self: Ref<'pool'>) => string;
  'pool.get_health_check_config': (self: Ref<'pool'>) => Record<string, string>;
  'pool.get_gui_config': (self: Ref<'pool'>) => Record<string, string>;
  'pool.get_tags': (self: Ref<'pool'>) => string[];
  'pool.get_blobs': (self: Ref<'pool'>) => Record<string, Ref<'blob'>>;
  'pool.get_ha_overcommitted': (self: Ref<'pool'>) => boolean;
  'pool.get_ha_allow_overcommit': (self: Ref<'pool'>) => boolean;
  'pool.get_ha_plan_exists_for': (self: Ref<'pool'>) => number;
  'pool.get_ha_host_failures_to_tolerate': (self: Ref<'pool'>) => number;
  'pool.get_ha_statefiles': (self: Ref<'pool'>) => string[];
  'pool.get_ha_configuration': (self: Ref<'pool'>) => Record<string, string>;
  'pool.get_ha_enabled': (self: Ref<'pool'>) => boolean;
  'pool.get_other_config': (self: Ref<'pool'>) => Record<string, string>;
  'pool.get_crash_dump_SR': (self: Ref<'pool'>) => Ref<'SR'>;
  'pool.get_suspend_image_SR': (self: Ref<'pool'>) => Ref<'SR'>;
  'pool.get_default_SR': (self: Ref<'pool'>) => Ref<'SR'>;
  'pool.get_master': (self: Ref<'pool'>) => Ref<'host'>;
  'pool.get_name_description': (self: Ref<'pool'>) => string;
  'pool.get_name_label': (self: Ref<'pool'>) => string;
  'pool.get_uuid': (self: Ref<'pool'>) => string;
  'pool.get_by_uuid': (uuid: string) => Ref<'pool'>;
  'pool.get_record': (self: Ref<'pool'>) => PoolRecord;
  'host.get_all_records': () => Record<string, HostRecord>;
  'host.get_all': () => Ref<'host'>[];
  'host.emergency_clear_mandatory_guidance': () => '';
  'host.apply_recommended_guidances': (self: Ref<'host'>) => '';
  'host.set_https_only': (self: Ref<'host'>, value: boolean) => '';
  'host.apply_updates': (self: Ref<'host'>, hash: string) => string[][];
  'host.emergency_reenable_tls_verification': () => '';
  'host.emergency_disable_tls_verification': () => '';
  'host.set_numa_affinity_policy': (self: Ref<'host'>, value: Enum_host_numa_affinity_policy) => '';
  'host.get_sched_gran': (self: Ref<'host'>) => Enum_host_sched_gran;
  'host.set_sched_gran': (self: Ref<'host'>, value: Enum_host_sched_gran) => '';
  'host.set_uefi_certificates': (host: Ref<'host'>, value: string) => '';
  'host.set_multipathing': (host: Ref<'host'>, value: boolean) => '';
  'host.set_iscsi_iqn': (host: Ref<'host'>, value: string) => '';
  'host.set_ssl_legacy': (self: Ref<'host'>, value: boolean) => '';
  'host.disable_display': (host: Ref<'host'>) => Enum_host_display;
  'host.enable_display': (host: Ref<'host'>) => Enum_host_display;
  'host.declare_dead': (host: Ref<'host'>) => '';
  'host.migrate_receive': (
    host: Ref<'host'>,
    network: Ref<'network'>,
    options: Record<string, string>,
  ) => Record<string, string>;
  'host.disable_local_storage_caching': (host: Ref<'host'>) => '';
  'host.enable_local_storage_caching': (host: Ref<'host'>, sr: Ref<'SR'>) => '';
  'host.reset_cpu_features': (host: Ref<'host'>) => '';
  'host.set_cpu_features': (host: Ref<'host'>, features: string) => '';
  'host.set_power_on_mode': (self: Ref<'host'>, power_on_mode: string, power_on_config: Record<string, string>) => '';
  'host.refresh_pack_info': (host: Ref<'host'>) => '';
  'host.apply_edition': (host: Ref<'host'>, edition: string, force: boolean) => '';
  'host.reset_server_certificate': (host: Ref<'host'>) => '';
  'host.emergency_reset_server_certificate': () => '';
  'host.install_server_certificate': (
    host: Ref<'host'>,
    certificate: string,
    private_key: string,
    certificate_chain: string,
  ) => '';
  'host.refresh_server_certificate': (host: Ref<'host'>) => '';
  'host.get_server_certificate': (host: Ref<'host'>) => string;
  'host.retrieve_wlb_evacuate_recommendations': (self: Ref<'host'>) => Record<string, string[]>;
  'host.disable_external_auth': (host: Ref<'host'>, config: Record<string, string>) => '';
  'host.enable_external_auth': (
    host: Ref<'host'>,
    config: Record<string, string>,
    service_name: string,
    auth_type: string,
  ) => '';
  'host.get_server_localtime': (host: Ref<'host'>) => string;
  'host.get_servertime': (host: Ref<'host'>) => string;
  'host.call_extension': (host: Ref<'host'>, call: string) => string;
  'host.has_extension': (host: Ref<'host'>, name: string) => boolean;
  'host.call_plugin': (host: Ref<'host'>, plugin: string, fn: string, args: Record<string, string>) => string;
  'host.create_new_blob': (host: Ref<'host'>, name: string, mime_type: string, public_: boolean) => Ref<'blob'>;
  'host.backup_rrds': (host: Ref<'host'>, delay: number) => '';
  'host.sync_data': (host: Ref<'host'>) => '';
  'host.compute_memory_overhead': (host: Ref<'host'>) => number;
  'host.compute_free_memory': (host: Ref<'host'>) => number;
  'host.set_hostname_live': (host: Ref<'host'>, hostname: string) => '';
  'host.shutdown_agent': () => '';
  'host.restart_agent': (host: Ref<'host'>) => '';
  'host.get_system_status_capabilities': (host: Ref<'host'>) => string;
  'host.get_management_interface': (host: Ref<'host'>) => Ref<'PIF'>;
  'host.management_disable': () => '';
  'host.local_management_reconfigure': (interface_: string) => '';
  'host.management_reconfigure': (pif: Ref<'PIF'>) => '';
  'host.syslog_reconfigure': (host: Ref<'host'>) => '';
  'host.evacuate': (host: Ref<'host'>, network: Ref<'network'>, evacuate_batch_size: number) => '';
  'host.get_uncooperative_resident_VMs': (self: Ref<'host'>) => Ref<'VM'>[];
  'host.get_vms_which_prevent_evacuation': (self: Ref<'host'>) => Record<string, string[]>;
  'host.assert_can_evacuate': (host: Ref<'host'>) => '';
  'host.forget_data_source_archives': (host: Ref<'host'>, data_source: string) => '';
  'host.query_data_source': (host: Ref<'host'>, data_source: string) => number;
  'host.record_data_source': (host: Ref<'host'>, data_source: string) => '';
  'host.get_data_sources': (host: Ref<'host'>) => Record<string, unknown>[];
  'host.emergency_ha_disable': (soft: boolean) => '';
  'host.power_on': (host: Ref<'host'>) => '';
  'host.destroy': (self: Ref<'host'>) => '';
  'host.license_remove': (host: Ref<'host'>) => '';
  'host.license_add': (host: Ref<'host'>, contents: string) => '';
  'host.license_apply': (host: Ref<'host'>, contents: string) => '';
  'host.list_methods': () => string[];
  'host.bugreport_upload': (host: Ref<'host'>, url: string, options: Record<string, string>) => '';
  'host.send_debug_keys': (host: Ref<'host'>, keys: string) => '';
  'host.get_log': (host: Ref<'host'>) => string;
  'host.dmesg_clear': (host: Ref<'host'>) => string;
  'host.dmesg': (host: Ref<'host'>) => string;
  'host.reboot': (host: Ref<'host'>) => '';
  'host.shutdown': (host: Ref<'host'>) => '';
  'host.enable': (host: Ref<'host'>) => '';
  'host.disable': (host: Ref<'host'>) => '';
  'host.set_display': (self: Ref<'host'>, value: Enum_host_display) => '';
  'host.remove_from_guest_VCPUs_params': (self: Ref<'host'>, key: string) => '';
  'host.add_to_guest_VCPUs_params': (self: Ref<'host'>, key: string, value: string) => '';
  'host.set_guest_VCPUs_params': (self: Ref<'host'>, value: Record<string, string>) => '';
  'host.remove_from_license_server': (self: Ref<'host'>, key: string) => '';
  'host.add_to_license_server': (self: Ref<'host'>, key: string, value: string) => '';
  'host.set_license_server': (self: Ref<'host'>, value: Record<string, string>) => '';
  'host.remove_tags': (self: Ref<'host'>, value: string) => '';
  'host.add_tags': (self: Ref<'host'>, value: string) => '';
  'host.set_tags': (self: Ref<'host'>, value: string[]) => '';
  'host.set_address': (self: Ref<'host'>, value: string) => '';
  'host.set_hostname': (self: Ref<'host'>, value: string) => '';
  'host.set_crash_dump_sr': (self: Ref<'host'>, value: Ref<'SR'>) => '';
  'host.set_suspend_image_sr': (self: Ref<'host'>, value: Ref<'SR'>) => '';
  'host.remove_from_logging': (self: Ref<'host'>, key: string) => '';
  'host.add_to_logging': (self: Ref<'host'>, key: string, value: string) => '';
  'host.set_logging': (self: Ref<'host'>, value: Record<string, string>) => '';
  'host.remove_from_other_config': (self: Ref<'host'>, key: string) => '';
  'host.add_to_other_config': (self: Ref<'host'>, key: string, value: string) => '';
  'host.set_other_config': (self: Ref<'host'>, value: Record<string, string>) => '';
  'host.set_name_description': (self: Ref<'host'>, value: string) => '';
  'host.set_name_label': (self: Ref<'host'>, value: string) => '';
  'host.get_last_update_hash': (self: Ref<'host'>) => string;
  'host.get_pending_guidances_full': (self: Ref<'host'>) => Enum_update_guidances[];
  'host.get_pending_guidances_recommended': (self: Ref<'host'>) => Enum_update_guidances[];
  'host.get_numa_affinity_policy': (self: Ref<'host'>) => Enum_host_numa_affinity_policy;
  'host.get_latest_synced_updates_applied': (self: Ref<'host'>) => Enum_latest_synced_updates_applied_state;
  'host.get_https_only': (self: Ref<'host'>) => boolean;
  'host.get_last_software_update': (self: Ref<'host'>) => string;
  'host.get_tls_verification_enabled': (self: Ref<'host'>) => boolean;
  'host.get_pending_guidances': (self: Ref<'host'>) => Enum_update_guidances[];
  'host.get_editions': (self: Ref<'host'>) => string[];
  'host.get_certificates': (self: Ref<'host'>) => Ref<'Certificate'>[];
  'host.get_uefi_certificates': (self: Ref<'host'>) => string;
  'host.get_multipathing': (self: Ref<'host'>) => boolean;
  'host.get_iscsi_iqn': (self: Ref<'host'>) => string;
  'host.get_features': (self: Ref<'host'>) => Ref<'Feature'>[];
  'host.get_updates_requiring_reboot': (self: Ref<'host'>) => Ref<'pool_update'>[];
  'host.get_control_domain': (self: Ref<'host'>) => Ref<'VM'>;
  'host.get_virtual_hardware_platform_versions': (self: Ref<'host'>) => number[];
  'host.get_display': (self: Ref<'host'>) => Enum_host_display;
  'host.get_guest_VCPUs_params': (self: Ref<'host'>) => Record<string, string>;
  'host.get_ssl_legacy': (self: Ref<'host'>) => boolean;
  'host.get_PUSBs': (self: Ref<'host'>) => Ref<'PUSB'>[];
  'host.get_PGPUs': (self: Ref<'host'>) => Ref<'PGPU'>[];
  'host.get_PCIs': (self: Ref<'host'>) => Ref<'PCI'>[];
  'host.get_chipset_info': (self: Ref<'host'>) => Record<string, string>;
  'host.get_local_cache_sr': (self: Ref<'host'>) => Ref<'SR'>;
  'host.get_power_on_config': (self: Ref<'host'>) => Record<string, string>;
  'host.get_power_on_mode': (self: Ref<'host'>) => string;
  'host.get_bios_strings': (self: Ref<'host'>) => Record<string, string>;
  'host.get_license_server': (self: Ref<'host'>) => Record<string, string>;
  'host.get_edition': (self: Ref<'host'>) => string;
  'host.get_external_auth_configuration': (self: Ref<'host'>) => Record<string, string>;
  'host.get_external_auth_service_name': (self: Ref<'host'>) => string;
  'host.get_external_auth_type': (self: Ref<'host'>) => string;
  'host.get_tags': (self: Ref<'host'>) => string[];
  'host.get_blobs': (self: Ref<'host'>) => Record<string, Ref<'blob'>>;
  'host.get_ha_network_peers': (self: Ref<'host'>) => string[];
  'host.get_ha_statefiles': (self: Ref<'host'>) => string[];
  'host.get_license_params': (self: Ref<'host'>) => Record<string, string>;
  'host.get_metrics': (self: Ref<'host'>) => Ref<'host_metrics'>;
  'host.get_address': (self: Ref<'host'>) => string;
  'host.get_hostname': (self: Ref<'host'>) => string;
  'host.get_cpu_info': (self: Ref<'host'>) => Record<string, string>;
  'host.get_host_CPUs': (self: Ref<'host'>) => Ref<'host_cpu'>[];
  'host.get_PBDs': (self: Ref<'host'>) => Ref<'PBD'>[];
  'host.get_updates': (self: Ref<'host'>) => Ref<'pool_update'>[];
  'host.get_patches': (self: Ref<'host'>) => Ref<'host_patch'>[];
  'host.get_crashdumps': (self: Ref<'host'>) => Ref<'host_crashdump'>[];
  'host.get_crash_dump_sr': (self: Ref<'host'>) => Ref<'SR'>;
  'host.get_suspend_image_sr': (self: Ref<'host'>) => Ref<'SR'>;
  'host.get_PIFs': (self: Ref<'host'>) => Ref<'PIF'>[];
  'host.get_logging': (self: Ref<'host'>) => Record<string, string>;
  'host.get_resident_VMs': (self: Ref<'host'>) => Ref<'VM'>[];
  'host.get_supported_bootloaders': (self: Ref<'host'>) => string[];
  'host.get_sched_policy': (self: Ref<'host'>) => string;
  'host.get_cpu_configuration': (self: Ref<'host'>) => Record<string, string>;
  'host.get_capabilities': (self: Ref<'host'>) => string[];
  'host.get_other_config': (self: Ref<'host'>) => Record<string, string>;
  'host.get_software_version': (self: Ref<'host'>) => Record<string, string>;
  'host.get_enabled': (self: Ref<'host'>) => boolean;
  'host.get_API_version_vendor_implementation': (self: Ref<'host'>) => Record<string, string>;
  'host.get_API_version_vendor': (self: Ref<'host'>) => string;
  'host.get_API_version_minor': (self: Ref<'host'>) => number;
  'host.get_API_version_major': (self: Ref<'host'>) => number;
  'host.get_current_operations': (self: Ref<'host'>) => Record<string, Enum_host_allowed_operations>;
  'host.get_allowed_operations': (self: Ref<'host'>) => Enum_host_allowed_operations[];
  'host.get_memory_overhead': (self: Ref<'host'>) => number;
  'host.get_name_description': (self: Ref<'host'>) => string;
  'host.get_name_label': (self: Ref<'host'>) => string;
  'host.get_uuid': (self: Ref<'host'>) => string;
  'host.get_by_name_label': (label: string) => Ref<'host'>[];
  'host.get_by_uuid': (uuid: string) => Ref<'host'>;
  'host.get_record': (self: Ref<'host'>) => HostRecord;
  'host_metrics.get_all_records': () => Record<string, Host_metricsRecord>;
  'host_metrics.get_all': () => Ref<'host_metrics'>[];
  'host_metrics.remove_from_other_config': (self: Ref<'host_metrics'>, key: string) => '';
  'host_metrics.add_to_other_config': (self: Ref<'host_metrics'>, key: string, value: string) => '';
  'host_metrics.set_other_config': (self: Ref<'host_metrics'>, value: Record<string, string>) => '';
  'host_metrics.get_other_config': (self: Ref<'host_metrics'>) => Record<string, string>;
  'host_metrics.get_last_updated': (self: Ref<'host_metrics'>) => string;
  'host_metrics.get_live': (self: Ref<'host_metrics'>) => boolean;
  'host_metrics.get_memory_free': (self: Ref<'host_metrics'>) => number;
  'host_metrics.get_memory_total': (self: Ref<'host_metrics'>) => number;
  'host_metrics.get_uuid': (self: Ref<'host_metrics'>) => string;
  'host_metrics.get_by_uuid': (uuid: string) => Ref<'host_metrics'>;
  'host_metrics.get_record': (self: Ref<'host_metrics'>) => Host_metricsRecord;
  'VM.get_all_records': () => Record<string, VMRecord>;
  'VM.get_all': () => Ref<'VM'>[];
  'VM.restart_device_models': (self: Ref<'VM'>) => '';
  'VM.set_HVM_boot_policy': (self: Ref<'VM'>, value: string) => '';
  'VM.set_domain_type': (self: Ref<'VM'>, value: Enum_domain_type) => '';
  'VM.set_actions_after_crash': (self: Ref<'VM'>, value: Enum_on_crash_behaviour) => '';
  'VM.import': (url: string, sr: Ref<'SR'>, full_restore: boolean, force: boolean) => Ref<'VM'>[];
  'VM.set_has_vendor_device': (self: Ref<'VM'>, value: boolean) => '';
  'VM.call_plugin': (vm: Ref<'VM'>, plugin: string, fn: string, args: Record<string, string>) => string;
  'VM.query_services': (self: Ref<'VM'>) => Record<string, string>;
  'VM.set_appliance': (self: Ref<'VM'>, value: Ref<'VM_appliance'>) => '';
  'VM.import_convert': (
    type: string,
    username: string,
    password: string,
    sr: Ref<'SR'>,
    remote_config: Record<string, string>,
  ) => '';
  'VM.recover': (self: Ref<'VM'>, session_to: Ref<'session'>, force: boolean) => '';
  'VM.get_SRs_required_for_recovery': (self: Ref<'VM'>, session_to: Ref<'session'>) => Ref<'SR'>[];
  'VM.assert_can_be_recovered': (self: Ref<'VM'>, session_to: Ref<'session'>) => '';
  'VM.set_suspend_VDI': (self: Ref<'VM'>, value: Ref<'VDI'>) => '';
  'VM.set_order': (self: Ref<'VM'>, value: number) => '';
  'VM.set_shutdown_delay': (self: Ref<'VM'>, value: number) => '';
  'VM.set_start_delay': (self: Ref<'VM'>, value: number) => '';
  'VM.set_snapshot_schedule': (self: Ref<'VM'>, value: Ref<'VMSS'>) => '';
  'VM.set_protection_policy': (self: Ref<'VM'>, value: Ref<'VMPP'>) => '';
  'VM.copy_bios_strings': (vm: Ref<'VM'>, host: Ref<'host'>) => '';
  'VM.set_bios_strings': (self: Ref<'VM'>, value: Record<string, string>) => '';
  'VM.retrieve_wlb_recommendations': (vm: Ref<'VM'>) => Record<string, string[]>;
  'VM.assert_agile': (self: Ref<'VM'>) => '';
  'VM.create_new_blob': (vm: Ref<'VM'>, name: string, mime_type: string, public_: boolean) => Ref<'blob'>;
  'VM.assert_can_boot_here': (self: Ref<'VM'>, host: Ref<'host'>) => '';
  'VM.get_possible_hosts': (vm: Ref<'VM'>) => Ref<'host'>[];
  'VM.get_allowed_VIF_devices': (vm: Ref<'VM'>) => string[];
  'VM.get_allowed_VBD_devices': (vm: Ref<'VM'>) => string[];
  'VM.update_allowed_operations': (self: Ref<'VM'>) => '';
  'VM.assert_operation_valid': (self: Ref<'VM'>, op: Enum_vm_operations) => '';
  'VM.forget_data_source_archives': (self: Ref<'VM'>, data_source: string) => '';
  'VM.query_data_source': (self: Ref<'VM'>, data_source: string) => number;
  'VM.record_data_source': (self: Ref<'VM'>, data_source: string) => '';
  'VM.get_data_sources': (self: Ref<'VM'>) => Record<string, unknown>[];
  'VM.get_boot_record': (self: Ref<'VM'>) => VMRecord;
  'VM.assert_can_migrate': (
    vm: Ref<'VM'>,
    dest: Record<string, string>,
    live: boolean,
    vdi_map: Record<string, Ref<'SR'>>,
    vif_map: Record<string, Ref<'network'>>,
    options: Record<string, string>,
    vgpu_map: Record<string, Ref<'GPU_group'>>,
  ) => '';
  'VM.migrate_send': (
    vm: Ref<'VM'>,
    dest: Record<string, string>,
    live: boolean,
    vdi_map: Record<string, Ref<'SR'>>,
    vif_map: Record<string, Ref<'network'>>,
    options: Record<string, string>,
    vgpu_map: Record<string, Ref<'GPU_group'>>,
  ) => Ref<'VM'>;
  'VM.maximise_memory': (self: Ref<'VM'>, total: number, approximate: boolean) => number;
  'VM.send_trigger': (vm: Ref<'VM'>, trigger: string) => '';
  'VM.send_sysrq': (vm: Ref<'VM'>, key: string) => '';
  'VM.set_VCPUs_at_startup': (self: Ref<'VM'>, value: number) => '';
  'VM.set_VCPUs_max': (self: Ref<'VM'>, value: number) => '';
  'VM.set_shadow_multiplier_live': (self: Ref<'VM'>, multiplier: number) => '';
  'VM.set_HVM_shadow_multiplier': (self: Ref<'VM'>, value: number) => '';
  'VM.get_cooperative': (self: Ref<'VM'>) => boolean;
  'VM.wait_memory_target_live': (self: Ref<'VM'>) => '';
  'VM.set_memory_target_live': (self: Ref<'VM'>, target: number) => '';
  'VM.set_memory': (self: Ref<'VM'>, value: number) => '';
  'VM.set_memory_limits': (
    self: Ref<'VM'>,
    static_min: number,
    static_max: number,
    dynamic_min: number,
    dynamic_max: number,
  ) => '';
  'VM.set_memory_static_range': (self: Ref<'VM'>, min: number, max: number) => '';
  'VM.set_memory_static_min': (self: Ref<'VM'>, value: number) => '';
  'VM.set_memory_static_max': (self: Ref<'VM'>, value: number) => '';
  'VM.set_memory_dynamic_range': (self: Ref<'VM'>, min: number, max: number) => '';
  'VM.set_memory_dynamic_min': (self: Ref<'VM'>, value: number) => '';
  'VM.set_memory_dynamic_max': (self: Ref<'VM'>, value: number) => '';
  'VM.compute_memory_overhead': (vm: Ref<'VM'>) => number;
  'VM.set_ha_always_run': (self: Ref<'VM'>, value: boolean) => '';
  'VM.set_ha_restart_priority': (self: Ref<'VM'>, value: string) => '';
  'VM.remove_from_NVRAM': (self: Ref<'VM'>, key: string) => '';
  'VM.add_to_NVRAM': (self: Ref<'VM'>, key: string, value: string) => '';
  'VM.set_NVRAM': (self: Ref<'VM'>, value: Record<string, string>) => '';
  'VM.add_to_VCPUs_params_live': (self: Ref<'VM'>, key: string, value: string) => '';
  'VM.set_VCPUs_number_live': (self: Ref<'VM'>, nvcpu: number) => '';
  'VM.pool_migrate': (vm: Ref<'VM'>, host: Ref<'host'>, options: Record<string, string>) => '';
  'VM.resume_on': (vm: Ref<'VM'>, host: Ref<'host'>, start_paused: boolean, force: boolean) => '';
  'VM.resume': (vm: Ref<'VM'>, start_paused: boolean, force: boolean) => '';
  'VM.suspend': (vm: Ref<'VM'>) => '';
  'VM.hard_reboot': (vm: Ref<'VM'>) => '';
  'VM.power_state_reset': (vm: Ref<'VM'>) => '';
  'VM.hard_shutdown': (vm: Ref<'VM'>) => '';
  'VM.clean_reboot': (vm: Ref<'VM'>) => '';
  'VM.shutdown': (vm: Ref<'VM'>) => '';
  'VM.clean_shutdown': (vm: Ref<'VM'>) => '';
  'VM.unpause': (vm: Ref<'VM'>) => '';
  'VM.pause': (vm: Ref<'VM'>) => '';
  'VM.start_on': (vm: Ref<'VM'>, host: Ref<'host'>, start_paused: boolean, force: boolean) => '';
  'VM.start': (vm: Ref<'VM'>, start_paused: boolean, force: boolean) => '';
  'VM.provision': (vm: Ref<'VM'>) => '';
  'VM.checkpoint': (vm: Ref<'VM'>, new_name: string) => Ref<'VM'>;
  'VM.revert': (snapshot: Ref<'VM'>) => '';
  'VM.copy': (vm: Ref<'VM'>, new_name: string, sr: Ref<'SR'>) => Ref<'VM'>;
  'VM.clone': (vm: Ref<'VM'>, new_name: string) => Ref<'VM'>;
  'VM.snapshot_with_quiesce': (vm: Ref<'VM'>, new_name: string) => Ref<'VM'>;
  'VM.snapshot': (vm: Ref<'VM'>, new_name: string, ignore_vdis: Ref<'VDI'>[]) => Ref<'VM'>;
  'VM.set_hardware_platform_version': (self: Ref<'VM'>, value: number) => '';
  'VM.set_suspend_SR': (self: Ref<'VM'>, value: Ref<'SR'>) => '';
  'VM.remove_from_blocked_operations': (self: Ref<'VM'>, key: Enum_vm_operations) => '';
  'VM.add_to_blocked_operations': (self: Ref<'VM'>, key: Enum_vm_operations, value: string) => '';
  'VM.set_blocked_operations': (self: Ref<'VM'>, value: Record<string, string>) => '';
  'VM.remove_tags': (self: Ref<'VM'>, value: string) => '';
  'VM.add_tags': (self: Ref<'VM'>, value: string) => '';
  'VM.set_tags': (self: Ref<'VM'>, value: string[]) => '';
  'VM.remove_from_xenstore_data': (self: Ref<'VM'>, key: string) => '';
  'VM.add_to_xenstore_data': (self: Ref<'VM'>, key: string, value: string) => '';
  'VM.set_xenstore_data': (self: Ref<'VM'>, value: Record<string, string>) => '';
  'VM.set_recommendations': (self: Ref<'VM'>, value: string) => '';
  'VM.remove_from_other_config': (self: Ref<'VM'>, key: string) => '';
  'VM.add_to_other_config': (self: Ref<'VM'>, key: string, value: string) => '';
  'VM.set_other_config': (self: Ref<'VM'>, value: Record<string, string>) => '';
  'VM.set_PCI_bus': (self: Ref<'VM'>, value: string) => '';
  'VM.remove_from_platform': (self: Ref<'VM'>, key: string) => '';
  'VM.add_to_platform': (self: Ref<'VM'>, key: string, value: string) => '';
  'VM.set_platform': (self: Ref<'VM'>, value: Record<string, string>) => '';
  'VM.remove_from_HVM_boot_params': (self: Ref<'VM'>, key: string) => '';
  'VM.add_to_HVM_boot_params': (self: Ref<'VM'>, key: string, value: string) => '';
  'VM.set_HVM_boot_params': (self: Ref<'VM'>, value: Record<string, string>) => '';
  'VM.set_PV_legacy_args': (self: Ref<'VM'>, value: string) => '';
  'VM.set_PV_bootloader_args': (self: Ref<'VM'>, value: string) => '';
  'VM.set_PV_args': (self: Ref<'VM'>, value: string) => '';
  'VM.set_PV_ramdisk': (self: Ref<'VM'>, value: string) => '';
  'VM.set_PV_kernel': (self: Ref<'VM'>, value: string) => '';
  'VM.set_PV_bootloader': (self: Ref<'VM'>, value: string) => '';
  'VM.set_actions_after_reboot': (self: Ref<'VM'>, value: Enum_on_normal_exit) => '';
  'VM.set_actions_after_shutdown': (self: Ref<'VM'>, value: Enum_on_normal_exit) => '';
  'VM.set_actions_after_softreboot': (self: Ref<'VM'>, value: Enum_on_softreboot_behavior) => '';
  'VM.remove_from_VCPUs_params': (self: Ref<'VM'>, key: string) => '';
  'VM.add_to_VCPUs_params': (self: Ref<'VM'>, key: string, value: string) => '';
  'VM.set_VCPUs_params': (self: Ref<'VM'>, value: Record<string, string>) => '';
  'VM.set_affinity': (self: Ref<'VM'>, value: Ref<'host'>) => '';
  'VM.set_is_a_template': (self: Ref<'VM'>, value: boolean) => '';
  'VM.set_user_version': (self: Ref<'VM'>, value: number) => '';
  'VM.set_name_description': (self: Ref<'VM'>, value: string) => '';
  'VM.set_name_label': (self: Ref<'VM'>, value: string) => '';
  'VM.get_pending_guidances_full': (self: Ref<'VM'>) => Enum_update_guidances[];
  'VM.get_pending_guidances_recommended': (self: Ref<'VM'>) => Enum_update_guidances[];
  'VM.get_pending_guidances': (self: Ref<'VM'>) => Enum_update_guidances[];
  'VM.get_NVRAM': (self: Ref<'VM'>) => Record<string, string>;
  'VM.get_domain_type': (self: Ref<'VM'>) => Enum_domain_type;
  'VM.get_reference_label': (self: Ref<'VM'>) => string;
  'VM.get_requires_reboot': (self: Ref<'VM'>) => boolean;
  'VM.get_has_vendor_device': (self: Ref<'VM'>) => boolean;
  'VM.get_hardware_platform_version': (self: Ref<'VM'>) => number;
  'VM.get_generation_id': (self: Ref<'VM'>) => string;
  'VM.get_version': (self: Ref<'VM'>) => number;
  'VM.get_suspend_SR': (self: Ref<'VM'>) => Ref<'SR'>;
  'VM.get_attached_PCIs': (self: Ref<'VM'>) => Ref<'PCI'>[];
  'VM.get_VGPUs': (self: Ref<'VM'>) => Ref<'VGPU'>[];
  'VM.get_order': (self: Ref<'VM'>) => number;
  'VM.get_shutdown_delay': (self: Ref<'VM'>) => number;
  'VM.get_start_delay': (self: Ref<'VM'>) => number;
  'VM.get_appliance': (self: Ref<'VM'>) => Ref<'VM_appliance'>;
  'VM.get_is_vmss_snapshot': (self: Ref<'VM'>) => boolean;
  'VM.get_snapshot_schedule': (self: Ref<'VM'>) => Ref<'VMSS'>;
  'VM.get_is_snapshot_from_vmpp': (self: Ref<'VM'>) => boolean;
  'VM.get_protection_policy': (self: Ref<'VM'>) => Ref<'VMPP'>;
  'VM.get_bios_strings': (self: Ref<'VM'>) => Record<string, string>;
  'VM.get_children': (self: Ref<'VM'>) => Ref<'VM'>[];
  'VM.get_parent': (self: Ref<'VM'>) => Ref<'VM'>;
  'VM.get_snapshot_metadata': (self: Ref<'VM'>) => string;
  'VM.get_snapshot_info': (self: Ref<'VM'>) => Record<string, string>;
  'VM.get_blocked_operations': (self: Ref<'VM'>) => Record<string, string>;
  'VM.get_tags': (self: Ref<'VM'>) => string[];
  'VM.get_blobs': (self: Ref<'VM'>) => Record<string, Ref<'blob'>>;
  'VM.get_transportable_snapshot_id': (self: Ref<'VM'>) => string;
  'VM.get_snapshot_time': (self: Ref<'VM'>) => string;
  'VM.get_snapshots': (self: Ref<'VM'>) => Ref<'VM'>[];
  'VM.get_snapshot_of': (self: Ref<'VM'>) => Ref<'VM'>;
  'VM.get_is_a_snapshot': (self: Ref<'VM'>) => boolean;
  'VM.get_ha_restart_priority': (self: Ref<'VM'>) => string;
  'VM.get_ha_always_run': (self: Ref<'VM'>) => boolean;
  'VM.get_xenstore_data': (self: Ref<'VM'>) => Record<string, string>;
  'VM.get_recommendations': (self: Ref<'VM'>) => string;
  'VM.get_last_booted_record': (self: Ref<'VM'>) => string;
  'VM.get_guest_metrics': (self: Ref<'VM'>) => Ref<'VM_guest_metrics'>;
  'VM.get_metrics': (self: Ref<'VM'>) => Ref<'VM_metrics'>;
  'VM.get_is_control_domain': (self: Ref<'VM'>) => boolean;
  'VM.get_last_boot_CPU_flags': (self: Ref<'VM'>) => Record<string, string>;
  'VM.get_domarch': (self: Ref<'VM'>) => string;
  'VM.get_domid': (self: Ref<'VM'>) => number;
  'VM.get_other_config': (self: Ref<'VM'>) => Record<string, string>;
  'VM.get_PCI_bus': (self: Ref<'VM'>) => string;
  'VM.get_platform': (self: Ref<'VM'>) => Record<string, string>;
  'VM.get_HVM_shadow_multiplier': (self: Ref<'VM'>) => number;
  'VM.get_HVM_boot_params': (self: Ref<'VM'>) => Record<string, string>;
  'VM.get_HVM_boot_policy': (self: Ref<'VM'>) => string;
  'VM.get_PV_legacy_args': (self: Ref<'VM'>) => string;
  'VM.get_PV_bootloader_args': (self: Ref<'VM'>) => string;
  'VM.get_PV_args': (self: Ref<'VM'>) => string;
  'VM.get_PV_ramdisk': (self: Ref<'VM'>) => string;
  'VM.get_PV_kernel': (self: Ref<'VM'>) => string;
  'VM.get_PV_bootloader': (self: Ref<'VM'>) => string;
  'VM.get_VTPMs': (self: Ref<'VM'>) => Ref<'VTPM'>[];
  'VM.get_crash_dumps': (self: Ref<'VM'>) => Ref<'crashdump'>[];
  'VM.get_VUSBs': (self: Ref<'VM'>) => Ref<'VUSB'>[];
  'VM.get_VBDs': (self: Ref<'VM'>) => Ref<'VBD'>[];
  'VM.get_VIFs': (self: Ref<'VM'>) => Ref<'VIF'>[];
  'VM.get_consoles': (self: Ref<'VM'>) => Ref<'console'>[];
  'VM.get_actions_after_crash': (self: Ref<'VM'>) => Enum_on_crash_behaviour;
  'VM.get_actions_after_reboot': (self: Ref<'VM'>) => Enum_on_normal_exit;
  'VM.get_actions_after_shutdown': (self: Ref<'VM'>) => Enum_on_normal_exit;
  'VM.get_actions_after_softreboot': (self: Ref<'VM'>) => Enum_on_softreboot_behavior;
  'VM.get_VCPUs_at_startup': (self: Ref<'VM'>) => number;
  'VM.get_VCPUs_max': (self: Ref<'VM'>) => number;
  'VM.get_VCPUs_params': (self: Ref<'VM'>) => Record<string, string>;
  'VM.get_memory_static_min': (self: Ref<'VM'>) => number;
  'VM.get_memory_dynamic_min': (self: Ref<'VM'>) => number;
  'VM.get_memory_dynamic_max': (self: Ref<'VM'>) => number;
  'VM.get_memory_static_max': (self: Ref<'VM'>) => number;
  'VM.get_memory_target': (self: Ref<'VM'>) => number;
  'VM.get_memory_overhead': (self: Ref<'VM'>) => number;
  'VM.get_affinity': (self: Ref<'VM'>) => Ref<'host'>;
  'VM.get_scheduled_to_be_resident_on': (self: Ref<'VM'>) => Ref<'host'>;
  'VM.get_resident_on': (self: Ref<'VM'>) => Ref<'host'>;
  'VM.get_suspend_VDI': (self: Ref<'VM'>) => Ref<'VDI'>;
  'VM.get_is_default_template': (self: Ref<'VM'>) => boolean;
  'VM.get_is_a_template': (self: Ref<'VM'>) => boolean;
  'VM.get_user_version': (self: Ref<'VM'>) => number;
  'VM.get_power_state': (self: Ref<'VM'>) => Enum_vm_power_state;
  'VM.get_name_description': (self: Ref<'VM'>) => string;
  'VM.get_name_label': (self: Ref<'VM'>) => string;
  'VM.get_current_operations': (self: Ref<'VM'>) => Record<string, Enum_vm_operations>;
  'VM.get_allowed_operations': (self: Ref<'VM'>) => Enum_vm_operations[];
  'VM.get_uuid': (self: Ref<'VM'>) => string;
  'VM.get_by_name_label': (label: string) => Ref<'VM'>[];
  'VM.destroy': (self: Ref<'VM'>) => '';
  'VM.create': (args: VMCreateArgs) => Ref<'VM'>;
  'VM.get_by_uuid': (uuid: string) => Ref<'VM'>;
  'VM.get_record': (self: Ref<'VM'>) => VMRecord;
  'VM_metrics.get_all_records': () => Record<string, VM_metricsRecord>;
  'VM_metrics.get_all': () => Ref<'VM_metrics'>[];
  'VM_metrics.remove_from_other_config': (self: Ref<'VM_metrics'>, key: string) => '';
  'VM_metrics.add_to_other_config': (self: Ref<'VM_metrics'>, key: string, value: string) => '';
  'VM_metrics.set_other_config': (self: Ref<'VM_metrics'>, value: Record<string, string>) => '';
  'VM_metrics.get_current_domain_type': (self: Ref<'VM_metrics'>) => Enum_domain_type;
  'VM_metrics.get_nomigrate': (self: Ref<'VM_metrics'>) => boolean;
  'VM_metrics.get_nested_virt': (self: Ref<'VM_metrics'>) => boolean;
  'VM_metrics.get_hvm': (self: Ref<'VM_metrics'>) => boolean;
  'VM_metrics.get_other_config': (self: Ref<'VM_metrics'>) => Record<string, string>;
  'VM_metrics.get_last_updated': (self: Ref<'VM_metrics'>) => string;
  'VM_metrics.get_install_time': (self: Ref<'VM_metrics'>) => string;
  'VM_metrics.get_start_time': (self: Ref<'VM_metrics'>) => string;
  'VM_metrics.get_state': (self: Ref<'VM_metrics'>) => string[];
  'VM_metrics.get_VCPUs_flags': (self: Ref<'VM_metrics'>) => Record<string, string[]>;
  'VM_metrics.get_VCPUs_params': (self: Ref<'VM_metrics'>) => Record<string, string>;
  'VM_metrics.get_VCPUs_CPU': (self: Ref<'VM_metrics'>) => Record<string, number>;
  'VM_metrics.get_VCPUs_utilisation': (self: Ref<'VM_metrics'>) => Record<string, number>;
  'VM_metrics.get_VCPUs_number': (self: Ref<'VM_metrics'>) => number;
  'VM_metrics.get_memory_actual': (self: Ref<'VM_metrics'>) => number;
  'VM_metrics.get_uuid': (self: Ref<'VM_metrics'>) => string;
  'VM_metrics.get_by_uuid': (uuid: string) => Ref<'VM_metrics'>;
  'VM_metrics.get_record': (self: Ref<'VM_metrics'>) => VM_metricsRecord;
  'VM_guest_metrics.get_all_records': () => Record<string, VM_guest_metricsRecord>;
  'VM_guest_metrics.get_all': () => Ref<'VM_guest_metrics'>[];
  'VM_guest_metrics.remove_from_other_config': (self: Ref<'VM_guest_metrics'>, key: string) => '';
  'VM_guest_metrics.add_to_other_config': (self: Ref<'VM_guest_metrics'>, key: string, value: string) => '';
  'VM_guest_metrics.set_other_config': (self: Ref<'VM_guest_metrics'>, value: Record<string, string>) => '';
  'VM_guest_metrics.get_PV_drivers_detected': (self: Ref<'VM_guest_metrics'>) => boolean;
  'VM_guest_metrics.get_can_use_hotplug_vif': (self: Ref<'VM_guest_metrics'>) => Enum_tristate_type;
  'VM_guest_metrics.get_can_use_hotplug_vbd': (self: Ref<'VM_guest_metrics'>) => Enum_tristate_type;
  'VM_guest_metrics.get_live': (self: Ref<'VM_guest_metrics'>) => boolean;
  'VM_guest_metrics.get_other_config': (self: Ref<'VM_guest_metrics'>) => Record<string, string>;
  'VM_guest_metrics.get_last_updated': (self: Ref<'VM_guest_metrics'>) => string;
  'VM_guest_metrics.get_other': (self: Ref<'VM_guest_metrics'>) => Record<string, string>;
  'VM_guest_metrics.get_networks': (self: Ref<'VM_guest_metrics'>) => Record<string, string>;
  'VM_guest_metrics.get_disks': (self: Ref<'VM_guest_metrics'>) => Record<string, string>;
  'VM_guest_metrics.get_memory': (self: Ref<'VM_guest_metrics'>) => Record<string, string>;
  'VM_guest_metrics.get_PV_drivers_up_to_date': (self: Ref<'VM_guest_metrics'>) => boolean;
  'VM_guest_metrics.get_PV_drivers_version': (self: Ref<'VM_guest_metrics'>) => Record<string, string>;
  'VM_guest_metrics.get_os_version': (self: Ref<'VM_guest_metrics'>) => Record<string, string>;
  'VM_guest_metrics.get_uuid': (self: Ref<'VM_guest_metrics'>) => string;
  'VM_guest_metrics.get_by_uuid': (uuid: string) => Ref<'VM_guest_metrics'>;
  'VM_guest_metrics.get_record': (self: Ref<'VM_guest_metrics'>) => VM_guest_metricsRecord;
  'VDI.get_all_records': () => Record<string, VDIRecord>;
  'VDI.get_all': () => Ref<'VDI'>[];
  'VDI.get_nbd_info': (self: Ref<'VDI'>) => Record<string, unknown>[];
  'VDI.list_changed_blocks': (vdi_from: Ref<'VDI'>, vdi_to: Ref<'VDI'>) => string;
  'VDI.data_destroy': (self: Ref<'VDI'>) => '';
  'VDI.disable_cbt': (self: Ref<'VDI'>) => '';
  'VDI.enable_cbt': (self: Ref<'VDI'>) => '';
  'VDI.pool_migrate': (vdi: Ref<'VDI'>, sr: Ref<'SR'>, options: Record<string, string>) => Ref<'VDI'>;
  'VDI.read_database_pool_uuid': (self: Ref<'VDI'>) => string;
  'VDI.open_database': (self: Ref<'VDI'>) => Ref<'session'>;
  'VDI.set_allow_caching': (self: Ref<'VDI'>, value: boolean) => '';
  'VDI.set_on_boot': (self: Ref<'VDI'>, value: Enum_on_boot) => '';
  'VDI.set_name_description': (self: Ref<'VDI'>, value: string) => '';
  'VDI.set_name_label': (self: Ref<'VDI'>, value: string) => '';
  'VDI.set_read_only': (self: Ref<'VDI'>, value: boolean) => '';
  'VDI.set_sharable': (self: Ref<'VDI'>, value: boolean) => '';
  'VDI.forget': (vdi: Ref<'VDI'>) => '';
  'VDI.copy': (vdi: Ref<'VDI'>, sr: Ref<'SR'>, base_vdi: Ref<'VDI'>, into_vdi: Ref<'VDI'>) => Ref<'VDI'>;
  'VDI.update': (vdi: Ref<'VDI'>) => '';
  'VDI.introduce': (
    uuid: string,
    name_label: string,
    name_description: string,
    SR: Ref<'SR'>,
    type: Enum_vdi_type,
    sharable: boolean,
    read_only: boolean,
    other_config: Record<string, string>,
    location: string,
    xenstore_data: Record<string, string>,
    sm_config: Record<string, string>,
    managed: boolean,
    virtual_size: number,
    physical_utilisation: number,
    metadata_of_pool: Ref<'pool'>,
    is_a_snapshot: boolean,
    snapshot_time: string,
    snapshot_of: Ref<'VDI'>,
  ) => Ref<'VDI'>;
  'VDI.resize_online': (vdi: Ref<'VDI'>, size: number) => '';
  'VDI.resize': (vdi: Ref<'VDI'>, size: number) => '';
  'VDI.clone': (vdi: Ref<'VDI'>, driver_params: Record<string, string>) => Ref<'VDI'>;
  'VDI.snapshot': (vdi: Ref<'VDI'>, driver_params: Record<string, string>) => Ref<'VDI'>;
  'VDI.remove_tags': (self: Ref<'VDI'>, value: string) => '';
  'VDI.add_tags': (self: Ref<'VDI'>, value: string) => '';
  'VDI.set_tags': (self: Ref<'VDI'>, value: string[]) => '';
  'VDI.remove_from_sm_config': (self: Ref<'VDI'>, key: string) => '';
  'VDI.add_to_sm_config': (self: Ref<'VDI'>, key: string, value: string) => '';
  'VDI.set_sm_config': (self: Ref<'VDI'>, value: Record<string, string>) => '';
  'VDI.remove_from_xenstore_data': (self: Ref<'VDI'>, key: string) => '';
  'VDI.add_to_xenstore_data': (self: Ref<'VDI'>, key: string, value: string) => '';
  'VDI.set_xenstore_data': (self: Ref<'VDI'>, value: Record<string, string>) => '';
  'VDI.remove_from_other_config': (self: Ref<'VDI'>, key: string) => '';
  'VDI.add_to_other_config': (self: Ref<'VDI'>, key: string, value: string) => '';
  'VDI.set_other_config': (self: Ref<'VDI'>, value: Record<string, string>) => '';
  'VDI.get_cbt_enabled': (self: Ref<'VDI'>) => boolean;
  'VDI.get_is_tools_iso': (self: Ref<'VDI'>) => boolean;
  'VDI.get_metadata_latest': (self: Ref<'VDI'>) => boolean;
  'VDI.get_metadata_of_pool': (self: Ref<'VDI'>) => Ref<'pool'>;
  'VDI.get_on_boot': (self: Ref<'VDI'>) => Enum_on_boot;
  'VDI.get_allow_caching': (self: Ref<'VDI'>) => boolean;
  'VDI.get_tags': (self: Ref<'VDI'>) => string[];
  'VDI.get_snapshot_time': (self: Ref<'VDI'>) => string;
  'VDI.get_snapshots': (self: Ref<'VDI'>) => Ref<'VDI'>[];
  'VDI.get_snapshot_of': (self: Ref<'VDI'>) => Ref<'VDI'>;
  'VDI.get_is_a_snapshot': (self: Ref<'VDI'>) => boolean;
  'VDI.get_sm_config': (self: Ref<'VDI'>) => Record<string, string>;
  'VDI.get_xenstore_data': (self: Ref<'VDI'>) => Record<string, string>;
  'VDI.get_parent': (self: Ref<'VDI'>) => Ref<'VDI'>;
  'VDI.get_missing': (self: Ref<'VDI'>) => boolean;
  'VDI.get_managed': (self: Ref<'VDI'>) => boolean;
  'VDI.get_location': (self: Ref<'VDI'>) => string;
  'VDI.get_storage_lock': (self: Ref<'VDI'>) => boolean;
  'VDI.get_other_config': (self: Ref<'VDI'>) => Record<string, string>;
  'VDI.get_read_only': (self: Ref<'VDI'>) => boolean;
  'VDI.get_sharable': (self: Ref<'VDI'>) => boolean;
  'VDI.get_type': (self: Ref<'VDI'>) => Enum_vdi_type;
  'VDI.get_physical_utilisation': (self: Ref<'VDI'>) => number;
  'VDI.get_virtual_size': (self: Ref<'VDI'>) => number;
  'VDI.get_crash_dumps': (self: Ref<'VDI'>) => Ref<'crashdump'>[];
  'VDI.get_VBDs': (self: Ref<'VDI'>) => Ref<'VBD'>[];
  'VDI.get_SR': (self: Ref<'VDI'>) => Ref<'SR'>;
  'VDI.get_current_operations': (self: Ref<'VDI'>) => Record<string, Enum_vdi_operations>;
  'VDI.get_allowed_operations': (self: Ref<'VDI'>) => Enum_vdi_operations[];
  'VDI.get_name_description': (self: Ref<'VDI'>) => string;
  'VDI.get_name_label': (self: Ref<'VDI'>) => string;
  'VDI.get_uuid': (self: Ref<'VDI'>) => string;
  'VDI.get_by_name_label': (label: string) => Ref<'VDI'>[];
  'VDI.destroy': (self: Ref<'VDI'>) => '';
  'VDI.create': (args: VDICreateArgs) => Ref<'VDI'>;
  'VDI.get_by_uuid': (uuid: string) => Ref<'VDI'>;
  'VDI.get_record': (self: Ref<'VDI'>) => VDIRecord;
  'VBD.get_all_records': () => Record<string, VBDRecord>;
  'VBD.get_all': () => Ref<'VBD'>[];
  'VBD.set_mode': (self: Ref<'VBD'>, value: Enum_vbd_mode) => '';
  'VBD.assert_attachable': (self: Ref<'VBD'>) => '';
  'VBD.unplug_force': (self: Ref<'VBD'>) => '';
  'VBD.unplug': (self: Ref<'VBD'>) => '';
  'VBD.plug': (self: Ref<'VBD'>) => '';
  'VBD.insert': (vbd: Ref<'VBD'>, vdi: Ref<'VDI'>) => '';
  'VBD.eject': (vbd: Ref<'VBD'>) => '';
  'VBD.remove_from_qos_algorithm_params': (self: Ref<'VBD'>, key: string) => '';
  'VBD.add_to_qos_algorithm_params': (self: Ref<'VBD'>, key: string, value: string) => '';
  'VBD.set_qos_algorithm_params': (self: Ref<'VBD'>, value: Record<string, string>) => '';
  'VBD.set_qos_algorithm_type': (self: Ref<'VBD'>, value: string) => '';
  'VBD.remove_from_other_config': (self: Ref<'VBD'>, key: string) => '';
  'VBD.add_to_other_config': (self: Ref<'VBD'>, key: string, value: string) => '';
  'VBD.set_other_config': (self: Ref<'VBD'>, value: Record<string, string>) => '';
  'VBD.set_unpluggable': (self: Ref<'VBD'>, value: boolean) => '';
  'VBD.set_type': (self: Ref<'VBD'>, value: Enum_vbd_type) => '';
  'VBD.set_bootable': (self: Ref<'VBD'>, value: boolean) => '';
  'VBD.set_userdevice': (self: Ref<'VBD'>, value: string) => '';
  'VBD.get_metrics': (self: Ref<'VBD'>) => Ref<'VBD_metrics'>;
  'VBD.get_qos_supported_algorithms': (self: Ref<'VBD'>) => string[];
  'VBD.get_qos_algorithm_params': (self: Ref<'VBD'>) => Record<string, string>;
  'VBD.get_qos_algorithm_type': (self: Ref<'VBD'>) => string;
  'VBD.get_runtime_properties': (self: Ref<'VBD'>) => Record<string, string>;
  'VBD.get_status_detail': (self: Ref<'VBD'>) => string;
  'VBD.get_status_code': (self: Ref<'VBD'>) => number;
  'VBD.get_currently_attached': (self: Ref<'VBD'>) => boolean;
  'VBD.get_other_config': (self: Ref<'VBD'>) => Record<string, string>;
  'VBD.get_empty': (self: Ref<'VBD'>) => boolean;
  'VBD.get_storage_lock': (self: Ref<'VBD'>) => boolean;
  'VBD.get_unpluggable': (self: Ref<'VBD'>) => boolean;
  'VBD.get_type': (self: Ref<'VBD'>) => Enum_vbd_type;
  'VBD.get_mode': (self: Ref<'VBD'>) => Enum_vbd_mode;
  'VBD.get_bootable': (self: Ref<'VBD'>) => boolean;
  'VBD.get_userdevice': (self: Ref<'VBD'>) => string;
  'VBD.get_device': (self: Ref<'VBD'>) => string;
  'VBD.get_VDI': (self: Ref<'VBD'>) => Ref<'VDI'>;
  'VBD.get_VM': (self: Ref<'VBD'>) => Ref<'VM'>;
  'VBD.get_current_operations': (self: Ref<'VBD'>) => Record<string, Enum_vbd_operations>;
  'VBD.get_allowed_operations': (self: Ref<'VBD'>) => Enum_vbd_operations[];
  'VBD.get_uuid': (self: Ref<'VBD'>) => string;
  'VBD.destroy': (self: Ref<'VBD'>) => '';
  'VBD.create': (args: VBDCreateArgs) => Ref<'VBD'>;
  'VBD.get_by_uuid': (uuid: string) => Ref<'VBD'>;
  'VBD.get_record': (self: Ref<'VBD'>) => VBDRecord;
  'VIF.get_all_records': () => Record<string, VIFRecord>;
  'VIF.get_all': () => Ref<'VIF'>[];
  'VIF.configure_ipv6': (
    self: Ref<'VIF'>,
    mode: Enum_vif_ipv6_configuration_mode,
    address: string,
    gateway: string,
  ) => '';
  'VIF.configure_ipv4': (
    self: Ref<'VIF'>,
    mode: Enum_vif_ipv4_configuration_mode,
    address: string,
    gateway: string,
  ) => '';
  'VIF.remove_ipv6_allowed': (self: Ref<'VIF'>, value: string) => '';
  'VIF.add_ipv6_allowed': (self: Ref<'VIF'>, value: string) => '';
  'VIF.set_ipv6_allowed': (self: Ref<'VIF'>, value: string[]) => '';
  'VIF.remove_ipv4_allowed': (self: Ref<'VIF'>, value: string) => '';
  'VIF.add_ipv4_allowed': (self: Ref<'VIF'>, value: string) => '';
  'VIF.set_ipv4_allowed': (self: Ref<'VIF'>, value: string[]) => '';
  'VIF.set_locking_mode': (self: Ref<'VIF'>, value: Enum_vif_locking_mode) => '';
  'VIF.move': (self: Ref<'VIF'>, network: Ref<'network'>) => '';
  'VIF.unplug_force': (self: Ref<'VIF'>) => '';
  'VIF.unplug': (self: Ref<'VIF'>) => '';
  'VIF.plug': (self: Ref<'VIF'>) => '';
  'VIF.remove_from_qos_algorithm_params': (self: Ref<'VIF'>, key: string) => '';
  'VIF.add_to_qos_algorithm_params': (self: Ref<'VIF'>, key: string, value: string) => '';
  'VIF.set_qos_algorithm_params': (self: Ref<'VIF'>, value: Record<string, string>) => '';
  'VIF.set_qos_algorithm_type': (self: Ref<'VIF'>, value: string) => '';
  'VIF.remove_from_other_config': (self: Ref<'VIF'>, key: string) => '';
  'VIF.add_to_other_config': (self: Ref<'VIF'>, key: string, value: string) => '';
  'VIF.set_other_config': (self: Ref<'VIF'>, value: Record<string, string>) => '';
  'VIF.get_ipv6_gateway': (self: Ref<'VIF'>) => string;
  'VIF.get_ipv6_addresses': (self: Ref<'VIF'>) => string[];
  'VIF.get_ipv6_configuration_mode': (self: Ref<'VIF'>) => Enum_vif_ipv6_configuration_mode;
  'VIF.get_ipv4_gateway': (self: Ref<'VIF'>) => string;
  'VIF.get_ipv4_addresses': (self: Ref<'VIF'>) => string[];
  'VIF.get_ipv4_configuration_mode': (self: Ref<'VIF'>) => Enum_vif_ipv4_configuration_mode;
  'VIF.get_ipv6_allowed': (self: Ref<'VIF'>) => string[];
  'VIF.get_ipv4_allowed': (self: Ref<'VIF'>) => string[];
  'VIF.get_locking_mode': (self: Ref<'VIF'>) => Enum_vif_locking_mode;
  'VIF.get_MAC_autogenerated': (self: Ref<'VIF'>) => boolean;
  'VIF.get_metrics': (self: Ref<'VIF'>) => Ref<'VIF_metrics'>;
  'VIF.get_qos_supported_algorithms': (self: Ref<'VIF'>) => string[];
  'VIF.get_qos_algorithm_params': (self: Ref<'VIF'>) => Record<string, string>;
  'VIF.get_qos_algorithm_type': (self: Ref<'VIF'>) => string;
  'VIF.get_runtime_properties': (self: Ref<'VIF'>) => Record<string, string>;
  'VIF.get_status_detail': (self: Ref<'VIF'>) => string;
  'VIF.get_status_code': (self: Ref<'VIF'>) => number;
  'VIF.get_currently_attached': (self: Ref<'VIF'>) => boolean;
  'VIF.get_other_config': (self: Ref<'VIF'>) => Record<string, string>;
  'VIF.get_MTU': (self: Ref<'VIF'>) => number;
  'VIF.get_MAC': (self: Ref<'VIF'>) => string;
  'VIF.get_VM': (self: Ref<'VIF'>) => Ref<'VM'>;
  'VIF.get_network': (self: Ref<'VIF'>) => Ref<'network'>;
  'VIF.get_device': (self: Ref<'VIF'>) => string;
  'VIF.get_current_operations': (self: Ref<'VIF'>) => Record<string, Enum_vif_operations>;
  'VIF.get_allowed_operations': (self: Ref<'VIF'>) => Enum_vif_operations[];
  'VIF.get_uuid': (self: Ref<'VIF'>) => string;
  'VIF.destroy': (self: Ref<'VIF'>) => '';
  'VIF.create': (args: VIFCreateArgs) => Ref<'VIF'>;
  'VIF.get_by_uuid': (uuid: string) => Ref<'VIF'>;
  'VIF.get_record': (self: Ref<'VIF'>) => VIFRecord;
  'SR.get_all_records': () => Record<string, SRRecord>;
  'SR.get_all': () => Ref<'SR'>[];
  'SR.forget_data_source_archives': (sr: Ref<'SR'>, data_source: string) => '';
  'SR.query_data_source': (sr: Ref<'SR'>, data_source: string) => number;
  'SR.record_data_source': (sr: Ref<'SR'>, data_source: string) => '';
  'SR.get_data_sources': (sr: Ref<'SR'>) => Record<string, unknown>[];
  'SR.disable_database_replication': (sr: Ref<'SR'>) => '';
  'SR.enable_database_replication': (sr: Ref<'SR'>) => '';
  'SR.assert_supports_database_replication': (sr: Ref<'SR'>) => '';
  'SR.assert_can_host_ha_statefile': (sr: Ref<'SR'>) => '';
  'SR.set_physical_size': (self: Ref<'SR'>, value: number) => '';
  'SR.create_new_blob': (sr: Ref<'SR'>, name: string, mime_type: string, public_: boolean) => Ref<'blob'>;
  'SR.set_name_description': (sr: Ref<'SR'>, value: string) => '';
  'SR.set_name_label': (sr: Ref<'SR'>, value: string) => '';
  'SR.set_shared': (sr: Ref<'SR'>, value: boolean) => '';
  'SR.probe_ext': (
    host: Ref<'host'>,
    device_config: Record<string, string>,
    type: string,
    sm_config: Record<string, string>,
  ) => Record<string, unknown>[];
  'SR.probe': (
    host: Ref<'host'>,
    device_config: Record<string, string>,
    type: string,
    sm_config: Record<string, string>,
  ) => string;
  'SR.scan': (sr: Ref<'SR'>) => '';
  'SR.get_supported_types': () => string[];
  'SR.update': (sr: Ref<'SR'>) => '';
  'SR.forget': (sr: Ref<'SR'>) => '';
  'SR.destroy': (sr: Ref<'SR'>) => '';
  'SR.make': (
    host: Ref<'host'>,
    device_config: Record<string, string>,
    physical_size: number,
    name_label: string,
    name_description: string,
    type: string,
    content_type: string,
    sm_config: Record<string, string>,
  ) => string;
  'SR.introduce': (
    uuid: string,
    name_label: string,
    name_description: string,
    type: string,
    content_type: string,
    shared: boolean,
    sm_config: Record<string, string>,
  ) => Ref<'SR'>;
  'SR.create': (
    host: Ref<'host'>,
    device_config: Record<string, string>,
    physical_size: number,
    name_label: string,
    name_description: string,
    type: string,
    content_type: string,
    shared: boolean,
    sm_config: Record<string, string>,
  ) => Ref<'SR'>;
  'SR.remove_from_sm_config': (self: Ref<'SR'>, key: string) => '';
  'SR.add_to_sm_config': (self: Ref<'SR'>, key: string, value: string) => '';
  'SR.set_sm_config': (self: Ref<'SR'>, value: Record<string, string>) => '';
  'SR.remove_tags': (self: Ref<'SR'>, value: string) => '';
  'SR.add_tags': (self: Ref<'SR'>, value: string) => '';
  'SR.set_tags': (self: Ref<'SR'>, value: string[]) => '';
  'SR.remove_from_other_config': (self: Ref<'SR'>, key: string) => '';
  'SR.add_to_other_config': (self: Ref<'SR'>, key: string, value: string) => '';
  'SR.set_other_config': (self: Ref<'SR'>, value: Record<string, string>) => '';
  'SR.get_is_tools_sr': (self: Ref<'SR'>) => boolean;
  'SR.get_clustered': (self: Ref<'SR'>) => boolean;
  'SR.get_introduced_by': (self: Ref<'SR'>) => Ref<'DR_task'>;
  'SR.get_local_cache_enabled': (self: Ref<'SR'>) => boolean;
  'SR.get_blobs': (self: Ref<'SR'>) => Record<string, Ref<'blob'>>;
  'SR.get_sm_config': (self: Ref<'SR'>) => Record<string, string>;
  'SR.get_tags': (self: Ref<'SR'>) => string[];
  'SR.get_other_config': (self: Ref<'SR'>) => Record<string, string>;
  'SR.get_shared': (self: Ref<'SR'>) => boolean;
  'SR.get_content_type': (self: Ref<'SR'>) => string;
  'SR.get_type': (self: Ref<'SR'>) => string;
  'SR.get_physical_size': (self: Ref<'SR'>) => number;
  'SR.get_physical_utilisation': (self: Ref<'SR'>) => number;
  'SR.get_virtual_allocation': (self: Ref<'SR'>) => number;
  'SR.get_PBDs': (self: Ref<'SR'>) => Ref<'PBD'>[];
  'SR.get_VDIs': (self: Ref<'SR'>) => Ref<'VDI'>[];
  'SR.get_current_operations': (self: Ref<'SR'>) => Record<string, Enum_storage_operations>;
  'SR.get_allowed_operations': (self: Ref<'SR'>) => Enum_storage_operations[];
  'SR.get_name_description': (self: Ref<'SR'>) => string;
  'SR.get_name_label': (self: Ref<'SR'>) => string;
  'SR.get_uuid': (self: Ref<'SR'>) => string;
  'SR.get_by_name_label': (label: string) => Ref<'SR'>[];
  'SR.get_by_uuid': (uuid: string) => Ref<'SR'>;
  'SR.get_record': (self: Ref<'SR'>) => SRRecord;
  'PBD.get_all_records': () => Record<string, PBDRecord>;
  'PBD.get_all': () => Ref<'PBD'>[];
  'PBD.set_device_config': (self: Ref<'PBD'>, value: Record<string, string>) => '';
  'PBD.unplug': (self: Ref<'PBD'>) => '';
  'PBD.plug': (self: Ref<'PBD'>) => '';
  'PBD.remove_from_other_config': (self: Ref<'PBD'>, key: string) => '';
  'PBD.add_to_other_config': (self: Ref<'PBD'>, key: string, value: string) => '';
  'PBD.set_other_config': (self: Ref<'PBD'>, value: Record<string, string>) => '';
  'PBD.get_other_config': (self: Ref<'PBD'>) => Record<string, string>;
  'PBD.get_currently_attached': (self: Ref<'PBD'>) => boolean;
  'PBD.get_device_config': (self: Ref<'PBD'>) => Record<string, string>;
  'PBD.get_SR': (self: Ref<'PBD'>) => Ref<'SR'>;
  'PBD.get_host': (self: Ref<'PBD'>) => Ref<'host'>;
  'PBD.get_uuid': (self: Ref<'PBD'>) => string;
  'PBD.destroy': (self: Ref<'PBD'>) => '';
  'PBD.create': (args: PBDCreateArgs) => Ref<'PBD'>;
  'PBD.get_by_uuid': (uuid: string) => Ref<'PBD'>;
  'PBD.get_record': (self: Ref<'PBD'>) => PBDRecord;
  'network.get_all_records': () => Record<string, NetworkRecord>;
  'network.get_all': () => Ref<'network'>[];
  'network.remove_purpose': (self: Ref<'network'>, value: Enum_network_purpose) => '';
  'network.add_purpose': (self: Ref<'network'>, value: Enum_network_purpose) => '';
  'network.set_default_locking_mode': (network: Ref<'network'>, value: Enum_network_default_locking_mode) => '';
  'network.create_new_blob': (
    network: Ref<'network'>,
    name: string,
    mime_type: string,
    public_: boolean,
  ) => Ref<'blob'>;
  'network.remove_tags': (self: Ref<'network'>, value: string) => '';
  'network.add_tags': (self: Ref<'network'>, value: string) => '';
  'network.set_tags': (self: Ref<'network'>, value: string[]) => '';
  'network.remove_from_other_config': (self: Ref<'network'>, key: string) => '';
  'network.add_to_other_config': (self: Ref<'network'>, key: string, value: string) => '';
  'network.set_other_config': (self: Ref<'network'>, value: Record<string, string>) => '';
  'network.set_MTU': (self: Ref<'network'>, value: number) => '';
  'network.set_name_description': (self: Ref<'network'>, value: string) => '';
  'network.set_name_label': (self: Ref<'network'>, value: string) => '';
  'network.get_purpose': (self: Ref<'network'>) => Enum_network_purpose[];
  'network.get_assigned_ips': (self: Ref<'network'>) => Record<string, string>;
  'network.get_default_locking_mode': (self: Ref<'network'>) => Enum_network_default_locking_mode;
  'network.get_tags': (self: Ref<'network'>) => string[];
  'network.get_blobs': (self: Ref<'network'>) => Record<string, Ref<'blob'>>;
  'network.get_managed': (self: Ref<'network'>) => boolean;
  'network.get_bridge': (self: Ref<'network'>) => string;
  'network.get_other_config': (self: Ref<'network'>) => Record<string, string>;
  'network.get_MTU': (self: Ref<'network'>) => number;
  'network.get_PIFs': (self: Ref<'network'>) => Ref<'PIF'>[];
  'network.get_VIFs': (self: Ref<'network'>) => Ref<'VIF'>[];
  'network.get_current_operations': (self: Ref<'network'>) => Record<string, Enum_network_operations>;
  'network.get_allowed_operations': (self: Ref<'network'>) => Enum_network_operations[];
  'network.get_name_description': (self: Ref<'network'>) => string;
  'network.get_name_label': (self: Ref<'network'>) => string;
  'network.get_uuid': (self: Ref<'network'>) => string;
  'network.get_by_name_label': (label: string) => Ref<'network'>[];
  'network.destroy': (self: Ref<'network'>) => '';
  'network.create': (args: NetworkCreateArgs) => Ref<'network'>;
  'network.get_by_uuid': (uuid: string) => Ref<'network'>;
  'network.get_record': (self: Ref<'network'>) => NetworkRecord;
}

export type XapiMethod = keyof XapiMethods;
