// A circuit breaker around the service: after failureThreshold consecutive failures (the service was
// unreachable, timed out or answered 5xx) it opens and calls fail at once with ServiceUnavailable
// (circuitOpen: true) instead of piling up on a service that is down. After resetTimeoutMs it lets
// halfOpenMaxCalls probe calls through (half-open): a success closes it, a failure opens it again.
// 4xx answers are the caller's problem, not the service's, and count as successes here.
import { EventEmitter } from 'node:events';

import { ServiceUnavailable } from './errors.js';

export class CircuitBreaker extends EventEmitter {
  constructor({ failureThreshold = 5, resetTimeoutMs = 10000, halfOpenMaxCalls = 1, now = Date.now } = {}) {
    super();
    this.failureThreshold = failureThreshold;
    this.resetTimeoutMs = resetTimeoutMs;
    this.halfOpenMaxCalls = halfOpenMaxCalls;
    this.now = now;
    this._state = 'closed';
    this.consecutiveFailures = 0;
    this.openedAt = null;
    this.halfOpenInFlight = 0;
    this.stats = { successes: 0, failures: 0, rejected: 0, opened: 0 };
  }

  /** 'closed' | 'open' | 'half-open'; an open breaker whose reset time passed reads 'half-open'. */
  get state() {
    if (this._state === 'open' && this.now() - this.openedAt >= this.resetTimeoutMs) this.#transition('half-open');
    return this._state;
  }

  /** Milliseconds until an open breaker lets a probe through (0 otherwise). */
  get retryInMs() {
    if (this.state !== 'open') return 0;
    return Math.max(0, this.openedAt + this.resetTimeoutMs - this.now());
  }

  snapshot() {
    return {
      state: this.state,
      consecutiveFailures: this.consecutiveFailures,
      openedAt: this.openedAt,
      retryInMs: this.retryInMs,
      ...this.stats,
    };
  }

  #transition(to) {
    if (this._state === to) return;
    const from = this._state;
    this._state = to;
    if (to === 'open') {
      this.openedAt = this.now();
      this.stats.opened += 1;
    }
    if (to !== 'half-open') this.halfOpenInFlight = 0;
    this.emit('state', { from, to, at: new Date(this.now()).toISOString() });
  }

  /** Throws ServiceUnavailable when no call may go through now; otherwise reserves the call. */
  acquire() {
    const s = this.state;
    if (s === 'open' || (s === 'half-open' && this.halfOpenInFlight >= this.halfOpenMaxCalls)) {
      this.stats.rejected += 1;
      throw new ServiceUnavailable(`rooms service circuit is ${s}: not calling it for ${this.retryInMs} ms`, {
        code: 'circuit_open',
        circuitOpen: true,
      });
    }
    if (s === 'half-open') this.halfOpenInFlight += 1;
    return s;
  }

  success() {
    this.stats.successes += 1;
    this.consecutiveFailures = 0;
    if (this._state !== 'closed') this.#transition('closed');
  }

  failure() {
    this.stats.failures += 1;
    this.consecutiveFailures += 1;
    if (this._state === 'half-open') {
      this.#transition('open');
    } else if (this._state === 'closed' && this.consecutiveFailures >= this.failureThreshold) {
      this.#transition('open');
    }
  }

  /** Forces the breaker closed (e.g. an operator knows the service is back). */
  reset() {
    this.consecutiveFailures = 0;
    this.#transition('closed');
  }
}
