#!/usr/bin/env bash
# tspub against mosquitto_pub, one local broker, one run (ratios are what count on a shared box):
#   1. start-up: hyperfine `node -e 0`, `tspub` one-shot QoS 0/1/2, mosquitto_pub (medians, x node -e 0)
#   2. stdin lines: ../shared/bench/anchors.sh "stdin" test, seq 1 N | pub -l -q 0/1/2, delivered msg/s
#   3. peak RSS piping 1,000,000 QoS 1 lines (GNU time %M)
# usage: npm run build && bench/tspub.sh        knobs: RUNS (30)  QUICK=1  N0 N12 (anchors.sh)  NRSS (1000000)
# needs: mosquitto, mosquitto_pub/_sub, hyperfine, GNU time; ANCHORS=path/to/anchors.sh (default ../shared/bench)
set -euo pipefail
cd "$(dirname "$0")/.."
ANCHORS=${ANCHORS:-../shared/bench/anchors.sh}
RUNS=${RUNS:-30}; NRSS=${NRSS:-1000000}
[[ -f dist/tspub.js ]] || { echo "bench/tspub.sh: run npm run build first" >&2; exit 2; }
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
PUB="bin/tspub.cjs"   # the CommonJS shim (no ESM loader at start-up; see scripts/build.mjs)

echo "== 1. start-up (hyperfine, $RUNS runs; medians, and minimums: less sensitive to a busy machine)"
hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$out/h.json" \
  'node -e 0' \
  "$PUB -h 127.0.0.1 -p $port -t bench/one -m x -q 0" \
  "$PUB -h 127.0.0.1 -p $port -t bench/one -m x -q 1" \
  "$PUB -h 127.0.0.1 -p $port -t bench/one -m x -q 2" \
  "mosquitto_pub -h 127.0.0.1 -p $port -t bench/one -m x -q 1" >/dev/null
node -e "
const r = require('$out/h.json').results; const floor = r[0].median;
const fmin = r[0].min;
for (const x of r) console.log(x.command.replace(/ -h 127.*-m x/, ' ...').padEnd(40), (x.median * 1000).toFixed(1).padStart(7), 'ms median', ('x' + (x.median / floor).toFixed(2)).padStart(6),
  '|', (x.min * 1000).toFixed(1).padStart(7), 'ms min', ('x' + (x.min / fmin).toFixed(2)).padStart(6), 'of node -e 0');"

echo "== 2. stdin lines (anchors.sh)"
PUB_CMD="$PUB" SUB_CMD=mosquitto_sub CAND_NAME=tspub CLIENTS="mosquitto candidate" TESTS=stdin \
  BROKER_PID=$BROKER OUT_DIR="$out/anchors" "$ANCHORS" "$port"

echo "== 3. peak RSS, seq 1 $NRSS | tspub -l -q 1"
seq 1 "$NRSS" | /usr/bin/time -f '%M KB peak RSS, %e s, exit %x' $PUB -h 127.0.0.1 -p "$port" -t bench/rss -l -q 1
