// kill -9 in the middle of a burst: every acknowledged change survives, open presence is closed on recovery.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { expectSchema } from './helpers/openapi.mjs';
import { buildCreateBody, startRoomsd } from './helpers/roomsd.mjs';

const T = { timeout: 60000 };
let server;

before(async () => {
  server = await startRoomsd();
});

after(async () => {
  await server?.close();
});

describe('crash recovery', () => {
  it('keeps every acknowledged create and end across kill -9 during a burst', T, async () => {
    // Rooms to end during the burst.
    const existing = [];
    for (let i = 0; i < 60; i++) existing.push(await server.createRoom());

    const ops = [];
    for (let i = 0; i < 200; i++) {
      if (i % 4 === 3 && existing.length) {
        const r = existing.shift();
        const reason = ['session_completed', 'cancelled', 'timeout', 'error'][i % 4];
        ops.push({ kind: 'end', roomId: r.roomId, reason });
      } else {
        ops.push({ kind: 'create', body: buildCreateBody(server.jwtSecret) });
      }
    }

    const KILL_AFTER = 60; // acknowledgements before the kill, with many requests still in flight
    const CONCURRENCY = 24;
    let acked = 0;
    let killed = null;
    const results = new Array(ops.length);
    let next = 0;
    const worker = async () => {
      while (next < ops.length) {
        const i = next++;
        const op = ops[i];
        try {
          const res = op.kind === 'create'
            ? await server.api('POST', '/api/rooms/create', { json: op.body, timeoutMs: 5000 })
            : await server.api('POST', `/api/rooms/${op.roomId}/end`, {
              json: { reason: op.reason, requestedBy: 'system' }, timeoutMs: 5000,
            });
          results[i] = { status: res.status, json: res.json };
          if (res.status >= 200 && res.status < 300) {
            acked += 1;
            if (acked === KILL_AFTER && !killed) killed = server.kill9();
          }
        } catch (e) {
          results[i] = { error: e.message };
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    if (!killed) killed = server.kill9();
    const exit = await killed;
    assert.equal(exit.signal, 'SIGKILL', 'roomsd was killed, not finished');

    const ackedOps = ops.map((op, i) => ({ op, r: results[i] })).filter(({ r }) => r && r.status >= 200 && r.status < 300);
    const failedOps = ops.map((op, i) => ({ op, r: results[i] })).filter(({ r }) => !r || r.error);
    assert.ok(ackedOps.length >= KILL_AFTER, `acknowledged ${ackedOps.length}`);
    assert.ok(failedOps.length > 0, 'the kill hit requests in flight (otherwise the test proves little)');
    for (const { r } of ackedOps) assert.ok(r.status === 200 || r.status === 201, JSON.stringify(r));

    await server.start();

    for (const { op, r } of ackedOps) {
      if (op.kind === 'create') {
        const s = await server.api('GET', `/api/rooms/${op.body.roomId}/status`);
        assert.equal(s.status, 200, `acknowledged create of ${op.body.roomId} lost: ${s.text}`);
        assert.equal(s.json.sessionId, op.body.sessionId);
        assert.equal(s.json.status, 'waiting');
      } else {
        const s = await server.api('GET', `/api/rooms/${op.roomId}/status`);
        assert.equal(s.status, 200);
        assert.equal(s.json.status, 'ended', `acknowledged end of ${op.roomId} lost`);
        assert.equal(s.json.endReason, op.reason);
        assert.equal(s.json.endedAt, r.json.endedAt);
      }
    }
    // Every create, acknowledged or not, can be retried with the same body: 201 if it was lost, 200 if it
    // made it; never a conflict or an error.
    for (const op of ops.filter((o) => o.kind === 'create')) {
      const res = await server.api('POST', '/api/rooms/create', { json: op.body });
      assert.ok(res.status === 200 || res.status === 201, `retry of ${op.body.roomId}: ${res.status} ${res.text}`);
    }
    // An end retried after the crash reports the first end if it happened, or ends the room now.
    for (const op of ops.filter((o) => o.kind === 'end')) {
      const res = await server.api('POST', `/api/rooms/${op.roomId}/end`, { json: { reason: op.reason, requestedBy: 'system' } });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.reason, op.reason);
    }
    const bulk = await server.api('POST', '/api/rooms/bulk-status', {
      json: { roomIds: ackedOps.slice(0, 100).map(({ op }) => op.body?.roomId ?? op.roomId) },
    });
    assert.equal(bulk.status, 200);
    for (const v of Object.values(bulk.json.rooms)) assert.notEqual(v.status, 'not_found');
  });

  it('closes presence that was open at the kill and replays participant-left with reason server_restart', T, async () => {
    if (!server.running) await server.start();
    const { roomId, body } = await server.createRoom();
    await server.presence(roomId, 'coach', 'connect', 'c1');
    await server.presence(roomId, 'aiOrb', 'connect', 'o1');
    const ended = await server.createRoom();
    await server.presence(ended.roomId, 'client', 'connect', 'k1');
    await server.endRoom(ended.roomId);
    const before = await server.status(roomId);
    assert.equal(before.participants.coach.connected, true);
    await new Promise((r) => setTimeout(r, 1200));

    await server.kill9();
    await server.start();

    const s = await server.status(roomId);
    assert.equal(s.status, 'active', 'the session itself survives');
    assert.equal(s.actualStartTime, before.actualStartTime);
    for (const seat of ['coach', 'aiOrb']) {
      const p = s.participants[seat];
      assert.equal(p.connected, false, `${seat} connected after restart`);
      assert.ok(p.leftAt, `${seat}.leftAt is set`);
      assert.ok(Date.parse(p.leftAt) >= Date.parse(p.joinedAt));
      assert.ok(Date.parse(p.leftAt) <= Date.now());
    }
    assert.equal(s.participants.coach.joinedAt, before.participants.coach.joinedAt);
    assert.equal(s.participants.client.joinedAt, null);

    const ws = await server.events(roomId, { since: 0 });
    try {
      await ws.waitFor((fs) => fs.filter((f) => f.type === 'participant-left').length >= 2, 5000, 'two participant-left');
      const frames = ws.clean();
      for (const f of frames) expectSchema('EventFrame', f);
      assert.deepEqual(frames.map((f) => f.type),
        ['room-started', 'participant-joined', 'participant-joined', 'participant-left', 'participant-left']);
      const left = frames.filter((f) => f.type === 'participant-left');
      assert.deepEqual(left.map((f) => f.data.participantType).sort(), ['aiOrb', 'coach']);
      for (const f of left) {
        assert.equal(f.data.reason, 'server_restart');
        assert.equal(f.data.roomId, roomId);
        assert.ok(Number.isInteger(f.data.duration) && f.data.duration >= 0);
        const seat = s.participants[f.data.participantType];
        assert.equal(f.data.timestamp, seat.leftAt, 'the event and the status agree on leftAt');
      }
      assert.equal(left.find((f) => f.data.participantType === 'coach').data.participantId, body.participants.coach.id);
    } finally {
      await ws.close();
    }
    // The ended room has no server_restart event (nothing was open).
    const ws2 = await server.events(ended.roomId, { since: 0 });
    try {
      await ws2.waitForType('room-ended');
      assert.ok(!ws2.frames.some((f) => f.data.reason === 'server_restart'));
    } finally {
      await ws2.close();
    }
    // The seat can join again after the restart.
    const live = await server.events(roomId);
    await server.presence(roomId, 'coach', 'connect', 'c2');
    await live.waitForType('participant-joined');
    await live.close();
    assert.equal((await server.status(roomId)).participants.coach.connected, true);
  });
});
