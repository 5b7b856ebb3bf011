#!/usr/bin/env bash
# Builds the Native AOT executables: `blacksmith`, which the GitHub Actions launchers run, and
# `blacksmith-agent`, the local sticky-disk agent server (docs/agent.md):
#   dist/<rid>/blacksmith and dist/<rid>/blacksmith-agent for linux-x64 and linux-arm64 (see actions/README.md).
#
# Usage: eng/publish.sh [linux-x64] [linux-arm64]      (no argument: both)
#        VERSION=1.2.3 eng/publish.sh ...                 (stamps the version --version prints; default 1.0.0)
#
# Native AOT links with the platform's C toolchain. For the host's own architecture the usual
# compiler is enough (clang, or gcc, which the .NET SDK falls back to). The other architecture
# is a cross build, which Microsoft documents as needing (docs: Native AOT "Cross-compilation"):
#   a linker that can emit for the target (clang), a target-compatible objcopy (llvm-objcopy),
#   and the target's C runtime objects. On Debian those come from clang, llvm and the
#   cross packages gcc-<triple>, binutils-<triple> and libc6-dev-<arch>-cross: no multiarch
#   (dpkg --add-architecture) is needed. zlib for the target, also on Microsoft's list, is not:
#   since .NET 9 the runtime pack links its own copy (zlib-ng) statically.
# Missing packages are installed with apt-get, which needs root or sudo; without either the script
# stops and names the packages to install.
#
# The binaries need glibc >= 2.34 on the runner (Ubuntu 22.04 or newer, Debian 12 or newer) when
# built on Debian 12.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

usage() {
  sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

rids=("$@")
if [[ ${#rids[@]} -eq 0 ]]; then
  rids=(linux-x64 linux-arm64)
fi
for rid in "${rids[@]}"; do
  case "$rid" in
    linux-x64 | linux-arm64) ;;
    -h | --help) usage; exit 0 ;;
    *) echo "publish.sh: unsupported runtime identifier '$rid' (expected linux-x64 or linux-arm64)" >&2; exit 2 ;;
  esac
done

host_arch="$(uname -m)"
case "$host_arch" in
  x86_64) host_rid=linux-x64 ;;
  aarch64) host_rid=linux-arm64 ;;
  *) echo "publish.sh: cannot build on a $host_arch host (x86_64 or aarch64 Linux expected)" >&2; exit 2 ;;
esac

# Debian packages a cross build for the given rid needs (the host's own rid needs none of these).
cross_packages() {
  case "$1" in
    linux-arm64) echo "clang llvm gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross" ;;
    linux-x64) echo "clang llvm gcc-x86-64-linux-gnu binutils-x86-64-linux-gnu libc6-dev-amd64-cross" ;;
  esac
}

is_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

apt_updated=false
install_packages() {
  local missing=()
  for package in "$@"; do
    is_installed "$package" || missing+=("$package")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0

  local -a as_root=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
      as_root=(sudo)
    else
      echo "publish.sh: missing Debian packages: ${missing[*]}; installing them needs root or sudo" >&2
      echo "  run as root: apt-get update && apt-get install -y ${missing[*]}" >&2
      exit 1
    fi
  fi
  echo "publish.sh: installing ${missing[*]}"
  if [[ $apt_updated == false ]]; then
    "${as_root[@]}" apt-get update -q
    apt_updated=true
  fi
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

ensure_toolchain() {
  local rid="$1"
  if [[ "$rid" == "$host_rid" ]]; then
    if ! command -v clang >/dev/null 2>&1 && ! command -v gcc >/dev/null 2>&1; then
      install_packages clang
    fi
  else
    command -v dpkg-query >/dev/null 2>&1 || {
      echo "publish.sh: the $rid cross build installs Debian's cross toolchain, and this is not a Debian-based system;" >&2
      echo "  install the equivalents of: $(cross_packages "$rid")" >&2
      exit 1
    }
    # shellcheck disable=SC2046 # the package list is meant to split into words
    install_packages $(cross_packages "$rid")
  fi
}

for rid in "${rids[@]}"; do
  ensure_toolchain "$rid"

  for project in Cli:blacksmith Agent:blacksmith-agent; do
    dir="${project%%:*}"
    exe="${project##*:}"
    staging="publish/$exe/$rid"
    echo "publish.sh: dotnet publish src/Hosts/$dir -c Release -r $rid"
    # The release workflow passes the release's version, so `blacksmith --version` names the release it came from.
    dotnet publish "src/Hosts/$dir" -c Release -r "$rid" -o "$staging" --nologo ${VERSION:+"-p:Version=$VERSION"}

    # Only the executable ships: the symbols (.dbg), PDBs and XML docs stay in publish/.
    install -D -m 0755 "$staging/$exe" "dist/$rid/$exe"

    if [[ "$rid" == "$host_rid" ]]; then
      echo "publish.sh: dist/$rid/$exe $("dist/$rid/$exe" --version)"
    else
      # A cross build runs here only under user-mode emulation (Debian's qemu-user-static), with the
      # target's C library from the cross packages installed above.
      triple="$([[ "$rid" == linux-arm64 ]] && echo aarch64 || echo x86_64)-linux-gnu"
      qemu="qemu-${triple%%-*}-static"
      if command -v "$qemu" >/dev/null 2>&1 && [[ -d "/usr/$triple" ]]; then
        echo "publish.sh: dist/$rid/$exe $("$qemu" -L "/usr/$triple" "dist/$rid/$exe" --version) (under $qemu)"
      else
        echo "publish.sh: dist/$rid/$exe built (a cross build: install qemu-user-static to run it here)"
      fi
    fi
  done
done
