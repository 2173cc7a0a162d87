// The building blocks on their own (no service needed): backoff and jitter bounds, the breaker's clock,
// token expiry, Retry-After parsing, and the file store under concurrent writes and a restart.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';

import { backoffDelay, CircuitBreaker, FilePendingStore, mintParticipantToken, decodeToken, tokenExpiry } from '../src/index.js';
import { parseRetryAfter } from '../src/errors.js';

describe('client parts', () => {
  it('backoff grows exponentially, is capped, and jitters within [1 - jitter, 1] of the step', () => {
    const o = { baseDelayMs: 100, maxDelayMs: 1000, jitter: 0.5 };
    assert.equal(backoffDelay(0, o, () => 1), 100);
    assert.equal(backoffDelay(0, o, () => 0), 50);
    assert.equal(backoffDelay(3, o, () => 1), 800);
    assert.equal(backoffDelay(10, o, () => 1), 1000);
    const samples = new Set(Array.from({ length: 50 }, () => backoffDelay(2, o)));
    assert.ok(samples.size > 5, 'randomised');
    for (const d of samples) assert.ok(d >= 200 && d <= 400, `${d}`);
  });

  it('the breaker opens at the threshold and turns half-open after the reset time', () => {
    let now = 0;
    const b = new CircuitBreaker({ failureThreshold: 2, resetTimeoutMs: 1000, now: () => now });
    b.acquire();
    b.failure();
    assert.equal(b.state, 'closed');
    b.acquire();
    b.failure();
    assert.equal(b.state, 'open');
    assert.throws(() => b.acquire(), (e) => e.circuitOpen);
    now = 999;
    assert.equal(b.retryInMs, 1);
    now = 1000;
    assert.equal(b.state, 'half-open');
    b.acquire();
    assert.throws(() => b.acquire(), (e) => e.circuitOpen, 'one probe at a time');
    b.success();
    assert.equal(b.state, 'closed');
  });

  it('tokens expire at scheduled start + max duration + buffer and carry the spec claims', () => {
    const start = '2030-01-01T10:00:00Z';
    assert.equal(tokenExpiry({ scheduledStartTime: start, maxDuration: 3600, bufferSeconds: 900 }),
      Date.parse(start) / 1000 + 4500);
    const t = mintParticipantToken({ userId: 'u', roomId: 'r', sessionId: 's', role: 'coach', name: 'N' }, 'k',
      { scheduledStartTime: start, maxDuration: 60 });
    const c = decodeToken(t);
    assert.deepEqual(c, { userId: 'u', roomId: 'r', sessionId: 's', role: 'coach', name: 'N',
      permissions: ['video', 'audio', 'screen-share'], exp: Date.parse(start) / 1000 + 60 + 3600 });
    assert.equal(JSON.parse(Buffer.from(t.split('.')[0], 'base64url')).alg, 'HS256');
    assert.throws(() => mintParticipantToken({ roomId: 'r', role: 'coach' }, 'k'), /userId/);
    assert.throws(() => mintParticipantToken({ userId: 'u', roomId: 'r', role: 'coach' }, ''), /secret/);
  });

  it('Retry-After: seconds or an HTTP date', () => {
    assert.equal(parseRetryAfter('3'), 3);
    assert.equal(parseRetryAfter(undefined), undefined);
    assert.equal(parseRetryAfter(new Date(10000 + 5000).toUTCString(), 10000), 5);
    assert.equal(parseRetryAfter('soon'), undefined);
  });

  it('the file store keeps every concurrent write and survives a new instance', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-store-'));
    try {
      const file = path.join(dir, 'sub', 'pending.json');
      const store = new FilePendingStore(file);
      assert.deepEqual(await store.list(), []);
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.put({ roomId: `r${i}`, sessionId: 's', request: {}, attempts: 1 })));
      await Promise.all([store.delete('r3'), store.delete('r7'), store.delete('absent')]);
      const again = new FilePendingStore(file);
      const ids = (await again.list()).map((e) => e.roomId).sort();
      assert.equal(ids.length, 18);
      assert.ok(!ids.includes('r3') && !ids.includes('r7'));
      assert.deepEqual(fs.readdirSync(path.dirname(file)), ['pending.json'], 'no temporary files left');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
