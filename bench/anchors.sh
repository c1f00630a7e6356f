#!/usr/bin/env bash
# anchors.sh - measure MQTT command-line clients ("anchors") against a running broker
# and print a compact table.  Started from the team's shared anchors harness; changes here: the
# oneshot_sub_e test (sub -E), and the `node -e 0` floor is measured by whichever one-shot
# test runs first.  bench/run.sh is the usual way in (it starts the brokers); see README.md.
#
# usage: anchors.sh PORT            (or PORT=... anchors.sh)
#
# Clients measured (each only if found):
#   mosquitto   mosquitto_pub / mosquitto_sub (also the reference meter for every test)
#   mqttjs      MQTT.js CLI: MQTTJS_BIN=path/to/node_modules/.bin/mqtt, or `mqtt` on PATH
#   paho        paho_c_pub / paho_c_sub (Debian package paho.mqtt.c-examples)
#   mqttx       MQTTX CLI: MQTTX_BIN=path/to/mqttx (or its bin/index.js), or `mqttx` on PATH
#   candidate   ours: PUB_CMD / SUB_CMD, e.g. PUB_CMD="node bin/tspub.cjs" SUB_CMD="node bin/tssub.cjs";
#               they get mosquitto-style flags: -h -p -t -m -q -l (pub) and -C -v (sub)
#
# Tests (TESTS="oneshot oneshot_sub oneshot_sub_e stdin drain ceiling" by default):
#   oneshot      hyperfine: one process connects, publishes 1 message (QoS 0/1/2), exits
#   oneshot_sub  hyperfine: sub -C 1 of a retained message (clients with a count flag)
#   oneshot_sub_e hyperfine: sub -E (exit once the SUBACK is in: exec-to-SUBACK + disconnect)
#   stdin        seq 1 N | pub <line mode> -q Q, counted by mosquitto_sub -C N: delivered msg/s
#   drain        sub -v (QoS 0) receiving N messages sent by `mosquitto_pub -l`: msg/s, "live"
#                (timed from publisher start) and "backlog" (sub SIGSTOPped while the N are
#                sent, timed from SIGCONT: the sub's own drain speed, not the broker's)
#   ceiling      K parallel mosquitto_pub -l -> mosquitto_sub pairs, and K pubs -> 1 sub
#
# Knobs (environment): HOST (127.0.0.1)  CLIENTS (auto)  TESTS  RUNS (20 hyperfine runs)
#   STDIN_QOS ("0 1 2")  DRAIN_MODES ("live backlog")  BACKLOG_SETTLE_S (1)
#   REPEAT (3)  N0 (200000, QoS 0)  N12 (50000, QoS 1/2)  NSUB (200000)  CEIL_N (200000 per
#   publisher)  CEIL_K ("1 2 4")  TIMEOUT_S (120 per run)  SETTLE_S (0.5)  OUT_DIR (temp dir)
#   BROKER_PID (optional: adds broker CPU per message to stdin/drain/ceiling rows)
#   ONESHOT_PORT (PORT): broker for the two one-shot tests, e.g. one with set_tcp_nodelay true
#   QUICK=1 (smoke test: N0=20000 N12=5000 NSUB=20000 CEIL_N=20000 REPEAT=1 RUNS=10)
#   SUB_HAS_COUNT=0 if the candidate sub has no -C yet; SUB_HAS_E=0 if it has no -E yet;
#   CAND_NAME (candidate)
#   MQTTX_ARGS (extra flags for every mqttx command, e.g. "-V 3.1.1")
# Only loopback brokers are meant: every loop here is bounded by a count and by TIMEOUT_S.

set -u

PORT=${1:-${PORT:-}}
if [[ -z "$PORT" || "$PORT" == -* ]]; then
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
  exit 2
fi
HOST=${HOST:-127.0.0.1}
ONESHOT_PORT=${ONESHOT_PORT:-$PORT}
if [[ "${QUICK:-0}" == 1 ]]; then
  : "${N0:=20000}" "${N12:=5000}" "${NSUB:=20000}" "${CEIL_N:=20000}" "${REPEAT:=1}" "${RUNS:=10}"
fi
N0=${N0:-200000}; N12=${N12:-50000}; NSUB=${NSUB:-200000}
CEIL_N=${CEIL_N:-200000}; CEIL_K=${CEIL_K:-"1 2 4"}
REPEAT=${REPEAT:-3}; RUNS=${RUNS:-20}; WARMUP=${WARMUP:-3}
TIMEOUT_S=${TIMEOUT_S:-120}; SETTLE_S=${SETTLE_S:-0.5}; GRACE_S=${GRACE_S:-5}
TESTS=${TESTS:-"oneshot oneshot_sub oneshot_sub_e stdin drain ceiling"}
STDIN_QOS=${STDIN_QOS:-"0 1 2"}; DRAIN_MODES=${DRAIN_MODES:-"live backlog"}; BACKLOG_SETTLE_S=${BACKLOG_SETTLE_S:-1}
CLIENTS=${CLIENTS:-auto}
CAND_NAME=${CAND_NAME:-candidate}
BROKER_PID=${BROKER_PID:-}
OUT_DIR=${OUT_DIR:-$(mktemp -d -t anchors.XXXXXX)}
mkdir -p "$OUT_DIR"
RAW="$OUT_DIR/raw.tsv"
LOG="$OUT_DIR/log.txt"
: > "$LOG"
[[ -f "$RAW" ]] || printf 'test\tclient\tqos\tn\trep\tvalue\tunit\treceived\trss_kb\tcpu_s\tbroker_cpu_s\tnote\n' > "$RAW"
RUN_ID="$$$RANDOM"

log() { printf '%s\n' "$*" >> "$LOG"; }
say() { printf '%s\n' "$*" >&2; log "$*"; }
now() { printf '%s' "${EPOCHREALTIME:-$(date +%s.%N)}"; }
fdiff() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.6f", b-a}'; }
fdiv() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b>0) printf "%.1f", a/b; else print "nan" }'; }

for tool in mosquitto_pub mosquitto_sub awk grep seq timeout; do
  command -v "$tool" >/dev/null || { echo "anchors.sh: $tool is required" >&2; exit 2; }
done
GNU_TIME=${GNU_TIME:-$(type -P time)}   # the program, not the bash keyword
[[ -n "$GNU_TIME" ]] && "$GNU_TIME" -f %M true >/dev/null 2>&1 ||
  { echo "anchors.sh: GNU time is required (Debian package 'time'; or set GNU_TIME)" >&2; exit 2; }
HAVE_SS=0; command -v ss >/dev/null && HAVE_SS=1

# ---------------------------------------------------------------- processes we start
BG_PIDS=()
cleanup() {   # only what this script started: its background PIDs and their descendants
  local p k
  for p in "${BG_PIDS[@]}"; do
    kill -0 "$p" 2>/dev/null || continue
    for k in $(desc "$p"); do kill -TERM "$k" 2>/dev/null; kill -CONT "$k" 2>/dev/null; done
    kill "$p" 2>/dev/null
  done
  mosquitto_pub -h "$HOST" -p "$ONESHOT_PORT" -t "bench/$RUN_ID/retained" -r -n >/dev/null 2>&1
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# children of a PID (the command run under `time` / `timeout`)
kids() { ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' '; }
# stop a "time timeout CMD" chain started in the background: TERM goes to `timeout`,
# which forwards it to CMD, so `time` still writes its report
stop_chain() {
  local tp=$1 k
  kill -0 "$tp" 2>/dev/null || return 0
  for k in $(kids "$tp"); do kill -TERM "$k" 2>/dev/null; done
  local i=0
  while kill -0 "$tp" 2>/dev/null && (( i < 100 )); do sleep 0.05; i=$((i+1)); done
  kill -KILL "$tp" 2>/dev/null
  return 0
}
# all descendants of a PID (to SIGSTOP/SIGCONT a subscriber under `time timeout`)
desc() { local k; for k in $(kids "$1"); do echo "$k"; desc "$k"; done; }
# wait up to $2 seconds for PID $1 to exit by itself; 0 if it did
wait_exit() {
  local p=$1 lim=$2 i=0 max
  max=$(awk -v s="$lim" 'BEGIN{printf "%d", s*20}')
  while kill -0 "$p" 2>/dev/null && (( i < max )); do sleep 0.05; i=$((i+1)); done
  ! kill -0 "$p" 2>/dev/null
}
# broker-side established connections on our port (readiness check for subscribers)
est_count() {
  if (( HAVE_SS )); then ss -Htn state established "( sport = :$PORT )" 2>/dev/null | wc -l
  else echo 0; fi
}
wait_new_conns() {   # baseline, expected increase
  local base=$1 want=$2 i=0
  if (( HAVE_SS )); then
    while (( $(est_count) < base + want )) && (( i < 300 )); do sleep 0.05; i=$((i+1)); done
    (( i >= 300 )) && log "warning: connections did not show up within 15 s"
    sleep "$SETTLE_S"
  else
    sleep "${READY_S:-3}"
  fi
}
broker_cpu() {   # seconds of CPU used so far by BROKER_PID, or empty
  [[ -n "$BROKER_PID" && -r /proc/$BROKER_PID/stat ]] || { echo ""; return; }
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.3f", ($12+$13)/hz }' "/proc/$BROKER_PID/stat"
}
# "time" report written by:  -f '%e %M %U %S %x'  -> wall rss_kb user sys exit
tval() { awk -v f="$2" 'NF>=5 && $1 ~ /^[0-9.]+$/ {v[1]=$1; v[2]=$2; v[3]=$3+$4; v[4]=$5} END{print (f in v)? v[f] : ""}' "$1" 2>/dev/null; }
TFMT='%e %M %U %S %x'
record() {  # test client qos n rep value unit received rss_kb cpu_s broker_cpu_s note
  local IFS=$'\t'; printf '%s\n' "$*" >> "$RAW"
}

# ---------------------------------------------------------------- client registry
# For each client: PUB1 (one-shot publish), PUBL (stdin line mode), SUB (subscriber),
# SUBCNT (flag that makes the sub exit after N messages, "" if none), SUBV (flag for
# "topic payload" output), SUBMATCH (grep regex of the output line that marks one message,
# "" = every line), PUBL_EXITS (0 if the pub never exits at end of input).
declare -A PUB1 PUBL SUB SUBCNT SUBV SUBMATCH PUBL_EXITS SUBE
ALL=()
add_client() { ALL+=("$1"); }

if command -v mosquitto_pub >/dev/null; then
  add_client mosquitto
  PUB1[mosquitto]="mosquitto_pub"; PUBL[mosquitto]="mosquitto_pub -l"
  SUB[mosquitto]="mosquitto_sub"; SUBCNT[mosquitto]="-C"; SUBV[mosquitto]="-v"; SUBMATCH[mosquitto]=""; SUBE[mosquitto]="-E"
fi
MQTTJS_BIN=${MQTTJS_BIN:-}
if [[ -z "$MQTTJS_BIN" ]]; then
  if [[ -x ./node_modules/.bin/mqtt ]]; then MQTTJS_BIN=./node_modules/.bin/mqtt
  elif command -v mqtt >/dev/null && mqtt version 2>/dev/null | grep -q 'MQTT.js'; then MQTTJS_BIN=$(command -v mqtt); fi
fi
if [[ -n "$MQTTJS_BIN" ]]; then
  add_client mqttjs
  # MQTT.js: -l and -C mean --protocol; line mode is -s -M (--stdin --multiline); no count flag
  PUB1[mqttjs]="$MQTTJS_BIN pub"; PUBL[mqttjs]="$MQTTJS_BIN pub -s -M"
  SUB[mqttjs]="$MQTTJS_BIN sub"; SUBCNT[mqttjs]=""; SUBV[mqttjs]="-v"; SUBMATCH[mqttjs]=""
fi
if command -v paho_c_pub >/dev/null; then
  add_client paho
  # paho_c_pub without -m publishes stdin lines but never exits at end of input
  PUB1[paho]="paho_c_pub"; PUBL[paho]="paho_c_pub"; PUBL_EXITS[paho]=0
  SUB[paho]="paho_c_sub"; SUBCNT[paho]=""; SUBV[paho]=""; SUBMATCH[paho]=""
fi
MQTTX_BIN=${MQTTX_BIN:-}
[[ -z "$MQTTX_BIN" ]] && command -v mqttx >/dev/null && MQTTX_BIN=$(command -v mqttx)
if [[ -n "$MQTTX_BIN" ]]; then
  add_client mqttx
  MQTTX_ARGS=${MQTTX_ARGS:-}
  # MQTTX: line mode is -s -M; sub has no count flag; its default output (not a tty) is
  # "received_at: ..., topic: T, qos: Q, size: NB" then the payload then a blank line
  PUB1[mqttx]="$MQTTX_BIN pub $MQTTX_ARGS"; PUBL[mqttx]="$MQTTX_BIN pub -s -M $MQTTX_ARGS"
  SUB[mqttx]="$MQTTX_BIN sub $MQTTX_ARGS"; SUBCNT[mqttx]=""; SUBV[mqttx]=""
  SUBMATCH[mqttx]='^received_at: '
fi
if [[ -n "${PUB_CMD:-}" || -n "${SUB_CMD:-}" ]]; then
  add_client "$CAND_NAME"
  if [[ -n "${PUB_CMD:-}" ]]; then PUB1[$CAND_NAME]="$PUB_CMD"; PUBL[$CAND_NAME]="$PUB_CMD -l"; fi
  if [[ -n "${SUB_CMD:-}" ]]; then
    SUB[$CAND_NAME]="$SUB_CMD"; SUBV[$CAND_NAME]="-v"; SUBMATCH[$CAND_NAME]=""
    if [[ "${SUB_HAS_COUNT:-1}" == 1 ]]; then SUBCNT[$CAND_NAME]="-C"; else SUBCNT[$CAND_NAME]=""; fi
    if [[ "${SUB_HAS_E:-1}" == 1 ]]; then SUBE[$CAND_NAME]="-E"; fi
  fi
fi
if [[ "$CLIENTS" == auto ]]; then SEL=("${ALL[@]}")
else
  read -ra want <<< "$CLIENTS"; SEL=()
  for w in "${want[@]}"; do
    [[ "$w" == candidate ]] && w=$CAND_NAME
    if [[ " ${ALL[*]} " == *" $w "* ]]; then SEL+=("$w"); else echo "anchors.sh: client '$w' not found, skipped" >&2; fi
  done
fi
has() { local x; for x in "${SEL[@]}"; do [[ "$x" == "$1" ]] && return 0; done; return 1; }
want_test() { [[ " $TESTS " == *" $1 "* ]]; }

# ---------------------------------------------------------------- environment record
{
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "machine: $(uname -sm), $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "broker: $HOST:$PORT (one-shot tests: $ONESHOT_PORT)  clients: ${SEL[*]}  tests: $TESTS"
  echo "sizes: N0=$N0 N12=$N12 NSUB=$NSUB CEIL_N=$CEIL_N CEIL_K='$CEIL_K' REPEAT=$REPEAT RUNS=$RUNS"
  echo "mosquitto_pub: $(mosquitto_pub --help 2>&1 | sed -n 's/^mosquitto_pub version \([^ ]*\).*/\1/p')"
  command -v node >/dev/null && echo "node: $(node --version)"
  [[ -n "$MQTTJS_BIN" ]] && echo "mqttjs: $($MQTTJS_BIN version 2>/dev/null | tr -d '\n')"
  [[ -n "$MQTTX_BIN" ]] && echo "mqttx: $($MQTTX_BIN --version 2>/dev/null | head -1)"
  command -v paho_c_pub >/dev/null && echo "paho: $(paho_c_pub -x 2>&1 | sed -n 's/^Version: *//p' | head -1)"
} | tee -a "$LOG" >&2

if ! mosquitto_pub -h "$HOST" -p "$PORT" -t "bench/$RUN_ID/ping" -m x -q 1 2>>"$LOG"; then
  echo "anchors.sh: no broker answering on $HOST:$PORT" >&2; exit 1
fi

# ---------------------------------------------------------------- 1. one-shot publish
hf() {  # test client qos label cmd...   (hyperfine, no shell; records median + min/max)
  local test=$1 client=$2 qos=$3 label=$4; shift 4
  local csv="$OUT_DIR/hf.$test.$label.$qos.csv"
  if ! hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --style none --export-csv "$csv" "$*" >>"$LOG" 2>&1; then
    say "  $client q$qos: hyperfine failed (see $LOG)"; record "$test" "$client" "$qos" 1 - nan ms "" "" "" "" failed; return
  fi
  # columns: command,mean,stddev,median,user,system,min,max (seconds); command may hold commas
  local med min max cpu
  read -r med min max cpu < <(awk -F, 'NR==2{printf "%.2f %.2f %.2f %.4f", $(NF-4)*1000, $(NF-1)*1000, $NF*1000, $(NF-3)+$(NF-2)}' "$csv")
  record "$test" "$client" "$qos" 1 median "$med" ms "" "" "$cpu" "" "min=$min max=$max"
  say "  $label q$qos: median $med ms (min $min, max $max)"
}
FLOOR_DONE=0
floor() {   # the `node -e 0` floor, once per run, recorded under the test that ran first
  (( FLOOR_DONE )) && return; FLOOR_DONE=1
  command -v node >/dev/null && hf "$1" node-e-0 - node-floor node -e 0
}
if want_test oneshot; then
  command -v hyperfine >/dev/null || { say "oneshot: hyperfine not installed, skipped"; }
  if command -v hyperfine >/dev/null; then
    say "== oneshot publish (hyperfine, $RUNS runs)"
    floor oneshot
    for c in "${SEL[@]}"; do
      [[ -n "${PUB1[$c]:-}" ]] || continue
      for q in 0 1 2; do
        hf oneshot "$c" "$q" "$c" ${PUB1[$c]} -h "$HOST" -p "$ONESHOT_PORT" -t "bench/$RUN_ID/oneshot" -m x -q "$q"
      done
    done
  fi
fi
if want_test oneshot_sub && command -v hyperfine >/dev/null; then
  say "== oneshot subscribe (-C 1 of a retained message)"
  floor oneshot_sub
  mosquitto_pub -h "$HOST" -p "$ONESHOT_PORT" -t "bench/$RUN_ID/retained" -m x -r -q 1
  for c in "${SEL[@]}"; do
    [[ -n "${SUB[$c]:-}" && -n "${SUBCNT[$c]:-}" ]] || continue
    hf oneshot_sub "$c" 0 "$c" ${SUB[$c]} -h "$HOST" -p "$ONESHOT_PORT" -t "bench/$RUN_ID/retained" "${SUBCNT[$c]}" 1
  done
fi
if want_test oneshot_sub_e && command -v hyperfine >/dev/null; then
  say "== oneshot subscribe -E (exit once the subscription is acknowledged)"
  floor oneshot_sub_e
  for c in "${SEL[@]}"; do
    [[ -n "${SUB[$c]:-}" && -n "${SUBE[$c]:-}" ]] || continue
    hf oneshot_sub_e "$c" 0 "$c" ${SUB[$c]} -h "$HOST" -p "$ONESHOT_PORT" -t "bench/$RUN_ID/sube" -q 0 "${SUBE[$c]}"
  done
fi

# ---------------------------------------------------------------- 2. stdin line throughput
if want_test stdin; then
  say "== stdin lines: seq 1 N | pub (line mode), delivered count from mosquitto_sub -C N"
  for c in "${SEL[@]}"; do
    [[ -n "${PUBL[$c]:-}" ]] || continue
    for q in $STDIN_QOS; do
      n=$N12; [[ $q == 0 ]] && n=$N0
      for ((r = 1; r <= REPEAT; r++)); do
        topic="bench/$RUN_ID/stdin/$c/$q/$r"
        cf="$OUT_DIR/cnt.stdin.$c.$q.$r"; tf="$OUT_DIR/time.stdin.$c.$q.$r"; : > "$tf"
        base=$(est_count)
        ( mosquitto_sub -h "$HOST" -p "$PORT" -t "$topic" -q "$q" -C "$n" -W "$TIMEOUT_S" -F x 2>>"$LOG" | wc -l > "$cf" ) &
        mp=$!; BG_PIDS+=("$mp")
        wait_new_conns "$base" 1
        b0=$(broker_cpu); t0=$(now)
        seq 1 "$n" | $GNU_TIME -f "$TFMT" -o "$tf" timeout -k 2 "$TIMEOUT_S" ${PUBL[$c]} -h "$HOST" -p "$PORT" -t "$topic" -q "$q" >/dev/null 2>>"$LOG" &
        tp=$!; BG_PIDS+=("$tp")
        wait "$mp"; t1=$(now); b1=$(broker_cpu)
        note=""
        if ! wait_exit "$tp" "$GRACE_S"; then note="pub-killed"; stop_chain "$tp"; fi
        wait "$tp" 2>/dev/null
        got=$(tr -d ' ' < "$cf"); got=${got:-0}
        el=$(fdiff "$t0" "$t1"); rate=$(fdiv "$got" "$el")
        (( got < n )) && note="${note:+$note,}lost=$((n - got))"
        [[ "${PUBL_EXITS[$c]:-1}" == 0 ]] && note="${note:+$note,}no-exit-at-eof"
        pubwall=$(tval "$tf" 1); pubrc=$(tval "$tf" 4)
        [[ -n "$pubwall" && "$note" != *pub-killed* ]] && note="${note:+$note,}pub_s=$pubwall"
        [[ -n "$pubrc" && "$pubrc" != 0 && "$note" != *pub-killed* ]] && note="${note:+$note,}pub_rc=$pubrc"
        bc=""; [[ -n "$b0" ]] && bc=$(fdiff "$b0" "$b1")
        record stdin "$c" "$q" "$n" "$r" "$rate" msg/s "$got" "$(tval "$tf" 2)" "$(tval "$tf" 3)" "$bc" "${note:--}"
        say "  $c q$q n=$n rep $r: $rate msg/s end-to-end (${el}s, got $got) pub rss $(tval "$tf" 2) kB ${note}"
        if (( got < n && r < REPEAT )); then say "  $c q$q: incomplete, further repeats skipped"; break; fi
      done
    done
  done
fi

# ---------------------------------------------------------------- 3. subscriber drain
if want_test drain; then
  say "== drain: sub -v (QoS 0) <- seq 1 $NSUB | mosquitto_pub -l -q 0  (live: timed from publisher start;"
  say "   backlog: sub SIGSTOPped while the N messages are sent, timed from SIGCONT)"
  for c in "${SEL[@]}"; do
    [[ -n "${SUB[$c]:-}" ]] || continue
    modes=pipe; [[ -n "${SUBCNT[$c]:-}" ]] && modes="devnull pipe"
    for how in $DRAIN_MODES; do
    for mode in $modes; do
      for ((r = 1; r <= REPEAT; r++)); do
        topic="bench/$RUN_ID/drain/$c/$how/$mode/$r"
        tf="$OUT_DIR/time.drain.$c.$how.$mode.$r"; cf="$OUT_DIR/cnt.drain.$c.$how.$mode.$r"; : > "$tf"; rm -f "$cf"
        base=$(est_count)
        read -ra subcmd <<< "${SUB[$c]}"
        subcmd+=(-h "$HOST" -p "$PORT" -t "$topic" -q 0)
        [[ -n "${SUBV[$c]:-}" ]] && subcmd+=("${SUBV[$c]}")
        if [[ $mode == devnull ]]; then
          subcmd+=("${SUBCNT[$c]}" "$NSUB")
          $GNU_TIME -f "$TFMT" -o "$tf" timeout -k 2 "$TIMEOUT_S" "${subcmd[@]}" >/dev/null 2>>"$LOG" &
          tp=$!; BG_PIDS+=("$tp"); waitpid=$tp
        else
          fifo="$OUT_DIR/fifo.$c.$r"; rm -f "$fifo"; mkfifo "$fifo"
          # grep -m stops at the N-th matching line at once (mawk would wait for a full buffer)
          grep -a -c -m "$NSUB" -e "${SUBMATCH[$c]:-}" < "$fifo" > "$cf" &
          ap=$!; BG_PIDS+=("$ap"); waitpid=$ap
          $GNU_TIME -f "$TFMT" -o "$tf" timeout -k 2 "$TIMEOUT_S" "${subcmd[@]}" > "$fifo" 2>>"$LOG" &
          tp=$!; BG_PIDS+=("$tp")
        fi
        wait_new_conns "$base" 1
        if [[ $how == backlog ]]; then
          stopped=$(desc "$tp" | tail -n +2)   # everything under `timeout`
          for k in $stopped; do kill -STOP "$k" 2>/dev/null; done
          tq=$(now)
          seq 1 "$NSUB" | mosquitto_pub -h "$HOST" -p "$PORT" -t "$topic" -q 0 -l 2>>"$LOG"
          tpub=$(now); sleep "$BACKLOG_SETTLE_S"
          b0=$(broker_cpu); t0=$(now)
          for k in $stopped; do kill -CONT "$k" 2>/dev/null; done
        else
          b0=$(broker_cpu); t0=$(now); tq=$t0
          seq 1 "$NSUB" | mosquitto_pub -h "$HOST" -p "$PORT" -t "$topic" -q 0 -l 2>>"$LOG"
          tpub=$(now)
        fi
        wait "$waitpid" 2>/dev/null; t1=$(now); b1=$(broker_cpu)
        if [[ $mode == pipe ]]; then stop_chain "$tp"; wait "$tp" 2>/dev/null; rm -f "$fifo"
          got=$(cat "$cf" 2>/dev/null); got=${got:-0}
        else
          rc=$(tval "$tf" 4); if [[ "$rc" == 0 ]]; then got=$NSUB; else got=0; fi
        fi
        el=$(fdiff "$t0" "$t1"); rate=$(fdiv "$got" "$el")
        note="pub_s=$(fdiff "$tq" "$tpub")"
        (( got < NSUB )) && note="$note,incomplete(got=$got)"
        bc=""; [[ -n "$b0" ]] && bc=$(fdiff "$b0" "$b1")
        record "drain-$how-$mode" "$c" 0 "$NSUB" "$r" "$rate" msg/s "$got" "$(tval "$tf" 2)" "$(tval "$tf" 3)" "$bc" "$note"
        say "  $c [$how $mode] rep $r: $rate msg/s (${el}s, got $got) sub rss $(tval "$tf" 2) kB $note"
        if (( got < NSUB && r < REPEAT )); then say "  $c [$how $mode]: incomplete, further repeats skipped"; break; fi
      done
    done
    done
  done
fi

# ---------------------------------------------------------------- 5. broker ceiling
if want_test ceiling; then
  say "== ceiling: K x (seq 1 $CEIL_N | mosquitto_pub -l -q 0) with K subs (pairs) or 1 sub (fan-in)"
  for k in $CEIL_K; do
    for shape in pairs fanin; do
      [[ $shape == fanin && $k == 1 ]] && continue
      for ((r = 1; r <= REPEAT; r++)); do
        pre="bench/$RUN_ID/ceil/$shape/$k/$r"
        base=$(est_count); subs=()
        if [[ $shape == pairs ]]; then nsub=$k; else nsub=1; fi
        for ((i = 1; i <= nsub; i++)); do
          if [[ $shape == pairs ]]; then t="$pre/$i"; m=$CEIL_N; else t="$pre/+"; m=$((CEIL_N * k)); fi
          ( mosquitto_sub -h "$HOST" -p "$PORT" -t "$t" -q 0 -C "$m" -W "$TIMEOUT_S" -F x 2>>"$LOG" | wc -l > "$OUT_DIR/cnt.ceil.$i" ) &
          subs+=($!); BG_PIDS+=($!)
        done
        wait_new_conns "$base" "$nsub"
        b0=$(broker_cpu); t0=$(now); pubs=()
        for ((i = 1; i <= k; i++)); do
          ( seq 1 "$CEIL_N" | timeout -k 2 "$TIMEOUT_S" mosquitto_pub -h "$HOST" -p "$PORT" -t "$pre/$i" -q 0 -l 2>>"$LOG" ) &
          pubs+=($!); BG_PIDS+=($!)
        done
        for p in "${subs[@]}"; do wait "$p"; done
        t1=$(now); b1=$(broker_cpu)
        for p in "${pubs[@]}"; do wait "$p"; done
        got=0; for ((i = 1; i <= nsub; i++)); do got=$((got + $(tr -d ' ' < "$OUT_DIR/cnt.ceil.$i"))); done
        total=$((CEIL_N * k)); el=$(fdiff "$t0" "$t1"); rate=$(fdiv "$got" "$el")
        note="-"; (( got < total )) && note="lost=$((total - got))"
        bc=""; [[ -n "$b0" ]] && bc=$(fdiff "$b0" "$b1")
        record "ceiling-$shape" "k=$k" 0 "$total" "$r" "$rate" msg/s "$got" "" "" "$bc" "$note"
        say "  $shape k=$k rep $r: $rate msg/s delivered (${el}s, got $got/$total)${bc:+ broker cpu ${bc}s}"
      done
    done
  done
fi

# ---------------------------------------------------------------- summary table
summary() {
  awk -F'\t' '
    function med(arr, n,   i, j, t) {   # sorts arr[1..n] in place, returns median
      for (i = 2; i <= n; i++) { t = arr[i]; j = i - 1; while (j > 0 && arr[j] > t) { arr[j+1] = arr[j]; j-- } arr[j+1] = t }
      return (n % 2) ? arr[(n+1)/2] : (arr[n/2] + arr[n/2+1]) / 2
    }
    NR == 1 { next }
    {
      k = $1 SUBSEP $2 SUBSEP $3 SUBSEP $4
      if (!(k in cnt)) { order[++nk] = k; unit[k] = $7 }
      cnt[k]++; val[k, cnt[k]] = $6 + 0
      if ($9 != "") { nr[k]++; rss[k, nr[k]] = $9 / 1024 }
      if ($10 != "") { nc[k]++; cpu[k, nc[k]] = $10 + 0 }
      if ($11 != "" && $8 > 0) { nb[k]++; bro[k, nb[k]] = $11 * 1e6 / $8 }
      if ($12 ~ /lost=|incomplete|killed|failed|no-exit|pub_rc=/) {
        nt = $12; gsub(/(^|,)pub_s=[0-9.]+/, "", nt); sub(/^,/, "", nt)
        if (index(" " flag[k] " ", " " nt " ") == 0) flag[k] = flag[k] " " nt
      }
      if ($1 ~ /^oneshot/) { mm[k] = $12 }
    }
    END {
      printf "%-21s %-11s %-3s %7s %11s %21s %-6s %7s %8s %7s  %s\n", "test", "client", "qos", "n", "median", "min..max", "unit", "rss_MB", "cpu_us/m", "brk_us/m", "notes"
      for (o = 1; o <= nk; o++) {
        k = order[o]; split(k, f, SUBSEP); n = cnt[k]
        for (i = 1; i <= n; i++) a[i] = val[k, i]
        m = med(a, n); lo = a[1]; hi = a[n]
        if (f[1] ~ /^oneshot/) { split(mm[k], x, /[= ]/); lo = x[2]; hi = x[4] }
        r = "-"; if (nr[k]) { for (i = 1; i <= nr[k]; i++) b[i] = rss[k, i]; r = sprintf("%.1f", med(b, nr[k])) }
        cu = "-"
        if (nc[k]) { for (i = 1; i <= nc[k]; i++) b[i] = cpu[k, i]; cm = med(b, nc[k])
          cu = (f[1] ~ /^oneshot/) ? sprintf("%.1fms", cm * 1000) : sprintf("%.2f", cm * 1e6 / f[4]) }
        bu = "-"; if (nb[k]) { for (i = 1; i <= nb[k]; i++) b[i] = bro[k, i]; bu = sprintf("%.2f", med(b, nb[k])) }
        fmt = (unit[k] == "ms") ? "%.2f" : "%.0f"
        printf "%-21s %-11s %-3s %7s %11s %21s %-6s %7s %8s %7s %s\n", f[1], f[2], f[3], f[4], sprintf(fmt, m), sprintf(fmt ".." fmt, lo, hi), unit[k], r, cu, bu, flag[k]
      }
    }' "$RAW"
}
echo
summary | tee "$OUT_DIR/table.txt"
echo
echo "raw rows: $RAW   log: $LOG"
