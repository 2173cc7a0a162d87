// What a main app needs besides the spec's routes (issue 18): listing rooms, removing and readmitting a
// participant, embedding the room page, and WebSockets counted by the connection caps.
import assert from 'node:assert/strict';
import http from 'node:http';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { freePort, HOST, openWebSocket, ROOMSD_BIN, sleep, startRoomsd, withTimeout } from './helpers/roomsd.mjs';

const T = { timeout: 60000 };
let server;

before(async () => {
  server = await startRoomsd();
});

after(async () => {
  await server?.close();
});

const signalPath = (r, role) => `/signal/${r.roomId}?token=${encodeURIComponent(r.body.participants[role].token)}`;

describe('GET /api/rooms', () => {
  it('pages newest first, filters by status and refuses what it does not understand', T, async () => {
    const own = new Set();
    for (let i = 0; i < 5; i++) own.add((await server.createRoom()).roomId);
    const [endedId] = [...own];
    await server.endRoom(endedId);

    const seen = [];
    let cursor = null;
    for (let page = 0; page < 20; page++) {
      const res = await server.api('GET', `/api/rooms?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(res.status, 200, res.text);
      assert.ok(res.json.rooms.length <= 2);
      seen.push(...res.json.rooms);
      cursor = res.json.nextCursor;
      if (!cursor) break;
    }
    const ids = seen.map((r) => r.roomId);
    assert.equal(new Set(ids).size, ids.length, 'no room is listed twice');
    for (const id of own) assert.ok(ids.includes(id), `${id} is listed`);
    const created = seen.map((r) => Date.parse(r.createdAt));
    assert.deepEqual(created, [...created].sort((a, b) => b - a), 'newest first');
    const ended = seen.find((r) => r.roomId === endedId);
    assert.equal(ended.status, 'ended');
    assert.ok(ended.endedAt);
    assert.equal(ended.participants, 0);

    const onlyEnded = await server.api('GET', '/api/rooms?status=ended&limit=200');
    assert.ok(onlyEnded.json.rooms.every((r) => r.status === 'ended'));
    assert.ok(onlyEnded.json.rooms.some((r) => r.roomId === endedId));
    const waiting = await server.api('GET', '/api/rooms?status=waiting,active&limit=200');
    assert.ok(waiting.json.rooms.every((r) => r.status !== 'ended'));
    assert.equal(waiting.json.rooms.filter((r) => own.has(r.roomId)).length, 4);

    for (const [q, code] of [['status=open', 'invalid_query'], ['limit=0', 'invalid_query'], ['limit=201', 'invalid_query'],
      ['limit=ten', 'invalid_query'], ['page=2', 'invalid_query'], ['cursor=x', 'invalid_cursor'], ['cursor=12.bad%20id', 'invalid_cursor']]) {
      const res = await server.api('GET', `/api/rooms?${q}`);
      assert.equal(res.status, 400, `${q}: ${res.text}`);
      assert.equal(res.json.error.code, code, q);
    }
    assert.equal((await server.api('GET', '/api/rooms', { noAuth: true })).status, 401);
  });
});

describe('removing a participant', () => {
  it('closes the seat with 4012 and the reason, keeps it out across a restart until readmitted', T, async () => {
    const s = await startRoomsd();
    try {
      const r = await s.createRoom();
      const events = await s.events(r.roomId);
      const client = await openWebSocket(s.port, signalPath(r, 'client'));
      await client.waitForType('welcome');
      const coach = await openWebSocket(s.port, signalPath(r, 'coach'));
      await coach.waitForType('welcome');

      const res = await s.api('POST', `/api/rooms/${r.roomId}/participants/client/remove`, { json: { reason: 'Please rebook with your coach' } });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json, {
        roomId: r.roomId, role: 'client', participantId: r.body.participants.client.id, removed: true, wasConnected: true,
        allowRejoin: false, reason: 'Please rebook with your coach',
      });
      const removed = await client.waitFor((fs) => fs.some((f) => f.type === 'removed'), 5000, 'the removed frame');
      assert.deepEqual(removed.find((f) => f.type === 'removed').data, { reason: 'Please rebook with your coach', allowRejoin: false });
      assert.equal((await client.waitForClose()).code, 4012);
      // The other side sees the client leave.
      const left = await coach.waitFor((fs) => fs.some((f) => f.type === 'participant-left'), 5000, 'participant-left');
      assert.equal(left.find((f) => f.type === 'participant-left').data.reason, 'removed');
      const evs = await events.waitFor((fs) => fs.some((f) => f.type === 'participant-removed'), 5000, 'participant-removed');
      const leftEvent = evs.find((f) => f.type === 'participant-left');
      assert.equal(leftEvent.data.reason, 'removed');
      assert.equal(evs.find((f) => f.type === 'participant-removed').data.participantType, 'client');

      let status = await s.status(r.roomId);
      assert.equal(status.participants.client.connected, false);
      assert.equal(status.participants.client.removed.reason, 'Please rebook with your coach');
      assert.equal(status.participants.coach.removed, null);

      // A blocked seat is refused, even after a restart.
      await s.restart();
      const again = await openWebSocket(s.port, signalPath(r, 'client'));
      const refused = await again.waitFor((fs) => fs.some((f) => f.type === 'removed'), 5000, 'the removed frame');
      assert.equal(refused.find((f) => f.type === 'removed').data.reason, 'Please rebook with your coach');
      assert.equal((await again.waitForClose()).code, 4012);

      const readmit = await s.api('POST', `/api/rooms/${r.roomId}/participants/client/readmit`);
      assert.equal(readmit.status, 200, readmit.text);
      assert.deepEqual(readmit.json, { roomId: r.roomId, role: 'client', participantId: r.body.participants.client.id, removed: false });
      status = await s.status(r.roomId);
      assert.equal(status.participants.client.removed, null);
      const back = await openWebSocket(s.port, signalPath(r, 'client'));
      await back.waitForType('welcome');
      await back.close();
      await events.close();
      await coach.close();
    } finally {
      await s.close();
    }
  });

  it('with allowRejoin only ends the stay; bad requests are refused', T, async () => {
    const r = await server.createRoom();
    const client = await openWebSocket(server.port, signalPath(r, 'client'));
    await client.waitForType('welcome');
    const res = await server.api('POST', `/api/rooms/${r.roomId}/participants/client/remove`, { json: { allowRejoin: true } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.allowRejoin, true);
    const frames = await client.waitFor((fs) => fs.some((f) => f.type === 'removed'), 5000, 'the removed frame');
    assert.deepEqual(frames.find((f) => f.type === 'removed').data, { reason: '', allowRejoin: true });
    assert.equal((await client.waitForClose()).code, 4012);
    const back = await openWebSocket(server.port, signalPath(r, 'client'));
    await back.waitForType('welcome');
    await back.close();

    const base = `/api/rooms/${r.roomId}/participants`;
    for (const [p, json, status, code] of [
      [`${base}/aiOrb/remove`, {}, 400, 'invalid_role'],
      [`${base}/guest/remove`, {}, 400, 'invalid_role'],
      [`${base}/client/remove`, { reason: 'x'.repeat(201) }, 400, 'invalid_field'],
      [`${base}/client/remove`, { reason: 'line\nbreak' }, 400, 'invalid_field'],
      [`${base}/client/remove`, { reason: 7 }, 400, 'invalid_field'],
      [`${base}/client/remove`, { allowRejoin: 'yes' }, 400, 'invalid_field'],
      [`${base}/client/remove`, { ban: true }, 400, 'unknown_field'],
      [`${base}/client/readmit`, { reason: 'x' }, 400, 'unknown_field'],
      ['/api/rooms/no-such-room/participants/client/remove', {}, 404, 'room_not_found'],
    ]) {
      const res2 = await server.api('POST', p, { json });
      assert.equal(res2.status, status, `${p} ${JSON.stringify(json)}: ${res2.text}`);
      assert.equal(res2.json.error.code, code, p);
    }
    // 200 characters (not bytes) is the limit.
    assert.equal((await server.api('POST', `${base}/client/remove`, { json: { reason: 'é'.repeat(200), allowRejoin: true } })).status, 200);
    await server.endRoom(r.roomId);
    const ended = await server.api('POST', `${base}/client/remove`, { json: {} });
    assert.equal(ended.status, 409);
    assert.equal(ended.json.error.code, 'room_ended');
  });
});

describe('embedding the room page', () => {
  const page = (s) => new Promise((resolve, reject) => {
    http.get({ host: HOST, port: s.port, path: '/room/any-room' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.headers));
    }).on('error', reject);
  });

  it('is refused by default and allowed to the origins ROOMS_FRAME_ANCESTORS names', T, async () => {
    const closed = await page(server);
    assert.equal(closed['content-security-policy'], "frame-ancestors 'none'");
    assert.equal(closed['x-frame-options'], 'DENY');

    const open = await startRoomsd({ env: { ROOMS_FRAME_ANCESTORS: 'https://app.example.com, http://127.0.0.1:8123 https://*.coach.example' } });
    try {
      const headers = await page(open);
      assert.equal(headers['content-security-policy'],
        "frame-ancestors 'self' https://app.example.com http://127.0.0.1:8123 https://*.coach.example");
      assert.equal(headers['x-frame-options'], undefined);
    } finally {
      await open.close();
    }
  });

  it('refuses to start with something that is not an origin', T, async () => {
    for (const bad of ['https://app.example.com/path', "'unsafe-inline'", 'app.example.com', 'https://a.com;script-src *', 'http://[::1']) {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roomsd-fa-'));
      const proc = spawn(ROOMSD_BIN, ['--bind', HOST, '--port', String(await freePort()), '--data-dir', dataDir, '--dev'], {
        env: { ...process.env, ROOMS_FRAME_ANCESTORS: bad }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      proc.stdout.on('data', (c) => { output += c; });
      proc.stderr.on('data', (c) => { output += c; });
      try {
        const code = await withTimeout(new Promise((resolve) => proc.on('exit', (c) => resolve(c))), 10000, `roomsd with ${bad} to exit`);
        assert.notEqual(code, 0, bad);
        assert.match(output, /ROOMS_FRAME_ANCESTORS/, output);
      } finally {
        if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    }
  });
});

describe('WebSockets and the connection caps', () => {
  it('participant sockets count toward their address; the main app\'s events sockets do not', T, async () => {
    const s = await startRoomsd({ env: { ROOMS_MAX_CONNECTIONS_PER_ADDRESS: '4' } });
    const open = [];
    try {
      const rooms = [await s.createRoom(), await s.createRoom()];
      // Six events sockets from one address, over its cap of four: the main app following six rooms.
      for (let i = 0; i < 6; i++) open.push(await s.events(rooms[i % 2].roomId));
      // Four participant sockets from 127.0.0.3 fill its cap...
      for (const r of rooms) {
        for (const role of ['coach', 'client']) {
          const ws = await openWebSocket(s.port, signalPath(r, role), { localAddress: '127.0.0.3' });
          await ws.waitForType('welcome');
          open.push(ws);
        }
      }
      // ...so a fifth connection from it is refused, while the main app's address is still served.
      await assert.rejects(openWebSocket(s.port, signalPath(rooms[0], 'coach'), { localAddress: '127.0.0.3', timeoutMs: 2000 }));
      assert.equal((await s.api('GET', `/api/rooms/${rooms[0].roomId}/status`)).status, 200);
      for (const ws of open) assert.equal(ws.closed, null, 'every socket is still open');
      await open.pop().close();
      await sleep(200);
      const again = await openWebSocket(s.port, signalPath(rooms[1], 'client'), { localAddress: '127.0.0.3' });
      await again.waitForType('welcome');
      open.push(again);
    } finally {
      for (const ws of open) await ws.close();
      await s.close();
    }
  });
});
