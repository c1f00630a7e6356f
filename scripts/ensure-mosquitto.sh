#!/usr/bin/env bash
# The tests run against a real mosquitto (Debian's 2.0.11), compare with mosquitto_pub/sub, and
# (tsdump -r) capture loopback traffic with tcpdump and check it against Wireshark's dissector
# (tshark, editcap). Install what is missing when we may (root with apt-get); otherwise say
# exactly what to run. One table: command -> Debian package.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"
declare -A PACKAGE_OF=(
  [mosquitto]=mosquitto
  [mosquitto_pub]=mosquitto-clients
  [openssl]=openssl
  [tcpdump]=tcpdump
  [tshark]=tshark
  [editcap]=wireshark-common
)
missing=()
for cmd in "${!PACKAGE_OF[@]}"; do
  command -v "$cmd" >/dev/null || missing+=("${PACKAGE_OF[$cmd]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
# one package may provide several commands
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing ${missing[*]} (Debian packages) for the tests" >&2
  export DEBIAN_FRONTEND=noninteractive
  # tshark's package asks whether non-root users may capture: no (the tests run as root)
  echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections 2>/dev/null || true
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
echo "the tests need ${missing[*]}: run  sudo apt-get install ${missing[*]}" >&2
exit 1
