// RoomService against the real roomsd: every endpoint of the spec with the spec's method names and results,
// participant tokens the service accepts, typed errors, and the spec's schedule route flow end to end.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  BadRequest, Conflict, decodeToken, RateLimited, RoomNotFound, RoomService, ServiceUnavailable, SummaryNotReady,
  Unauthorized,
} from '../src/index.js';
import { appointment, clientFor, collector, freePort, startRoomsd, waitUntil } from './helpers.mjs';

const T = { timeout: 60000 };
let server;
let rooms;

before(async () => {
  server = await startRoomsd();
  rooms = clientFor(server);
});

after(async () => {
  await rooms?.close();
  await server?.close();
});

describe('RoomService against roomsd', () => {
  it('createRoom mints tokens with the spec claims, expiring at start + maxDuration + buffer', T, async () => {
    const appt = appointment({ duration: 45 });
    const room = await rooms.createRoom(appt);
    assert.equal(room.success, true);
    assert.equal(room.status, 'ready');
    assert.match(room.roomId, /^[0-9a-f-]{36}$/);
    assert.match(room.sessionId, /^[0-9a-f-]{36}$/);
    assert.equal(room.pending, undefined);
    const token = new URL(room.connectionUrls.coach).searchParams.get('token');
    const claims = decodeToken(token);
    assert.deepEqual(Object.keys(claims).sort(), ['exp', 'name', 'permissions', 'role', 'roomId', 'sessionId', 'userId']);
    assert.equal(claims.userId, appt.coachId);
    assert.equal(claims.role, 'coach');
    assert.equal(claims.name, 'Casey Coach');
    assert.equal(claims.roomId, room.roomId);
    assert.equal(claims.sessionId, room.sessionId);
    assert.deepEqual(claims.permissions, ['video', 'audio', 'screen-share']);
    const start = Math.floor(new Date(appt.startTime).getTime() / 1000);
    assert.equal(claims.exp, start + 45 * 60 + 3600);
    assert.equal(room.connectionUrls.websocket, `ws://localhost:${server.port}/events/${room.roomId}`);
    // The service accepts the token at join (signature, room, seat, session, expiry).
    const join = await fetch(`${server.baseUrl}/room/${room.roomId}/join?token=${token}`, { method: 'POST' });
    assert.equal(join.status, 200, await join.text());
  });

  it('createRoom is idempotent by roomId: a retried body answers the same room', T, async () => {
    const body = rooms.buildCreateRequest(appointment());
    const first = await rooms.createRoom(null, { request: body });
    const again = await rooms.createRoom(null, { request: body });
    assert.equal(again.roomId, first.roomId);
    assert.equal(again.existing, true);
    const changed = structuredClone(body);
    changed.config.maxDuration = 120;
    await assert.rejects(rooms.createRoom(null, { request: changed }), (e) => e instanceof Conflict && e.code === 'room_exists');
  });

  it('covers status, pre-warm, config, bulk status, analytics, transcription, health and end', T, async () => {
    const room = await rooms.createRoom(appointment());
    const status = await rooms.getRoomStatus(room.roomId);
    assert.equal(status.roomId, room.roomId);
    assert.equal(status.status, 'waiting');
    assert.equal(status.participants.coach.connected, false);

    const warm = await rooms.preWarmRoom(room.roomId);
    assert.deepEqual([warm.success, warm.roomId, warm.resourcesAllocated], [true, room.roomId, true]);

    const cfg = await rooms.updateRoomConfig(room.roomId, { aiOrb: { enabled: false }, features: { recording: true } });
    assert.equal(cfg.success, true);
    assert.equal(cfg.config.aiOrb.enabled, false);
    assert.equal(cfg.config.features.recording, true);

    await server.presence(room.roomId, 'coach', 'connect', 'c1');
    const bulk = await rooms.getBulkRoomStatus([room.roomId, crypto.randomUUID()]);
    assert.equal(bulk.rooms[room.roomId].status, 'active');
    assert.equal(bulk.rooms[room.roomId].participants, 1);
    assert.equal(Object.values(bulk.rooms).filter((r) => r.status === 'not_found').length, 1);

    const analytics = await rooms.getRoomAnalytics(room.roomId);
    assert.equal(analytics.roomId, room.roomId);
    assert.ok('connectionQuality' in analytics.metrics && 'bandwidth' in analytics.metrics);

    const transcript = await rooms.getRoomTranscription(room.roomId, 'vtt');
    assert.equal(transcript.transcription.format, 'vtt');
    assert.match(transcript.transcription.content, /^WEBVTT/);

    const health = await rooms.getHealth();
    assert.equal(health.status, 'healthy');

    const ended = await rooms.endRoom(room.roomId, status.participants.coach.id);
    assert.equal(ended.success, true);
    assert.equal(ended.roomId, room.roomId);
    assert.ok(ended.finalDuration >= 0);
    const again = await rooms.endRoom(room.roomId);
    assert.equal(again.endedAt, ended.endedAt, 'ending twice answers the first end');
    assert.equal((await rooms.getRoomStatus(room.roomId)).status, 'ended');
  });

  it('throws typed errors: RoomNotFound, Unauthorized, BadRequest, SummaryNotReady', T, async () => {
    await assert.rejects(rooms.getRoomStatus(crypto.randomUUID()),
      (e) => e instanceof RoomNotFound && e.status === 404 && e.code === 'room_not_found' && typeof e.requestId === 'string');
    const wrong = clientFor(server, { apiKey: 'not-the-key' });
    await assert.rejects(wrong.getRoomStatus(crypto.randomUUID()), (e) => e instanceof Unauthorized && e.status === 401);
    assert.equal(wrong.circuitState, 'closed', '4xx answers do not open the circuit');
    await wrong.close();
    await assert.rejects(rooms.createRoom(appointment({ personality: 'grumpy' })),
      (e) => e instanceof BadRequest && e.code === 'invalid_field');
    const room = await rooms.createRoom(appointment({ features: { generateSummary: false } }));
    await assert.rejects(rooms.getSessionSummary(room.roomId),
      (e) => e instanceof SummaryNotReady && e instanceof Conflict && e.code === 'summary_not_ready');
  });

  it('throws RateLimited with retryAfter when the service limits the key', T, async () => {
    const limited = await startRoomsd({ rateLimits: { perKey: 1, perKeyBurst: 2 } });
    const client = clientFor(limited, { retry: { retries: 0 } });
    try {
      let caught;
      for (let i = 0; i < 20 && !caught; i++) {
        await client.getRoomStatus(crypto.randomUUID()).catch((e) => {
          if (!(e instanceof RoomNotFound)) caught = e;
        });
      }
      assert.ok(caught instanceof RateLimited, `expected RateLimited, got ${caught}`);
      assert.equal(caught.status, 429);
      assert.equal(typeof caught.retryAfter, 'number');
      assert.ok(caught.retryAfter >= 1);
      assert.equal(client.circuitState, 'closed');
      // With retries, the client waits out Retry-After and gets through.
      const patient = clientFor(limited, { retry: { retries: 2, baseDelayMs: 50, maxDelayMs: 1000 } });
      await assert.rejects(patient.getRoomStatus(crypto.randomUUID()), RoomNotFound);
      await patient.close();
    } finally {
      await client.close();
      await limited.close();
    }
  });

  it('webhooks: configure, list, deliveries, delete', T, async () => {
    const created = await rooms.configureWebhook({ url: 'http://127.0.0.1:9/hook', events: ['room-ended'] });
    assert.equal(created.success, true);
    assert.match(created.webhook.id, /^whk_/);
    const list = await rooms.listWebhooks();
    assert.ok(list.webhooks.some((w) => w.id === created.webhook.id));
    const deliveries = await rooms.getWebhookDeliveries(created.webhook.id, { limit: 5 });
    assert.ok(Array.isArray(deliveries.deliveries));
    const removed = await rooms.deleteWebhook(created.webhook.id);
    assert.equal(removed.id, created.webhook.id);
    await assert.rejects(rooms.deleteWebhook(created.webhook.id), (e) => e instanceof RoomNotFound && e.code === 'webhook_not_found');
  });

  it('unreachable service: ServiceUnavailable after retries', T, async () => {
    const client = new RoomService({
      baseUrl: `http://127.0.0.1:${await freePort()}`, apiKey: 'k', retry: { retries: 2, baseDelayMs: 10, maxDelayMs: 20 }, timeoutMs: 1000,
    });
    const retries = [];
    client.on('retry', (r) => retries.push(r.attempt));
    await assert.rejects(client.getRoomStatus(crypto.randomUUID()), (e) => e instanceof ServiceUnavailable && !e.circuitOpen);
    assert.deepEqual(retries, [1, 2]);
    await client.close();
  });
});

describe("the spec's schedule route flow with the package", () => {
  it('create, subscribe, room-started, room-ended, summary-ready, fetch summary', T, async () => {
    // As in ROOM_HANDLER.md "Modified Schedule Route": the handlers update a session record.
    const session = { status: 'scheduled' };
    const appt = appointment({ includeAI: false });
    const roomData = await rooms.createRoom(appt);
    let summaryStored;
    const sub = rooms.subscribeToRoomEvents(roomData.roomId, {
      'room-started': async (data) => {
        session.startTime = new Date(data.timestamp);
        session.status = 'active';
      },
      'participant-joined': async (data) => {
        session.joined = [...(session.joined ?? []), data.participantType];
      },
      'room-ended': async (data) => {
        session.endTime = new Date(data.timestamp);
        session.status = 'completed';
      },
      'summary-ready': async () => {
        const summary = await rooms.getSessionSummary(roomData.roomId);
        summaryStored = summary;
        session.summary = summary.summary;
        session.attendanceData = summary.attendance;
        sub.close();
      },
    });
    const seen = collector(sub);
    await server.presence(roomData.roomId, 'coach', 'connect', 'c1');
    await server.presence(roomData.roomId, 'client', 'connect', 'k1');
    await seen.waitForType('participant-joined', 2);
    await sub.drain(); // 'event' fires as a frame is taken up; drain() waits for its handler
    assert.equal(session.status, 'active');
    await rooms.endRoom(roomData.roomId, appt.coachId);
    await seen.waitForType('room-ended');
    await sub.drain();
    assert.equal(session.status, 'completed');
    // issue 4: a summary-ready event follows the end of a room with generateSummary on.
    await seen.waitForType('summary-ready', 1, 45000);
    await waitUntil(() => summaryStored, { timeoutMs: 10000, message: 'the summary handler' });
    assert.equal(summaryStored.roomId, roomData.roomId);
    assert.equal(typeof session.summary.textSummary, 'string');
    assert.ok(session.attendanceData.coach.attended);
    assert.deepEqual(seen.frames.map((f) => f.type),
      ['room-started', 'participant-joined', 'participant-joined', 'participant-left', 'participant-left', 'room-ended', 'summary-ready']);
    assert.equal(sub.state, 'closed');
  });
});
