#!/usr/bin/env bash
# Prepare the real-kernel oracle: QEMU, UEFI firmware for arm64, and Debian's
# Linux 6.1 kernels for amd64 and arm64, unpacked under .oracle-cache/.
#
# Idempotent; meant to run as root on a Debian bookworm machine. A second run
# only re-downloads when apt knows a newer 6.1 ABI than the one unpacked.
#
# Environment:
#   ORACLE_APT_UPDATE=1   run `apt-get update` even when the package lists
#                         already name a 6.1 kernel (to pick up a newer ABI).
#
# Output: the paths of vmlinuz + config for both arches, and a manifest
# .oracle-cache/kernels.json that record.ts reads.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="$root/.oracle-cache"
mkdir -p "$cache/debs"

log() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# Wait for a concurrent apt/dpkg (another process may be installing) instead
# of failing on the lock.
apt_lock_opts=(-o DPkg::Lock::Timeout=900)

is_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

install_host_packages() {
  local missing=() p
  for p in qemu-system-x86 qemu-system-arm qemu-efi-aarch64; do
    is_installed "$p" || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then
    log "QEMU packages already installed"
    return
  fi
  [[ $(id -u) -eq 0 ]] || die "missing ${missing[*]}; run this script as root"
  log "installing ${missing[*]}"
  apt-get "${apt_lock_opts[@]}" update
  DEBIAN_FRONTEND=noninteractive apt-get "${apt_lock_opts[@]}" install -y --no-install-recommends "${missing[@]}"
}

# apt options that make apt see arm64 packages without adding a foreign
# architecture to dpkg: separate package lists and a separate binary cache
# (so the host's /var/cache/apt/pkgcache.bin is never rebuilt for arm64).
arm64_opts=(
  -oAPT::Architecture=arm64
  -oAPT::Architectures=arm64
  "-oDir::State::Lists=$cache/apt-arm64/lists"
  "-oDir::Cache=$cache/apt-arm64/cache"
)

# Newest linux-image-6.1.<x>-<abi>-<flavour>-unsigned known to apt (plain
# flavour only, not -cloud or -rt). Extra apt options come first.
newest_kernel_package() {
  local flavour=$1; shift
  apt-cache "$@" search --names-only "^linux-image-6\.1\.[0-9]+-[0-9]+-${flavour}-unsigned\$" 2>/dev/null |
    awk '{print $1}' | grep -E "^linux-image-6\.1\.[0-9]+-[0-9]+-${flavour}-unsigned\$" | sort -V | tail -n 1
}

# The candidate version of a package (e.g. 6.1.192-2), as apt would download it.
candidate_version() {
  local pkg=$1; shift
  apt-cache "$@" policy "$pkg" | awk '/Candidate:/ {print $2; exit}'
}

# find_package FLAVOUR [apt options...]: prints the package name, updating the
# package lists first when they know no 6.1 kernel (fresh machine) or when
# ORACLE_APT_UPDATE=1.
find_package() {
  local flavour=$1; shift
  local pkg=""
  if [[ ${ORACLE_APT_UPDATE:-0} != 1 ]]; then
    pkg="$(newest_kernel_package "$flavour" "$@")"
  fi
  if [[ -z $pkg ]]; then
    log "apt-get update ($flavour lists)"
    apt-get "${apt_lock_opts[@]}" "$@" update >&2
    pkg="$(newest_kernel_package "$flavour" "$@")"
  fi
  [[ -n $pkg ]] || die "apt knows no linux-image-6.1.*-$flavour-unsigned package"
  printf '%s\n' "$pkg"
}

# fetch_kernel ARCH FLAVOUR [apt options...]: download + unpack; prints
# "package version dir" on stdout.
fetch_kernel() {
  local arch=$1 flavour=$2; shift 2
  local pkg version dir deb
  pkg="$(find_package "$flavour" "$@")"
  version="$(candidate_version "$pkg" "$@")"
  [[ -n $version && $version != "(none)" ]] || die "no candidate version for $pkg"
  dir="$cache/$arch/$pkg"
  if [[ -f $dir/.unpacked && $(cat "$dir/.unpacked") == "$version" ]]; then
    log "$pkg $version already unpacked"
  else
    # apt-get download writes into the current directory; its file name
    # escapes ':' in epochs as %3a, so look it up with a glob.
    if ! compgen -G "$cache/debs/${pkg}_*_${arch}.deb" >/dev/null; then
      log "downloading $pkg $version"
      # Sandbox user root: the _apt user cannot write into a root-owned
      # repository tree, and the warning about it is just noise.
      (cd "$cache/debs" && apt-get "$@" -oAPT::Sandbox::User=root download "$pkg=$version" >&2)
    fi
    deb="$(ls -t "$cache/debs/${pkg}_"*"_${arch}.deb" | head -n 1)"
    log "unpacking $(basename "$deb")"
    rm -rf "$dir"
    mkdir -p "$dir"
    dpkg -x "$deb" "$dir"
    # Only boot/ is needed (no root file system is ever mounted); the modules
    # are ~400 MB per arch.
    rm -rf "$dir/lib" "$dir/usr"
    printf '%s\n' "$version" >"$dir/.unpacked"
  fi
  printf '%s %s %s\n' "$pkg" "$version" "$dir"
}

# Keep the Kconfig beside the scripts so tests can see what the kernel was
# built with, without the 70 MB package.
keep_config() {
  local config=$1
  mkdir -p "$here/kernels"
  cmp -s "$config" "$here/kernels/$(basename "$config")" 2>/dev/null ||
    cp "$config" "$here/kernels/$(basename "$config")"
}

# json_entry ARCH PACKAGE VERSION DIR: one manifest entry, paths absolute.
json_entry() {
  local arch=$1 pkg=$2 version=$3 dir=$4
  local vmlinuz config
  vmlinuz="$(ls "$dir"/boot/vmlinuz-* | head -n 1)"
  config="$(ls "$dir"/boot/config-* | head -n 1)"
  [[ -f $vmlinuz && -f $config ]] || die "no vmlinuz/config in $dir/boot"
  keep_config "$config"
  printf '  "%s": {"package": "%s", "version": "%s", "vmlinuz": "%s", "config": "%s"}' \
    "$arch" "$pkg" "$version" "$vmlinuz" "$config"
}

main() {
  install_host_packages
  [[ -f /usr/share/qemu-efi-aarch64/QEMU_EFI.fd ]] || die "QEMU_EFI.fd missing"
  mkdir -p "$cache/apt-arm64/lists/partial" "$cache/apt-arm64/cache/archives/partial"

  # Plain assignments (not inside `read <<<`) so that a failing fetch stops
  # the script under `set -e`.
  local out amd64 arm64
  out="$(fetch_kernel amd64 amd64)"
  read -r -a amd64 <<<"$out"
  out="$(fetch_kernel arm64 arm64 "${arm64_opts[@]}")"
  read -r -a arm64 <<<"$out"

  {
    printf '{\n'
    json_entry amd64 "${amd64[@]}"
    printf ',\n'
    json_entry arm64 "${arm64[@]}"
    printf '\n}\n'
  } >"$cache/kernels.json.tmp"
  mv "$cache/kernels.json.tmp" "$cache/kernels.json"

  local arch
  for arch in amd64 arm64; do
    local dir
    [[ $arch == amd64 ]] && dir="${amd64[2]}" || dir="${arm64[2]}"
    printf '%s vmlinuz: %s\n' "$arch" "$(ls "$dir"/boot/vmlinuz-*)"
    printf '%s config:  %s\n' "$arch" "$(ls "$dir"/boot/config-*)"
  done
  printf 'manifest: %s\n' "$cache/kernels.json"
}

main "$@"
