// The client through outages of the real roomsd: retries across a restart, the circuit breaker's states,
// pending rooms while the service is down (also across a main-app restart, through the file store), and an
// event subscription that sees every event exactly once, in order, across restarts, a kill -9 and network
// drops.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { FilePendingStore, ServiceUnavailable } from '../src/index.js';
import { appointment, clientFor, collector, CuttableProxy, sleep, startRoomsd, waitUntil } from './helpers.mjs';

const T = { timeout: 90000 };
let server;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-client-test-'));

before(async () => {
  server = await startRoomsd();
});

after(async () => {
  await server?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

// Every event of the room as the service has it, from a fresh subscription replaying from 0.
async function allEvents(client, roomId, untilType = 'room-ended') {
  const sub = client.subscribeToRoomEvents(roomId, {}, { since: 0, stopOn: [untilType] });
  const c = collector(sub);
  await c.waitForType(untilType, 1, 45000);
  await sub.close();
  return c.frames.map((f) => [f.id, f.type]);
}

function assertExactlyOnceInOrder(handled, expected) {
  const ids = handled.map(([id]) => id);
  assert.equal(new Set(ids).size, ids.length, `no event twice: ${ids}`);
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i] > ids[i - 1], `in order: ${ids}`);
  assert.deepEqual(handled, expected);
}

describe('retries and the circuit breaker', () => {
  it('an idempotent call is retried across a restart of roomsd', T, async () => {
    const client = clientFor(server, { retry: { retries: 10, baseDelayMs: 100, maxDelayMs: 400 }, breaker: { failureThreshold: 50 } });
    try {
      const room = await client.createRoom(appointment());
      const retries = [];
      client.on('retry', (r) => retries.push(r));
      await server.stop();
      const status = client.getRoomStatus(room.roomId);
      const body = client.buildCreateRequest(appointment());
      const create = client.createRoom(null, { request: body });
      await sleep(600);
      await server.start();
      assert.equal((await status).roomId, room.roomId);
      const created = await create;
      assert.equal(created.roomId, body.roomId);
      assert.equal(created.pending, undefined);
      assert.ok(retries.length >= 2, `retried ${retries.length} times`);
      assert.ok(retries.every((r) => r.error instanceof ServiceUnavailable));
    } finally {
      await client.close();
    }
  });

  it('opens after repeated failures, fails fast, probes half-open and closes when the service is back', T, async () => {
    const client = clientFor(server, {
      retry: { retries: 0 }, breaker: { failureThreshold: 3, resetTimeoutMs: 800 }, probeIntervalMs: 0, // the half-open path alone
    });
    const changes = [];
    client.on('circuit-state', (c) => changes.push(`${c.from}->${c.to}`));
    try {
      const room = await client.createRoom(appointment());
      assert.equal(client.circuitState, 'closed');
      await server.stop();
      for (let i = 0; i < 3; i++) {
        await assert.rejects(client.getRoomStatus(room.roomId), (e) => e instanceof ServiceUnavailable && !e.circuitOpen);
      }
      assert.equal(client.circuitState, 'open');
      const t0 = Date.now();
      await assert.rejects(client.getRoomStatus(room.roomId), (e) => e instanceof ServiceUnavailable && e.circuitOpen);
      assert.ok(Date.now() - t0 < 100, 'an open circuit fails at once');
      assert.equal(client.breaker.snapshot().rejected, 1);
      // Half-open with the service still down: the probe fails and the circuit opens again.
      await waitUntil(() => client.circuitState === 'half-open', { timeoutMs: 3000, message: 'half-open' });
      await assert.rejects(client.getRoomStatus(room.roomId), (e) => e instanceof ServiceUnavailable && !e.circuitOpen);
      assert.equal(client.circuitState, 'open');
      await server.start();
      await waitUntil(() => client.circuitState === 'half-open', { timeoutMs: 3000, message: 'half-open again' });
      assert.equal((await client.getRoomStatus(room.roomId)).roomId, room.roomId);
      assert.equal(client.circuitState, 'closed');
      assert.deepEqual(changes, ['closed->open', 'open->half-open', 'half-open->open', 'open->half-open', 'half-open->closed']);
    } finally {
      await client.close();
    }
  });
});

describe('graceful degradation: scheduling while roomsd is down', () => {
  it('returns pending rooms, creates them when the service is back, also from a restarted client', T, async () => {
    const fileA = path.join(tmp, 'pending-a.json');
    const fileB = path.join(tmp, 'pending-b.json');
    const publicUrl = `http://localhost:${server.port}`;
    await server.stop();

    // Main app A schedules during the outage, then is restarted before the service is back.
    const appA = clientFor(server, { pendingStore: new FilePendingStore(fileA), publicUrl });
    const apptA = appointment();
    const pendingA = await appA.createRoom(apptA);
    assert.equal(pendingA.pending, true);
    assert.equal(pendingA.status, 'pending');
    assert.match(pendingA.connectionUrls.coach, new RegExp(`^${publicUrl}/room/${pendingA.roomId}\\?token=`));
    const onDisk = JSON.parse(fs.readFileSync(fileA, 'utf8'));
    assert.deepEqual(Object.keys(onDisk.rooms), [pendingA.roomId]);
    assert.equal((fs.statSync(fileA).mode & 0o777).toString(8), '600');
    await appA.close();

    // Main app B stays up through the outage.
    const appB = clientFor(server, { pendingStore: new FilePendingStore(fileB), publicUrl });
    const createdB = new Promise((resolve) => appB.once('pending-created', resolve));
    const pendingB = await appB.createRoom(appointment());
    assert.equal(pendingB.pending, true);

    await sleep(500);
    await server.start();

    // B creates its room by itself once the service answers again.
    const b = await createdB;
    assert.equal(b.roomId, pendingB.roomId);
    assert.equal(b.roomData.connectionUrls.coach, pendingB.connectionUrls.coach, 'the predicted links are the real ones');
    assert.equal((await appB.getRoomStatus(pendingB.roomId)).status, 'waiting');
    await waitUntil(async () => (await appB.pendingRooms()).length === 0, { message: 'B store empty' });

    // A restarted with the same store: it finds the pending room and creates it.
    const appA2 = clientFor(server, { pendingStore: new FilePendingStore(fileA), publicUrl });
    try {
      const a = await new Promise((resolve) => appA2.once('pending-created', resolve));
      assert.equal(a.roomId, pendingA.roomId);
      assert.equal(a.sessionId, pendingA.sessionId);
      const status = await appA2.getRoomStatus(pendingA.roomId);
      assert.equal(status.participants.coach.id, apptA.coachId);
      assert.equal(a.roomData.connectionUrls.client, pendingA.connectionUrls.client);
      await waitUntil(async () => (await appA2.pendingRooms()).length === 0, { message: 'A store empty' });
      assert.deepEqual(JSON.parse(fs.readFileSync(fileA, 'utf8')).rooms, {});
    } finally {
      await appA2.close();
      await appB.close();
    }
  });
});

describe('event subscription across outages', () => {
  it('every event exactly once, in order, across a restart and a kill -9 of roomsd', T, async () => {
    const client = clientFor(server);
    try {
      const room = await client.createRoom(appointment());
      const handled = [];
      const sub = client.subscribeToRoomEvents(room.roomId, {
        '*': async (data, frame) => {
          await sleep(5); // a handler that takes time: order must hold anyway
          handled.push([frame.id, frame.type]);
        },
      });
      const seen = collector(sub);
      await server.presence(room.roomId, 'coach', 'connect', 'c1');
      await seen.waitForType('participant-joined');

      await server.restart(); // SIGTERM: subscribers get 1001, the coach's connection is gone
      await server.presence(room.roomId, 'coach', 'connect', 'c2');
      await server.presence(room.roomId, 'client', 'connect', 'k1');
      await seen.waitFor((fs) => fs.filter((f) => f.type === 'participant-joined').length >= 3, 15000, 'joins after restart');

      await server.kill9(); // no close frame at all
      await server.start();
      await server.presence(room.roomId, 'client', 'connect', 'k2');
      await client.endRoom(room.roomId);
      // The room's last event is summary-ready (generateSummary is on).
      await seen.waitForType('summary-ready', 1, 45000);
      await sub.drain();
      assert.ok(sub.connections >= 3, `reconnected (${sub.connections} connections)`);
      assertExactlyOnceInOrder(handled, await allEvents(client, room.roomId, 'summary-ready'));
      assert.equal(sub.lastEventId, handled.at(-1)[0]);
      await sub.close();
    } finally {
      await client.close();
    }
  });

  it('every event exactly once, in order, across network drops (events while disconnected are replayed)', T, async () => {
    const proxy = await new CuttableProxy(server.port).listen();
    const client = clientFor(server, { baseUrl: proxy.baseUrl });
    const direct = clientFor(server);
    try {
      const room = await direct.createRoom(appointment());
      const handled = [];
      const sub = client.subscribeToRoomEvents(room.roomId, { '*': (data, frame) => handled.push([frame.id, frame.type]) },
        { reconnect: { baseDelayMs: 300, maxDelayMs: 600 } });
      await new Promise((resolve) => sub.once('open', resolve));
      const roles = ['coach', 'client'];
      for (let round = 0; round < 4; round++) {
        await server.presence(room.roomId, roles[round % 2], 'connect', `x${round}`);
        proxy.cut();
        // While the subscription is down, more happens in the room.
        await server.presence(room.roomId, roles[round % 2], 'disconnect', `x${round}`);
        await waitUntil(() => sub.state === 'open' && sub.connections >= round + 2, { timeoutMs: 10000, message: `reconnect ${round}` });
      }
      await direct.endRoom(room.roomId);
      await waitUntil(() => handled.some(([, t]) => t === 'summary-ready'), { timeoutMs: 45000, message: 'summary-ready' });
      await sub.drain();
      assertExactlyOnceInOrder(handled, await allEvents(direct, room.roomId, 'summary-ready'));
      await sub.close();
    } finally {
      await client.close();
      await direct.close();
      await proxy.close();
    }
  });

  it('resumes from a persisted lastEventId in a new process (since)', T, async () => {
    const client = clientFor(server);
    try {
      const room = await client.createRoom(appointment());
      const first = client.subscribeToRoomEvents(room.roomId, {}, { stopOn: ['participant-joined'] });
      const c1 = collector(first);
      await server.presence(room.roomId, 'coach', 'connect', 'c1');
      await c1.waitForType('participant-joined');
      await first.closed();
      const saved = first.lastEventId;
      await server.presence(room.roomId, 'client', 'connect', 'k1');
      await client.endRoom(room.roomId);
      const second = client.subscribeToRoomEvents(room.roomId, {}, { since: saved, stopOn: ['room-ended'] });
      const c2 = collector(second);
      await c2.waitForType('room-ended');
      const all = await allEvents(client, room.roomId);
      assert.deepEqual([...c1.frames, ...c2.frames].map((f) => [f.id, f.type]), all);
    } finally {
      await client.close();
    }
  });

  it('stops on a refused subscription (unknown room, wrong key) instead of retrying forever', T, async () => {
    const client = clientFor(server, { apiKey: 'wrong' });
    try {
      const sub = client.subscribeToRoomEvents('00000000-0000-4000-8000-000000000000', {});
      const err = await new Promise((resolve) => sub.once('error', resolve));
      assert.equal(err.status, 401);
      await sub.closed();
      assert.equal(sub.state, 'closed');
    } finally {
      await client.close();
    }
  });
});
