// The events WebSocket (/events/{roomId}?token=KEY[&since=N]) and the presence lifecycle behind it.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { expectSchema, expectValid } from './helpers/openapi.mjs';
import { isoIn, sleep, startRoomsd, waitUntil, withTimeout } from './helpers/roomsd.mjs';

// These tests follow presence and lifecycle events exactly; the AI Orb (which joins as a room starts, with its
// own events) has its own tests in intelligence.test.mjs.
const NO_ORB = { aiOrb: { enabled: false } };
const T = { timeout: 30000 };
let server;

before(async () => {
  server = await startRoomsd();
});

after(async () => {
  await server?.close();
});

function checkFrames(stream) {
  for (const f of stream.frames) {
    assert.equal(f.__binary, false, 'events are text frames');
    const { __raw, __binary, ...frame } = f;
    expectSchema('EventFrame', frame);
    assert.equal(JSON.stringify(JSON.parse(__raw)), __raw, 'frames are in JSON.stringify form');
    assert.deepEqual(Object.keys(frame), ['id', 'type', 'data']);
  }
  const ids = stream.frames.map((f) => f.id);
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i] > ids[i - 1], `ids increase: ${ids}`);
}

describe('events WebSocket', () => {
  it('streams room-started, participant-joined, participant-left, room-ended in order', T, async () => {
    const { roomId, body } = await server.createRoom(NO_ORB);
    const coachId = body.participants.coach.id;
    const clientId = body.participants.client.id;
    const ws = await server.events(roomId);
    try {
      await server.presence(roomId, 'coach', 'connect', 'c1');
      await ws.waitForType('participant-joined');
      await server.presence(roomId, 'client', 'connect', 'k1');
      await server.presence(roomId, 'aiOrb', 'connect', 'o1');
      await sleep(1100);
      await server.presence(roomId, 'client', 'disconnect', 'k1');
      const end = await server.endRoom(roomId, coachId);
      await ws.waitForType('room-ended');
      checkFrames(ws);
      // The summary (intelligence.test.mjs) follows the end; this test is about presence and lifecycle.
      const frames = ws.clean().filter((f) => f.type !== 'summary-ready');
      assert.deepEqual(frames.map((f) => [f.type, f.data.participantType ?? null]), [
        ['room-started', null],
        ['participant-joined', 'coach'],
        ['participant-joined', 'client'],
        ['participant-joined', 'aiOrb'],
        ['participant-left', 'client'],
        ['participant-left', 'coach'],
        ['participant-left', 'aiOrb'],
        ['room-ended', null],
      ]);
      const [started, joinedCoach, joinedClient, joinedOrb, leftClient, leftCoach, , ended] = frames;
      assert.deepEqual(Object.keys(started.data), ['roomId', 'timestamp']);
      assert.equal(started.data.roomId, roomId);
      assert.equal(started.data.timestamp, joinedCoach.data.timestamp);
      assert.deepEqual(joinedCoach.data, {
        roomId, participantId: coachId, participantType: 'coach', timestamp: joinedCoach.data.timestamp,
      });
      assert.equal(joinedClient.data.participantId, clientId);
      assert.equal(joinedOrb.data.participantId, 'ai-orb');
      assert.equal(leftClient.data.participantId, clientId);
      assert.equal(leftClient.data.reason, 'left');
      assert.ok(leftClient.data.duration >= 1, `duration ${leftClient.data.duration}`);
      assert.equal(leftCoach.data.reason, 'room_ended');
      assert.ok(leftCoach.data.duration >= 1);
      assert.equal(leftCoach.data.timestamp, end.endedAt);
      assert.equal(ended.data.roomId, roomId);
      assert.equal(ended.data.reason, 'session_completed');
      assert.equal(ended.data.timestamp, end.endedAt);
      assert.equal(ended.data.requestedBy, coachId);
      assert.equal(ended.data.finalDuration, end.finalDuration);
      assert.equal(typeof ended.data.summaryReady, 'boolean');
    } finally {
      await ws.close();
    }
  });

  it('replays exactly the missed events after a reconnect with ?since=<lastId>', T, async () => {
    const { roomId } = await server.createRoom(NO_ORB);
    const first = await server.events(roomId);
    await server.presence(roomId, 'coach', 'connect', 'c1');
    await first.waitForType('participant-joined');
    const lastId = first.frames.at(-1).id;
    await first.close();

    // While nobody listens.
    await server.presence(roomId, 'client', 'connect', 'k1');
    await server.presence(roomId, 'client', 'disconnect', 'k1');
    await server.presence(roomId, 'coach', 'connect', 'c2'); // second connection of the coach: no event

    const resumed = await server.events(roomId, { since: lastId });
    try {
      await resumed.waitFor((fs) => fs.length >= 2, 5000, 'the two missed events');
      await sleep(300); // nothing more may come
      checkFrames(resumed);
      assert.deepEqual(resumed.clean().map((f) => [f.type, f.data.participantType]), [
        ['participant-joined', 'client'],
        ['participant-left', 'client'],
      ]);
      assert.ok(resumed.frames[0].id > lastId);
      // Live events follow the replay with no gap and no duplicate.
      await server.presence(roomId, 'aiOrb', 'connect', 'o1');
      await resumed.waitFor((fs) => fs.length === 3, 5000, 'the live event after the replay');
      await sleep(200);
      assert.equal(resumed.frames.length, 3);
      assert.equal(resumed.frames[2].data.participantType, 'aiOrb');
      checkFrames(resumed);

      // since=0 replays the room's whole history, the same frames as before.
      const all = await server.events(roomId, { since: 0 });
      try {
        await all.waitFor((fs) => fs.length >= 5, 5000, 'the whole history');
        await sleep(200);
        assert.deepEqual(all.clean().map((f) => f.type),
          ['room-started', 'participant-joined', 'participant-joined', 'participant-left', 'participant-joined']);
        assert.deepEqual(all.clean().slice(2), resumed.clean());
        assert.equal(all.frames[1].id, lastId);
      } finally {
        await all.close();
      }
      // A since past the end replays nothing.
      const none = await server.events(roomId, { since: resumed.frames[2].id });
      await sleep(300);
      assert.equal(none.frames.length, 0);
      await none.close();
    } finally {
      await resumed.close();
    }
  });

  it('replays a long history across pages (more than 500 events) with no gap or duplicate', { timeout: 60000 }, async () => {
    const { roomId } = await server.createRoom(NO_ORB);
    const pairs = 300;
    for (let i = 0; i < pairs; i++) {
      await server.presence(roomId, 'aiOrb', 'connect', `o${i}`);
      await server.presence(roomId, 'aiOrb', 'disconnect', `o${i}`);
    }
    const ws = await server.events(roomId, { since: 0 });
    try {
      await ws.waitFor((fs) => fs.length >= 2 * pairs, 15000, `${2 * pairs} replayed events`);
      // Live events right after the replay.
      await server.presence(roomId, 'coach', 'connect', 'c-live');
      await ws.waitFor((fs) => fs.length >= 2 * pairs + 2, 5000, 'the live events after a long replay');
      await sleep(200);
      const ids = ws.frames.map((f) => f.id);
      assert.equal(new Set(ids).size, ids.length, 'no duplicates');
      assert.equal(ws.frames.length, 2 * pairs + 2);
      checkFrames(ws);
      const types = ws.frames.map((f) => f.type);
      for (let i = 0; i < 2 * pairs; i++) assert.equal(types[i], i % 2 ? 'participant-left' : 'participant-joined', `frame ${i}`);
      assert.deepEqual(types.slice(-2), ['room-started', 'participant-joined']);
    } finally {
      await ws.close();
    }
  });

  it('only delivers the subscribed room', T, async () => {
    const a = await server.createRoom(NO_ORB);
    const b = await server.createRoom(NO_ORB);
    const ws = await server.events(a.roomId);
    try {
      await server.presence(b.roomId, 'coach', 'connect', 'x');
      await server.presence(a.roomId, 'client', 'connect', 'y');
      await ws.waitForType('participant-joined');
      await sleep(200);
      assert.ok(ws.frames.every((f) => f.data.roomId === a.roomId), JSON.stringify(ws.clean()));
    } finally {
      await ws.close();
    }
  });

  it('refuses unknown rooms (404), bad ids (400) and a bad since (400)', T, async () => {
    const { roomId } = await server.createRoom(NO_ORB);
    const refused = async (p, status) => {
      const err = await server.events(p.roomId ?? roomId, p).then(
        async (s) => {
          await s.close();
          assert.fail(`${JSON.stringify(p)} was accepted`);
        },
        (e) => e,
      );
      assert.equal(err.status, status, `${JSON.stringify(p)}: ${err.message}`);
      expectValid('GET', '/events/{roomId}', err.status, err.json);
    };
    await refused({ roomId: crypto.randomUUID() }, 404);
    await refused({ roomId: 'bad!id' }, 400);
    await refused({ since: 'abc' }, 400);
    await refused({ since: '-1' }, 400);
  });

  it('survives a since that does not fit in 64 bits', T, async () => {
    const { roomId } = await server.createRoom(NO_ORB);
    const err = await server.events(roomId, { since: '99999999999999999999999' }).then(
      async (s) => {
        await s.close();
        return null;
      },
      (e) => e,
    );
    const health = await server.api('GET', '/health', { noAuth: true, timeoutMs: 3000 }).catch((e) => e);
    if (health.status !== 200) await withTimeout(server.exited, 2000, 'exit').catch(() => {});
    try {
      assert.equal(health.status, 200, 'roomsd no longer answers after ?since=99999999999999999999999 ' +
        `(handshake: ${err?.message}):\n${server.tail(3)}`);
      assert.ok(err, 'an out-of-range since is refused');
      assert.equal(err.status, 400, err.message);
      expectValid('GET', '/events/{roomId}', 400, err.json);
    } finally {
      if (health.status !== 200) {
        // Keep the rest of the file meaningful: a fresh process on the same data dir.
        await server.kill9().catch(() => {});
        await server.start();
      }
    }
  });
});

describe('presence in status', () => {
  it('sums totalDuration over two connection intervals, with joinedAt first and leftAt last', T, async () => {
    const { roomId } = await server.createRoom(NO_ORB);
    const ws = await server.events(roomId);
    try {
      await server.presence(roomId, 'coach', 'connect', 'c1');
      let s = await server.status(roomId);
      assert.equal(s.participants.coach.connected, true);
      assert.equal(s.participants.coach.leftAt, null);
      await sleep(1300);
      await server.presence(roomId, 'coach', 'disconnect', 'c1');
      s = await server.status(roomId);
      assert.equal(s.participants.coach.connected, false);
      assert.ok(s.participants.coach.leftAt);
      const firstLeft = s.participants.coach.leftAt;
      await sleep(500); // away: not counted
      await server.presence(roomId, 'coach', 'connect', 'c2');
      // A second connection of the same seat (another tab) neither joins nor leaves.
      await server.presence(roomId, 'coach', 'connect', 'c3');
      await sleep(1300);
      await server.presence(roomId, 'coach', 'disconnect', 'c2');
      s = await server.status(roomId);
      assert.equal(s.participants.coach.connected, true, 'c3 is still open');
      assert.equal(s.participants.coach.leftAt, null);
      await server.presence(roomId, 'coach', 'disconnect', 'c3');
      await ws.waitForType('participant-left', 5000, 2);
      checkFrames(ws);
      const joined = ws.clean().filter((f) => f.type === 'participant-joined');
      const left = ws.clean().filter((f) => f.type === 'participant-left');
      assert.equal(joined.length, 2, JSON.stringify(ws.clean()));
      assert.equal(left.length, 2);
      s = await server.status(roomId);
      const c = s.participants.coach;
      assert.equal(c.connected, false);
      assert.equal(c.joinedAt, joined[0].data.timestamp, 'joinedAt is the first join');
      assert.equal(c.leftAt, left[1].data.timestamp, 'leftAt is the last leave');
      assert.equal(left[0].data.timestamp, firstLeft);
      const spans = (Date.parse(left[0].data.timestamp) - Date.parse(joined[0].data.timestamp)) +
        (Date.parse(left[1].data.timestamp) - Date.parse(joined[1].data.timestamp));
      assert.equal(c.totalDuration, Math.floor(spans / 1000), `totalDuration ${c.totalDuration} vs ${spans} ms`);
      assert.ok(c.totalDuration >= 2 && c.totalDuration <= 6, `totalDuration ${c.totalDuration}`);
      const wall = Date.parse(c.leftAt) - Date.parse(c.joinedAt);
      assert.ok(c.totalDuration * 1000 < wall, 'the time away is not counted');
      for (const l of left) assert.equal(l.data.duration >= 1, true, JSON.stringify(l.data));
      // The room is still active: leaving does not end it.
      assert.equal(s.status, 'active');
    } finally {
      await ws.close();
    }
  });
});

describe('timeouts', () => {
  it('ends a room nobody joined with reason timeout after the no-show grace', T, async () => {
    const quick = await startRoomsd({ args: ['--no-show-grace', '1'] });
    try {
      const future = await quick.createRoom({ ...NO_ORB, scheduledStartTime: isoIn(3600_000) });
      const { roomId } = await quick.createRoom({ ...NO_ORB, scheduledStartTime: isoIn(-5000) });
      const ws = await quick.events(roomId, { since: 0 });
      try {
        await ws.waitForType('room-ended', 6000);
        checkFrames(ws);
        const ended = ws.clean().find((f) => f.type === 'room-ended');
        assert.equal(ended.data.reason, 'timeout');
        assert.equal(ended.data.requestedBy, 'system');
        assert.equal(ended.data.detail, 'no_show');
        assert.equal(ended.data.finalDuration, 0);
      } finally {
        await ws.close();
      }
      const s = await quick.status(roomId);
      assert.equal(s.status, 'ended');
      assert.equal(s.endReason, 'timeout');
      assert.equal((await quick.status(future.roomId)).status, 'waiting', 'a room in the future keeps waiting');
    } finally {
      await quick.close();
    }
  });
});

describe('shutdown', () => {
  it('closes subscribers with 1001 on SIGTERM and reports draining', T, async () => {
    const s2 = await startRoomsd();
    try {
      const { roomId } = await s2.createRoom(NO_ORB);
      const ws = await s2.events(roomId);
      await s2.stop();
      const closed = await ws.waitForClose(5000);
      assert.equal(closed.code, 1001, JSON.stringify(closed));
    } finally {
      await s2.close();
    }
  });

  it('reports subscribers in /health', T, async () => {
    const { roomId } = await server.createRoom(NO_ORB);
    const before = (await server.api('GET', '/health', { noAuth: true })).json.eventSubscribers;
    const ws = await server.events(roomId);
    await waitUntil(async () =>
      (await server.api('GET', '/health', { noAuth: true })).json.eventSubscribers === before + 1,
    { timeoutMs: 3000, message: 'eventSubscribers + 1' });
    await ws.close();
    await waitUntil(async () =>
      (await server.api('GET', '/health', { noAuth: true })).json.eventSubscribers === before,
    { timeoutMs: 3000, message: 'eventSubscribers back' });
  });
});
