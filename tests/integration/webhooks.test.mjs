// Webhooks: registration, signed deliveries to a local receiver, retries while the receiver is down (also
// across a roomsd restart), the delivery log, and removal.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { expectSchema } from './helpers/openapi.mjs';
import { hmacHex, Roomsd, sleep, startRoomsd, waitUntil, WebhookReceiver } from './helpers/roomsd.mjs';

// Deliveries are counted exactly here; the AI Orb's own presence events are tested in intelligence.test.mjs.
const NO_ORB = { aiOrb: { enabled: false } };
const T = { timeout: 40000 };
const BACKOFF = ['--webhook-backoff-base-ms', '200', '--webhook-backoff-max-ms', '1000'];
let server;
const receivers = [];

before(async () => {
  server = await startRoomsd({ args: BACKOFF });
});

after(async () => {
  await server?.close();
  for (const r of receivers) await r.close().catch(() => {});
});

async function receiver() {
  const r = new WebhookReceiver();
  receivers.push(r);
  return r.listen();
}

async function register(json) {
  const res = await server.api('POST', '/api/webhooks', { json });
  assert.equal(res.status, 201, res.text);
  return res.json.webhook;
}

async function unregister(id) {
  const res = await server.api('DELETE', `/api/webhooks/${id}`);
  assert.equal(res.status, 200, res.text);
}

async function deliveries(id) {
  const res = await server.api('GET', `/api/webhooks/${id}/deliveries`);
  assert.equal(res.status, 200, res.text);
  return res.json.deliveries;
}

// The spec's RoomService.verifyWebhookSignature, applied to the parsed body.
const specVerify = (secret, body, signature) =>
  crypto.createHmac('sha256', secret).update(JSON.stringify(JSON.parse(body))).digest('hex') === signature;

function checkDelivery(req, secret, type) {
  assert.equal(req.method, 'POST');
  assert.match(req.headers['content-type'], /^application\/json/);
  assert.equal(req.headers['x-room-event'], type);
  assert.match(req.headers['x-room-delivery'], /^dlv_[A-Za-z0-9]+$/);
  const ts = Number(req.headers['x-room-timestamp']);
  assert.ok(Number.isInteger(ts) && Math.abs(ts - Date.now() / 1000) < 120, `X-Room-Timestamp ${req.headers['x-room-timestamp']}`);
  const sig = req.headers['x-room-signature'];
  assert.match(sig, /^[0-9a-f]{64}$/);
  assert.ok(specVerify(secret, req.body, sig), 'the spec\'s verifyWebhookSignature check holds');
  assert.equal(sig, hmacHex(secret, req.body), 'the signature covers the raw body');
  assert.equal(req.headers['x-room-signature-timestamped'], hmacHex(secret, `${req.headers['x-room-timestamp']}.${req.body}`));
  const frame = JSON.parse(req.body);
  expectSchema('EventFrame', frame);
  assert.equal(frame.type, type);
  return frame;
}

describe('webhook deliveries', () => {
  it('delivers room-ended signed with ROOM_WEBHOOK_SECRET when the webhook has no secret', T, async () => {
    const rx = await receiver();
    const hook = await register({ url: rx.url, events: ['room-ended'] });
    assert.equal(hook.hasSecret, false);
    assert.deepEqual(hook.events, ['room-ended']);
    assert.equal(hook.url, rx.url);
    try {
      const { roomId, body } = await server.createRoom(NO_ORB);
      await server.presence(roomId, 'coach', 'connect', 'c1');
      const end = await server.endRoom(roomId, body.participants.coach.id);
      const req = await rx.waitFor((r) => r.headers['x-room-event'] === 'room-ended', 10000);
      assert.equal(req.url, '/hooks/rooms');
      const frame = checkDelivery(req, server.webhookSecret, 'room-ended');
      assert.equal(frame.data.roomId, roomId);
      assert.equal(frame.data.reason, 'session_completed');
      assert.equal(frame.data.timestamp, end.endedAt);
      assert.ok(!specVerify('some-other-secret', req.body, req.headers['x-room-signature']));
      // Only the subscribed type arrives.
      await sleep(300);
      assert.deepEqual(rx.requests.map((r) => r.headers['x-room-event']), ['room-ended']);
      // The same event as on the events stream.
      const ws = await server.events(roomId, { since: 0 });
      await ws.waitForType('room-ended');
      const wsFrame = ws.frames.find((f) => f.type === 'room-ended');
      assert.equal(wsFrame.__raw, req.body, 'the webhook body is the event frame');
      await ws.close();

      // The receiver answers before roomsd records the attempt: wait for the log to catch up.
      const [d] = await waitUntil(async () => {
        const l = await deliveries(hook.id);
        return l[0]?.state === 'delivered' ? l : null;
      }, { timeoutMs: 5000, message: 'the delivery log to say delivered' });
      assert.equal(d.state, 'delivered');
      assert.equal(d.attempts, 1);
      assert.equal(d.lastStatus, 200);
      assert.equal(d.lastError, null);
      assert.equal(d.eventType, 'room-ended');
      assert.equal(d.eventId, frame.id);
      assert.equal(d.id, req.headers['x-room-delivery']);
      assert.ok(d.deliveredAt);
      assert.equal(d.nextAttemptAt, null);
    } finally {
      await unregister(hook.id);
    }
  });

  it('signs with the webhook\'s own secret and delivers every event type with "*"', T, async () => {
    const rx = await receiver();
    const secret = `own-${crypto.randomBytes(8).toString('hex')}`;
    const hook = await register({ url: rx.url, events: ['*'], secret });
    assert.equal(hook.hasSecret, true);
    assert.deepEqual(hook.events,
      ['participant-joined', 'participant-left', 'room-started', 'room-ended', 'summary-ready', 'error', 'transcript', 'recording-started', 'recording-ready',
        'participant-removed', 'participant-readmitted']);
    try {
      const { roomId } = await server.createRoom(NO_ORB);
      await server.presence(roomId, 'client', 'connect', 'k1');
      await server.presence(roomId, 'client', 'disconnect', 'k1');
      await server.endRoom(roomId);
      await rx.waitFor((r) => r.headers['x-room-event'] === 'summary-ready', 10000);
      const mine = rx.requests.filter((r) => JSON.parse(r.body).data.roomId === roomId);
      assert.deepEqual(mine.map((r) => r.headers['x-room-event']),
        ['room-started', 'participant-joined', 'participant-left', 'room-ended', 'summary-ready']);
      for (const r of mine) {
        checkDelivery(r, secret, r.headers['x-room-event']);
        assert.ok(!specVerify(server.webhookSecret, r.body, r.headers['x-room-signature']),
          'a webhook with its own secret is not signed with the default one');
      }
      const ids = mine.map((r) => JSON.parse(r.body).id);
      assert.deepEqual([...ids].sort((a, b) => a - b), ids, 'in event order');
      const list = await waitUntil(async () => {
        const l = await deliveries(hook.id);
        return l.length === 5 && l.every((d) => d.state === 'delivered') ? l : null;
      }, { timeoutMs: 5000, message: 'five delivered in the log' });
      assert.ok(list.every((d) => d.attempts === 1), JSON.stringify(list));
    } finally {
      await unregister(hook.id);
    }
  });

  it('retries after a non-2xx answer', T, async () => {
    const rx = await receiver();
    let calls = 0;
    rx.respond = () => (++calls <= 2 ? 503 : 204);
    const hook = await register({ url: rx.url, events: ['room-ended'] });
    try {
      const { roomId } = await server.createRoom(NO_ORB);
      await server.endRoom(roomId);
      await rx.waitFor((r) => r.answered === 204, 10000, 'the third attempt');
      const attempts = rx.requests.filter((r) => r.headers['x-room-event'] === 'room-ended');
      assert.equal(attempts.length, 3);
      assert.equal(new Set(attempts.map((r) => r.headers['x-room-delivery'])).size, 1, 'one delivery id across retries');
      assert.equal(new Set(attempts.map((r) => r.body)).size, 1, 'the same body each time');
      const gap = attempts[1].receivedAt - attempts[0].receivedAt;
      assert.ok(gap >= 100, `backoff between attempts (${gap} ms)`);
      const [d] = await waitUntil(async () => {
        const l = await deliveries(hook.id);
        return l[0]?.state === 'delivered' ? l : null;
      }, { timeoutMs: 5000, message: 'the delivery log to say delivered' });
      assert.equal(d.attempts, 3);
      assert.equal(d.lastStatus, 204);
    } finally {
      await unregister(hook.id);
    }
  });

  it('delivers once the receiver comes up when it was down at event time', T, async () => {
    const rx = await receiver();
    const port = rx.port;
    await rx.close();
    const hook = await register({ url: rx.url, events: ['room-ended'] });
    try {
      const { roomId } = await server.createRoom(NO_ORB);
      await server.endRoom(roomId);
      const [pending] = await waitUntil(async () => {
        const l = await deliveries(hook.id);
        return l[0]?.attempts >= 2 ? l : null;
      }, { timeoutMs: 8000, message: 'two failed attempts' });
      assert.equal(pending.state, 'pending');
      assert.ok(pending.lastError, 'the failure is recorded');
      assert.equal(pending.lastStatus, null);
      assert.ok(pending.nextAttemptAt);
      assert.equal(pending.deliveredAt, null);

      await rx.listen(port);
      const req = await rx.waitFor((r) => r.headers['x-room-event'] === 'room-ended', 10000);
      const frame = checkDelivery(req, server.webhookSecret, 'room-ended');
      assert.equal(frame.data.roomId, roomId);
      const [d] = await waitUntil(async () => {
        const l = await deliveries(hook.id);
        return l[0]?.state === 'delivered' ? l : null;
      }, { timeoutMs: 5000, message: 'delivered in the log' });
      assert.ok(d.attempts >= 3);
      assert.equal(d.lastStatus, 200);
    } finally {
      await unregister(hook.id);
    }
  });

  it('keeps undelivered deliveries across a roomsd restart', T, async () => {
    const rx = await receiver();
    const port = rx.port;
    await rx.close();
    const hook = await register({ url: rx.url, events: ['room-ended', 'participant-joined'] });
    try {
      const { roomId } = await server.createRoom(NO_ORB);
      await server.presence(roomId, 'coach', 'connect', 'c1');
      await server.endRoom(roomId);
      await waitUntil(async () => {
        const l = await deliveries(hook.id);
        return l.length === 2 && l.every((d) => d.attempts >= 1) ? l : null;
      }, { timeoutMs: 8000, message: 'failed first attempts' });
      await server.stop();
      await server.start();
      // Registrations survive too.
      const listed = (await server.api('GET', '/api/webhooks')).json.webhooks;
      assert.ok(listed.some((w) => w.id === hook.id));
      await rx.listen(port);
      await rx.waitFor((r) => r.headers['x-room-event'] === 'room-ended', 15000);
      await rx.waitFor((r) => r.headers['x-room-event'] === 'participant-joined', 5000);
      for (const r of rx.requests) {
        const f = checkDelivery(r, server.webhookSecret, r.headers['x-room-event']);
        assert.equal(f.data.roomId, roomId);
      }
      const l = await waitUntil(async () => {
        const x = await deliveries(hook.id);
        return x.every((d) => d.state === 'delivered') ? x : null;
      }, { timeoutMs: 5000, message: 'both delivered in the log' });
      assert.ok(l.every((d) => d.attempts >= 2));
    } finally {
      await unregister(hook.id);
    }
  });
});

describe('webhook bodies', () => {
  it('stay in JSON.stringify form with quotes, control characters and non-ASCII in the data', T, async () => {
    const rx = await receiver();
    const secret = 'unicode-secret';
    const hook = await register({ url: rx.url, events: ['participant-left'], secret });
    try {
      const { roomId } = await server.createRoom(NO_ORB);
      const reason = 'bye "now" \\ \n\t\u0001\u001f é 😀 \u2028 </script>';
      await server.presence(roomId, 'client', 'connect', 'k1');
      const ws = await server.events(roomId, { since: 0 });
      await server.presence(roomId, 'client', 'disconnect', 'k1', { reason });
      const req = await rx.waitFor((r) => r.headers['x-room-event'] === 'participant-left', 10000);
      const frame = checkDelivery(req, secret, 'participant-left');
      assert.equal(frame.data.reason, reason);
      assert.equal(JSON.stringify(JSON.parse(req.body)), req.body);
      assert.equal(req.headers['user-agent'], 'roomsd/1.0.0');
      await ws.waitForType('participant-left');
      const f = ws.frames.find((x) => x.type === 'participant-left');
      assert.equal(f.__raw, req.body);
      await ws.close();
    } finally {
      await unregister(hook.id);
    }
  });
});

describe('webhook registrations', () => {
  it('lists webhooks without their secrets, removes them, and cancels their pending deliveries', T, async () => {
    const rx = await receiver();
    const secret = `hidden-${crypto.randomBytes(8).toString('hex')}`;
    const a = await register({ url: rx.url, events: ['room-started', 'room-ended', 'room-ended'], secret });
    assert.deepEqual(a.events, ['room-started', 'room-ended'], 'duplicates collapse');
    const b = await register({ url: `${rx.url}?b=1`, events: ['participant-left'], secret: null });
    const res = await server.api('GET', '/api/webhooks');
    assert.equal(res.status, 200);
    assert.ok(!res.text.includes(secret), 'no secret in the list');
    const ids = res.json.webhooks.map((w) => w.id);
    assert.ok(ids.indexOf(a.id) >= 0 && ids.indexOf(a.id) < ids.indexOf(b.id), 'oldest first');
    assert.deepEqual(res.json.webhooks.find((w) => w.id === a.id), a);

    // A pending delivery is cancelled when its webhook goes.
    const down = await receiver();
    const downPort = down.port;
    await down.close();
    const c = await register({ url: `http://127.0.0.1:${downPort}/gone`, events: ['room-ended'] });
    const { roomId } = await server.createRoom(NO_ORB);
    await server.endRoom(roomId);
    await waitUntil(async () => (await deliveries(c.id))[0]?.attempts >= 1, { timeoutMs: 5000, message: 'a failed attempt' });

    for (const w of [a, b, c]) {
      const del = await server.api('DELETE', `/api/webhooks/${w.id}`);
      assert.equal(del.status, 200);
      assert.deepEqual(del.json, { success: true, id: w.id });
    }
    const after = (await server.api('GET', '/api/webhooks')).json.webhooks.map((w) => w.id);
    for (const w of [a, b, c]) assert.ok(!after.includes(w.id));
    const again = await server.api('DELETE', `/api/webhooks/${a.id}`);
    assert.equal(again.status, 404);
    assert.equal(again.json.error.code, 'webhook_not_found');
    const gone = await server.api('GET', `/api/webhooks/${c.id}/deliveries`);
    assert.equal(gone.status, 404);

    // Nothing more is delivered to removed webhooks: not new events, not the cancelled pending delivery.
    await down.listen(downPort);
    const before = rx.requests.length;
    const r2 = await server.createRoom(NO_ORB);
    await server.endRoom(r2.roomId);
    await sleep(1500); // longer than the largest retry delay (1000 ms + jitter)
    assert.equal(rx.requests.length, before);
    assert.equal(down.requests.length, 0, 'the pending delivery of the removed webhook was cancelled');
  });

  it('validates registrations and the deliveries limit', T, async () => {
    const bad = [
      [{ url: 'ftp://example.com/x', events: ['room-ended'] }, /url/],
      [{ url: 'http://exa mple.com/', events: ['room-ended'] }, /url/],
      [{ url: 'http://127.0.0.1/x', events: [] }, /events/],
      [{ url: 'http://127.0.0.1/x', events: 'room-ended' }, /events/],
      [{ url: 'http://127.0.0.1/x', events: ['room-exploded'] }, /room-exploded/],
      [{ url: 'http://127.0.0.1/x', events: [1] }, /events/],
      [{ url: 'http://127.0.0.1/x', events: ['room-ended'], secret: 5 }, /secret/],
      [{ url: 'http://127.0.0.1/x', events: ['room-ended'], secret: '' }, /secret/],
      [{ url: 'http://127.0.0.1/x', events: ['room-ended'], retries: 3 }, /retries/],
      [{ events: ['room-ended'] }, /url/],
    ];
    // Targets that would make the delivery log a probe into roomsd's network (SSRF), or that are not URLs.
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://[fd00:ec2::254]/', 'http://[fe80::1]/',
      'http://[::ffff:169.254.169.254]/', 'http://100.100.100.200/', 'http://', 'http:///etc/passwd',
      'http://example.com/\u0001x', 'http://user:pw@example.com/', 'http://0.0.0.0:9/']) {
      bad.push([{ url, events: ['room-ended'] }, /url|webhooks may not go/, 'invalid_webhook_url']);
    }
    for (const [json, re, code] of bad) {
      const res = await server.api('POST', '/api/webhooks', { json });
      assert.equal(res.status, 400, `${JSON.stringify(json)} -> ${res.status} ${res.text}`);
      assert.match(res.json.error.message, re);
      if (code) assert.equal(res.json.error.code, code, json.url);
    }
    const rx = await receiver();
    const hook = await register({ url: rx.url, events: ['error'] });
    try {
      for (const l of ['0', 'abc', '-1', '99999']) {
        const res = await server.api('GET', `/api/webhooks/${hook.id}/deliveries?limit=${l}`);
        assert.equal(res.status, 400, `limit=${l}`);
        assert.equal(res.json.error.code, 'invalid_limit');
      }
      const ok = await server.api('GET', `/api/webhooks/${hook.id}/deliveries?limit=1000`);
      assert.equal(ok.status, 200);
      assert.deepEqual(ok.json, { webhookId: hook.id, deliveries: [] });
      const missing = await server.api('GET', '/api/webhooks/whk_doesnotexist/deliveries');
      assert.equal(missing.status, 404);
    } finally {
      await unregister(hook.id);
    }
  });
});

describe('webhook target policy', () => {
  it('checks the address a delivery connects to (ROOMS_WEBHOOK_DENIED_NETWORKS), names included', T, async () => {
    const guarded = await startRoomsd({ args: BACKOFF, env: { ROOMS_WEBHOOK_DENIED_NETWORKS: '127.0.0.0/8, ::1' } });
    const rx = await receiver();
    try {
      const literal = await guarded.api('POST', '/api/webhooks', { json: { url: rx.url, events: ['room-ended'] } });
      assert.equal(literal.status, 400, literal.text);
      assert.match(literal.json.error.message, /ROOMS_WEBHOOK_DENIED_NETWORKS/);
      // A name is accepted at registration (it is not resolved then) and refused when it resolves to a denied
      // address at delivery: the receiver gets nothing, the log says why.
      const named = await guarded.api('POST', '/api/webhooks', {
        json: { url: rx.url.replace('127.0.0.1', 'localhost'), events: ['room-ended'] },
      });
      assert.equal(named.status, 201, named.text);
      const r = await guarded.createRoom(NO_ORB);
      await guarded.endRoom(r.roomId);
      let log;
      await waitUntil(async () => {
        log = (await guarded.api('GET', `/api/webhooks/${named.json.webhook.id}/deliveries`)).json.deliveries;
        return log.length > 0 && log[0].attempts > 0;
      }, { message: 'a delivery attempt' });
      assert.equal(rx.requests.length, 0);
      assert.match(JSON.stringify(log[0]), /refused: webhooks may not go to/);
      assert.equal(log[0].lastStatus ?? null, null);
    } finally {
      await guarded.close();
    }
  });

  it('refuses to start with a network list that does not parse', T, async () => {
    const broken = new Roomsd({ env: { ROOMS_WEBHOOK_ALLOWED_NETWORKS: '10.0.0.0/33' } });
    await assert.rejects(broken.start({ timeoutMs: 5000 }), /ROOMS_WEBHOOK_ALLOWED_NETWORKS|exited/);
    await broken.close().catch(() => {});
  });
});
