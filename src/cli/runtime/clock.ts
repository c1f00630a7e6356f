// A monotonic clock in milliseconds for timeouts and quiet periods. Not performance.now(): the
// global `performance` loads perf_hooks (~1 ms of start-up; test/startup-modules.test.ts).
export const monotonicMs = (): number => Number(process.hrtime.bigint() / 1000n) / 1000;
