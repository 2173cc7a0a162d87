// Webhook verification against real deliveries of roomsd: the middleware on a node:http receiver accepts
// them; tampered bodies, wrong secrets, missing headers and replays outside the tolerance are refused.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';

import { safeEqualHex, verifyWebhook, verifyWebhookSignature, webhookMiddleware, WebhookVerificationError } from '../src/index.js';
import { clientFor, appointment, startRoomsd, waitUntil } from './helpers.mjs';

const T = { timeout: 60000 };
let server;
let rooms;
let receiver;
const accepted = [];
const refused = [];
const captured = [];

before(async () => {
  server = await startRoomsd();
  rooms = clientFor(server);
  const verify = rooms.webhookMiddleware({ toleranceSeconds: 300, onError: (err) => refused.push(err.reason) });
  receiver = http.createServer((req, res) => {
    // Keep a copy of what arrived, to replay it later.
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => captured.push({ headers: { ...req.headers }, body: Buffer.concat(chunks) }));
    req.pause();
    verify(req, res, (err) => {
      if (err) {
        res.statusCode = 500;
        res.end();
        return;
      }
      accepted.push({ event: req.roomEvent, delivery: req.roomDelivery });
      res.end('ok');
    });
    req.resume();
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});

after(async () => {
  await rooms?.close();
  await new Promise((resolve) => receiver.close(resolve));
  await server?.close();
});

// Sends body+headers to the receiver as a webhook would; resolves the status.
async function post(body, headers) {
  const res = await fetch(`http://127.0.0.1:${receiver.address().port}/hooks`, {
    method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers },
  });
  await res.text();
  return res.status;
}

describe('webhook verification with real deliveries', () => {
  it('the middleware accepts deliveries signed with ROOM_WEBHOOK_SECRET and exposes the event', T, async () => {
    await rooms.configureWebhook({ url: `http://127.0.0.1:${receiver.address().port}/hooks`, events: ['*'] });
    const room = await rooms.createRoom(appointment());
    await server.presence(room.roomId, 'coach', 'connect', 'c1');
    await rooms.endRoom(room.roomId);
    await waitUntil(() => accepted.some((a) => a.event.type === 'room-ended' && a.event.data.roomId === room.roomId),
      { timeoutMs: 15000, message: 'room-ended delivered' });
    assert.deepEqual(refused, []);
    const types = accepted.filter((a) => a.event.data.roomId === room.roomId).map((a) => a.event.type);
    assert.deepEqual(types.slice(0, 2), ['room-started', 'participant-joined']);
    assert.ok(accepted.every((a) => /^dlv_/.test(a.delivery)));
    // The spec's form: verifyWebhookSignature(JSON.parse(body), signature) holds too.
    const one = captured.at(-1);
    assert.equal(rooms.verifyWebhookSignature(JSON.parse(one.body.toString()), one.headers['x-room-signature']), true);
    assert.equal(rooms.verifyWebhookSignature(one.body, one.headers['x-room-signature']), true);
  });

  it('refuses tampered bodies, wrong signatures, missing headers and replays outside the tolerance', T, async () => {
    const { headers, body } = captured.at(-1);
    const h = {
      'X-Room-Signature': headers['x-room-signature'],
      'X-Room-Timestamp': headers['x-room-timestamp'],
      'X-Room-Signature-Timestamped': headers['x-room-signature-timestamped'],
    };
    // A fresh replay inside the window is still valid at the signature level (de-duplicate on X-Room-Delivery).
    assert.equal(await post(body, h), 200);
    const tampered = Buffer.from(body.toString().replace('"type":"', '"type":"x'));
    refused.length = 0;
    assert.equal(await post(tampered, h), 401);
    assert.equal(await post(body, { ...h, 'X-Room-Signature': '0'.repeat(64) }), 401);
    assert.equal(await post(body, { ...h, 'X-Room-Signature': 'zz' }), 401);
    assert.equal(await post(body, { 'X-Room-Signature': h['X-Room-Signature'] }), 401, 'timestamp required by default');
    const oldTs = String(Number(h['X-Room-Timestamp']) - 3600);
    assert.equal(await post(body, { ...h, 'X-Room-Timestamp': oldTs }), 401, 'the timestamped signature covers the time');
    assert.deepEqual(refused, ['bad_signature', 'bad_signature', 'bad_signature', 'missing_timestamp', 'bad_signature']);

    // A captured delivery replayed later than the tolerance is refused even with its valid signatures.
    const later = (Number(h['X-Room-Timestamp']) + 301) * 1000;
    assert.throws(() => verifyWebhook({ body, headers, secret: server.webhookSecret, now: later }),
      (e) => e instanceof WebhookVerificationError && e.reason === 'stale_timestamp');
    assert.doesNotThrow(() => verifyWebhook({ body, headers, secret: server.webhookSecret, now: later, toleranceSeconds: 400 }));
    assert.throws(() => verifyWebhook({ body, headers, secret: 'another-secret' }), (e) => e.reason === 'bad_signature');
    const plain = { 'x-room-signature': headers['x-room-signature'] };
    assert.equal(verifyWebhook({ body, headers: plain, secret: server.webhookSecret, requireTimestamp: false }).event.type,
      JSON.parse(body).type);
  });

  it('a webhook with its own secret verifies with that secret only', T, async () => {
    const secret = crypto.randomBytes(16).toString('hex');
    const got = [];
    const mw = webhookMiddleware({ secret });
    const own = http.createServer((req, res) => mw(req, res, () => {
      got.push(req.roomEvent);
      res.end('ok');
    }));
    await new Promise((resolve) => own.listen(0, '127.0.0.1', resolve));
    try {
      const hook = await rooms.configureWebhook({ url: `http://127.0.0.1:${own.address().port}/x`, events: ['room-ended'], secret });
      const room = await rooms.createRoom(appointment());
      await rooms.endRoom(room.roomId);
      await waitUntil(() => got.some((e) => e.data.roomId === room.roomId), { timeoutMs: 15000, message: 'delivery with own secret' });
      await rooms.deleteWebhook(hook.webhook.id);
    } finally {
      await new Promise((resolve) => own.close(resolve));
    }
  });

  it('the middleware refuses a body a JSON parser already parsed (no re-stringifying); req.rawBody from express.json verify works', T, async () => {
    const { headers, body } = captured.at(-1);
    const h = {
      'X-Room-Signature': headers['x-room-signature'],
      'X-Room-Timestamp': headers['x-room-timestamp'],
      'X-Room-Signature-Timestamped': headers['x-room-signature-timestamped'],
    };
    // The same event re-encoded with whitespace: JSON.stringify of its parse is the signed body.
    const spaced = Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 2));
    assert.equal(JSON.stringify(JSON.parse(spaced.toString())), body.toString());
    // What express.json() does: read the stream, set req.body to the parsed object; with {verify} it also
    // hands over the raw buffer (req.rawBody = buf).
    const jsonParser = (keepRaw) => (req, res, next) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const buf = Buffer.concat(chunks);
        if (keepRaw) req.rawBody = buf;
        req.body = JSON.parse(buf.toString('utf8'));
        next();
      });
    };
    const outcomes = [];
    const mw = webhookMiddleware({ secret: server.webhookSecret });
    const app = (keepRaw) => (req, res) => jsonParser(keepRaw)(req, res, () => mw(req, res, (err) => {
      outcomes.push(err ? err.code : 'verified');
      res.statusCode = err ? (err.status ?? 500) : 200;
      res.end(err ? err.message : 'ok');
    }));
    for (const keepRaw of [false, true]) {
      const srv = http.createServer(app(keepRaw));
      await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
      try {
        const send = async (b) => {
          const res = await fetch(`http://127.0.0.1:${srv.address().port}/hooks`, {
            method: 'POST', body: b, headers: { 'Content-Type': 'application/json', ...h },
          });
          return { status: res.status, text: await res.text() };
        };
        if (!keepRaw) {
          const r = await send(spaced);
          assert.equal(r.status, 500);
          assert.match(r.text, /already parsed.*express\.json\(\{ verify/);
          assert.equal((await send(body)).status, 500, 'refused even when the bytes were the signed ones');
          assert.deepEqual(outcomes.splice(0), ['ROOMS_WEBHOOK_BODY_PARSED', 'ROOMS_WEBHOOK_BODY_PARSED']);
        } else {
          assert.equal((await send(spaced)).status, 401, 'the whitespace change is caught on the raw bytes');
          assert.equal((await send(body)).status, 200);
          assert.deepEqual(outcomes.splice(0), ['verified']);
        }
      } finally {
        await new Promise((resolve) => srv.close(resolve));
      }
    }
  });

  it('helpers: constant-time comparison refuses malformed and wrong-length signatures', () => {
    const sig = crypto.createHmac('sha256', 'k').update('body').digest('hex');
    assert.equal(safeEqualHex(sig, sig), true);
    assert.equal(safeEqualHex(sig, sig.toUpperCase()), true);
    assert.equal(safeEqualHex(sig, sig.slice(0, 62)), false);
    assert.equal(safeEqualHex(sig, `${sig}00`), false);
    assert.equal(safeEqualHex(sig, undefined), false);
    assert.equal(safeEqualHex(sig, 'g'.repeat(64)), false);
    assert.equal(verifyWebhookSignature('body', sig, 'k'), true);
    assert.equal(verifyWebhookSignature('body ', sig, 'k'), false);
  });
});
