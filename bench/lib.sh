# bench/lib.sh - sourced by the bench scripts: temp dir, own mosquitto brokers on free loopback
# ports, cleanup of exactly what we started (by pid), small number helpers.
# shellcheck shell=bash

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
GNU_TIME=${GNU_TIME:-/usr/bin/time}
BENCH_TMP=${BENCH_TMP:-$(mktemp -d -t tsbench.XXXXXX)}
BENCH_PIDS=()      # brokers and other long-lived helpers we started

bench_cleanup() {
  local p
  for p in "${BENCH_PIDS[@]}"; do
    kill -0 "$p" 2>/dev/null || continue
    kill -CONT "$p" 2>/dev/null; kill -TERM "$p" 2>/dev/null
  done
  for p in "${BENCH_PIDS[@]}"; do wait "$p" 2>/dev/null; done
  [[ "${KEEP_TMP:-0}" == 1 ]] || rm -rf "$BENCH_TMP"
}

need() { local t; for t in "$@"; do command -v "$t" >/dev/null || { echo "$(basename "$0"): $t is required" >&2; exit 2; }; done; }

free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# start_broker NAME [extra config line ...]  -> sets B_PORT, B_PID (also pushed to BENCH_PIDS)
# The bench config: QoS 0 queue large enough that a lagging
# subscriber loses nothing, libmosquitto's inflight default, no persistence.
start_broker() {
  local name=$1; shift
  local port conf i
  port=$(free_port)
  conf="$BENCH_TMP/broker-$name.conf"
  {
    echo "listener $port 127.0.0.1"
    echo "allow_anonymous true"
    echo "persistence false"
    echo "max_queued_messages ${MAX_QUEUED:-1000000}"
    echo "max_inflight_messages 20"
    echo "log_dest stderr"
    echo "log_type error"
    echo "log_type warning"
    local l; for l in "$@"; do echo "$l"; done
  } > "$conf"
  mosquitto -c "$conf" 2>>"$BENCH_TMP/broker-$name.log" &
  B_PID=$!; B_PORT=$port; BENCH_PIDS+=("$B_PID")
  for ((i = 0; i < 100; i++)); do   # up to 5 s
    if mosquitto_pub -h 127.0.0.1 -p "$port" -t bench/ping -n -q 1 2>/dev/null; then return 0; fi
    kill -0 "$B_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "$(basename "$0"): broker $name did not start on port $port:" >&2
  cat "$BENCH_TMP/broker-$name.log" >&2
  exit 1
}

# GNU time report "-f '%e %M %U %S %x'": wall_s rss_kb user_s sys_s exit
TFMT='%e %M %U %S %x'
# tfield FILE N: 1 wall, 2 rss_kb, 3 cpu (user+sys), 4 exit code (last matching line)
tfield() { awk -v f="$2" 'NF>=5 && $1 ~ /^[0-9.]+$/ {v[1]=$1; v[2]=$2; v[3]=$3+$4; v[4]=$5} END{print (f in v)? v[f] : ""}' "$1" 2>/dev/null; }
# "Command terminated by signal N" lines that GNU time writes before the report
tsignal() { sed -n 's/^Command terminated by signal \([0-9]*\).*/\1/p' "$1" 2>/dev/null | tail -1; }
now() { printf '%s' "${EPOCHREALTIME:-$(date +%s.%N)}"; }
fdiff() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", b-a}'; }
fdiv() { awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN{ if (b>0) printf f, a/b; else print "nan" }'; }
median() { sort -g | awk '{a[NR]=$1} END{ if (!NR) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2 }'; }
# wait up to $2 seconds for pid $1 to exit; 0 if it did
wait_exit() {
  local p=$1 i=0 max
  max=$(awk -v s="$2" 'BEGIN{printf "%d", s*20}')
  while kill -0 "$p" 2>/dev/null && (( i < max )); do sleep 0.05; i=$((i+1)); done
  ! kill -0 "$p" 2>/dev/null
}
# wait until $2 established connections show up on port $1 (bounded, 15 s)
wait_conns() {
  local i=0
  while (( $(ss -Htn state established "( sport = :$1 )" 2>/dev/null | wc -l) < $2 )) && (( i < 300 )); do sleep 0.05; i=$((i+1)); done
  sleep "${SETTLE_S:-0.3}"
}
env_line() { echo "# $(date -u +%Y-%m-%dT%H:%MZ)  $(nproc) cpus  load $(cut -d' ' -f1-3 /proc/loadavg)  node $(node --version)  $(cd "$ROOT" && git log -1 --format='commit %h' 2>/dev/null)"; }
# how our tools are run: `node bin/<tool>.cjs`, the installed command (bin/load.cjs runs the bundle
# dist/<tool>.cjs with its V8 code cache). TS_VIA=nocache: the same with TSMQTT_NO_COMPILE_CACHE=1.
ts_cmd() { if [[ "${TS_VIA:-bin}" == nocache ]]; then echo "env TSMQTT_NO_COMPILE_CACHE=1 node bin/$1.cjs"; else echo "node bin/$1.cjs"; fi; }
# the code cache is written by the first run: make it before anything is timed
warm_cache() { local t; for t in tspub tssub tsclear; do node "bin/$t.cjs" --version >/dev/null 2>&1; done; }
