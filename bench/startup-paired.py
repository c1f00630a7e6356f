#!/usr/bin/env python3
# Paired start-up of two builds of tspub: alternating one-shot publishes, each timed with wait4
# (wall, and user+sys CPU in microseconds: GNU time's 10 ms steps are too coarse for a 90 ms
# process), each build with its own warmed V8 code cache. Needs a broker on 127.0.0.1:PORT.
#
#   bench/startup-paired.py N DIR_BEFORE DIR_AFTER PORT      e.g. 60 /tmp/base . 1883
#   (a DIR is a built checkout: DIR/bin/tspub.cjs; `git worktree add /tmp/base REV` and `npm run build` there)
import os, statistics as st, subprocess, sys, tempfile, time

n, before, after, port = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
builds = {'before': before, 'after': after}
caches = {k: tempfile.mkdtemp(prefix=f'tsmqtt-cc-{k}-') for k in builds}

def run(k):
    cmd = ['node', os.path.join(builds[k], 'bin', 'tspub.cjs'), '-h', '127.0.0.1', '-p', port, '-t', 'bench/startup', '-m', 'x', '-q', '1']
    t = time.perf_counter()
    p = subprocess.Popen(cmd, env=dict(os.environ, XDG_CACHE_HOME=caches[k]))
    _, status, ru = os.wait4(p.pid, 0)
    if status != 0:
        sys.exit(f'{k}: exit status {status}')
    return (time.perf_counter() - t) * 1000, (ru.ru_utime + ru.ru_stime) * 1000

for k in builds:  # warm each code cache
    for _ in range(3):
        run(k)
res = {k: [] for k in builds}
for i in range(n):
    for k in (['before', 'after'] if i % 2 == 0 else ['after', 'before']):
        res[k].append(run(k))
for k, v in res.items():
    print(f'{k:6} n={len(v)}  wall median {st.median(x[0] for x in v):.1f} ms  cpu median {st.median(x[1] for x in v):.1f} ms')
print(f'paired (after - before): wall median {st.median(a[0] - b[0] for a, b in zip(res["after"], res["before"])):+.1f} ms, '
      f'cpu median {st.median(a[1] - b[1] for a, b in zip(res["after"], res["before"])):+.1f} ms')
