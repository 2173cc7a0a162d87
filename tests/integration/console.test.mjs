// The demo console's server side (docs/api.md "Demo console"): GET /, /console/bootstrap and
// POST /api/console/rooms exist only while the console is on (development mode by default, or
// ROOMS_CONSOLE=true), the dev key is handed out only in development mode, and the room page may be framed
// by its own origin only while the console is on.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startRoomsd } from './helpers/roomsd.mjs';

const T = { timeout: 30000 };
const servers = {};

before(async () => {
  servers.off = await startRoomsd();
  servers.prod = await startRoomsd({ env: { ROOMS_CONSOLE: 'true' } });
  servers.dev = await startRoomsd({ args: ['--dev'] });
  servers.devOff = await startRoomsd({ args: ['--dev', '--console', 'false'] });
});

after(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
});

describe('demo console routes', () => {
  it('are 404 while the console is off (production default, or --console false)', T, async () => {
    for (const s of [servers.off, servers.devOff]) {
      assert.equal((await s.api('GET', '/', { noAuth: true })).status, 404);
      assert.equal((await s.api('GET', '/console/bootstrap', { noAuth: true })).status, 404);
      const create = await s.api('POST', '/api/console/rooms', { json: {} });
      assert.equal(create.status, 404);
      assert.equal(create.json.error.code, 'not_found');
      const page = await s.api('GET', '/room/00000000-0000-4000-8000-000000000000', { noAuth: true });
      assert.equal(page.headers['x-frame-options'], 'DENY');
    }
  });

  it('serve the page; the dev key only in development mode, never in production', T, async () => {
    for (const s of [servers.prod, servers.dev]) {
      const page = await s.api('GET', '/', { noAuth: true });
      assert.equal(page.status, 200);
      assert.match(page.headers['content-type'], /^text\/html/);
      assert.match(page.text, /\/web\/console\/console\.js/);
      const js = await s.api('GET', '/web/console/console.js', { noAuth: true, validate: false }); // */* in openapi
      assert.equal(js.status, 200);
      const room = await s.api('GET', '/room/00000000-0000-4000-8000-000000000000', { noAuth: true });
      assert.equal(room.headers['x-frame-options'], 'SAMEORIGIN');
    }
    const prod = await servers.prod.api('GET', '/console/bootstrap', { noAuth: true });
    assert.deepEqual(prod.json, { console: true, mode: 'production' });
    const dev = await servers.dev.api('GET', '/console/bootstrap', { noAuth: true });
    assert.deepEqual(dev.json, { console: true, mode: 'development', apiKey: servers.dev.apiKey });
  });

  it('POST /api/console/rooms needs the key, validates, mints tokens and creates the room', T, async () => {
    const s = servers.prod;
    assert.equal((await s.api('POST', '/api/console/rooms', { json: {}, noAuth: true })).status, 401);
    const bad = await s.api('POST', '/api/console/rooms', { json: { aiOrb: { enabled: true, personality: 'grumpy' } } });
    assert.equal(bad.status, 400);
    assert.equal((await s.api('POST', '/api/console/rooms', { json: { extra: 1 } })).json.error.code, 'unknown_field');
    assert.equal((await s.api('POST', '/api/console/rooms', { json: { maxDuration: 10 } })).status, 400);
    const res = await s.api('POST', '/api/console/rooms', {
      json: { aiOrb: { enabled: true, personality: 'direct' }, maxDuration: 1800, coachName: 'Ana', clientName: 'Bo' },
    });
    assert.equal(res.status, 201, res.text);
    const { roomId, connectionUrls } = res.json;
    const status = await s.status(roomId);
    assert.equal(status.participants.coach.id, 'demo-coach');
    assert.equal(status.participants.aiOrb.enabled, true);
    const cfg = await s.api('PATCH', `/api/rooms/${roomId}/config`, { json: { maxDuration: 1800 } });
    assert.equal(cfg.json.config.aiOrb.personality, 'direct');
    const token = new URL(connectionUrls.client).searchParams.get('token');
    const join = await s.api('POST', `/room/${roomId}/join?token=${token}`, { noAuth: true });
    assert.equal(join.status, 200);
    assert.equal(join.json.participant.name, 'Bo');
    assert.equal(join.json.participant.role, 'client');
    // An empty body is the defaults: no orb.
    const plain = await s.api('POST', '/api/console/rooms', { body: '' });
    assert.equal(plain.status, 201, plain.text);
    assert.equal((await s.status(plain.json.roomId)).participants.aiOrb.enabled, false);
  });
});
