#!/usr/bin/env bash
# The tests run against a real mosquitto (Debian's 2.0.11) and compare with mosquitto_pub/sub.
# Install them when missing and we may (root with apt-get); otherwise say exactly what to run.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"
missing=()
command -v mosquitto >/dev/null || missing+=(mosquitto)
command -v mosquitto_pub >/dev/null || missing+=(mosquitto-clients)
command -v openssl >/dev/null || missing+=(openssl)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing ${missing[*]} (Debian packages) for the tests" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
echo "the tests need ${missing[*]}: run  sudo apt-get install ${missing[*]}" >&2
exit 1
