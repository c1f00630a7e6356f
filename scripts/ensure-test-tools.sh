#!/usr/bin/env bash
# What the tests need besides node: a real mosquitto (Debian's 2.0.11) and its clients to compare
# with, openssl for the test certificates, zsh and fish to run the completion scripts, man and groff
# to render the man pages, and (tsdump -r) tcpdump to capture loopback traffic and tshark/editcap to
# check it against Wireshark's dissector. Install what is missing when we may (root with apt-get);
# otherwise say exactly what to run. A missing tool is a failure of the tests, never a skip.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"
# command -> Debian package
needs=(mosquitto:mosquitto mosquitto_pub:mosquitto-clients openssl:openssl zsh:zsh fish:fish man:man-db groff:groff-base
  tcpdump:tcpdump tshark:tshark editcap:wireshark-common)
missing=()
for need in "${needs[@]}"; do
  command -v "${need%%:*}" >/dev/null || missing+=("${need#*:}")
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
