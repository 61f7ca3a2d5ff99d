#!/usr/bin/env bash
# Installs the Debian packages virtseal's build, tests and demo need on a fresh Debian 12 machine (run as root).
# Idempotent: packages already present are skipped by apt-get.
set -euo pipefail
packages=(
  ansible-core ansible-lint        # runs the built collection; lints playbooks
  python3-ansible-runner           # runs the playbooks as AWX jobs (AWX's execution environments use it)
  ansible                          # awx.awx for the syntax check of playbooks/awx_setup.yml (17 MB download, ~260 MB installed)
  openssh-server openssh-client    # the loopback SSH "remote host" in tests
  openssl                          # the Linux guest agent's crypto
  xorriso genisoimage cpio kmod    # provisioning media and the test guest's initramfs
  debootstrap                      # the Debian golden image of the libvirt end-to-end test (build/guest-image)
  qemu-system-x86 qemu-utils libvirt-daemon-system libvirt-clients   # real guests under TCG
  xz-utils passwd                                                    # the real-Xen test bed (build/xen-testbed): guest kernel, shadow tools
  debian-installer-12-netboot-amd64                                  # the installer that reads install_media's preseed (133 MB download)
  swtpm swtpm-tools                                                  # the TPM emulator behind a VM's TPM
  ovmf mtools dosfstools                                             # UEFI guests: firmware, the test EFI partition
  sqlite3 ca-certificates curl unzip
  chromium tesseract-ocr tesseract-ocr-eng                           # the browser console test: headless Chromium, OCR of the screen
  iproute2                                                           # ss: which address a VM's VNC display listens on
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  # Keep package postinsts from starting daemons on machines without an init system; tests start their own.
  created_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; created_policy=1; fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  [ "$created_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
fi
echo "install-deps: all ${#packages[@]} packages present"

# PowerShell 7 (pwsh) and Pester, from NuGet, when the .NET SDK is present: the Hyper-V host scripts and the Windows
# guest agent run in real PowerShell in the tests. 7.7.0 does not install from NuGet here, so the version is pinned.
PWSH_VERSION=7.6.10
PESTER_VERSION=5.7.1
pwsh_dir=/usr/local/lib/virtseal-pwsh
if command -v dotnet >/dev/null 2>&1; then
  if [ ! -x "$pwsh_dir/pwsh" ] || ! "$pwsh_dir/pwsh" -NoProfile -Command '$PSVersionTable.PSVersion.ToString()' | grep -qx "$PWSH_VERSION"; then
    DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet tool install --tool-path "$pwsh_dir" PowerShell --version "$PWSH_VERSION" >/dev/null
  fi
  ln -sf "$pwsh_dir/pwsh" /usr/local/bin/pwsh
  pester_dir=/usr/local/share/powershell/Modules/Pester/$PESTER_VERSION
  if [ ! -f "$pester_dir/Pester.psd1" ]; then
    tmp=$(mktemp -d)
    curl -fsSL -o "$tmp/pester.nupkg" "https://api.nuget.org/v3-flatcontainer/pester/$PESTER_VERSION/pester.$PESTER_VERSION.nupkg"
    mkdir -p "$pester_dir"
    (cd "$tmp" && unzip -q pester.nupkg 'tools/*' && cp -r tools/. "$pester_dir/")
    rm -rf "$tmp"
  fi
  echo "install-deps: pwsh $(pwsh -NoProfile -Command '$PSVersionTable.PSVersion.ToString()'), Pester $PESTER_VERSION"
elif [ "${CI:-}" = true ]; then
  echo "install-deps: the .NET SDK (dotnet) is missing, so pwsh cannot be installed; CI needs it for the PowerShell suites" >&2
  exit 1
else
  echo "install-deps: no .NET SDK, so no pwsh: the PowerShell suites will skip (install the .NET SDK, then re-run this script)"
fi
