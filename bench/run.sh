#!/usr/bin/env bash
# bench/run.sh - the one entry point: our tools against the mosquitto clients, one run, ratios.
#
#   bench/run.sh              full run (about 8-10 min on a 2-core box)
#   QUICK=1 bench/run.sh      smoke run (about 3 min)
#
# Starts its own two mosquitto brokers on free 127.0.0.1 ports (the bench config of
# lib.sh's start_broker: big QoS 0 queue, no persistence, and a second one with set_tcp_nodelay true for the one-shot tests),
# runs bench/anchors.sh with CLIENTS="mosquitto candidate" (tspub as PUB_CMD, tssub as SUB_CMD when
# dist/tssub.cjs exists), prints the ratio table (bench/ratios.mjs), then the other parts.
#
# Knobs: PARTS ("anchors rss clear"; also "startup" = bench/startup.sh, whose one-shot figures
#   anchors already has)  TS_VIA (bin: node bin/<tool>.cjs; nocache: without its code cache)  BUILD (1: npm run build first)  OUT_DIR (results; kept, default
#   /tmp/tsbench-<time>)  TESTS (anchors tests, default without "ceiling")  and every anchors.sh
#   knob (REPEAT, RUNS, N0, N12, NSUB, TIMEOUT_S, ...), passed through.
set -u
source "$(dirname "$0")/lib.sh"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM
need mosquitto mosquitto_pub mosquitto_sub hyperfine node ss "$GNU_TIME"
cd "$ROOT"

PARTS=${PARTS:-"anchors rss clear"}
OUT_DIR=${OUT_DIR:-/tmp/tsbench-$(date -u +%Y%m%dT%H%M%S)}
mkdir -p "$OUT_DIR"
SUMMARY="$OUT_DIR/summary.txt"
: > "$SUMMARY"
export QUICK=${QUICK:-0}

if [[ "${BUILD:-1}" == 1 ]]; then
  npm run build >"$OUT_DIR/build.log" 2>&1 || echo "run.sh: npm run build failed (see $OUT_DIR/build.log); using dist/ as it is" >&2
fi
[[ -f dist/tspub.cjs ]] || { echo "run.sh: dist/tspub.cjs missing (npm run build)" >&2; exit 1; }
warm_cache

{ echo "tsmqtt bench, QUICK=$QUICK"; env_line; } | tee -a "$SUMMARY"

for part in $PARTS; do
  case $part in
    anchors)
      start_broker main; MAIN_PORT=$B_PORT; MAIN_PID=$B_PID
      start_broker nodelay "set_tcp_nodelay true"; ND_PORT=$B_PORT; ND_PID=$B_PID
      cand=(PUB_CMD="$(ts_cmd tspub)")
      if [[ -f dist/tssub.cjs ]]; then cand+=(SUB_CMD="$(ts_cmd tssub)")
      else echo "run.sh: dist/tssub.cjs not built yet: subscriber rows are mosquitto only" | tee -a "$SUMMARY" >&2; fi
      echo "== anchors.sh (log and raw rows in $OUT_DIR/anchors)" >&2
      env CLIENTS="mosquitto candidate" CAND_NAME=ts "${cand[@]}" \
        TESTS="${TESTS:-oneshot oneshot_sub oneshot_sub_e stdin drain}" \
        BROKER_PID="$MAIN_PID" ONESHOT_PORT="$ND_PORT" OUT_DIR="$OUT_DIR/anchors" \
        bench/anchors.sh "$MAIN_PORT" > "$OUT_DIR/anchors.table.txt"
      { echo; echo "## anchors (ts = $(ts_cmd tspub) / $(ts_cmd tssub))"; cat "$OUT_DIR/anchors.table.txt"
        echo; echo "## ratios"; node bench/ratios.mjs "$OUT_DIR/anchors/raw.tsv" ts; } | tee -a "$SUMMARY"
      kill "$MAIN_PID" "$ND_PID" 2>/dev/null; wait "$MAIN_PID" "$ND_PID" 2>/dev/null
      ;;
    startup) { echo; echo "## startup (bench/startup.sh)"; bench/startup.sh; } 2>&1 | tee -a "$SUMMARY" ;;
    rss)     { echo; echo "## peak RSS, a million messages (bench/rss-million.sh)"; bench/rss-million.sh; } 2>&1 | tee -a "$SUMMARY" ;;
    clear)   { echo; echo "## clear 10k retained (bench/clear-10k.sh)"; bench/clear-10k.sh; } 2>&1 | tee -a "$SUMMARY" ;;
    *) echo "run.sh: unknown part '$part'" >&2 ;;
  esac
done
echo "results: $SUMMARY" >&2
