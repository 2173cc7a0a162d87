// Authentication, input validation, body limits, rate limits, CORS and secrets in logs.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { expectValid } from './helpers/openapi.mjs';
import {
  buildCreateBody,
  httpRequest,
  mintParticipantToken,
  openWebSocket,
  sleep,
  startRoomsd,
} from './helpers/roomsd.mjs';

const T = { timeout: 30000 };
let server;
let room; // a room every "still answers" check reads

before(async () => {
  server = await startRoomsd();
  room = await server.createRoom();
});

after(async () => {
  await server?.close();
});

async function stillServes(s = server, r = room) {
  const res = await s.api('GET', `/api/rooms/${r.roomId}/status`);
  assert.equal(res.status, 200, `roomsd stopped answering correctly: ${res.status} ${res.text}\n${s.tail(10)}`);
  assert.equal(res.json.roomId, r.roomId);
}

function apiRoutes(roomId) {
  return [
    ['POST', '/api/rooms/create', buildCreateBody(server.jwtSecret)],
    ['POST', '/api/rooms/bulk-status', { roomIds: [roomId] }],
    ['GET', `/api/rooms/${roomId}/status`],
    ['GET', `/api/rooms/${roomId}/summary`],
    ['POST', `/api/rooms/${roomId}/end`, { reason: 'cancelled', requestedBy: 'system' }],
    ['PATCH', `/api/rooms/${roomId}/config`, { features: { recording: true } }],
    ['GET', `/api/rooms/${roomId}/transcription`],
    ['POST', `/api/rooms/${roomId}/pre-warm`],
    ['GET', `/api/rooms/${roomId}/analytics`],
    ['POST', '/api/webhooks', { url: 'http://127.0.0.1:9/x', events: ['room-ended'] }],
    ['GET', '/api/webhooks'],
    ['DELETE', '/api/webhooks/whk_nope'],
    ['GET', '/api/webhooks/whk_nope/deliveries'],
    ['GET', '/metrics'],
    ['POST', `/_test/rooms/${roomId}/presence`, { role: 'coach', action: 'connect', connectionId: 'x' }],
  ];
}

describe('API keys', () => {
  it('every /api route, /metrics and the test hook answer 401 without a key or with a wrong one', T, async () => {
    const wrongKey = `wrong-${crypto.randomBytes(8).toString('hex')}`;
    for (const [method, p, json] of apiRoutes(room.roomId)) {
      const none = await server.api(method, p, { json, noAuth: true });
      assert.equal(none.status, 401, `${method} ${p} without a key: ${none.status}`);
      assert.equal(none.json.error.code, 'unauthorized');
      assert.match(none.headers['www-authenticate'], /^Bearer/);
      const wrong = await server.api(method, p, { json, key: wrongKey });
      assert.equal(wrong.status, 401, `${method} ${p} with a wrong key: ${wrong.status}`);
      assert.equal(wrong.json.error.code, 'invalid_api_key');
      assert.ok(!wrong.text.includes(wrongKey), 'the answer does not echo the key');
      const basic = await server.api(method, p, {
        json, headers: { Authorization: `Basic ${Buffer.from(`x:${server.apiKey}`).toString('base64')}` },
      });
      assert.equal(basic.status, 401, `${method} ${p} with Basic auth`);
    }
    // Nothing was changed by the refused requests.
    const s = await server.status(room.roomId);
    assert.equal(s.status, 'waiting');
    assert.equal(s.participants.coach.connected, false);
    await stillServes();
  });

  it('accepts both rotated keys, on /api and on /events', T, async () => {
    assert.equal(server.keys.length, 2);
    for (const key of server.keys) {
      const res = await server.api('GET', `/api/rooms/${room.roomId}/status`, { key });
      assert.equal(res.status, 200, res.text);
      const ws = await server.events(room.roomId, { key });
      await ws.close();
    }
    // A prefix or a concatenation of the keys is not a key.
    for (const key of [server.keys[0].slice(0, -1), server.keys.join(','), `${server.keys[0]}x`, server.keys[1].toUpperCase()]) {
      const res = await server.api('GET', `/api/rooms/${room.roomId}/status`, { key });
      assert.equal(res.status, 401, JSON.stringify(key));
    }
  });

  it('takes the key in ?token= only on /events, never on /api routes (keys stay out of URLs)', T, async () => {
    const res = await server.api('GET', `/api/rooms/${room.roomId}/status?token=${encodeURIComponent(server.apiKey)}`,
      { noAuth: true });
    assert.equal(res.status, 401, res.text);
    assert.equal(res.json.error.code, 'unauthorized');
    await stillServes();
  });

  it('refuses the events WebSocket without a valid key (401)', T, async () => {
    const refusal = async (query, headers) => {
      const err = await openWebSocket(server.port, `/events/${room.roomId}${query}`, { headers }).then(
        async (s) => {
          await s.close();
          assert.fail(`accepted ${query}`);
        },
        (e) => e,
      );
      assert.equal(err.status, 401, `${query}: ${err.message}`);
      expectValid('GET', '/events/{roomId}', 401, err.json);
      assert.ok(err.headers['x-request-id'], 'a refused upgrade carries X-Request-Id');
      return err;
    };
    await refusal('');
    await refusal('?token=');
    await refusal(`?token=${encodeURIComponent(`${server.apiKey}x`)}`);
    await refusal('?since=0');
    // The key in an Authorization header works as well as ?token=.
    const ws = await openWebSocket(server.port, `/events/${room.roomId}`, {
      headers: { Authorization: `Bearer ${server.keys[1]}` },
    });
    await ws.close();
    await stillServes();
  });
});

describe('API keys with URL-special characters', () => {
  it('accepts a base64 key (+ / =) in ?token= exactly as the spec client sends it (not URL-encoded)', T, async () => {
    const b64 = crypto.randomBytes(30).toString('base64'); // what `openssl rand -base64 30` gives
    const key = `${b64.slice(0, 10)}+/${b64.slice(10)}=`;
    const s = await startRoomsd({ keys: [key, 'second-key-plain'] });
    try {
      const r = await s.createRoom();
      assert.equal((await s.api('GET', `/api/rooms/${r.roomId}/status`)).status, 200, 'the key works as a Bearer token');
      // RoomService.subscribeToRoomEvents: `${baseUrl}/events/${roomId}?token=${this.apiKey}`, unencoded.
      const raw = await openWebSocket(s.port, `/events/${r.roomId}?token=${key}`).then(
        async (ws) => { await ws.close(); return 'open'; },
        (e) => `refused with ${e.status}: ${e.text}`,
      );
      const encoded = await openWebSocket(s.port, `/events/${r.roomId}?token=${encodeURIComponent(key)}`).then(
        async (ws) => { await ws.close(); return 'open'; },
        (e) => `refused with ${e.status}: ${e.text}`,
      );
      assert.equal(encoded, 'open', 'the percent-encoded key');
      assert.equal(raw, 'open', `the key as the spec client sends it (a '+' must not become a space)`);
    } finally {
      await s.close();
    }
  });
});

describe('input validation (400 with a clear message)', () => {
  const create = (body, headers) => server.api('POST', '/api/rooms/create', { body, headers: { 'Content-Type': 'application/json', ...headers } });

  it('malformed JSON, a non-object body and an empty body', T, async () => {
    const cases = [
      ['{"roomId": ', 'invalid_json', /not valid JSON/],
      ['{"roomId": "a",}', 'invalid_json', /not valid JSON/],
      ["{'roomId': 'a'}", 'invalid_json', /not valid JSON/],
      ['[1,2,3]', 'invalid_body', /JSON object/],
      ['"text"', 'invalid_body', /JSON object/],
      ['', 'invalid_body', /required/],
      ['   ', 'invalid_body', /required/],
      [`${'['.repeat(100)}${']'.repeat(100)}`, 'invalid_json', /deeper than 32/],
    ];
    for (const [body, code, re] of cases) {
      const res = await create(body);
      assert.equal(res.status, 400, `${JSON.stringify(body)} -> ${res.status} ${res.text}`);
      assert.equal(res.json.error.code, code, body);
      assert.match(res.json.error.message, re);
      await stillServes();
    }
  });

  it('wrong types, missing fields, unknown fields, non-UUID ids', T, async () => {
    const mk = (mutate) => {
      const b = buildCreateBody(server.jwtSecret);
      mutate(b);
      return b;
    };
    const cases = [
      [mk((b) => { b.roomId = 12345; }), 'invalid_field', /roomId must be a string/],
      [mk((b) => { b.roomId = 'room-1'; }), 'invalid_field', /roomId must be a UUID/],
      [mk((b) => { b.sessionId = 'not-a-uuid'; }), 'invalid_field', /sessionId must be a UUID/],
      [mk((b) => { delete b.sessionId; }), 'missing_field', /sessionId is required/],
      [mk((b) => { delete b.roomId; }), 'missing_field', /roomId is required/],
      [mk((b) => { delete b.participants.coach; }), 'missing_field', /participants\.coach is required/],
      [mk((b) => { delete b.participants.client.token; }), 'missing_field', /participants\.client\.token is required/],
      [mk((b) => { delete b.config; }), 'missing_field', /config is required/],
      [mk((b) => { delete b.config.scheduledStartTime; }), 'missing_field', /config\.scheduledStartTime is required/],
      [mk((b) => { b.participants = []; }), 'invalid_field', /participants must be an object/],
      [mk((b) => { b.config.maxDuration = '3600'; }), 'invalid_field', /config\.maxDuration/],
      [mk((b) => { b.config.maxDuration = 30; }), 'invalid_field', /config\.maxDuration/],
      [mk((b) => { b.config.maxDuration = 90000; }), 'invalid_field', /config\.maxDuration/],
      [mk((b) => { b.config.maxDuration = 3600.5; }), 'invalid_field', /config\.maxDuration/],
      [mk((b) => { b.config.scheduledStartTime = '30/06/2025 15:00'; }), 'invalid_field', /config\.scheduledStartTime/],
      [mk((b) => { b.config.scheduledStartTime = '2025-06-30T15:00:00'; }), 'invalid_field', /config\.scheduledStartTime/],
      [mk((b) => { b.config.features.recording = 'no'; }), 'invalid_field', /config\.features\.recording must be a boolean/],
      [mk((b) => { b.participants.aiOrb.personality = 'grumpy'; }), 'invalid_field', /participants\.aiOrb\.personality/],
      [mk((b) => { b.participants.aiOrb.enabled = 'yes'; }), 'invalid_field', /participants\.aiOrb\.enabled/],
      [mk((b) => { b.extra = true; }), 'unknown_field', /extra is not a known field/],
      [mk((b) => { b.config.colour = 'red'; }), 'unknown_field', /config\.colour/],
      [mk((b) => { b.participants.coach.email = 'a@b.c'; }), 'unknown_field', /participants\.coach\.email/],
      [mk((b) => { b.participants.coach.id = 'has space'; }), 'invalid_field', /participants\.coach\.id/],
      [mk((b) => { b.participants.client.id = b.participants.coach.id; }), 'invalid_participant_token', /./],
    ];
    for (const [body, code, re] of cases) {
      const res = await create(JSON.stringify(body));
      assert.equal(res.status, 400, `${re} -> ${res.status} ${res.text}`);
      assert.equal(res.json.error.code, code, `${re}: ${res.text}`);
      assert.match(res.json.error.message, re);
      assert.equal((await server.api('GET', `/api/rooms/${body.roomId}/status`)).status === 200 && typeof body.roomId === 'string',
        false, `a refused create must not create ${body.roomId}`);
    }
    await stillServes();
  });

  it('participant tokens that do not fit the room', T, async () => {
    const roomId = crypto.randomUUID();
    const sessionId = crypto.randomUUID();
    const coachId = 'coach-a';
    const claims = { userId: coachId, roomId, sessionId, role: 'coach', name: 'A' };
    const cases = [
      [mintParticipantToken('wrong-secret', claims), /coach\.token/],
      [mintParticipantToken(server.jwtSecret, { ...claims, role: 'client' }), /role/],
      [mintParticipantToken(server.jwtSecret, { ...claims, userId: 'someone-else' }), /userId/],
      [mintParticipantToken(server.jwtSecret, { ...claims, roomId: crypto.randomUUID() }), /coach\.token/],
      [mintParticipantToken(server.jwtSecret, { ...claims, sessionId: crypto.randomUUID() }), /sessionId/],
      ['garbage', /coach\.token/],
    ];
    for (const [coachToken, re] of cases) {
      const body = buildCreateBody(server.jwtSecret, { roomId, sessionId, coachId, coachToken });
      const res = await server.api('POST', '/api/rooms/create', { json: body });
      assert.equal(res.status, 400, `${re}: ${res.text}`);
      assert.equal(res.json.error.code, 'invalid_participant_token');
      assert.match(res.json.error.message, re);
    }
    // An expired token is fine at creation (rooms are created ahead of time).
    const expired = mintParticipantToken(server.jwtSecret, { ...claims, exp: Math.floor(Date.now() / 1000) - 60 });
    const ok = await server.api('POST', '/api/rooms/create', {
      json: buildCreateBody(server.jwtSecret, { roomId, sessionId, coachId, coachToken: expired }),
    });
    assert.equal(ok.status, 201, ok.text);
    await stillServes();
  });

  it('a body that is not JSON (415) and non-UUID room ids in paths', T, async () => {
    const res = await server.api('POST', '/api/rooms/create', {
      body: JSON.stringify(buildCreateBody(server.jwtSecret)), headers: { 'Content-Type': 'text/plain' },
    });
    assert.equal(res.status, 415, res.text);
    assert.equal(res.json.error.code, 'unsupported_media_type');
    for (const p of ['/api/rooms/..%2F..%2Fetc/status', '/api/rooms/%00/status', `/api/rooms/${'a'.repeat(129)}/status`]) {
      const r = await server.api('GET', p);
      assert.equal(r.status, 400, `${p}: ${r.status} ${r.text}`);
      assert.equal(r.json.error.code, 'invalid_room_id');
    }
    const notUuid = await server.api('GET', '/api/rooms/room-1/status');
    assert.equal(notUuid.status, 404);
    await stillServes();
  });
});

describe('body and header limits', () => {
  it('refuses a body over 64 KiB with 413 and keeps serving', T, async () => {
    const body = buildCreateBody(server.jwtSecret);
    body.padding = 'x'.repeat(70 * 1024);
    const res = await server.api('POST', '/api/rooms/create', { json: body });
    assert.equal(res.status, 413, res.text);
    assert.equal(res.json.error.code, 'payload_too_large');
    assert.match(res.json.error.message, /65536/);
    await stillServes();
    // Just under the limit is read and judged on its content (unknown field), not its size.
    body.padding = 'x'.repeat(60 * 1024);
    const under = await server.api('POST', '/api/rooms/create', { json: body });
    assert.equal(under.status, 400, under.text);
    assert.equal(under.json.error.code, 'unknown_field');
    // A large body on another route, and chunked without a length.
    const big = await server.api('POST', '/api/rooms/bulk-status', {
      json: { roomIds: Array.from({ length: 3000 }, () => crypto.randomUUID()) },
    });
    assert.equal(big.status, 413, big.text);
    const chunked = await server.api('POST', '/api/rooms/bulk-status', {
      body: Buffer.from(JSON.stringify({ roomIds: Array.from({ length: 3000 }, () => crypto.randomUUID()) })),
      headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
    });
    assert.equal(chunked.status, 413, chunked.text);
    await stillServes();
  });

  it('refuses headers over 16 KiB with 431 and keeps serving', T, async () => {
    const res = await server.api('GET', `/api/rooms/${room.roomId}/status`, { headers: { 'X-Big': 'y'.repeat(20 * 1024) } });
    assert.equal(res.status, 431, res.text);
    await stillServes();
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After past the per-key limit; the other key and /health are unaffected', T, async () => {
    const limited = await startRoomsd({ rateLimits: { perKey: 5, perKeyBurst: 5 } });
    try {
      const r = await limited.createRoom(); // 1 token
      // Concurrently, so that a slow machine cannot refill the bucket between the requests.
      const answers = await Promise.all(Array.from({ length: 20 }, () => limited.api('GET', `/api/rooms/${r.roomId}/status`)));
      const statuses = answers.map((a) => a.status);
      const refused = answers.find((a) => a.status === 429);
      assert.ok(refused, `no 429 in ${statuses}`);
      assert.ok(statuses.filter((s) => s === 200).length >= 4, `the burst is allowed: ${statuses}`);
      assert.ok(statuses.every((s) => s === 200 || s === 429), `${statuses}`);
      assert.equal(refused.json.error.code, 'rate_limited');
      const retryAfter = Number(refused.headers['retry-after']);
      assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 5, `Retry-After ${refused.headers['retry-after']}`);
      // The second key has its own bucket.
      const other = await limited.api('GET', `/api/rooms/${r.roomId}/status`, { key: limited.keys[1] });
      assert.equal(other.status, 200, other.text);
      const health = await limited.api('GET', '/health', { noAuth: true });
      assert.equal(health.status, 200);
      // After Retry-After the first key works again.
      await sleep(retryAfter * 1000 + 100);
      await stillServes(limited, r);
      assert.ok(!limited.running || limited.proc.exitCode === null);
    } finally {
      await limited.close();
    }
  });

  it('answers 429 past the per-address limit, also for the events WebSocket, but never for /health', T, async () => {
    const limited = await startRoomsd({ rateLimits: { perIp: 1, perIpBurst: 5 } });
    try {
      const r = await limited.createRoom();
      const answers = await Promise.all(Array.from({ length: 20 }, () => limited.api('GET', `/api/rooms/${r.roomId}/status`)));
      const refused = answers.find((a) => a.status === 429);
      assert.ok(refused, `no 429 in ${answers.map((a) => a.status)}`);
      assert.match(refused.json.error.message, /address/);
      assert.ok(Number(refused.headers['retry-after']) >= 1);
      const ws = await limited.events(r.roomId).then(async (s) => { await s.close(); return null; }, (e) => e);
      assert.ok(ws, 'the WebSocket upgrade was accepted while rate limited');
      assert.equal(ws.status, 429);
      expectValid('GET', '/events/{roomId}', 429, ws.json);
      for (let i = 0; i < 10; i++) {
        assert.equal((await limited.api('GET', '/health', { noAuth: true })).status, 200);
      }
      await sleep(Number(refused.headers['retry-after']) * 1000 + 100);
      await stillServes(limited, r);
    } finally {
      await limited.close();
    }
  });
});

describe('CORS', () => {
  it('allows preflights and requests only from ROOMS_CORS_ORIGINS', T, async () => {
    const allowed = 'https://app.example.com';
    const cors = await startRoomsd({ env: { ROOMS_CORS_ORIGINS: `${allowed}, https://admin.example.com` } });
    try {
      const r = await cors.createRoom();
      const preflight = (origin) => httpRequest({
        port: cors.port,
        method: 'OPTIONS',
        path: '/api/rooms/create',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization,content-type',
        },
      });
      const ok = await preflight(allowed);
      assert.equal(ok.status, 204, ok.text);
      assert.equal(ok.headers['access-control-allow-origin'], allowed);
      assert.match(ok.headers['access-control-allow-methods'], /POST/);
      assert.match(ok.headers['access-control-allow-methods'], /PATCH/);
      assert.match(ok.headers['access-control-allow-headers'], /Authorization/i);
      assert.match(ok.headers['access-control-allow-headers'], /Content-Type/i);
      assert.match(ok.headers.vary ?? '', /Origin/);
      assert.equal(ok.text, '');
      const admin = await preflight('https://admin.example.com');
      assert.equal(admin.status, 204);
      assert.equal(admin.headers['access-control-allow-origin'], 'https://admin.example.com');

      const denied = await preflight('https://evil.example.com');
      assert.equal(denied.status, 403, denied.text);
      assert.equal(denied.json.error.code, 'cors_origin_denied');
      assert.equal(denied.headers['access-control-allow-origin'], undefined);

      const get = await cors.api('GET', `/api/rooms/${r.roomId}/status`, { headers: { Origin: allowed } });
      assert.equal(get.status, 200);
      assert.equal(get.headers['access-control-allow-origin'], allowed);
      assert.match(get.headers['access-control-expose-headers'], /X-Request-Id/);
      const evil = await cors.api('GET', `/api/rooms/${r.roomId}/status`, { headers: { Origin: 'https://evil.example.com' } });
      assert.equal(evil.headers['access-control-allow-origin'], undefined);
      // Errors carry the CORS headers too, so a browser can read them.
      const err = await cors.api('GET', `/api/rooms/${crypto.randomUUID()}/status`, { headers: { Origin: allowed } });
      assert.equal(err.status, 404);
      assert.equal(err.headers['access-control-allow-origin'], allowed);
      await stillServes(cors, r);
    } finally {
      await cors.close();
    }
  });

  it('allows any origin with ROOMS_CORS_ORIGINS=*', T, async () => {
    const any = await startRoomsd({ env: { ROOMS_CORS_ORIGINS: '*' } });
    try {
      const res = await httpRequest({
        port: any.port, method: 'OPTIONS', path: '/api/rooms/bulk-status',
        headers: { Origin: 'https://anything.example.org', 'Access-Control-Request-Method': 'POST' },
      });
      assert.equal(res.status, 204);
      assert.equal(res.headers['access-control-allow-origin'], 'https://anything.example.org');
      const none = await httpRequest({ port: any.port, method: 'OPTIONS', path: '/api/rooms/bulk-status' });
      assert.equal(none.status, 403, 'a preflight without Origin');
    } finally {
      await any.close();
    }
  });

  it('denies every preflight when no origin is configured', T, async () => {
    const res = await httpRequest({
      port: server.port, method: 'OPTIONS', path: '/api/rooms/create',
      headers: { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'POST' },
    });
    assert.equal(res.status, 403);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
    await stillServes();
  });
});

describe('secrets in logs', () => {
  it('never writes API keys, JWTs or secrets to the log, even at debug level', T, async () => {
    const webhookOwnSecret = `per-hook-${crypto.randomBytes(12).toString('hex')}`;
    const wrongKey = `wrong-key-${crypto.randomBytes(12).toString('hex')}`;
    const dbg = await startRoomsd({ logLevel: 'debug' });
    let log;
    const jwts = [];
    try {
      for (const key of dbg.keys) {
        const r = await dbg.createRoom();
        jwts.push(r.body.participants.coach.token, r.body.participants.client.token);
        await dbg.api('GET', `/api/rooms/${r.roomId}/status`, { key });
        await dbg.api('GET', `/api/rooms/${r.roomId}/status?token=${key}`, { noAuth: true });
        await dbg.api('POST', `/room/${r.roomId}/join?token=${r.body.participants.client.token}`, { noAuth: true });
        await dbg.api('POST', `/room/${r.roomId}/join`, { headers: { Authorization: `Bearer ${r.body.participants.coach.token}` } });
        const ws = await dbg.events(r.roomId, { key });
        await dbg.presence(r.roomId, 'coach', 'connect', 'c1');
        await ws.waitForType('participant-joined');
        await ws.close();
        await dbg.endRoom(r.roomId);
      }
      // Refused credentials, and bodies that carry secrets.
      await dbg.api('GET', '/api/webhooks', { key: wrongKey });
      await openWebSocket(dbg.port, `/events/${crypto.randomUUID()}?token=${wrongKey}`).catch(() => {});
      const forged = mintParticipantToken('forged-secret', { userId: 'u', roomId: crypto.randomUUID(), role: 'coach', name: 'n' });
      jwts.push(forged);
      await dbg.api('POST', `/room/${crypto.randomUUID()}/join`, { headers: { Authorization: `Bearer ${forged}` } });
      const badCreate = buildCreateBody(dbg.jwtSecret, { coachToken: forged });
      await dbg.api('POST', '/api/rooms/create', { json: badCreate });
      await dbg.api('POST', '/api/rooms/create', { body: `{"token": "${dbg.apiKey}", `, headers: { 'Content-Type': 'application/json' } });
      await dbg.api('POST', '/api/webhooks', { json: { url: 'http://127.0.0.1:9/hook', events: ['*'], secret: webhookOwnSecret } });
      await dbg.api('GET', '/metrics');
    } finally {
      await dbg.stop().catch(() => {});
      log = dbg.log;
      await dbg.close();
    }
    assert.match(log, /request/, 'debug logging is on (request lines)');
    assert.match(log, /key#0:[0-9a-f]{8}/, 'keys are named by their label');
    assert.match(log, /key#1:[0-9a-f]{8}/);
    assert.match(log, /room_created/);
    const secrets = {
      'API key 1': dbg.keys[0],
      'API key 2': dbg.keys[1],
      'wrong API key': wrongKey,
      JWT_SIGNING_SECRET: dbg.jwtSecret,
      ROOM_WEBHOOK_SECRET: dbg.webhookSecret,
      'per-webhook secret': webhookOwnSecret,
    };
    jwts.forEach((t, i) => {
      secrets[`JWT ${i}`] = t;
      secrets[`JWT ${i} signature`] = t.split('.')[2];
    });
    for (const [name, value] of Object.entries(secrets)) {
      assert.ok(!log.includes(value), `the log contains the ${name}`);
    }
  });
});
