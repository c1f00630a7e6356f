#!/usr/bin/env bash
# tssub against mosquitto_sub, one local broker, one run (ratios are what count on a shared box):
#   1. exec to SUBACK: hyperfine `node -e 0`, `tssub -E`, `mosquitto_sub -E` (connect, subscribe, wait
#      for the SUBACK, disconnect; medians and x node -e 0)
#   2. drain: ../shared/bench/anchors.sh "drain" test, sub -v receiving N QoS 0 messages: msg/s
#   3. slow reader: NSLOW 1 KB messages to `sub -v | (sleep 5; cat)`: peak RSS, all delivered
# usage: npm run build && bench/tssub.sh     knobs: RUNS (30)  QUICK=1  NSUB (anchors.sh)  NSLOW (50000)
# needs: mosquitto, mosquitto_pub/_sub, hyperfine, GNU time; ANCHORS=path/to/anchors.sh (default ../shared/bench)
set -euo pipefail
cd "$(dirname "$0")/.."
ANCHORS=${ANCHORS:-../shared/bench/anchors.sh}
RUNS=${RUNS:-30}; NSLOW=${NSLOW:-50000}
[[ -f dist/tssub.js ]] || { echo "bench/tssub.sh: run npm run build first" >&2; exit 2; }
out=$(mktemp -d)
BROKER=
trap '[[ -n "$BROKER" ]] && kill "$BROKER" 2>/dev/null; rm -rf "$out"' EXIT
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
cat > "$out/m.conf" <<CONF
listener $port 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 1000000
max_inflight_messages 20
log_dest stderr
log_type error
CONF
mosquitto -c "$out/m.conf" 2>"$out/broker.log" & BROKER=$!
sleep 0.3
SUB="bin/tssub.js"

echo "== 1. exec to SUBACK (hyperfine, $RUNS runs; medians)"
hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$out/h.json" \
  'node -e 0' \
  "$SUB -h 127.0.0.1 -p $port -t bench/one -E" \
  "mosquitto_sub -h 127.0.0.1 -p $port -t bench/one -E" >/dev/null
node -e "
const r = require('$out/h.json').results; const floor = r[0].median;
for (const x of r) console.log(x.command.replace(/ -h 127.*-t bench.one/, ' ...').padEnd(32), (x.median * 1000).toFixed(1).padStart(7), 'ms', ('x' + (x.median / floor).toFixed(2)).padStart(6), 'of node -e 0');"

echo "== 2. drain (anchors.sh)"
SUB_CMD="$SUB" PUB_CMD=mosquitto_pub CAND_NAME=tssub CLIENTS="mosquitto candidate" TESTS=drain \
  BROKER_PID=$BROKER OUT_DIR="$out/anchors" "$ANCHORS" "$port"

echo "== 3. slow reader: $NSLOW x 1 KB, sub -v | (sleep 5; cat)"
line=$(head -c 1000 /dev/zero | tr '\0' 'x')
for i in $(seq 1 "$NSLOW"); do echo "$line"; done > "$out/slow.txt"
for cmd in "$SUB" mosquitto_sub; do
  ( /usr/bin/time -f "%M" -o "$out/rss" $cmd -h 127.0.0.1 -p "$port" -t bench/slow -v -C "$NSLOW" -W 120 \
      | (sleep 5; wc -l > "$out/lines") ) &
  reader=$!
  sleep 0.5
  mosquitto_pub -h 127.0.0.1 -p "$port" -t bench/slow -l < "$out/slow.txt"
  wait "$reader"
  printf '%-16s peak RSS %6s KB, lines received %s\n' "$cmd" "$(tail -1 "$out/rss")" "$(tr -d ' ' < "$out/lines")"
done
