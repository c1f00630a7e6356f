#!/usr/bin/env bash
# bench/tsbench.sh - issue 14's figures, one run, one local mosquitto, printed as ratios:
#   pub    tsbench pub -c 4 against 4 parallel `mosquitto_pub -l` at QoS 0 and QoS 1: messages
#          delivered to the broker per second (counted by the broker: $SYS/broker/publish/
#          messages/received, sys_interval 1), and CPU per message (user+sys of the tool's
#          processes, GNU time) against the broker's in the same run (/proc/PID/stat utime+stime)
#   proxy  pubsub p50 through bench/delay-proxy.mjs (each chunk to the broker 20 ms late)
#   direct pubsub p50 at 1,000 msg/s on loopback
#   conn   10,000 connections held against the broker: the rate reached, tsbench's peak RSS
#
#   bench/tsbench.sh     knobs: PARTS ("pub proxy direct conn")  N0 (QoS 0 messages per publisher,
#                        100000; QUICK=1: 20000)  N1 (QoS 1, 25000; QUICK=1: 5000)  CONNS (10000;
#                        QUICK=1: 2000)  SECS (pubsub and conn duration, 5; QUICK=1: 3)  OUT_DIR
#                        (the JSON summaries; kept)  TSBENCH_ARGS (added to every tsbench run)
# Goals (issue 14): pub >= 0.9x at QoS 0, >= 1.0x at QoS 1; CPU per message <= 1.0x the broker's;
# p50 20-22 ms through the proxy; p50 < 1 ms direct.
set -u
source "$(dirname "$0")/lib.sh"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM
need mosquitto mosquitto_pub mosquitto_sub node timeout "$GNU_TIME"
cd "$ROOT"
[[ -f dist/tsbench.cjs ]] || { echo "tsbench.sh: dist/tsbench.cjs missing (npm run build; tsbench must be on this branch)" >&2; exit 1; }
QUICK=${QUICK:-0}
N0=${N0:-100000}; N1=${N1:-25000}; CONNS=${CONNS:-10000}; SECS=${SECS:-5}
[[ "$QUICK" == 1 ]] && { N0=20000; N1=5000; CONNS=2000; SECS=3; }
PARTS=${PARTS:-"pub proxy direct conn"}
OUT_DIR=${OUT_DIR:-/tmp/tsbench-figures-$(date -u +%Y%m%dT%H%M%S)}; mkdir -p "$OUT_DIR"
# --no-sys: the script reads the broker's counters itself; tsbench's own $SYS client would wait for
# the next sys_interval before and after, inside the timed wall clock
TS="node bin/tsbench.cjs"
TS_RUN=(--no-sys)
# pub: --workers 1 (PUB_WORKERS): on 2 cores the broker needs the other core
PUB_WORKERS=${PUB_WORKERS:-1}
read -r -a EXTRA <<< "${TSBENCH_ARGS:-}"
# 10,000 connections need as many descriptors in tsbench and in the broker (started below, inherits it)
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
(( $(ulimit -n) > CONNS + 100 )) || echo "tsbench.sh: only $(ulimit -n) file descriptors: conn will stop short of $CONNS" >&2
start_broker tsbench "sys_interval 1"; P=$B_PORT; BROKER=$B_PID
node bin/tsbench.cjs --version >/dev/null 2>&1   # writes the code cache before anything is timed
env_line
TICK=$(getconf CLK_TCK)

jget() { node -e 'const v=process.argv[2].split(".").reduce((o,k)=>o?.[k],JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")));console.log(v ?? "")' "$1" "$2"; }
broker_cpu() { awk -v t="$TICK" '{ sub(/^.*\) /, ""); printf "%.3f", ($12 + $13) / t }' "/proc/$BROKER/stat"; }
# $SYS/broker/publish/messages/NAME (received, dropped), as the broker last published it. Only a
# cross-check: the retained value lags (a run right after tsbench's read 290,067 of 400,000 while a
# subscriber had all 400,000 and the broker's total later agreed), so the figures count deliveries.
broker_sys() { local v; v=$(timeout 5 mosquitto_sub -h 127.0.0.1 -p "$P" -t "\$SYS/broker/publish/messages/$1" -C 1 -W 4 2>/dev/null); echo "${v:-0}"; }
us_per() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b>0) printf "%.2f", a/b*1e6; else print "nan" }'; }
row() { printf '%-44s %14s %14s %9s\n' "$@"; }

# The delivery count: one `mosquitto_sub -q 0 -F x -C N+1` on bench/pub/# per side, one line per
# message whatever the payload holds. It exits at the N-th message (+1: the ready marker), so the
# time to it is "all delivered"; if fewer come it is stopped once its count has not moved for
# QUIET s and the shortfall is printed: it cannot undercount silently (and cannot overcount: only
# one line per PUBLISH it gets). QoS 0 to the subscriber for both sides: no window of its own in
# the way; the broker's dropped counter says whether it queued any away.
QUIET=${QUIET:-3}
# mosquitto_pub's lines are as long as tsbench's payload (its 24-byte header): the same bytes for
# the broker and the subscriber on both sides (unpadded `seq` lines were 6 bytes against 24)
PAYLOAD=24
SUB_MARKERS=0
sub_start() {  # sub_start TOTAL -> SUB_PID, SUB_FILE; returns once it is subscribed
  SUB_FILE="$BENCH_TMP/sub.out"; : > "$SUB_FILE"
  mosquitto_sub -h 127.0.0.1 -p "$P" -q 0 -t 'bench/pub/#' -F x -C $(( $1 + 1 )) > "$SUB_FILE" 2>>"$BENCH_TMP/sub.err" &
  SUB_PID=$!; BENCH_PIDS+=("$SUB_PID")
  local i; for ((i = 0; i < 100; i++)); do
    [[ -s "$SUB_FILE" ]] && break
    SUB_MARKERS=$(( SUB_MARKERS + 1 ))
    mosquitto_pub -h 127.0.0.1 -p "$P" -t bench/pub/ready -m ready -q 1 2>/dev/null; sleep 0.05
  done
  # more than one marker may have come: the subscriber's -C must leave room for exactly N more
  local extra; extra=$(( $(wc -l < "$SUB_FILE") - 1 ))
  if (( extra > 0 )); then
    kill "$SUB_PID" 2>/dev/null; wait "$SUB_PID" 2>/dev/null; sub_start "$1"
  fi
}
sub_wait() {  # -> SUB_T1 (when the last message came), SUB_GOT (messages, the marker not counted)
  local n prev=-1
  SUB_T1=$(now)
  while kill -0 "$SUB_PID" 2>/dev/null; do
    n=$(wc -l < "$SUB_FILE")
    if [[ $n != "$prev" ]]; then prev=$n; SUB_T1=$(now)
    elif awk -v a="$SUB_T1" -v b="$(now)" -v q="$QUIET" 'BEGIN{exit !(b-a >= q)}'; then kill "$SUB_PID"; break; fi
    sleep 0.01
  done
  wait "$SUB_PID" 2>/dev/null
  n=$(wc -l < "$SUB_FILE")
  [[ $n != "$prev" ]] && SUB_T1=$(now)
  SUB_GOT=$(( n - 1 ))
}

pub_part() {
  local q=$1 n=$2 total=$(( 4 * $2 )) i s0 s1 d0 d1 c0 c1 t0 ts_rate mq_rate ts_cpu mq_cpu bc_ts bc_mq mq_got ts_got mq_sys ts_sys mq_drop ts_drop mq_wall ts_wall
  # mosquitto_pub -l, 4 in parallel, one topic each
  SUB_MARKERS=0; sub_start "$total"; s0=$(broker_sys received); d0=$(broker_sys dropped); c0=$(broker_cpu); t0=$(now)
  local pids=()
  for i in 1 2 3 4; do
    seq -f "%0${PAYLOAD}.0f" 1 "$n" | "$GNU_TIME" -f "$TFMT" -o "$BENCH_TMP/mq.$q.$i" mosquitto_pub -h 127.0.0.1 -p "$P" -q "$q" -t "bench/pub/$i" -l 2>>"$BENCH_TMP/mq.err" &
    pids+=("$!")
  done
  wait "${pids[@]}"
  mq_wall=$(fdiff "$t0" "$(now)")
  sub_wait; c1=$(broker_cpu); mq_got=$SUB_GOT
  mq_rate=$(fdiv "$mq_got" "$(fdiff "$t0" "$SUB_T1")" %.0f)
  mq_cpu=0; for i in 1 2 3 4; do mq_cpu=$(awk -v a="$mq_cpu" -v b="$(tfield "$BENCH_TMP/mq.$q.$i" 3)" 'BEGIN{print a+b}'); done
  bc_mq=$(fdiff "$c0" "$c1")
  sleep 1.2; s1=$(broker_sys received); d1=$(broker_sys dropped); mq_sys=$(( s1 - s0 - SUB_MARKERS )); mq_drop=$(( d1 - d0 ))
  # tsbench pub, 4 publishers, as fast as the window allows
  SUB_MARKERS=0; sub_start "$total"; s0=$(broker_sys received); d0=$(broker_sys dropped); c0=$(broker_cpu); t0=$(now)
  "$GNU_TIME" -f "$TFMT" -o "$BENCH_TMP/ts.pub.$q" $TS pub -h 127.0.0.1 -p "$P" -c 4 -q "$q" -t 'bench/pub/%i' --count "$n" --workers "$PUB_WORKERS" --json "${TS_RUN[@]}" "${EXTRA[@]}" \
    > "$OUT_DIR/pub-q$q.json" 2>>"$BENCH_TMP/ts.err"
  ts_wall=$(fdiff "$t0" "$(now)")
  sub_wait; c1=$(broker_cpu); ts_got=$SUB_GOT
  ts_rate=$(fdiv "$ts_got" "$(fdiff "$t0" "$SUB_T1")" %.0f)
  ts_cpu=$(tfield "$BENCH_TMP/ts.pub.$q" 3); bc_ts=$(fdiff "$c0" "$c1")
  sleep 1.2; s1=$(broker_sys received); d1=$(broker_sys dropped); ts_sys=$(( s1 - s0 - SUB_MARKERS )); ts_drop=$(( d1 - d0 ))
  row "pub -c 4 -q $q, msg/s delivered (subscriber count)" "$mq_rate" "$ts_rate" "$(fdiv "$ts_rate" "$mq_rate")x"
  row "  delivered of $total (subscriber count)" "$mq_got" "$ts_got" ""
  row "  broker \$SYS received (lags) / dropped" "$mq_sys / $mq_drop" "$ts_sys / $ts_drop" ""
  row "  tsbench's own count: sent / acked" "" "$(jget "$OUT_DIR/pub-q$q.json" sent) / $(jget "$OUT_DIR/pub-q$q.json" acked)" ""
  row "  publishers' wall, start to exit (s)" "$mq_wall" "$ts_wall" ""
  row "  tsbench's own rate, connected to done (msg/s)" "" "$(jget "$OUT_DIR/pub-q$q.json" rate)" ""
  row "  client CPU us/msg (user+sys)" "$(us_per "$mq_cpu" "$total")" "$(us_per "$ts_cpu" "$total")" ""
  row "  client CPU / broker CPU, same run" "$(fdiv "$mq_cpu" "$bc_mq")x" "$(fdiv "$ts_cpu" "$bc_ts")x" ""
  (( q == 1 )) && floor_part "$n"
}

# bench/node-floor.mjs x 4 (the cheapest Node publisher, hand-built packets: bench/README.md):
# what any Node publisher costs against the broker, QoS 1, same counts; its topic is b/floor (no
# subscriber), so the broker's CPU here is without the fan-out the runs above include
floor_part() {
  local n=$1 total=$(( 4 * $1 )) i c0 c1 cpu=0 acked=0 a
  seq -f "%0${PAYLOAD}.0f" 1 "$n" > "$BENCH_TMP/floor.in"
  c0=$(broker_cpu)
  local pids=()
  for i in 1 2 3 4; do
    "$GNU_TIME" -f "$TFMT" -o "$BENCH_TMP/floor.$i" node bench/node-floor.mjs "$P" 1 < "$BENCH_TMP/floor.in" 2> "$BENCH_TMP/floor.err.$i" &
    pids+=("$!")
  done
  wait "${pids[@]}"; c1=$(broker_cpu)
  for i in 1 2 3 4; do
    cpu=$(awk -v a="$cpu" -v b="$(tfield "$BENCH_TMP/floor.$i" 3)" 'BEGIN{print a+b}')
    a=$(sed -n 's/^sent [0-9]* acked \([0-9]*\)$/\1/p' "$BENCH_TMP/floor.err.$i"); acked=$(( acked + ${a:-0} ))
  done
  row "  node-floor.mjs x 4: acked; CPU us/msg" "" "$acked of $total; $(us_per "$cpu" "$acked")" ""
  row "  node-floor.mjs CPU / broker CPU (no subscriber)" "" "$(fdiv "$cpu" "$(fdiff "$c0" "$c1")")x" ""
}

# pubsub 1 publisher -> 1 subscriber, QoS 0, at RATE msg/s, through PORT: e2e p50/p99
pubsub_part() {
  local label=$1 port=$2 rate=$3 out=$4
  timeout $(( SECS + 30 )) $TS pubsub -h 127.0.0.1 -p "$port" --publishers 1 --subscribers 1 -q 0 -r "$rate" \
    --duration "$SECS" --warmup 1 -t 'bench/e2e/%i' --json "${TS_RUN[@]}" "${EXTRA[@]}" > "$out" 2>>"$BENCH_TMP/ts.err"
  row "$label" "" "p50 $(jget "$out" latency.e2e.p50) ms" ""
  row "  p99 / max (ms); received / lost" "" "$(jget "$out" latency.e2e.p99) / $(jget "$out" latency.e2e.max); $(jget "$out" received) / $(jget "$out" lost)" ""
}

conn_part() {
  local out="$OUT_DIR/conn.json" rss
  "$GNU_TIME" -f "$TFMT" -o "$BENCH_TMP/ts.conn" timeout $(( SECS + 120 )) $TS conn -h 127.0.0.1 -p "$P" -c "$CONNS" --count "$CONNS" \
    --duration "$SECS" --json "${TS_RUN[@]}" "${EXTRA[@]}" > "$out" 2>>"$BENCH_TMP/ts.err"
  rss=$(fdiv "$(tfield "$BENCH_TMP/ts.conn" 2)" 1024 %.1f)
  row "conn -c $CONNS: established / failed" "" "$(jget "$out" connections.established) / $(jget "$out" connections.failed)" ""
  row "  rate reached (conn/s); connect p50 / p99 (ms)" "" "$(jget "$out" rate); $(jget "$out" latency.connect.p50) / $(jget "$out" latency.connect.p99)" ""
  row "  tsbench peak RSS (MB)" "" "$rss" ""
}

row "figure" "mosquitto" "tsbench" "ts/mosq"
for part in $PARTS; do
  case $part in
    pub) pub_part 0 "$N0"; pub_part 1 "$N1" ;;
    proxy)
      node bench/delay-proxy.mjs "$P" 20 > "$BENCH_TMP/proxy.port" 2>>"$BENCH_TMP/proxy.err" &
      PROXY_PID=$!; BENCH_PIDS+=("$PROXY_PID")
      for ((i = 0; i < 100; i++)); do [[ -s "$BENCH_TMP/proxy.port" ]] && break; sleep 0.05; done
      pubsub_part "pubsub 100 msg/s through the 20 ms proxy (goal 20-22)" "$(cat "$BENCH_TMP/proxy.port")" 100 "$OUT_DIR/pubsub-proxy.json"
      kill "$PROXY_PID" 2>/dev/null; wait "$PROXY_PID" 2>/dev/null
      ;;
    direct) pubsub_part "pubsub 1,000 msg/s direct (goal p50 < 1 ms)" "$P" 1000 "$OUT_DIR/pubsub-direct.json" ;;
    conn) conn_part ;;
    *) echo "tsbench.sh: unknown part '$part'" >&2 ;;
  esac
done
[[ -s "$BENCH_TMP/ts.err" ]] && { echo "# tsbench stderr (last lines):"; tail -5 "$BENCH_TMP/ts.err" | sed 's/^/#   /'; }
echo "# JSON summaries: $OUT_DIR"
