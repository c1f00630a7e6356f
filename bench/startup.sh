#!/usr/bin/env bash
# bench/startup.sh - start-up goals, one hyperfine run, ratios against `node -e 0` and the
# mosquitto client measured in the same run:
#   tspub one-shot publish (connect, publish 1 byte at QoS 0/1/2, disconnect)   goal <= 1.3x node -e 0
#   tssub exec-to-SUBACK: `-E` (exit once the subscription is acknowledged)     goal <  1.5x node -e 0
#   tssub -C 1 of a retained message (exec -> SUBACK -> first message -> exit)
#   tsrr one request answered by itself (exec -> SUBACK -> PUBLISH -> its own reply -> exit)
# Against its own mosquitto with set_tcp_nodelay true (without it the broker's SUBACK + retained
# PUBLISH meet Nagle + delayed ACK: +40 ms for any client:
# the broker's SUBACK and the retained PUBLISH are two writes, and Nagle holds the second until the
# client's delayed ACK arrives).
#
#   bench/startup.sh            RUNS (20 per command) ROUNDS (4 interleaved passes) WARMUP (3 per pass)
#                               QUICK=1 (12 runs)  BUILD=1 to build first  TS_VIA=nocache: without the code cache
set -u
source "$(dirname "$0")/lib.sh"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM
need mosquitto mosquitto_pub mosquitto_sub hyperfine node timeout
cd "$ROOT"
[[ "${BUILD:-0}" == 1 ]] && npm run build >/dev/null
warm_cache
RUNS=${RUNS:-20}; [[ "${QUICK:-0}" == 1 ]] && RUNS=${QUICK_RUNS:-12}
WARMUP=${WARMUP:-3}

start_broker nodelay "set_tcp_nodelay true"; P=$B_PORT
T="bench/startup/$$"
mosquitto_pub -h 127.0.0.1 -p "$P" -t "$T/retained" -m x -r -q 1

cmds=('node -e 0')
for q in 0 1 2; do
  cmds+=("mosquitto_pub -h 127.0.0.1 -p $P -t $T/pub -m x -q $q")
  cmds+=("$(ts_cmd tspub) -h 127.0.0.1 -p $P -t $T/pub -m x -q $q")
done
cmds+=("mosquitto_sub -h 127.0.0.1 -p $P -t $T/sube -E")
[[ -f dist/tssub.cjs ]] && cmds+=("$(ts_cmd tssub) -h 127.0.0.1 -p $P -t $T/sube -E")
cmds+=("mosquitto_sub -h 127.0.0.1 -p $P -t $T/retained -C 1")
[[ -f dist/tssub.cjs ]] && cmds+=("$(ts_cmd tssub) -h 127.0.0.1 -p $P -t $T/retained -C 1")
# tsrr: its own request comes back on the response topic (with its correlation data): the reply
cmds+=("mosquitto_rr -h 127.0.0.1 -p $P -t $T/rr -e $T/rr -m x")
[[ -f dist/tsrr.cjs ]] && cmds+=("$(ts_cmd tsrr) -h 127.0.0.1 -p $P -t $T/rr -e $T/rr -m x")
[[ -f dist/tssub.cjs ]] || echo "startup.sh: dist/tssub.cjs not built yet: tssub rows skipped" >&2

# hyperfine has no time limit: run each command once under `timeout` first, keep those that
# finish in 10 s with exit 0 and print what the others did
ok=()
for c in "${cmds[@]}"; do
  # shellcheck disable=SC2086
  if out=$(timeout -k 2 10 $c 2>&1 >/dev/null); then ok+=("$c")
  else rc=$?; echo "startup.sh: FAILED (exit $rc${out:+: $(echo "$out" | head -3 | tr '\n' ' ')}): $c" >&2; fi
done
env_line
# ROUNDS interleaved hyperfine passes (each command RUNS/ROUNDS times per pass), pooled: a load
# spike from the other users of this machine then hits every command, not just one
ROUNDS=${ROUNDS:-4}; per=$(( (RUNS + ROUNDS - 1) / ROUNDS ))
for ((r = 1; r <= ROUNDS; r++)); do
  hyperfine -N --warmup "$WARMUP" --runs "$per" --style none --export-json "$BENCH_TMP/h.$r.json" "${ok[@]}" >/dev/null 2>"$BENCH_TMP/hf.err" ||
    { cat "$BENCH_TMP/hf.err" >&2; exit 1; }
done
node - "$P" "$T" "$BENCH_TMP"/h.*.json <<'EOF'
const [port, topic, ...files] = process.argv.slice(2);
const by = new Map();   // command -> { times: [s], cpu: [s per call, one per pass] }
for (const f of files) for (const x of JSON.parse(require('fs').readFileSync(f, 'utf8')).results) {
  const e = by.get(x.command) ?? by.set(x.command, { times: [], cpu: [] }).get(x.command);
  e.times.push(...x.times); e.cpu.push(x.user + x.system);
}
const med = (a) => { const s = [...a].sort((p, q) => p - q), m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const ms = (x) => med(x.times) * 1000;
const floor = by.get('node -e 0');
const short = (c) => c.replace(` -h 127.0.0.1 -p ${port}`, '').replaceAll(topic + '/', '');
console.log(`${files.length} passes, ${by.get('node -e 0')?.times.length ?? '?'} runs per command; medians; CPU = user+sys per call`);
for (const [c, x] of by) {
  const mine = /bin\/ts(pub|sub)\.cjs/.test(c);
  const ref = mine ? by.get(c.replace(/^.*bin\/ts(pub|sub)\.cjs/, 'mosquitto_$1')) : undefined;
  const min = Math.min(...x.times) * 1000, max = Math.max(...x.times) * 1000;
  const cpu = med(x.cpu) * 1000;
  console.log(
    short(c).padEnd(40), `${ms(x).toFixed(1).padStart(6)} ms [${min.toFixed(1)}-${max.toFixed(1)}]`.padEnd(24),
    floor ? `${(ms(x) / ms(floor)).toFixed(2)}x node -e 0`.padEnd(17) : '',
    ref ? `${(ms(x) / ms(ref)).toFixed(0)}x mosq`.padEnd(9) : ''.padEnd(9),
    `CPU ${cpu.toFixed(1).padStart(5)} ms`, floor ? `(${(cpu / (med(floor.cpu) * 1000)).toFixed(2)}x node -e 0)` : '',
  );
}
EOF
