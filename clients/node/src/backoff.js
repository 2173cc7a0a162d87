// Exponential backoff with full jitter: attempt n (0-based) waits a random time in
// [minFraction * d, d] where d = min(maxDelayMs, baseDelayMs * factor^n). The randomness keeps many main-app
// instances from retrying in lock step after an outage.
export function backoffDelay(attempt, { baseDelayMs = 200, maxDelayMs = 5000, factor = 2, jitter = 0.5 } = {},
  random = Math.random) {
  const d = Math.min(maxDelayMs, baseDelayMs * factor ** Math.max(0, attempt));
  const j = Math.min(1, Math.max(0, jitter));
  return Math.round(d * (1 - j) + d * j * random());
}

export const sleep = (ms, signal) => new Promise((resolve, reject) => {
  if (signal?.aborted) {
    reject(signal.reason ?? new Error('aborted'));
    return;
  }
  const t = setTimeout(() => {
    signal?.removeEventListener?.('abort', onAbort);
    resolve();
  }, ms);
  const onAbort = () => {
    clearTimeout(t);
    reject(signal.reason ?? new Error('aborted'));
  };
  signal?.addEventListener?.('abort', onAbort, { once: true });
});

// setTimeout for any delay: Node's timers overflow above 2^31-1 ms (about 24.8 days) and would fire at
// once, which matters for a pre-warm scheduled weeks ahead. Returns a cancel function. Timers are unref'd.
export function setLongTimeout(fn, delayMs) {
  const MAX = 2 ** 31 - 1;
  let timer;
  let cancelled = false;
  const arm = (remaining) => {
    if (cancelled) return;
    if (remaining > MAX) {
      timer = setTimeout(() => arm(remaining - MAX), MAX);
    } else {
      timer = setTimeout(fn, Math.max(0, remaining));
    }
    timer.unref?.();
  };
  arm(delayMs);
  return () => {
    cancelled = true;
    clearTimeout(timer);
  };
}
