/** Survey answers for a Linux VM with a static IP, an admin user and an SSH key (as AWX would send them). */
export const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHv1rLvdL8a6u8Xj1+5QZ0sJmU3u5nV0O2bqUe5kq9pF admin@example';
export const createVars = {
  vm_name: 'web01',
  vm_image: 'debian-12-golden',
  vm_cpu_count: 2,
  vm_memory_mb: 2048,
  vm_disk_gb: 20,
  vm_network: 'LAN',
  vm_vlan_id: 120,
  vm_ipv4_address: '192.0.2.50/24',
  vm_ipv4_gateway: '192.0.2.1',
  vm_dns_servers: '192.0.2.53,192.0.2.54',
  vm_domain: 'example.com',
  vm_tags: 'web,prod',
  vm_admin_user: 'admin',
  vm_admin_password: 'Correct-Horse-7',
  vm_ssh_authorized_key: KEY,
  vm_cluster_role: 'no',
  vm_start: 'yes',
  vm_guest_config_timeout: 120,
  vm_wait_timeout: 60,
};
