// The spec's own RoomService client, extracted verbatim from ../shared/spec/ROOM_HANDLER.md at test time and
// run unmodified against roomsd: if the main app's code works against us, the contract holds.
import assert from 'node:assert/strict';
import nodeCrypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';

import { expectSchema, expectValid } from './helpers/openapi.mjs';
import { extractRoomServiceSource } from './helpers/specClient.mjs';
import { REPO_ROOT, startRoomsd, waitUntil, withTimeout, WebhookReceiver } from './helpers/roomsd.mjs';

const SPEC = process.env.ROOMS_SPEC ?? path.resolve(REPO_ROOT, '../shared/spec/ROOM_HANDLER.md');
const T = { timeout: 40000 };

let server;
let RoomService;
let tmpFile;
const savedEnv = {};
const receiver = new WebhookReceiver();
let webhookId;
const logs = [];
let restoreConsole;

before(async () => {
  server = await startRoomsd();
  await receiver.listen();
  // Webhooks without their own secret are signed with ROOM_WEBHOOK_SECRET, which the client verifies with.
  const hook = await server.api('POST', '/api/webhooks', { json: { url: receiver.url, events: ['*'] } });
  assert.equal(hook.status, 201, hook.text);
  webhookId = hook.json.webhook.id;

  // The globals the spec's code expects: a WebSocket with ws's .on() API and Node's crypto module.
  globalThis.WebSocket = WebSocket;
  Object.defineProperty(globalThis, 'crypto', { value: nodeCrypto, configurable: true, writable: true, enumerable: false });
  for (const [k, v] of Object.entries({
    ROOM_SERVICE_URL: server.baseUrl,
    ROOM_SERVICE_API_KEY: server.apiKey,
    ROOM_WEBHOOK_SECRET: server.webhookSecret,
    JWT_SIGNING_SECRET: server.jwtSecret,
  })) {
    savedEnv[k] = process.env[k];
    process.env[k] = v;
  }
  // Under the repo so that 'node-fetch' and 'jsonwebtoken' resolve from its node_modules (.itest-tmp is ignored).
  const dir = path.join(REPO_ROOT, '.itest-tmp');
  fs.mkdirSync(dir, { recursive: true });
  tmpFile = path.join(dir, `roomService-${process.pid}-${Date.now()}.mjs`);
  fs.writeFileSync(tmpFile, extractRoomServiceSource(fs.readFileSync(SPEC, 'utf8')));
  ({ RoomService } = await import(pathToFileURL(tmpFile).href));

  // The client logs its socket's open/close/error; keep that out of the test output but available.
  const { log, error } = console;
  console.log = (...a) => logs.push(['log', a.join(' ')]);
  console.error = (...a) => logs.push(['error', a.map(String).join(' ')]);
  restoreConsole = () => Object.assign(console, { log, error });
});

after(async () => {
  restoreConsole?.();
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  if (tmpFile) fs.rmSync(tmpFile, { force: true });
  await receiver.close().catch(() => {});
  await server?.close();
});

async function preWarmCount() {
  const m = (await server.api('GET', '/metrics')).text;
  const line = m.split('\n').find((l) => l.startsWith('rooms_http_requests_total{') &&
    l.includes('route="/api/rooms/:roomId/pre-warm"') && l.includes('status="200"'));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('the spec\'s RoomService client, unmodified', () => {
  it('extracts the client from the spec as is', () => {
    const src = fs.readFileSync(tmpFile, 'utf8');
    assert.match(src, /^\/\/ \/src\/services\/roomService\.js\n/);
    assert.match(src, /export class RoomService extends EventEmitter/);
    assert.ok(fs.readFileSync(SPEC, 'utf8').includes(src), 'verbatim');
  });

  it('runs the spec flow: create, status, pre-warm, events, end, webhook signature', T, async () => {
    const svc = new RoomService();
    assert.equal(svc.baseUrl, server.baseUrl);
    // Watch (not change) the pre-warm the client schedules itself, so the test can wait for it.
    const prewarms = [];
    const ownPreWarm = svc.preWarmRoom.bind(svc);
    svc.preWarmRoom = (id) => {
      const p = ownPreWarm(id);
      prewarms.push(p);
      return p;
    };

    const appointment = {
      coachId: 'coach-7f3a',
      clientId: 'client-91bc',
      coach: { name: 'Casey Coach' },
      client: { name: 'Charlie Client' },
      // Five minutes and a moment from now: the client's pre-warm timer fires almost at once.
      startTime: new Date(Date.now() + 5 * 60 * 1000 + 200),
      duration: 60,
      includeAI: true,
    };
    const prewarmsBefore = await preWarmCount();

    const roomData = await svc.createRoom(appointment);
    expectValid('POST', '/api/rooms/create', 201, roomData);
    assert.equal(roomData.success, true);
    assert.match(roomData.roomId, /^[0-9a-f-]{36}$/);
    assert.match(roomData.sessionId, /^[0-9a-f-]{36}$/);
    assert.equal(roomData.status, 'ready');
    assert.match(roomData.connectionUrls.coach, new RegExp(`/room/${roomData.roomId}\\?token=`));
    assert.equal(roomData.connectionUrls.websocket.endsWith(`/events/${roomData.roomId}`), true);
    const { roomId } = roomData;

    // The tokens the client minted are the ones a participant joins with.
    const coachToken = new URL(roomData.connectionUrls.coach).searchParams.get('token');
    const join = await server.api('POST', `/room/${roomId}/join?token=${coachToken}`, { noAuth: true });
    assert.equal(join.status, 200, join.text);
    assert.deepEqual(join.json.participant,
      { userId: 'coach-7f3a', role: 'coach', name: 'Casey Coach', permissions: ['video', 'audio', 'screen-share'] });

    const status = await svc.getRoomStatus(roomId);
    expectValid('GET', '/api/rooms/{roomId}/status', 200, status);
    assert.equal(status.roomId, roomId);
    assert.equal(status.sessionId, roomData.sessionId);
    assert.equal(status.status, 'waiting');
    assert.equal(status.participants.coach.id, 'coach-7f3a');
    assert.equal(status.participants.client.id, 'client-91bc');
    assert.equal(status.participants.aiOrb.enabled, true);
    assert.equal(Date.parse(status.scheduledStartTime), appointment.startTime.getTime());

    // The client's own timer pre-warms (empty body, no Content-Type), and so does an explicit call.
    await waitUntil(() => prewarms.length >= 1, { timeoutMs: 5000, message: 'the scheduled pre-warm' });
    await svc.preWarmRoom(roomId);
    await withTimeout(Promise.all(prewarms), 5000, 'pre-warm requests');
    assert.equal(await preWarmCount(), prewarmsBefore + 2, 'both pre-warms answered 200');

    const seen = { 'room-started': [], 'participant-joined': [], 'participant-left': [], 'room-ended': [] };
    const ws = svc.subscribeToRoomEvents(roomId, {
      'room-started': (d) => seen['room-started'].push(d),
      'participant-joined': (d) => seen['participant-joined'].push(d),
      'participant-left': (d) => seen['participant-left'].push(d),
      'room-ended': (d) => {
        seen['room-ended'].push(d);
        ws.close(); // as the spec's schedule route does
      },
    });
    await withTimeout(new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('unexpected-response', (_, res) => reject(new Error(`events handshake refused: ${res.statusCode}`)));
    }), 5000, 'the client\'s events socket to open');
    const closed = new Promise((resolve) => ws.once('close', resolve));

    await server.presence(roomId, 'coach', 'connect', 'coach-conn');
    await server.presence(roomId, 'client', 'connect', 'client-conn');
    // The spec's room has the AI Orb enabled: it joins as the room starts, next to the coach and the client.
    await waitUntil(() => seen['participant-joined'].length >= 3, { timeoutMs: 5000, message: 'participant-joined x3' });

    // getSessionSummary throws on the 409 until a summary exists.
    await assert.rejects(svc.getSessionSummary(roomId), /Failed to get summary/);
    const ended = await svc.endRoom(roomId, appointment.coachId);
    expectValid('POST', '/api/rooms/{roomId}/end', 200, ended);
    assert.equal(ended.success, true);
    assert.equal(ended.roomId, roomId);
    assert.ok(Number.isInteger(ended.finalDuration));

    await waitUntil(() => seen['room-ended'].length === 1, { timeoutMs: 5000, message: 'the room-ended handler' });
    await withTimeout(closed, 5000, 'the client to close its socket');

    assert.equal(seen['room-started'].length, 1);
    assert.equal(seen['room-started'][0].roomId, roomId);
    assert.deepEqual(seen['participant-joined'].map((d) => [d.participantType, d.participantId]).sort(),
      [['aiOrb', 'ai-orb'], ['client', 'client-91bc'], ['coach', 'coach-7f3a']]);
    assert.ok(seen['participant-joined'].every((d) => d.roomId === roomId && !Number.isNaN(Date.parse(d.timestamp))));
    assert.equal(seen['participant-left'].length, 3, 'all three leave when the room ends');
    assert.ok(seen['participant-left'].every((d) => Number.isInteger(d.duration)));
    const [roomEnded] = seen['room-ended'];
    assert.equal(roomEnded.reason, 'session_completed');
    assert.equal(roomEnded.timestamp, ended.endedAt);
    assert.equal(typeof roomEnded.summaryReady, 'boolean');
    for (const [type, list] of Object.entries(seen)) {
      for (const data of list) expectSchema('EventFrame', { id: 1, type, data });
    }
    assert.ok(logs.some(([, l]) => l === `Connected to room ${roomId} events`));
    assert.ok(!logs.some(([k]) => k === 'error'), JSON.stringify(logs));

    // A real delivery, checked with the client's verifyWebhookSignature.
    const delivery = await receiver.waitFor((r) => r.headers['x-room-event'] === 'room-ended' &&
      JSON.parse(r.body).data.roomId === roomId, 10000);
    const payload = JSON.parse(delivery.body);
    assert.equal(svc.verifyWebhookSignature(payload, delivery.headers['x-room-signature']), true);
    assert.equal(svc.verifyWebhookSignature({ ...payload, id: payload.id + 1 }, delivery.headers['x-room-signature']), false);
    assert.equal(svc.verifyWebhookSignature(payload, '0'.repeat(64)), false);
    for (const r of receiver.requests.filter((x) => JSON.parse(x.body).data.roomId === roomId)) {
      assert.equal(svc.verifyWebhookSignature(JSON.parse(r.body), r.headers['x-room-signature']), true, r.headers['x-room-event']);
    }

    // The summary follows the end (summary-ready); getSessionSummary then gives what the spec's
    // summary-ready handler reads.
    const summary = await waitUntil(async () => {
      try {
        return await svc.getSessionSummary(roomId);
      } catch {
        return null;
      }
    }, { timeoutMs: 15000, intervalMs: 200, message: 'the session summary' });
    assert.equal(summary.roomId, roomId);
    assert.equal(typeof summary.summary.textSummary, 'string');
    assert.ok(Number.isInteger(summary.attendance.coach.duration || summary.attendance.client.duration));
    // endRoom on an ended room reports the first end.
    assert.deepEqual(await svc.endRoom(roomId, 'system'), ended);
    await waitUntil(async () => {
      const deliveries = await server.api('GET', `/api/webhooks/${webhookId}/deliveries`);
      return deliveries.json.deliveries.some((d) => d.eventType === 'room-ended' && d.state === 'delivered');
    }, { timeoutMs: 5000, message: 'the room-ended delivery logged as delivered' });
  });

  it('a room the client creates for an appointment without AI has the AI Orb disabled', T, async () => {
    const svc = new RoomService();
    const prewarms = [];
    const ownPreWarm = svc.preWarmRoom.bind(svc);
    svc.preWarmRoom = (id) => {
      const p = ownPreWarm(id);
      prewarms.push(p);
      return p;
    };
    const res = await svc.createRoom({
      coachId: 'coach-2', clientId: 'client-2', coach: { name: 'C' }, client: { name: 'K' },
      // Less than five minutes ahead: the client's pre-warm timer fires at once (and leaves no timer behind).
      startTime: new Date(Date.now() + 60 * 1000), duration: 30,
    });
    assert.equal(res.success, true);
    const st = await svc.getRoomStatus(res.roomId);
    assert.equal(st.participants.aiOrb.enabled, false);
    const cfg = await server.api('PATCH', `/api/rooms/${res.roomId}/config`, { json: { maxDuration: 1800 } });
    assert.equal(cfg.json.config.maxDuration, 1800);
    assert.equal(cfg.json.config.features.aiAssistance, false);
    await waitUntil(() => prewarms.length === 1, { timeoutMs: 5000, message: 'the scheduled pre-warm' });
    await withTimeout(Promise.all(prewarms), 5000, 'the pre-warm request');
    const ended = await svc.endRoom(res.roomId, 'coach-2');
    assert.equal(ended.success, true);
  });
});
