#!/usr/bin/env bash
# bench/rss-million.sh - peak RSS (GNU time) with a million messages, ours and mosquitto's, one run:
#   pub:  seq 1 N | tspub -l -q 0            (delivery counted by mosquitto_sub -C N)
#   sub:  tssub -v -q 0 -C N | slow reader   (the reader reads nothing until the N messages have
#         all been published, so they wait in the sub's socket, the broker queue, or the sub's
#         memory: back-pressure decides which), fed by seq 1 N | mosquitto_pub -l -q 0
# Goal: ours under 80 MB.  Also prints wall time and CPU per message.  Ours run as installed:
# `node bin/<tool>.cjs`.
#
#   bench/rss-million.sh        N (1000000; QUICK=1: 200000)  TIMEOUT_S (180 per case)
set -u
source "$(dirname "$0")/lib.sh"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM
need mosquitto mosquitto_pub mosquitto_sub node ss timeout "$GNU_TIME"
cd "$ROOT"
N=${N:-1000000}; [[ "${QUICK:-0}" == 1 ]] && N=${QUICK_N:-200000}
TIMEOUT_S=${TIMEOUT_S:-180}
# the slow reader holds N messages back: the broker must queue them all
MAX_QUEUED=$((N * 2)) start_broker rss; P=$B_PORT
T="bench/rss/$$"
env_line
printf '%-32s %9s %8s %10s %11s %s\n' case rss_MB wall_s cpu_us/msg delivered notes

report() {  # label timefile delivered extra-note
  local rss wall cpu rc sig note=${4:-}
  rss=$(tfield "$2" 2); wall=$(tfield "$2" 1); cpu=$(tfield "$2" 3); rc=$(tfield "$2" 4); sig=$(tsignal "$2")
  [[ -n "$sig" ]] && note="$note signal=$sig"
  [[ -n "$rc" && "$rc" != 0 ]] && note="$note exit=$rc"
  (( ${3:-0} < N )) && note="$note LOST=$((N - ${3:-0}))"
  printf '%-32s %9s %8s %10s %11s %s\n' "$1" "$(fdiv "${rss:-0}" 1024 %.1f)" "${wall:--}" \
    "$(fdiv "$(awk -v c="${cpu:-0}" 'BEGIN{print c*1e6}')" "$N" %.2f)" "${3:-0}/$N" "${note:--}"
}

pub_case() {  # label cmd...
  local label=$1; shift
  local key; key=$(tr -c 'A-Za-z0-9\n' _ <<< "$label")
  local tf="$BENCH_TMP/t.$key" cf="$BENCH_TMP/c.$key" topic="$T/pub/$key" sp
  ( mosquitto_sub -h 127.0.0.1 -p "$P" -t "$topic" -q 0 -C "$N" -W "$TIMEOUT_S" -F x 2>/dev/null | wc -l > "$cf" ) &
  sp=$!
  wait_conns "$P" 1
  seq 1 "$N" | "$GNU_TIME" -f "$TFMT" -o "$tf" timeout -k 2 "$TIMEOUT_S" "$@" -h 127.0.0.1 -p "$P" -t "$topic" -l -q 0 2>"$BENCH_TMP/err.$key"
  wait "$sp"
  report "$label" "$tf" "$(tr -d ' ' < "$cf")" "$(head -c 200 "$BENCH_TMP/err.$key" | tr '\n' ' ')"
}

sub_case() {  # label cmd...
  local label=$1; shift
  local key; key=$(tr -c 'A-Za-z0-9\n' _ <<< "$label")
  local tf="$BENCH_TMP/t.$key" cf="$BENCH_TMP/c.$key" done="$BENCH_TMP/done.$key" topic="$T/sub/$key" sp
  rm -f "$done"
  # the reader: nothing until the publisher is done (bounded by TIMEOUT_S), then count lines
  ( "$GNU_TIME" -f "$TFMT" -o "$tf" timeout -k 2 "$TIMEOUT_S" "$@" -h 127.0.0.1 -p "$P" -t "$topic" -q 0 -v -C "$N" 2>"$BENCH_TMP/err.$key" |
      { i=0; while [[ ! -e "$done" ]] && (( i < TIMEOUT_S * 10 )); do sleep 0.1; i=$((i+1)); done; sleep 1; wc -l > "$cf"; } ) &
  sp=$!
  wait_conns "$P" 1
  seq 1 "$N" | mosquitto_pub -h 127.0.0.1 -p "$P" -t "$topic" -l -q 0
  touch "$done"
  wait "$sp"
  report "$label" "$tf" "$(tr -d ' ' < "$cf")" "$(head -c 200 "$BENCH_TMP/err.$key" | tr '\n' ' ')"
}

tf="$BENCH_TMP/t.floor"; "$GNU_TIME" -f "$TFMT" -o "$tf" node -e 0
printf '%-32s %9s %8s\n' "node -e 0 (floor)" "$(fdiv "$(tfield "$tf" 2)" 1024 %.1f)" "$(tfield "$tf" 1)"
pub_case "mosquitto_pub -l -q 0" mosquitto_pub
pub_case "node bin/tspub.cjs -l -q 0" node bin/tspub.cjs
sub_case "mosquitto_sub -v -C N | slow" mosquitto_sub
sub_case "node bin/tssub.cjs -v -C N | slow" node bin/tssub.cjs
