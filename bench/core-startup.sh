#!/usr/bin/env bash
# Start-up of the client core against `node -e 0` and mosquitto_pub, one local mosquitto, one run.
#   bench/core-startup.sh            (needs mosquitto, mosquitto_pub, hyperfine)
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'kill $BROKER 2>/dev/null || true; rm -rf "$out"' EXIT
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$port" > "$out/m.conf"
mosquitto -c "$out/m.conf" 2>/dev/null & BROKER=$!
sleep 0.3
node --input-type=module -e "
import { build } from 'esbuild'; import { bundleOptions } from './scripts/build.mjs';
await build({ ...bundleOptions, entryPoints: ['bench/core-connect.ts'], outfile: '$out/core.cjs' });"
hyperfine -N --warmup 3 --runs "${RUNS:-30}" --export-json "$out/h.json" \
  'node -e 0' "node $out/core.cjs $port" "mosquitto_pub -p $port -t bench/core -m x -q 1" >/dev/null
node -e "
const r = require('$out/h.json').results; const med = (x) => x.median * 1000;
const floor = med(r[0]);
for (const x of r) console.log(x.command.replace('$out/', '').padEnd(52), (med(x)).toFixed(1).padStart(7) + ' ms median', ('x' + (med(x) / floor).toFixed(2)).padStart(7), 'of node -e 0;', ((x.user + x.system) * 1000).toFixed(1), 'ms CPU');
"
