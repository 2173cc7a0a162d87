// Every endpoint's happy path and answer shapes, against the real roomsd. Each answer is also checked against
// docs/openapi.yaml by the helper (server.api validates by default).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { expectValid } from './helpers/openapi.mjs';
import {
  buildCreateBody,
  httpRequest,
  isoIn,
  mintParticipantToken,
  sleep,
  startRoomsd,
  unsignedToken,
} from './helpers/roomsd.mjs';

const T = { timeout: 30000 };
let server;

before(async () => {
  server = await startRoomsd();
});

after(async () => {
  await server?.close();
});

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
const near = (iso, ms, slackMs = 5000) => Math.abs(Date.parse(iso) - ms) <= slackMs;

describe('POST /api/rooms/create', () => {
  it('creates a room (201) with the spec shape and connection URLs', T, async () => {
    const body = buildCreateBody(server.jwtSecret);
    const res = await server.api('POST', '/api/rooms/create', { json: body });
    assert.equal(res.status, 201, res.text);
    assert.match(res.headers['content-type'], /application\/json/);
    assert.ok(res.headers['x-request-id'], 'X-Request-Id header');
    const j = res.json;
    assert.equal(j.success, true);
    assert.equal(j.roomId, body.roomId);
    assert.equal(j.sessionId, body.sessionId);
    assert.equal(j.status, 'ready');
    assert.equal(j.existing, undefined);
    const base = `http://localhost:${server.port}`;
    assert.equal(j.connectionUrls.coach, `${base}/room/${body.roomId}?token=${body.participants.coach.token}`);
    assert.equal(j.connectionUrls.client, `${base}/room/${body.roomId}?token=${body.participants.client.token}`);
    assert.equal(j.connectionUrls.websocket, `ws://localhost:${server.port}/events/${body.roomId}`);
  });

  it('answers an identical retry with 200 and the same body (+existing), in any key order', T, async () => {
    const body = buildCreateBody(server.jwtSecret);
    const first = await server.api('POST', '/api/rooms/create', { json: body });
    assert.equal(first.status, 201, first.text);
    const again = await server.api('POST', '/api/rooms/create', { json: body });
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.json, { ...first.json, existing: true });
    // Same JSON, other key order: still the same request.
    const reordered = {
      config: body.config,
      participants: { aiOrb: body.participants.aiOrb, client: body.participants.client, coach: body.participants.coach },
      sessionId: body.sessionId,
      roomId: body.roomId,
    };
    const third = await server.api('POST', '/api/rooms/create', { json: reordered });
    assert.equal(third.status, 200, third.text);
    assert.equal(third.json.roomId, body.roomId);
    assert.equal(third.json.sessionId, body.sessionId);
  });

  it('refuses the same roomId with a different body (409 room_exists) and keeps the first room', T, async () => {
    const body = buildCreateBody(server.jwtSecret);
    assert.equal((await server.api('POST', '/api/rooms/create', { json: body })).status, 201);
    const other = structuredClone(body);
    other.config.maxDuration = 1800;
    const res = await server.api('POST', '/api/rooms/create', { json: other });
    assert.equal(res.status, 409, res.text);
    assert.equal(res.json.success, false);
    assert.equal(res.json.error.code, 'room_exists');
    const other2 = buildCreateBody(server.jwtSecret, { roomId: body.roomId });
    const res2 = await server.api('POST', '/api/rooms/create', { json: other2 });
    assert.equal(res2.status, 409, res2.text);
    const st = await server.status(body.roomId);
    assert.equal(st.sessionId, body.sessionId);
  });

  it('creates exactly once under concurrent identical requests', T, async () => {
    const body = buildCreateBody(server.jwtSecret);
    const answers = await Promise.all(Array.from({ length: 12 }, () => server.api('POST', '/api/rooms/create', { json: body })));
    const statuses = answers.map((a) => a.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const other = buildCreateBody(server.jwtSecret);
    const rivals = await Promise.all(Array.from({ length: 6 }, (_, i) => server.api('POST', '/api/rooms/create', {
      json: { ...other, config: { ...other.config, maxDuration: 600 + i * 60 } },
    })));
    assert.deepEqual(rivals.map((a) => a.status).sort(), [201, 409, 409, 409, 409, 409]);
  });

  it('accepts the minimal body (no aiOrb, no features) and fills defaults', T, async () => {
    const body = buildCreateBody(server.jwtSecret);
    delete body.participants.aiOrb;
    delete body.config.features;
    const res = await server.api('POST', '/api/rooms/create', { json: body });
    assert.equal(res.status, 201, res.text);
    const st = await server.status(body.roomId);
    assert.equal(st.participants.aiOrb.enabled, false);
  });

  it('accepts JavaScript Date JSON (milliseconds) and offsets as scheduledStartTime', T, async () => {
    const start = new Date(Date.now() + 3600_000);
    const body = buildCreateBody(server.jwtSecret, { scheduledStartTime: start.toJSON() });
    const res = await server.api('POST', '/api/rooms/create', { json: body });
    assert.equal(res.status, 201, res.text);
    const st = await server.status(body.roomId);
    assert.equal(Date.parse(st.scheduledStartTime), start.getTime());

    const body2 = buildCreateBody(server.jwtSecret, { scheduledStartTime: '2031-06-30T17:00:00+02:00' });
    const res2 = await server.api('POST', '/api/rooms/create', { json: body2 });
    assert.equal(res2.status, 201, res2.text);
    assert.equal((await server.status(body2.roomId)).scheduledStartTime, '2031-06-30T15:00:00Z');
  });
});

describe('GET /api/rooms/{roomId}/status', () => {
  it('reports a new room as waiting with every participant field of the spec', T, async () => {
    const start = isoIn(2 * 3600_000);
    const { roomId, sessionId, body } = await server.createRoom({ scheduledStartTime: start });
    const res = await server.api('GET', `/api/rooms/${roomId}/status`);
    assert.equal(res.status, 200);
    const s = res.json;
    assert.equal(s.roomId, roomId);
    assert.equal(s.sessionId, sessionId);
    assert.equal(s.status, 'waiting');
    assert.deepEqual(s.participants.coach, {
      id: body.participants.coach.id, connected: false, joinedAt: null, leftAt: null, totalDuration: 0, removed: null,
    });
    assert.deepEqual(s.participants.client, {
      id: body.participants.client.id, connected: false, joinedAt: null, leftAt: null, totalDuration: 0, removed: null,
    });
    assert.deepEqual(s.participants.aiOrb, {
      enabled: true, connected: false, joinedAt: null, leftAt: null, participationPercentage: 0,
    });
    assert.equal(s.actualStartTime, null);
    assert.equal(s.currentDuration, 0);
    assert.equal(s.scheduledStartTime, start);
    assert.equal(s.endedAt, null);
    assert.equal('endReason' in s, false);
  });

  it('goes active when a human joins: actualStartTime, currentDuration, connected, joinedAt', T, async () => {
    const { roomId } = await server.createRoom();
    // The AI Orb alone does not start the session.
    await server.presence(roomId, 'aiOrb', 'connect', 'orb-1');
    let s = await server.status(roomId);
    assert.equal(s.status, 'waiting');
    assert.equal(s.participants.aiOrb.connected, true);
    assert.match(s.participants.aiOrb.joinedAt, ISO);
    assert.equal(s.actualStartTime, null);

    const before = Date.now();
    await server.presence(roomId, 'coach', 'connect', 'c1');
    s = await server.status(roomId);
    assert.equal(s.status, 'active');
    assert.match(s.actualStartTime, ISO);
    assert.ok(near(s.actualStartTime, before), `actualStartTime ${s.actualStartTime}`);
    assert.equal(s.participants.coach.connected, true);
    assert.equal(s.participants.coach.joinedAt, s.actualStartTime);
    assert.equal(s.participants.coach.leftAt, null);
    assert.equal(s.participants.client.connected, false);
    await sleep(1200);
    s = await server.status(roomId);
    assert.ok(s.currentDuration >= 1, `currentDuration ${s.currentDuration}`);
    assert.ok(s.participants.coach.totalDuration >= 1, `totalDuration ${s.participants.coach.totalDuration}`);
  });

  it('answers 404 room_not_found for an unknown room and 400 for an id with bad characters', T, async () => {
    const res = await server.api('GET', `/api/rooms/${crypto.randomUUID()}/status`);
    assert.equal(res.status, 404);
    assert.equal(res.json.error.code, 'room_not_found');
    const bad = await server.api('GET', '/api/rooms/bad%20id!/status');
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.json.error.code, 'invalid_room_id');
  });
});

describe('POST /api/rooms/{roomId}/pre-warm', () => {
  it('accepts an empty body with no Content-Type, like the spec client', T, async () => {
    const { roomId } = await server.createRoom();
    const res = await server.api('POST', `/api/rooms/${roomId}/pre-warm`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json, { success: true, roomId, resourcesAllocated: true, status: 'ready' });
    // Again: idempotent.
    const again = await server.api('POST', `/api/rooms/${roomId}/pre-warm`, { headers: { 'Content-Length': '0' } });
    assert.equal(again.status, 200, again.text);
    // A pre-warmed room still reads "waiting" on the spec's status endpoint.
    assert.equal((await server.status(roomId)).status, 'waiting');
  });

  it('moves the schedule when scheduledStartTime is given and validates it', T, async () => {
    const { roomId } = await server.createRoom();
    const next = isoIn(3 * 3600_000);
    const res = await server.api('POST', `/api/rooms/${roomId}/pre-warm`, { json: { scheduledStartTime: next } });
    assert.equal(res.status, 200, res.text);
    assert.equal((await server.status(roomId)).scheduledStartTime, next);
    const bad = await server.api('POST', `/api/rooms/${roomId}/pre-warm`, { json: { scheduledStartTime: 'tomorrow' } });
    assert.equal(bad.status, 400);
    assert.match(bad.json.error.message, /scheduledStartTime/);
    const unknown = await server.api('POST', `/api/rooms/${roomId}/pre-warm`, { json: { when: next } });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.json.error.code, 'unknown_field');
  });

  it('reports an active room as active, refuses an ended one (409) and an unknown one (404)', T, async () => {
    const { roomId, body } = await server.createRoom();
    await server.presence(roomId, 'client', 'connect', 'x1');
    const res = await server.api('POST', `/api/rooms/${roomId}/pre-warm`);
    assert.equal(res.status, 200);
    assert.equal(res.json.status, 'active');
    await server.endRoom(roomId, body.participants.client.id);
    const ended = await server.api('POST', `/api/rooms/${roomId}/pre-warm`);
    assert.equal(ended.status, 409);
    assert.equal(ended.json.error.code, 'room_ended');
    const missing = await server.api('POST', `/api/rooms/${crypto.randomUUID()}/pre-warm`);
    assert.equal(missing.status, 404);
  });
});

describe('POST /api/rooms/{roomId}/end', () => {
  it('ends a room, reports finalDuration, and a second end returns the first result', T, async () => {
    const { roomId, body } = await server.createRoom();
    await server.presence(roomId, 'coach', 'connect', 'c1');
    await sleep(1100);
    const res = await server.api('POST', `/api/rooms/${roomId}/end`, {
      json: { reason: 'session_completed', requestedBy: body.participants.coach.id },
    });
    assert.equal(res.status, 200, res.text);
    const j = res.json;
    assert.equal(j.success, true);
    assert.equal(j.roomId, roomId);
    assert.match(j.endedAt, ISO);
    assert.ok(near(j.endedAt, Date.now()));
    assert.ok(j.finalDuration >= 1, `finalDuration ${j.finalDuration}`);
    assert.equal(j.reason, 'session_completed');
    assert.equal(j.requestedBy, body.participants.coach.id);

    await sleep(1100);
    const again = await server.api('POST', `/api/rooms/${roomId}/end`, {
      json: { reason: 'cancelled', requestedBy: 'system' },
    });
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.json, j, 'a second end reports the first one unchanged');

    const s = await server.status(roomId);
    assert.equal(s.status, 'ended');
    assert.equal(s.endReason, 'session_completed');
    assert.equal(s.endedAt, j.endedAt);
    assert.equal(s.currentDuration, j.finalDuration);
    assert.equal(s.participants.coach.connected, false);
    assert.equal(s.participants.coach.leftAt, j.endedAt);
  });

  it('ends once under concurrent end requests; every answer reports the same end', T, async () => {
    const { roomId } = await server.createRoom({ aiOrb: { enabled: false } });
    await server.presence(roomId, 'coach', 'connect', 'c1');
    const reasons = ['session_completed', 'cancelled', 'error', 'timeout'];
    const answers = await Promise.all(reasons.flatMap((reason) => [1, 2].map(() =>
      server.api('POST', `/api/rooms/${roomId}/end`, { json: { reason, requestedBy: 'system' } }))));
    for (const a of answers) {
      assert.equal(a.status, 200, a.text);
      assert.deepEqual(a.json, answers[0].json);
    }
    const ws = await server.events(roomId, { since: 0 });
    await ws.waitForType('room-ended');
    await sleep(200);
    assert.equal(ws.frames.filter((f) => f.type === 'room-ended').length, 1, 'one room-ended event');
    assert.equal(ws.frames.filter((f) => f.type === 'participant-left').length, 1);
    await ws.close();
  });

  it('accepts every spec reason and requestedBy system/coach/client', T, async () => {
    const cases = [
      ['session_completed', 'system'], ['timeout', 'coach'], ['error', 'client'], ['cancelled', 'system'],
    ];
    for (const [reason, who] of cases) {
      const { roomId, body } = await server.createRoom();
      const requestedBy = who === 'system' ? 'system' : body.participants[who].id;
      const res = await server.api('POST', `/api/rooms/${roomId}/end`, { json: { reason, requestedBy } });
      assert.equal(res.status, 200, `${reason}/${who}: ${res.text}`);
      assert.equal(res.json.reason, reason);
      assert.equal(res.json.finalDuration, 0, 'nobody joined');
    }
  });

  it('validates reason and requestedBy', T, async () => {
    const { roomId, body } = await server.createRoom();
    const bad = [
      [{ reason: 'bored', requestedBy: 'system' }, /reason/],
      [{ reason: 'session_completed', requestedBy: 'someone-else' }, /requestedBy/],
      [{ reason: 'session_completed' }, /requestedBy/],
      [{ requestedBy: 'system' }, /reason/],
      [{ reason: 42, requestedBy: 'system' }, /reason/],
      [{ reason: 'cancelled', requestedBy: 'system', extra: 1 }, /extra/],
    ];
    for (const [json, re] of bad) {
      const res = await server.api('POST', `/api/rooms/${roomId}/end`, { json });
      assert.equal(res.status, 400, `${JSON.stringify(json)} -> ${res.status} ${res.text}`);
      assert.match(res.json.error.message, re);
    }
    assert.equal((await server.status(roomId)).status, 'waiting', 'refused ends change nothing');
    const empty = await server.api('POST', `/api/rooms/${roomId}/end`);
    assert.equal(empty.status, 400);
    await server.endRoom(roomId, body.participants.coach.id, 'cancelled');
  });
});

describe('PATCH /api/rooms/{roomId}/config', () => {
  it('deep-merges and returns the whole config', T, async () => {
    const { roomId, body } = await server.createRoom();
    let res = await server.api('PATCH', `/api/rooms/${roomId}/config`, { json: { aiOrb: { enabled: false } } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.success, true);
    assert.equal(res.json.roomId, roomId);
    assert.deepEqual(res.json.config, {
      scheduledStartTime: body.config.scheduledStartTime,
      maxDuration: 3600,
      aiOrb: { enabled: false, personality: 'supportive', voiceModel: 'default' },
      features: { recording: false, transcription: true, aiAssistance: true, generateSummary: true },
    });
    // The spec's example body: both groups at once, untouched fields keep their values.
    res = await server.api('PATCH', `/api/rooms/${roomId}/config`, {
      json: { aiOrb: { personality: 'direct' }, features: { recording: true }, maxDuration: 5400 },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json.config.aiOrb, { enabled: false, personality: 'direct', voiceModel: 'default' });
    assert.deepEqual(res.json.config.features,
      { recording: true, transcription: true, aiAssistance: true, generateSummary: true });
    assert.equal(res.json.config.maxDuration, 5400);
    assert.equal((await server.status(roomId)).participants.aiOrb.enabled, false);
  });

  it('rejects unknown and mistyped fields, all or nothing', T, async () => {
    const { roomId } = await server.createRoom();
    const bad = [
      [{ colour: 'blue' }, /colour/],
      [{ features: { recording: 'yes' } }, /features\.recording/],
      [{ features: { recording: true, teleport: true } }, /features\.teleport/],
      [{ aiOrb: { enabled: 1 } }, /aiOrb\.enabled/],
      [{ aiOrb: { personality: 'sarcastic' } }, /aiOrb\.personality/],
      [{ aiOrb: 'off' }, /aiOrb/],
      [{ maxDuration: 30 }, /maxDuration/],
      [{ maxDuration: '3600' }, /maxDuration/],
      [{ features: { recording: true }, bogus: 1 }, /bogus/],
      [{}, /at least one/],
    ];
    for (const [json, re] of bad) {
      const res = await server.api('PATCH', `/api/rooms/${roomId}/config`, { json });
      assert.equal(res.status, 400, `${JSON.stringify(json)} -> ${res.status} ${res.text}`);
      assert.match(res.json.error.message, re);
    }
    // Nothing of the refused patches was applied (recording stayed false).
    const res = await server.api('PATCH', `/api/rooms/${roomId}/config`, { json: { features: { transcription: false } } });
    assert.equal(res.status, 200);
    assert.equal(res.json.config.features.recording, false);
    assert.equal(res.json.config.features.transcription, false);
  });

  it('refuses to change an ended room (409 room_ended)', T, async () => {
    const { roomId } = await server.createRoom();
    await server.endRoom(roomId);
    const res = await server.api('PATCH', `/api/rooms/${roomId}/config`, { json: { features: { recording: true } } });
    assert.equal(res.status, 409);
    assert.equal(res.json.error.code, 'room_ended');
  });
});

describe('GET /api/rooms/{roomId}/transcription', () => {
  it('answers text (default), vtt and json, empty but well-formed', T, async () => {
    const { roomId } = await server.createRoom();
    const text = await server.api('GET', `/api/rooms/${roomId}/transcription`);
    assert.equal(text.status, 200);
    assert.deepEqual(text.json, { roomId, transcription: { format: 'text', content: '', segments: 0 } });
    const t2 = await server.api('GET', `/api/rooms/${roomId}/transcription?format=text`);
    assert.equal(t2.json.transcription.format, 'text');
    const vtt = await server.api('GET', `/api/rooms/${roomId}/transcription?format=vtt`);
    assert.equal(vtt.status, 200);
    assert.equal(vtt.json.transcription.format, 'vtt');
    assert.ok(vtt.json.transcription.content.startsWith('WEBVTT'), vtt.json.transcription.content);
    const json = await server.api('GET', `/api/rooms/${roomId}/transcription?format=json`);
    assert.equal(json.status, 200);
    assert.equal(json.json.transcription.format, 'json');
    assert.deepEqual(json.json.transcription.content, []);
    const bad = await server.api('GET', `/api/rooms/${roomId}/transcription?format=srt`);
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.code, 'invalid_format');
  });
});

describe('GET /api/rooms/{roomId}/summary', () => {
  it('answers 409 summary_not_ready before the end, and for good when summaries are off', T, async () => {
    const { roomId } = await server.createRoom();
    let res = await server.api('GET', `/api/rooms/${roomId}/summary`);
    assert.equal(res.status, 409);
    assert.equal(res.json.error.code, 'summary_not_ready');
    assert.match(res.json.error.message, /not ended/);
    const off = await server.createRoom({
      features: { recording: false, transcription: true, aiAssistance: false, generateSummary: false },
    });
    await server.endRoom(off.roomId);
    await sleep(500);
    res = await server.api('GET', `/api/rooms/${off.roomId}/summary`);
    assert.equal(res.status, 409);
    assert.equal(res.json.error.code, 'summary_not_ready');
    assert.match(res.json.error.message, /generateSummary/);
    const missing = await server.api('GET', `/api/rooms/${crypto.randomUUID()}/summary`);
    assert.equal(missing.status, 404);
  });
});

describe('summary generation', () => {
  it('emits summary-ready and serves the summary after a room with generateSummary ends',
    T, async () => {
      const { roomId, body } = await server.createRoom();
      assert.equal(body.config.features.generateSummary, true);
      const ws = await server.events(roomId, { since: 0 });
      try {
        await server.presence(roomId, 'coach', 'connect', 'c1');
        await server.presence(roomId, 'client', 'connect', 'k1');
        await server.endRoom(roomId);
        await ws.waitForType('summary-ready', 3000);
        const res = await server.api('GET', `/api/rooms/${roomId}/summary`);
        assert.equal(res.status, 200, res.text);
        assert.equal(res.json.roomId, roomId);
      } finally {
        await ws.close();
      }
    });
});

describe('POST /api/rooms/bulk-status', () => {
  it('reports each room, unknown ids as not_found', T, async () => {
    const waiting = await server.createRoom();
    const active = await server.createRoom();
    await server.presence(active.roomId, 'coach', 'connect', 'a');
    await server.presence(active.roomId, 'aiOrb', 'connect', 'b');
    const ended = await server.createRoom();
    await server.endRoom(ended.roomId);
    const unknown = crypto.randomUUID();
    const res = await server.api('POST', '/api/rooms/bulk-status', {
      json: { roomIds: [waiting.roomId, active.roomId, ended.roomId, unknown, 'not a valid id!'] },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json, {
      rooms: {
        [waiting.roomId]: { status: 'waiting', participants: 0 },
        [active.roomId]: { status: 'active', participants: 2 },
        [ended.roomId]: { status: 'ended', participants: 0 },
        [unknown]: { status: 'not_found', participants: 0 },
        'not a valid id!': { status: 'not_found', participants: 0 },
      },
    });
  });

  it('accepts 100 ids and refuses 101 or a malformed list', T, async () => {
    const ids = Array.from({ length: 100 }, () => crypto.randomUUID());
    const ok = await server.api('POST', '/api/rooms/bulk-status', { json: { roomIds: ids } });
    assert.equal(ok.status, 200);
    assert.equal(Object.keys(ok.json.rooms).length, 100);
    const tooMany = await server.api('POST', '/api/rooms/bulk-status', { json: { roomIds: [...ids, crypto.randomUUID()] } });
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.json.error.code, 'too_many_rooms');
    for (const json of [{ roomIds: 'abc' }, { roomIds: [1, 2] }, {}, { roomIds: [], more: true }]) {
      const res = await server.api('POST', '/api/rooms/bulk-status', { json });
      assert.equal(res.status, 400, `${JSON.stringify(json)} -> ${res.status}`);
    }
    const empty = await server.api('POST', '/api/rooms/bulk-status', { json: { roomIds: [] } });
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.json, { rooms: {} });
  });
});

describe('GET /api/rooms/{roomId}/analytics', () => {
  it('has the spec shape with zeros before any media', T, async () => {
    const { roomId } = await server.createRoom();
    const res = await server.api('GET', `/api/rooms/${roomId}/analytics`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, {
      roomId,
      metrics: {
        connectionQuality: { coach: { averageRTT: 0, packetLoss: 0 }, client: { averageRTT: 0, packetLoss: 0 } },
        bandwidth: { peakUpload: 0, peakDownload: 0, averageUpload: 0, averageDownload: 0 },
        reconnections: 0,
        fallbacksUsed: [],
      },
    });
  });
});

describe('GET /health and /metrics', () => {
  it('/health needs no key and has the spec fields', T, async () => {
    const res = await server.api('GET', '/health', { noAuth: true });
    assert.equal(res.status, 200);
    const h = res.json;
    assert.equal(h.status, 'healthy');
    assert.equal(h.version, '1.0.0');
    assert.ok(Number.isInteger(h.uptime) && h.uptime >= 0);
    assert.ok(Number.isInteger(h.activeRooms));
    assert.equal(typeof h.resources.cpu, 'number');
    assert.equal(typeof h.resources.memory, 'number');
    assert.ok(h.resources.memory > 0 && h.resources.memory <= 100, `memory ${h.resources.memory}`);
    assert.ok(Number.isInteger(h.resources.connections) && h.resources.connections >= 1);
    // activeRooms counts rooms in session.
    const { roomId } = await server.createRoom();
    await server.presence(roomId, 'coach', 'connect', 'h1');
    const h2 = (await server.api('GET', '/health', { noAuth: true })).json;
    assert.ok(h2.activeRooms >= 1);
    await server.endRoom(roomId);
    const h3 = (await server.api('GET', '/health', { noAuth: true })).json;
    assert.equal(h3.activeRooms, h2.activeRooms - 1);
  });

  it('/metrics has rooms_created_total and the latency histogram', T, async () => {
    await server.createRoom();
    const res = await server.api('GET', '/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /^text\/plain/);
    const m = res.text;
    assert.match(m, /^# TYPE rooms_created_total counter$/m);
    const created = Number(/^rooms_created_total (\S+)$/m.exec(m)?.[1]);
    assert.ok(created >= 1, `rooms_created_total ${created}`);
    assert.match(m, /^# TYPE rooms_http_request_duration_seconds histogram$/m);
    assert.match(m, /^rooms_http_request_duration_seconds_bucket\{.*route="\/api\/rooms\/create".*le="\+Inf".*\} \d+/m);
    assert.match(m, /^rooms_http_request_duration_seconds_count\{route="\/api\/rooms\/create"\} \d+/m);
    assert.match(m, /^rooms_http_requests_total\{.*status="201".*\} \d+/m);
    const noKey = await server.api('GET', '/metrics', { noAuth: true });
    assert.equal(noKey.status, 401);
  });
});

describe('unknown routes', () => {
  it('answers 404 for an unknown path and 405 with Allow for a wrong method', T, async () => {
    const res = await server.api('GET', '/api/nope');
    assert.equal(res.status, 404);
    assert.equal(res.json.error.code, 'not_found');
    const m = await server.api('DELETE', `/api/rooms/${crypto.randomUUID()}/status`);
    assert.equal(m.status, 405);
    assert.equal(m.json.error.code, 'method_not_allowed');
    assert.match(m.headers.allow, /GET/);
  });

  it('echoes a safe X-Request-Id', T, async () => {
    const res = await server.api('GET', '/health', { headers: { 'X-Request-Id': 'req-123.abc' } });
    assert.equal(res.headers['x-request-id'], 'req-123.abc');
    const other = await server.api('GET', '/health', { headers: { 'X-Request-Id': 'bad id <script>' } });
    assert.notEqual(other.headers['x-request-id'], 'bad id <script>');
    assert.match(other.headers['x-request-id'], /^[A-Za-z0-9._:@-]+$/);
  });
});

describe('POST /room/{roomId}/join (participant JWT)', () => {
  const join = (roomId, token, { query = false } = {}) =>
    query
      ? server.api('POST', `/room/${roomId}/join?token=${encodeURIComponent(token)}`, { noAuth: true })
      : server.api('POST', `/room/${roomId}/join`, { headers: { Authorization: `Bearer ${token}` } });

  it('admits a valid token (header or ?token=) and says who joins', T, async () => {
    const { roomId, sessionId, body } = await server.createRoom();
    const res = await join(roomId, body.participants.coach.token);
    assert.equal(res.status, 200, res.text);
    const j = res.json;
    assert.equal(j.roomId, roomId);
    assert.equal(j.sessionId, sessionId);
    assert.deepEqual(j.participant, {
      userId: body.participants.coach.id, role: 'coach', name: 'Casey Coach', permissions: ['video', 'audio', 'screen-share'],
    });
    assert.deepEqual(j.room, {
      status: 'waiting', scheduledStartTime: body.config.scheduledStartTime, aiOrb: true, transcription: true,
    });
    assert.match(j.tokenExpiresAt, ISO);
    // The connection URL as the create answer gave it works as is.
    const q = await join(roomId, body.participants.client.token, { query: true });
    assert.equal(q.status, 200, q.text);
    assert.equal(q.json.participant.role, 'client');
  });

  it('refuses forged, expired, unsigned and missing tokens with 401', T, async () => {
    const { roomId, sessionId, body } = await server.createRoom();
    const claims = { userId: body.participants.coach.id, roomId, sessionId, role: 'coach', name: 'Casey Coach' };
    const cases = {
      forged: mintParticipantToken('not-the-secret', claims),
      expired: mintParticipantToken(server.jwtSecret, { ...claims, exp: Math.floor(Date.now() / 1000) - 3600 }),
      algNone: unsignedToken({ ...claims, permissions: ['video'], exp: Math.floor(Date.now() / 1000) + 3600 }),
      hs512: mintParticipantToken(server.jwtSecret, claims, { algorithm: 'HS512' }),
      garbage: 'not.a.jwt',
      notYet: mintParticipantToken(server.jwtSecret, { ...claims, nbf: Math.floor(Date.now() / 1000) + 3600 }),
      issuedInTheFuture: mintParticipantToken(server.jwtSecret, { ...claims, iat: Math.floor(Date.now() / 1000) + 3600 }),
      tampered: (() => {
        const [h, p, s] = body.participants.client.token.split('.');
        const payload = JSON.parse(Buffer.from(p, 'base64url'));
        payload.role = 'coach';
        return `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
      })(),
    };
    for (const [name, token] of Object.entries(cases)) {
      const res = await join(roomId, token);
      assert.equal(res.status, 401, `${name}: ${res.status} ${res.text}`);
      assert.equal(res.json.success, false);
      assert.match(res.json.error.code, /^token_/, name);
    }
    assert.equal((await join(roomId, cases.expired)).json.error.code, 'token_expired');
    assert.equal((await join(roomId, cases.notYet)).json.error.code, 'token_not_yet_valid');
    assert.equal((await join(roomId, cases.issuedInTheFuture)).json.error.code, 'token_not_yet_valid');
    // Within the clock-skew leeway (30 s) a token from a clock a little ahead still joins.
    const skewed = mintParticipantToken(server.jwtSecret, { ...claims, nbf: Math.floor(Date.now() / 1000) + 10 });
    assert.equal((await join(roomId, skewed)).status, 200);
    const none = await server.api('POST', `/room/${roomId}/join`, { noAuth: true });
    assert.equal(none.status, 401);
  });

  it('allows 30 s of clock skew on exp and no more', T, async () => {
    const { roomId, sessionId, body } = await server.createRoom();
    const claims = { userId: body.participants.client.id, roomId, sessionId, role: 'client', name: 'Charlie Client' };
    const now = Math.floor(Date.now() / 1000);
    const skewed = await join(roomId, mintParticipantToken(server.jwtSecret, { ...claims, exp: now - 10 }));
    assert.equal(skewed.status, 200, skewed.text);
    const late = await join(roomId, mintParticipantToken(server.jwtSecret, { ...claims, exp: now - 45 }));
    assert.equal(late.status, 401, late.text);
    assert.equal(late.json.error.code, 'token_expired');
  });

  it('refuses a token of another room (403), of another user (403), and joins of an ended room (410)', T, async () => {
    const a = await server.createRoom();
    const b = await server.createRoom();
    const other = await join(a.roomId, b.body.participants.coach.token);
    assert.equal(other.status, 403, other.text);
    assert.equal(other.json.error.code, 'token_wrong_room');
    const stranger = mintParticipantToken(server.jwtSecret, {
      userId: 'someone-else', roomId: a.roomId, sessionId: a.sessionId, role: 'coach', name: 'Mallory',
    });
    const s = await join(a.roomId, stranger);
    assert.equal(s.status, 403, s.text);
    assert.equal(s.json.error.code, 'not_a_participant');
    const otherSession = mintParticipantToken(server.jwtSecret, {
      userId: a.body.participants.coach.id, roomId: a.roomId, sessionId: crypto.randomUUID(), role: 'coach', name: 'C',
    });
    const os = await join(a.roomId, otherSession);
    assert.equal(os.status, 403, os.text);
    assert.equal(os.json.error.code, 'token_wrong_session');
    await server.endRoom(a.roomId);
    const gone = await join(a.roomId, a.body.participants.coach.token);
    assert.equal(gone.status, 410, gone.text);
    assert.equal(gone.json.error.code, 'room_ended');
    const missing = await join(crypto.randomUUID(), a.body.participants.coach.token);
    assert.equal(missing.status, 404);
  });
});

describe('test hook POST /_test/rooms/{roomId}/presence', () => {
  it('validates its input and refuses presence in ended rooms', T, async () => {
    const { roomId } = await server.createRoom();
    const bad = await server.api('POST', `/_test/rooms/${roomId}/presence`, {
      json: { role: 'coach', action: 'dance', connectionId: 'c' },
    });
    assert.equal(bad.status, 400);
    const role = await server.api('POST', `/_test/rooms/${roomId}/presence`, {
      json: { role: 'judge', action: 'connect', connectionId: 'c' },
    });
    assert.equal(role.status, 409);
    assert.equal(role.json.error.code, 'unknown_role');
    const unknownConn = await server.api('POST', `/_test/rooms/${roomId}/presence`, {
      json: { role: 'coach', action: 'disconnect', connectionId: 'never' },
    });
    assert.equal(unknownConn.status, 409);
    await server.endRoom(roomId);
    const ended = await server.api('POST', `/_test/rooms/${roomId}/presence`, {
      json: { role: 'coach', action: 'connect', connectionId: 'late' },
    });
    assert.equal(ended.status, 409);
    assert.equal(ended.json.error.code, 'room_ended');
  });
});

describe('raw HTTP', () => {
  it('keeps a keep-alive connection usable across requests', T, async () => {
    const res = await httpRequest({ port: server.port, path: '/health', headers: { Connection: 'keep-alive' } });
    assert.equal(res.status, 200);
    expectValid('GET', '/health', 200, res.json);
  });
});
