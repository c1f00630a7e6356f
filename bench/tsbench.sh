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
# $SYS/broker/publish/messages/received, as the broker last published it (every sys_interval = 1 s)
broker_received() { local v; v=$(timeout 5 mosquitto_sub -h 127.0.0.1 -p "$P" -t '$SYS/broker/publish/messages/received' -C 1 -W 4 2>/dev/null); echo "${v:-0}"; }
# the count once it has stopped moving: two readings one $SYS interval apart agree (a loaded box
# publishes $SYS late; one fixed sleep missed 15 % of a run's messages)
settled_received() {
  local prev=-1 v i
  v=$(broker_received)
  for ((i = 0; i < 8 && v != prev; i++)); do sleep 1.1; prev=$v; v=$(broker_received); done
  echo "$v"
}
us_per() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b>0) printf "%.2f", a/b*1e6; else print "nan" }'; }
row() { printf '%-44s %14s %14s %9s\n' "$@"; }

pub_part() {
  local q=$1 n=$2 total=$(( 4 * $2 )) i b0 b1 c0 c1 t0 t1 ts_rate mq_rate ts_cpu mq_cpu bc_ts bc_mq
  # mosquitto_pub -l, 4 in parallel, one topic each
  b0=$(settled_received); c0=$(broker_cpu); t0=$(now)
  local pids=()
  for i in 1 2 3 4; do
    seq 1 "$n" | "$GNU_TIME" -f "$TFMT" -o "$BENCH_TMP/mq.$q.$i" mosquitto_pub -h 127.0.0.1 -p "$P" -q "$q" -t "bench/pub/$i" -l 2>>"$BENCH_TMP/mq.err" &
    pids+=("$!")
  done
  wait "${pids[@]}"
  t1=$(now); c1=$(broker_cpu); b1=$(settled_received)
  mq_rate=$(fdiv $(( b1 - b0 )) "$(fdiff "$t0" "$t1")" %.0f)
  mq_cpu=0; for i in 1 2 3 4; do mq_cpu=$(awk -v a="$mq_cpu" -v b="$(tfield "$BENCH_TMP/mq.$q.$i" 3)" 'BEGIN{print a+b}'); done
  bc_mq=$(fdiff "$c0" "$c1"); MQ_DELIVERED=$(( b1 - b0 ))
  # tsbench pub, 4 publishers, as fast as the window allows
  b0=$(settled_received); c0=$(broker_cpu); t0=$(now)
  # --workers 1: on this 2-core box the broker needs the other core (the default, one per core, was slower)
  "$GNU_TIME" -f "$TFMT" -o "$BENCH_TMP/ts.pub.$q" $TS pub -h 127.0.0.1 -p "$P" -c 4 -q "$q" -t 'bench/pub/%i' --count "$n" --workers 1 --json "${TS_RUN[@]}" "${EXTRA[@]}" \
    > "$OUT_DIR/pub-q$q.json" 2>>"$BENCH_TMP/ts.err"
  t1=$(now); c1=$(broker_cpu); b1=$(settled_received)
  ts_rate=$(fdiv $(( b1 - b0 )) "$(fdiff "$t0" "$t1")" %.0f)
  ts_cpu=$(tfield "$BENCH_TMP/ts.pub.$q" 3); bc_ts=$(fdiff "$c0" "$c1"); TS_DELIVERED=$(( b1 - b0 ))
  row "pub -c 4 -q $q, msg/s delivered (broker count)" "$mq_rate" "$ts_rate" "$(fdiv "$ts_rate" "$mq_rate")x"
  row "  delivered of $total (broker count)" "$MQ_DELIVERED" "$TS_DELIVERED" ""
  row "  tsbench's own count: sent / acked" "" "$(jget "$OUT_DIR/pub-q$q.json" sent) / $(jget "$OUT_DIR/pub-q$q.json" acked)" ""
  row "  tsbench's own rate, connected to done (msg/s)" "" "$(jget "$OUT_DIR/pub-q$q.json" rate)" ""
  row "  client CPU us/msg (user+sys)" "$(us_per "$mq_cpu" "$total")" "$(us_per "$ts_cpu" "$total")" ""
  row "  client CPU / broker CPU, same run" "$(fdiv "$mq_cpu" "$bc_mq")x" "$(fdiv "$ts_cpu" "$bc_ts")x" ""
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
