// Issue 18 against the real roomsd: listing rooms (filters, cursor paging, iterateRooms), removing and
// readmitting a participant (the seat's signaling socket gets `removed` and close 4012, the events stream
// participant-removed / participant-left reason removed / participant-readmitted, a blocked seat cannot join
// again, also after a restart), the refusals of each route, and roomsctl's `rooms list` and
// `participants remove|readmit`. Raw answers go through the helper, which checks them against docs/openapi.yaml.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import { BadRequest, Conflict, RoomNotFound, RoomServiceError } from '../src/index.js';
import { checkStatuses, removeBody, roomsListPath } from '../src/admin.js';
import { openWebSocket } from '../../../tests/integration/helpers/roomsd.mjs';
import { expectSchema } from '../../../tests/integration/helpers/openapi.mjs';
import { appointment, clientFor, sleep, startRoomsd, waitUntil } from './helpers.mjs';

const PKG_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(PKG_DIR, 'bin', 'roomsctl.mjs');
const DTS = fs.readFileSync(path.join(PKG_DIR, 'src', 'index.d.ts'), 'utf8');
const T = { timeout: 60000 };
const CLOSE_REMOVED = 4012;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
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

const newRoom = (c = rooms, o = {}) => c.createRoom(appointment({ includeAI: false, ...o }));
const seatToken = (room, role) => new URL(room.connectionUrls[role]).searchParams.get('token');
const idOf = (room, role) => JSON.parse(Buffer.from(seatToken(room, role).split('.')[1], 'base64url')).userId;

// The seat's signaling WebSocket, as the room page opens it (docs/signaling.md); no media is negotiated.
const signal = (room, role, s = server) =>
  openWebSocket(s.port, `/signal/${room.roomId}?token=${encodeURIComponent(seatToken(room, role))}`);

async function joined(room, role, s = server) {
  const ws = await signal(room, role, s);
  await ws.waitForType('welcome', 5000);
  return ws;
}

// RoomEventPayloads of index.d.ts as {type: {field: optional}} (as types.test.mjs reads it).
function declaredPayload(type) {
  const block = DTS.match(/export interface RoomEventPayloads \{\n([\s\S]*?)\n\}\n/)[1]
    .replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  for (const [, t, body] of block.matchAll(/^ {2}'?([a-z-]+)'?: \{([\s\S]*?)\};$/gm)) {
    if (t === type) return Object.fromEntries([...body.matchAll(/([A-Za-z]+)(\?)?:/g)].map(([, f, q]) => [f, q === '?']));
  }
  return undefined;
}

// An event frame as the docs and the types say: docs/openapi.yaml's EventFrame, and every field declared in
// index.d.ts (required ones present).
function assertDocumentedFrame(frame) {
  const { __raw, __binary, ...f } = frame;
  expectSchema('EventFrame', f);
  const fields = declaredPayload(f.type);
  assert.ok(fields, `RoomEventPayloads['${f.type}'] is declared`);
  for (const k of Object.keys(f.data)) assert.ok(k in fields, `${f.type}.${k} is declared (${JSON.stringify(f.data)})`);
  for (const [k, optional] of Object.entries(fields)) {
    if (!optional) assert.ok(k in f.data, `${f.type}.${k} is declared required but roomsd left it out`);
  }
}

const isCode = (Class, status, code) => (e) => {
  assert.ok(e instanceof Class, `${e.name}: ${e.message}`);
  assert.equal(e.status, status, e.message);
  assert.equal(e.code, code, e.message);
  return true;
};

describe('argument checks (before anything is sent)', () => {
  it('listRooms / iterateRooms: status words, limit 1..200, a cursor string', async () => {
    assert.equal(roomsListPath(), '/api/rooms');
    assert.equal(roomsListPath({ status: ['waiting', 'active'], limit: 2 }), '/api/rooms?status=waiting,active&limit=2');
    assert.equal(roomsListPath({ status: 'ended, active', cursor: 'a+b/c=' }), '/api/rooms?status=ended,active&cursor=a%2Bb%2Fc%3D');
    assert.deepEqual(checkStatuses('waiting,waiting'), ['waiting']);
    await assert.rejects(rooms.listRooms({ status: 'pending' }), RangeError);
    await assert.rejects(rooms.listRooms({ status: ['active', 3] }), TypeError);
    await assert.rejects(rooms.listRooms({ status: { active: true } }), TypeError);
    await assert.rejects(rooms.listRooms({ limit: 0 }), RangeError);
    await assert.rejects(rooms.listRooms({ limit: 201 }), RangeError);
    await assert.rejects(rooms.listRooms({ limit: 2.5 }), TypeError);
    await assert.rejects(rooms.listRooms({ cursor: '' }), TypeError);
    // Checked at the call, not at the first step of the iteration.
    assert.throws(() => rooms.iterateRooms({ pageSize: 500 }), RangeError);
    assert.throws(() => rooms.iterateRooms({ status: 'ready' }), RangeError);
  });

  it('removeParticipant / readmitParticipant: coach or client, reason up to 200 characters, allowRejoin boolean', async () => {
    const id = crypto.randomUUID();
    await assert.rejects(rooms.removeParticipant(id, 'aiOrb'), (e) => e instanceof TypeError && /updateRoomConfig/.test(e.message));
    await assert.rejects(rooms.readmitParticipant(id, 'aiOrb'), TypeError);
    await assert.rejects(rooms.removeParticipant(id, 'observer'), TypeError);
    await assert.rejects(rooms.removeParticipant('', 'coach'), TypeError);
    await assert.rejects(rooms.removeParticipant(id, 'client', { reason: 'x'.repeat(201) }), RangeError);
    await assert.rejects(rooms.removeParticipant(id, 'client', { reason: 42 }), TypeError);
    await assert.rejects(rooms.removeParticipant(id, 'client', { reason: 'first line\nsecond line' }), RangeError);
    await assert.rejects(rooms.removeParticipant(id, 'client', { allowRejoin: 'yes' }), TypeError);
    assert.deepEqual(removeBody(), {});
    assert.deepEqual(removeBody({ reason: '🙂'.repeat(200), allowRejoin: false }), { reason: '🙂'.repeat(200), allowRejoin: false });
  });
});

describe('listing rooms', () => {
  it('newest first, 3 pages at limit 2, status filters, iterateRooms following nextCursor', T, async () => {
    // A server of its own: exactly these five rooms exist, so pages and filters are exact.
    const own = await startRoomsd();
    const c = clientFor(own);
    try {
      const made = [];
      for (let i = 0; i < 5; i++) {
        made.push(await newRoom(c));
        await sleep(20);
      }
      const ids = made.map((r) => r.roomId);
      await own.presence(ids[1], 'coach', 'connect', 'c1'); // active, one participant
      await c.endRoom(ids[0]); // ended

      const first = await c.listRooms({ limit: 2 });
      assert.deepEqual(first.rooms.map((r) => r.roomId), [ids[4], ids[3]]);
      assert.equal(typeof first.nextCursor, 'string');
      const second = await c.listRooms({ limit: 2, cursor: first.nextCursor });
      assert.deepEqual(second.rooms.map((r) => r.roomId), [ids[2], ids[1]]);
      assert.equal(typeof second.nextCursor, 'string');
      const third = await c.listRooms({ limit: 2, cursor: second.nextCursor });
      assert.deepEqual(third.rooms.map((r) => r.roomId), [ids[0]]);
      assert.equal(third.nextCursor, null);

      const raw = await own.api('GET', '/api/rooms?limit=2'); // checked against docs/openapi.yaml
      assert.equal(raw.status, 200, raw.text);
      assert.deepEqual(raw.json.rooms.map((r) => r.roomId), [ids[4], ids[3]]);

      const all = (await c.listRooms()).rooms;
      assert.deepEqual(all.map((r) => r.roomId), [...ids].reverse());
      for (let i = 1; i < all.length; i++) {
        assert.ok(Date.parse(all[i - 1].createdAt) >= Date.parse(all[i].createdAt), 'createdAt newest first');
      }
      const byId = new Map(all.map((r) => [r.roomId, r]));
      for (const r of all) {
        assert.match(r.createdAt, ISO);
        assert.equal(r.recording, false);
        const m = made.find((x) => x.roomId === r.roomId);
        assert.equal(r.sessionId, m.sessionId);
        assert.match(r.scheduledStartTime, ISO);
      }
      const ended = byId.get(ids[0]);
      assert.equal(ended.status, 'ended');
      assert.match(ended.endedAt, ISO);
      assert.equal(ended.participants, 0);
      const active = byId.get(ids[1]);
      assert.equal(active.status, 'active');
      assert.match(active.actualStartTime, ISO);
      assert.equal(active.endedAt, null);
      assert.equal(active.participants, 1);
      for (const id of ids.slice(2)) {
        assert.deepEqual([byId.get(id).status, byId.get(id).actualStartTime, byId.get(id).endedAt, byId.get(id).participants],
          ['waiting', null, null, 0]);
      }

      const idsOf = async (o) => (await c.listRooms(o)).rooms.map((r) => r.roomId);
      assert.deepEqual(await idsOf({ status: 'ended' }), [ids[0]]);
      assert.deepEqual(await idsOf({ status: 'active' }), [ids[1]]);
      assert.deepEqual(await idsOf({ status: ['waiting'] }), [ids[4], ids[3], ids[2]]);
      assert.deepEqual(await idsOf({ status: 'waiting,active' }), [ids[4], ids[3], ids[2], ids[1]]);
      assert.deepEqual(await idsOf({ status: ['waiting', 'active', 'ended'] }), [...ids].reverse());
      const filtered = await c.listRooms({ status: ['waiting', 'ended'], limit: 2 });
      assert.deepEqual(filtered.rooms.map((r) => r.roomId), [ids[4], ids[3]]);
      const rest = await c.listRooms({ status: ['waiting', 'ended'], limit: 2, cursor: filtered.nextCursor });
      assert.deepEqual(rest.rooms.map((r) => r.roomId), [ids[2], ids[0]]);
      assert.equal(rest.nextCursor, null);

      // iterateRooms: one request a page, each with the previous page's cursor, ending at nextCursor null.
      const calls = [];
      const listRooms = c.listRooms.bind(c);
      c.listRooms = (o) => {
        calls.push(o);
        return listRooms(o);
      };
      const seen = [];
      for await (const r of c.iterateRooms({ pageSize: 2 })) seen.push(r.roomId);
      assert.deepEqual(seen, [...ids].reverse());
      assert.equal(calls.length, 3);
      assert.deepEqual(calls.map((o) => o.cursor), [undefined, first.nextCursor, second.nextCursor]);
      const waiting = [];
      for await (const r of c.iterateRooms({ status: 'waiting', pageSize: 1 })) waiting.push(r.roomId);
      assert.deepEqual(waiting, [ids[4], ids[3], ids[2]]);
      // A service handing back a cursor twice would loop: the iterator stops with cursor_loop.
      c.listRooms = async () => ({ rooms: [], nextCursor: 'same' });
      await assert.rejects((async () => {
        for await (const r of c.iterateRooms()) void r;
      })(), (e) => e instanceof RoomServiceError && e.code === 'cursor_loop');
    } finally {
      await c.close();
      await own.close();
    }
  });

  it('a bad status or limit is 400 invalid_query, a malformed cursor 400 invalid_cursor, no key 401', T, async () => {
    // Through request(): listRooms itself refuses these before sending.
    for (const q of ['status=pending', 'status=active,ready', 'status=active,', 'limit=0', 'limit=201', 'limit=ten', 'limit=2.5']) {
      await assert.rejects(rooms.request('GET', `/api/rooms?${q}`), isCode(BadRequest, 400, 'invalid_query'), q);
      const raw = await server.api('GET', `/api/rooms?${q}`);
      assert.equal(raw.status, 400, q);
      assert.equal(raw.json.error.code, 'invalid_query', q);
    }
    await assert.rejects(rooms.listRooms({ cursor: 'not-a-cursor' }), isCode(BadRequest, 400, 'invalid_cursor'));
    assert.equal((await server.api('GET', '/api/rooms?cursor=%00%01')).json.error.code, 'invalid_cursor');
    assert.equal((await server.api('GET', '/api/rooms', { noAuth: true })).status, 401);
  });
});

describe('removing and readmitting participants', () => {
  it('a connected client: removed frame, close 4012, events; blocked until readmitted; status shows it', T, async () => {
    const room = await newRoom();
    const clientId = idOf(room, 'client');
    const coachId = idOf(room, 'coach');
    const events = await server.events(room.roomId, { since: 0 });
    const sockets = [];
    try {
      const coach = await joined(room, 'coach');
      const client = await joined(room, 'client');
      sockets.push(coach, client);
      await events.waitFor((fs) => fs.filter((f) => f.type === 'participant-joined').length === 2, 5000, 'both joined');

      const reason = 'Please rejoin from the waiting room';
      const res = await rooms.removeParticipant(room.roomId, 'client', { reason });
      assert.deepEqual(res, {
        roomId: room.roomId, role: 'client', participantId: clientId, removed: true, wasConnected: true, allowRejoin: false, reason,
      });
      // The page is told why before the socket closes, so it can say so instead of reconnecting.
      await client.waitForType('removed', 5000);
      assert.deepEqual(client.frames.find((f) => f.type === 'removed').data, { reason, allowRejoin: false });
      assert.equal((await client.waitForClose(5000)).code, CLOSE_REMOVED);
      const types = client.frames.map((f) => f.type);
      assert.equal(types.at(-1), 'removed', `nothing after removed: ${types}`);

      // The coach stays, and sees the client leave.
      await coach.waitFor((fs) => fs.some((f) => f.type === 'participant-left' && f.data.participantId === clientId), 5000,
        'participant-left for the client on the coach socket');
      assert.equal(coach.closed, null);

      const frames = await events.waitFor((fs) =>
        fs.some((f) => f.type === 'participant-removed') &&
        fs.some((f) => f.type === 'participant-left' && f.data.participantId === clientId), 5000, 'participant-removed and -left');
      const removed = frames.find((f) => f.type === 'participant-removed');
      assert.equal(removed.data.participantId, clientId);
      assert.equal(removed.data.reason, reason);
      assert.equal(removed.data.allowRejoin, false);
      const left = frames.find((f) => f.type === 'participant-left' && f.data.participantId === clientId);
      assert.equal(left.data.reason, 'removed');
      assert.equal(left.data.participantType, 'client');
      assertDocumentedFrame(left);

      const status = await rooms.getRoomStatus(room.roomId);
      assert.equal(status.participants.client.connected, false);
      assert.equal(status.participants.client.removed.reason, reason);
      assert.match(status.participants.client.removed.at, ISO);
      assert.equal(status.participants.coach.removed, null);
      assert.equal(status.participants.coach.connected, true);
      assert.equal((await server.api('GET', `/api/rooms/${room.roomId}/status`)).status, 200); // against openapi.yaml

      // A blocked seat: a new connection with the same token gets the same frame and close, and never joins.
      const again = await signal(room, 'client');
      sockets.push(again);
      await again.waitForType('removed', 5000);
      assert.deepEqual(again.frames.find((f) => f.type === 'removed').data, { reason, allowRejoin: false });
      assert.equal((await again.waitForClose(5000)).code, CLOSE_REMOVED);
      assert.ok(!again.frames.some((f) => f.type === 'welcome'), 'no welcome for a blocked seat');
      await sleep(300);
      assert.equal(events.frames.filter((f) => f.type === 'participant-joined' && f.data.participantId === clientId).length, 1);
      assert.equal((await rooms.getRoomStatus(room.roomId)).participants.client.connected, false);

      const back = await rooms.readmitParticipant(room.roomId, 'client');
      assert.deepEqual(back, { roomId: room.roomId, role: 'client', participantId: clientId, removed: false });
      const readmitted = (await events.waitForType('participant-readmitted', 5000)).find((f) => f.type === 'participant-readmitted');
      assert.equal(readmitted.data.participantId, clientId);
      assert.equal((await rooms.getRoomStatus(room.roomId)).participants.client.removed, null);

      const rejoined = await joined(room, 'client');
      sockets.push(rejoined);
      await waitUntil(async () => (await rooms.getRoomStatus(room.roomId)).participants.client.connected,
        { timeoutMs: 5000, message: 'the client connected again' });
      // Readmitting a seat that is not blocked is the same answer (idempotent).
      assert.deepEqual(await rooms.readmitParticipant(room.roomId, 'client'), back);
      assert.deepEqual(await rooms.readmitParticipant(room.roomId, 'coach'),
        { roomId: room.roomId, role: 'coach', participantId: coachId, removed: false });
    } finally {
      for (const s of sockets) await s.close();
      await events.close();
    }
  });

  // The payloads on their own, so that a difference in them does not hide the behaviour checked above.
  it('participant-removed and participant-readmitted carry {participantId, participantType, ...} as docs and types say', T, async () => {
    const room = await newRoom();
    const events = await server.events(room.roomId, { since: 0 });
    try {
      await rooms.removeParticipant(room.roomId, 'coach', { reason: 'Wrong seat', allowRejoin: false });
      await rooms.readmitParticipant(room.roomId, 'coach');
      const frames = await events.waitForType('participant-readmitted', 5000);
      const removed = frames.find((f) => f.type === 'participant-removed');
      const readmitted = frames.find((f) => f.type === 'participant-readmitted');
      assert.equal(removed.data.participantType, 'coach', `participant-removed names the seat as participantType: ${JSON.stringify(removed.data)}`);
      assert.equal(readmitted.data.participantType, 'coach', `participant-readmitted names the seat as participantType: ${JSON.stringify(readmitted.data)}`);
      assert.equal(removed.data.participantId, idOf(room, 'coach'));
      for (const f of [removed, readmitted]) assertDocumentedFrame(f);
    } finally {
      await events.close();
    }
  });

  it('allowRejoin closes the socket without a block; a seat not connected can be removed, again with a new reason', T, async () => {
    const room = await newRoom();
    const coachId = idOf(room, 'coach');
    const events = await server.events(room.roomId, { since: 0 });
    const sockets = [];
    try {
      const client = await joined(room, 'client');
      sockets.push(client);
      const res = await rooms.removeParticipant(room.roomId, 'client', { reason: 'Your connection looked stuck', allowRejoin: true });
      assert.equal(res.allowRejoin, true);
      assert.equal(res.wasConnected, true);
      await client.waitForType('removed', 5000);
      assert.deepEqual(client.frames.find((f) => f.type === 'removed').data, { reason: 'Your connection looked stuck', allowRejoin: true });
      assert.equal((await client.waitForClose(5000)).code, CLOSE_REMOVED);
      assert.equal((await rooms.getRoomStatus(room.roomId)).participants.client.removed, null, 'not blocked');
      sockets.push(await joined(room, 'client'));

      // The coach never joined: removed all the same (blocked), no participant-left for them.
      const first = await rooms.removeParticipant(room.roomId, 'coach', { reason: 'first' });
      assert.equal(first.wasConnected, false);
      assert.equal(first.participantId, coachId);
      assert.equal((await rooms.getRoomStatus(room.roomId)).participants.coach.removed.reason, 'first');
      const second = await rooms.removeParticipant(room.roomId, 'coach', { reason: 'second' });
      assert.equal(second.reason, 'second');
      assert.equal((await rooms.getRoomStatus(room.roomId)).participants.coach.removed.reason, 'second');
      const bare = await rooms.removeParticipant(room.roomId, 'coach');
      assert.equal(typeof bare.reason, 'string');
      assert.equal(bare.allowRejoin, false);
      await events.waitFor((fs) => fs.filter((f) => f.type === 'participant-removed').length === 4, 5000, '4x participant-removed');
      await sleep(200);
      assert.ok(!events.frames.some((f) => f.type === 'participant-left' && f.data.participantId === coachId));
      const coach = await signal(room, 'coach');
      sockets.push(coach);
      assert.equal((await coach.waitForClose(5000)).code, CLOSE_REMOVED);
      assert.deepEqual(coach.frames.find((f) => f.type === 'removed')?.data, { reason: bare.reason, allowRejoin: false });
    } finally {
      for (const s of sockets) await s.close();
      await events.close();
    }
  });

  it('the block survives a restart of roomsd', T, async () => {
    const room = await newRoom();
    await rooms.removeParticipant(room.roomId, 'client', { reason: 'See you next week' });
    await server.restart();
    const status = await rooms.getRoomStatus(room.roomId);
    assert.equal(status.participants.client.removed?.reason, 'See you next week');
    const ws = await signal(room, 'client');
    try {
      assert.equal((await ws.waitForClose(5000)).code, CLOSE_REMOVED);
      assert.deepEqual(ws.frames.find((f) => f.type === 'removed')?.data, { reason: 'See you next week', allowRejoin: false });
    } finally {
      await ws.close();
    }
    await rooms.readmitParticipant(room.roomId, 'client');
    const back = await joined(room, 'client');
    await back.close();
  });

  it('refusals: invalid_role (aiOrb too), room_not_found, room_ended, invalid_field, unknown_field, 401', T, async () => {
    const room = await newRoom();
    const p = (role, action = 'remove', id = room.roomId) => `/api/rooms/${id}/participants/${role}/${action}`;
    for (const role of ['aiOrb', 'observer', 'Coach']) {
      for (const action of ['remove', 'readmit']) {
        // request() sends what removeParticipant would refuse before sending.
        await assert.rejects(rooms.request('POST', p(role, action), { body: action === 'remove' ? {} : undefined }),
          isCode(BadRequest, 400, 'invalid_role'), `${role} ${action}`);
        const raw = await server.api('POST', p(role, action), action === 'remove' ? { json: {} } : {});
        assert.equal(raw.status, 400);
        assert.equal(raw.json.error.code, 'invalid_role');
      }
    }
    const missing = crypto.randomUUID();
    await assert.rejects(rooms.removeParticipant(missing, 'client'), isCode(RoomNotFound, 404, 'room_not_found'));
    await assert.rejects(rooms.readmitParticipant(missing, 'coach'), isCode(RoomNotFound, 404, 'room_not_found'));
    assert.equal((await server.api('POST', p('client', 'remove', missing), { json: {} })).status, 404);

    const raw = (json) => server.api('POST', p('client'), { json });
    assert.equal((await raw({ reason: 'x'.repeat(201) })).json.error.code, 'invalid_field');
    assert.equal((await raw({ reason: 42 })).json.error.code, 'invalid_field');
    assert.equal((await raw({ reason: 'two\nlines' })).json.error.code, 'invalid_field');
    assert.equal((await raw({ allowRejoin: 'yes' })).status, 400);
    assert.equal((await raw({ reason: 'ok', kick: true })).json.error.code, 'unknown_field');
    const longest = await raw({ reason: 'y'.repeat(200) });
    assert.equal(longest.status, 200, longest.text);
    assert.equal(longest.json.reason, 'y'.repeat(200));
    const noBody = await server.api('POST', p('client'));
    assert.equal(noBody.status, 200, `the body is optional: ${noBody.text}`);
    assert.equal((await server.api('POST', p('client', 'readmit'))).status, 200);
    assert.equal((await server.api('POST', p('client'), { json: {}, noAuth: true })).status, 401);
    assert.equal((await server.api('POST', p('client', 'readmit'), { noAuth: true })).status, 401);

    await rooms.endRoom(room.roomId);
    await assert.rejects(rooms.removeParticipant(room.roomId, 'client'), isCode(Conflict, 409, 'room_ended'));
    await assert.rejects(rooms.readmitParticipant(room.roomId, 'client'), isCode(Conflict, 409, 'room_ended'));
    assert.equal((await server.api('POST', p('coach'), { json: {} })).status, 409);
  });
});

// ------------------------------------------------------------------------------------------------------
// roomsctl, as an operator runs it (roomsctl.test.mjs's way: a subprocess, its output and exit codes).

function roomsctl(args, { env, timeoutMs = 20000 } = {}) {
  const base = { PATH: process.env.PATH, ROOMS_URL: server.baseUrl, ROOM_SERVICE_API_KEY: server.apiKey };
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...base, ...env }, timeout: timeoutMs }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code ?? 'killed') : 0, stdout, stderr });
    });
  });
}

describe('roomsctl rooms / participants', () => {
  it('rooms list: a table newest first, --limit with the next --cursor, --all, --status, --json; bad input', T, async () => {
    const made = [await newRoom(), await newRoom(), await newRoom()];
    await rooms.endRoom(made[0].roomId);
    const one = await roomsctl(['rooms', 'list', '--limit', '2']);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /^roomId\s+status\s+createdAt\s+scheduledStart\s+actualStart\s+endedAt\s+participants\s+recording$/m);
    const rows = one.stdout.split('\n').filter((l) => /^[0-9a-f]{8}-[0-9a-f-]{27}\s/.test(l));
    assert.equal(rows.length, 2);
    assert.match(rows[0], new RegExp(`^${made[2].roomId}\\s+waiting\\s+\\S+Z\\s+\\S+Z\\s+-\\s+-\\s+0\\s+off$`));
    const cursor = one.stdout.match(/^more: --cursor (\S+)$/m)?.[1];
    assert.ok(cursor, one.stdout);
    const next = await roomsctl(['rooms', 'list', '--limit', '2', '--cursor', cursor, '--json']);
    assert.equal(next.code, 0, next.stderr);
    assert.equal(JSON.parse(next.stdout).rooms[0].roomId, made[0].roomId);

    const all = await roomsctl(['rooms', 'list', '--all', '--limit', '2', '--json']);
    assert.equal(all.code, 0, all.stderr);
    const listed = JSON.parse(all.stdout);
    assert.equal(listed.nextCursor, null);
    const ids = listed.rooms.map((r) => r.roomId);
    assert.equal(new Set(ids).size, ids.length, 'no room twice');
    for (const m of made) assert.ok(ids.includes(m.roomId), `${m.roomId} listed`);

    const ended = JSON.parse((await roomsctl(['rooms', 'list', '--status', 'ended', '--all', '--json'])).stdout).rooms;
    assert.ok(ended.length >= 1 && ended.every((r) => r.status === 'ended'));
    assert.ok(ended.some((r) => r.roomId === made[0].roomId));
    const live = await roomsctl(['rooms', 'list', '--status', 'waiting,active']);
    assert.equal(live.code, 0, live.stderr);
    assert.ok(!live.stdout.includes(made[0].roomId));

    assert.equal((await roomsctl(['rooms', 'list', '--status', 'pending'])).code, 1);
    assert.equal((await roomsctl(['rooms', 'list', '--limit', '0'])).code, 1);
    assert.equal((await roomsctl(['rooms', 'list', '--all', '--cursor', cursor])).code, 1);
    assert.equal((await roomsctl(['rooms', 'frob'])).code, 1);
    const badCursor = await roomsctl(['rooms', 'list', '--cursor', 'not-a-cursor', '--json']);
    assert.equal(badCursor.code, 6, badCursor.stderr);
    assert.equal(JSON.parse(badCursor.stderr).error.code, 'invalid_cursor');
    assert.equal((await roomsctl(['rooms', 'list'], { env: { ROOM_SERVICE_API_KEY: '' } })).code, 1);
  });

  it('participants remove / readmit: output, --json, the socket closed 4012, exit codes; events show them', T, async () => {
    const room = await newRoom();
    const clientId = idOf(room, 'client');
    const ws = await joined(room, 'client');
    try {
      const r = await roomsctl(['participants', 'remove', room.roomId, 'client', '--reason', 'Back in five minutes']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^participantId\\s+${clientId}$`, 'm'));
      assert.match(r.stdout, /^wasConnected\s+true$/m);
      assert.match(r.stdout, /^reason\s+Back in five minutes$/m);
      assert.match(r.stdout, /^rejoin\s+blocked until readmitted$/m);
      assert.equal((await ws.waitForClose(5000)).code, CLOSE_REMOVED);
    } finally {
      await ws.close();
    }
    const status = await roomsctl(['status', room.roomId, '--json']);
    assert.equal(JSON.parse(status.stdout).participants.client.removed.reason, 'Back in five minutes');

    const readmit = await roomsctl(['participants', 'readmit', room.roomId, 'client']);
    assert.equal(readmit.code, 0, readmit.stderr);
    assert.equal(readmit.stdout.trim(), `readmitted client ${clientId}: may join again`);
    assert.equal(JSON.parse((await roomsctl(['participants', 'readmit', room.roomId, 'coach', '--json'])).stdout).removed, false);

    const json = await roomsctl(['participants', 'remove', room.roomId, 'client', '--allow-rejoin', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const res = JSON.parse(json.stdout);
    assert.equal(res.removed, true);
    assert.equal(res.allowRejoin, true);
    assert.equal(res.wasConnected, false);

    const tail = await roomsctl(['events', room.roomId, '--since', '0', '--until', 'participant-readmitted']);
    assert.equal(tail.code, 0, tail.stderr);
    assert.match(tail.stdout, new RegExp(`participant-removed\\s+client ${clientId} reason="Back in five minutes" allowRejoin=false`));
    assert.match(tail.stdout, new RegExp(`participant-left\\s+client ${clientId} reason=removed`));
    assert.match(tail.stdout, new RegExp(`participant-readmitted\\s+client ${clientId}$`, 'm'));

    const usage = [
      ['participants', 'remove', room.roomId, 'aiOrb'],
      ['participants', 'remove', room.roomId],
      ['participants', 'remove', room.roomId, 'client', '--reason', 'x'.repeat(201)],
      ['participants', 'remove', room.roomId, 'client', '--reason', 'two\nlines'],
      ['participants', 'readmit', room.roomId, 'client', '--allow-rejoin'],
      ['participants', 'kick', room.roomId, 'client'],
      ['participants'],
    ];
    for (const args of usage) assert.equal((await roomsctl(args)).code, 1, args.join(' '));
    const orb = await roomsctl(['participants', 'remove', room.roomId, 'aiOrb']);
    assert.match(orb.stderr, /switched off/);
    assert.equal((await roomsctl(['participants', 'remove', crypto.randomUUID(), 'coach'])).code, 2);
    await rooms.endRoom(room.roomId);
    const ended = await roomsctl(['participants', 'readmit', room.roomId, 'client', '--json']);
    assert.equal(ended.code, 5);
    assert.equal(JSON.parse(ended.stderr).error.code, 'room_ended');
  });
});
