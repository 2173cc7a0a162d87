// The building blocks on their own (no service needed): backoff and jitter bounds, the breaker's clock,
// token expiry, Retry-After parsing, the file store under concurrent writes and a restart, and the recording
// calls' pieces (Range and Content-Range, Content-Disposition, link lifetimes, paths, error classes).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';

import { backoffDelay, CircuitBreaker, FilePendingStore, mintParticipantToken, decodeToken, tokenExpiry } from '../src/index.js';
import { errorFromResponse, parseRetryAfter } from '../src/errors.js';
import {
  checkExpiresIn, formatRange, parseContentDisposition, parseContentRange, recordingsPath,
} from '../src/recordings.js';
import { Conflict, RecordingNotFound, RecordingNotReady, RoomNotFound, BadRequest, Unauthorized } from '../src/index.js';

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

  it('recordings: the Range header of {start, end?}, refusing anything else', () => {
    assert.equal(formatRange(undefined), undefined);
    assert.equal(formatRange(null), undefined);
    assert.equal(formatRange({ start: 0 }), 'bytes=0-');
    assert.equal(formatRange({ start: 0, end: 0 }), 'bytes=0-0');
    assert.equal(formatRange({ start: 100, end: 199 }), 'bytes=100-199');
    assert.equal(formatRange({ start: 2 ** 40 }), `bytes=${2 ** 40}-`);
    for (const bad of [{}, { start: -1 }, { start: 1.5 }, { start: '0' }, { start: 10, end: 9 }, { start: 0, end: -1 }, 'bytes=0-', 5]) {
      assert.throws(() => formatRange(bad), TypeError, JSON.stringify(bad));
    }
  });

  it('recordings: Content-Range of a 206 and of a 416', () => {
    assert.deepEqual(parseContentRange('bytes 0-99/1234'), { start: 0, end: 99, size: 1234 });
    assert.deepEqual(parseContentRange('bytes 1200-1233/1234'), { start: 1200, end: 1233, size: 1234 });
    assert.deepEqual(parseContentRange('bytes 5-9/*'), { start: 5, end: 9, size: null });
    assert.deepEqual(parseContentRange('bytes */1234'), { start: null, end: null, size: 1234 });
    assert.deepEqual(parseContentRange('  BYTES 0-0/1 '), { start: 0, end: 0, size: 1 });
    for (const bad of [undefined, null, '', 'bytes 9-5/10', 'bytes 0-10/10', 'items 0-1/2', 'bytes 0-/10', 'bytes=0-1/2']) {
      assert.equal(parseContentRange(bad), null, String(bad));
    }
  });

  it('recordings: the file name of Content-Disposition, never a path', () => {
    assert.equal(parseContentDisposition('inline; filename="rec_ab12.webm"'), 'rec_ab12.webm');
    assert.equal(parseContentDisposition('attachment; filename=rec_ab12.mkv'), 'rec_ab12.mkv');
    assert.equal(parseContentDisposition(`inline; filename="x.webm"; filename*=UTF-8''r%C3%A9c.webm`), 'réc.webm');
    assert.equal(parseContentDisposition('inline; filename="../../etc/passwd"'), 'passwd');
    assert.equal(parseContentDisposition('inline; filename="a\\\\b.webm"'), 'b.webm');
    assert.equal(parseContentDisposition('inline; filename=".."'), null);
    assert.equal(parseContentDisposition('inline'), null);
    assert.equal(parseContentDisposition(null), null);
  });

  it('recordings: expiresIn of a signed link is whole seconds from 60 to 604800', () => {
    assert.equal(checkExpiresIn(undefined), undefined);
    assert.equal(checkExpiresIn(60), 60);
    assert.equal(checkExpiresIn(604800), 604800);
    assert.throws(() => checkExpiresIn(59), RangeError);
    assert.throws(() => checkExpiresIn(604801), RangeError);
    assert.throws(() => checkExpiresIn(0), RangeError);
    assert.throws(() => checkExpiresIn(3600.5), TypeError);
    assert.throws(() => checkExpiresIn('3600'), TypeError);
  });

  it('recordings: paths encode both ids; errors of the recording routes get their classes', () => {
    assert.equal(recordingsPath('r 1'), '/api/rooms/r%201/recordings');
    assert.equal(recordingsPath('r', 'rec_ab'), '/api/rooms/r/recordings/rec_ab');
    assert.equal(recordingsPath('r', 'a/b', '/link'), '/api/rooms/r/recordings/a%2Fb/link');
    assert.throws(() => recordingsPath(''), TypeError);
    assert.throws(() => recordingsPath('r', ''), TypeError);
    const err = (status, code) => errorFromResponse(status, { success: false, error: { code, message: 'm' } }, new Headers(), 'x');
    assert.ok(err(404, 'recording_not_found') instanceof RecordingNotFound);
    assert.ok(err(404, 'recording_not_found') instanceof RoomNotFound, 'still a not-found for older callers');
    assert.ok(!(err(404, 'room_not_found') instanceof RecordingNotFound));
    assert.ok(err(409, 'recording_not_ready') instanceof RecordingNotReady);
    assert.ok(err(409, 'recording_not_ready') instanceof Conflict);
    assert.ok(err(409, 'recording_active') instanceof Conflict);
    assert.ok(err(410, 'recording_failed') instanceof Conflict);
    assert.ok(err(416, 'range_not_satisfiable') instanceof BadRequest);
    assert.ok(err(400, 'invalid_request') instanceof BadRequest);
    assert.ok(err(403, 'invalid_signature') instanceof Unauthorized);
  });
});
