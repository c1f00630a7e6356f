#!/usr/bin/env bash
# bench/clear-10k.sh - clear K = 10,000 retained topics under seed/#, tsclear against
#   mosquitto_sub -t 'seed/#' --remove-retained --retained-only -W 2
# in the same run. Each repeat: seed K retained messages over one connection
# (tspub -l --line-format tab -r -q 1), check with mosquitto_sub that all K are there, time the
# clear (GNU time: wall, peak RSS, CPU), check with mosquitto_sub that none is left.
# mosquitto_sub has no end-of-snapshot signal: it always runs the full -W 2 seconds (exit 27).
#
#   bench/clear-10k.sh          K (10000; QUICK=1: 2000)  REPEAT (3; QUICK=1: 1)  TIMEOUT_S (120)
set -u
source "$(dirname "$0")/lib.sh"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM
need mosquitto mosquitto_pub mosquitto_sub node timeout "$GNU_TIME"
cd "$ROOT"
K=${K:-10000}; REPEAT=${REPEAT:-3}
[[ "${QUICK:-0}" == 1 ]] && { K=${QUICK_K:-2000}; REPEAT=1; }
TIMEOUT_S=${TIMEOUT_S:-120}
start_broker clear; P=$B_PORT
env_line

retained_count() {   # how many retained messages under seed/# (waits up to $1 s for the last one)
  timeout -k 2 $(( $1 + 10 )) mosquitto_sub -h 127.0.0.1 -p "$P" -t 'seed/#' --retained-only -C "$K" -W "$1" -F x 2>/dev/null | wc -l
}
seed() {
  local t0 t1 rc
  t0=$(now)
  seq 1 "$K" | awk '{ printf "seed/%d/%d\tvalue-%d\n", $1 % 100, $1, $1 }' |
    timeout -k 2 "$TIMEOUT_S" $(ts_cmd tspub) -h 127.0.0.1 -p "$P" -l --line-format tab -r -q 1 2>"$BENCH_TMP/seed.err"
  rc=$?; t1=$(now)
  SEED_S=$(fdiff "$t0" "$t1")
  (( rc == 0 )) || echo "  seeding: tspub exit $rc: $(head -c 300 "$BENCH_TMP/seed.err")" >&2
}

declare -A WALL RSS CPU
printf '%-10s %-4s %8s %8s %8s %8s %8s  %s\n' tool rep clear_s rss_MB cpu_s seeded left notes
for ((r = 1; r <= REPEAT; r++)); do
  for tool in tsclear mosquitto_sub; do
    seed
    have=$(retained_count 5)
    tf="$BENCH_TMP/t.$tool.$r"
    if [[ $tool == tsclear ]]; then
      "$GNU_TIME" -f "$TFMT" -o "$tf" timeout -k 2 "$TIMEOUT_S" $(ts_cmd tsclear) -h 127.0.0.1 -p "$P" -t 'seed/#' --yes \
        >/dev/null 2>"$BENCH_TMP/err.$tool"
    else
      "$GNU_TIME" -f "$TFMT" -o "$tf" timeout -k 2 "$TIMEOUT_S" mosquitto_sub -h 127.0.0.1 -p "$P" -t 'seed/#' \
        --remove-retained --retained-only -W 2 >/dev/null 2>"$BENCH_TMP/err.$tool"
    fi
    left=$(retained_count 2)
    rc=$(tfield "$tf" 4); note="exit=$rc"
    [[ -n "$(tsignal "$tf")" ]] && note="$note signal=$(tsignal "$tf")"
    (( have != K )) && note="$note SEEDED-ONLY-$have"
    (( left != 0 )) && note="$note LEFT=$left"
    [[ $tool == tsclear ]] && note="$note; $(tail -c 160 "$BENCH_TMP/err.$tool" | tr '\n' ' ')"
    WALL[$tool]+="$(tfield "$tf" 1) "; RSS[$tool]+="$(fdiv "$(tfield "$tf" 2)" 1024 %.1f) "; CPU[$tool]+="$(tfield "$tf" 3) "
    printf '%-10s %-4s %8s %8s %8s %8s %8s  %s\n' "${tool#mosquitto_}" "$r" "$(tfield "$tf" 1)" "$(fdiv "$(tfield "$tf" 2)" 1024 %.1f)" \
      "$(tfield "$tf" 3)" "$have" "$left" "$note (seeded in ${SEED_S}s)"
  done
done
mt=$(tr ' ' '\n' <<< "${WALL[tsclear]}" | grep . | median); mm=$(tr ' ' '\n' <<< "${WALL[mosquitto_sub]}" | grep . | median)
ct=$(tr ' ' '\n' <<< "${CPU[tsclear]}" | grep . | median); cm=$(tr ' ' '\n' <<< "${CPU[mosquitto_sub]}" | grep . | median)
rt=$(tr ' ' '\n' <<< "${RSS[tsclear]}" | grep . | median); rm_=$(tr ' ' '\n' <<< "${RSS[mosquitto_sub]}" | grep . | median)
echo "median of $REPEAT, K=$K: tsclear ${mt}s (CPU ${ct}s, ${rt} MB) vs mosquitto_sub --remove-retained -W 2 ${mm}s" \
  "(CPU ${cm}s, ${rm_} MB): wall $(fdiv "$mt" "$mm")x, CPU $(fdiv "$ct" "$cm")x"
