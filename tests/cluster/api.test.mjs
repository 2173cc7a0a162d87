// Cluster mode (docs/cluster.md): three roomsd nodes sharing a PostgreSQL database and a Redis server, both
// started by the test on loopback. The spec's RoomService client talks to node A only, A drains (takes no
// new rooms), so the rooms are placed on B and C and every call for them is forwarded to their owner; the
// events socket on A streams a room B holds; each webhook arrives once although three outboxes share the
// store; when B dies, its rooms are taken over within seconds and the presence open there stays open (the
// pages are expected back); a page's signaling socket on A is relayed to the room's owner. call.test.mjs
// does the same with two browsers in a call.
import assert from 'node:assert/strict';
import nodeCrypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';

import { extractRoomServiceSource } from '../integration/helpers/specClient.mjs';
import { REPO_ROOT, WebhookReceiver, openWebSocket, sleep, waitUntil } from '../integration/helpers/roomsd.mjs';
import { startCluster } from './helpers/cluster.mjs';

const SPEC = process.env.ROOMS_SPEC ?? path.resolve(REPO_ROOT, '../shared/spec/ROOM_HANDLER.md');
const T = { timeout: 60000 };

let cluster;
let nodes;
const receiver = new WebhookReceiver();
let RoomService;
let tmpFile;
const savedEnv = {};
const rooms = []; // { roomId, owner }
const owner = (roomId) => cluster.owner(roomId);

before(async () => {
  cluster = await startCluster(['a', 'b', 'c']);
  ({ nodes } = cluster);
  await receiver.listen();

  globalThis.WebSocket = WebSocket;
  Object.defineProperty(globalThis, 'crypto', { value: nodeCrypto, configurable: true, writable: true, enumerable: false });
  for (const [k, v] of Object.entries({
    ROOM_SERVICE_URL: nodes.a.baseUrl,
    ROOM_SERVICE_API_KEY: nodes.a.apiKey,
    ROOM_WEBHOOK_SECRET: nodes.a.webhookSecret,
    JWT_SIGNING_SECRET: nodes.a.jwtSecret,
  })) {
    savedEnv[k] = process.env[k];
    process.env[k] = v;
  }
  const dir = path.join(REPO_ROOT, '.itest-tmp');
  fs.mkdirSync(dir, { recursive: true });
  tmpFile = path.join(dir, `roomService-cluster-${process.pid}-${Date.now()}.mjs`);
  fs.writeFileSync(tmpFile, extractRoomServiceSource(fs.readFileSync(SPEC, 'utf8')));
  ({ RoomService } = await import(pathToFileURL(tmpFile).href));
});

after(async () => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  if (tmpFile) fs.rmSync(tmpFile, { force: true });
  await receiver.close().catch(() => {});
  await cluster?.close();
});

describe('three nodes, one service', () => {
  it('every node sees the cluster in /health', T, async () => {
    for (const [id, n] of Object.entries(nodes)) {
      await waitUntil(async () => {
        const h = (await n.api('GET', '/health', { noAuth: true })).json;
        return h.node?.id === id && h.cluster?.nodes?.length === 3;
      }, { timeoutMs: 5000, message: `node ${id} to see three nodes` });
      // /metrics names the node and counts the cluster's live nodes.
      await waitUntil(async () => {
        const text = (await n.api('GET', '/metrics')).text;
        return text.includes(`rooms_cluster_node_info{node="${id}"} 1`) && /^rooms_cluster_nodes 3$/m.test(text);
      }, { timeoutMs: 5000, message: `node ${id}'s /metrics to name it and count three nodes` });
    }
  });

  it('A drains: the spec\'s client creates rooms through A and they land on B and C', T, async () => {
    const drained = await nodes.a.api('POST', '/api/node/drain', { json: { draining: true }, validate: false });
    assert.equal(drained.status, 200, drained.text);
    assert.equal(drained.json.draining, true);
    await cluster.drain('a');

    // Every event of every room, to one receiver, registered through A: each must arrive once.
    const hook = await nodes.a.api('POST', '/api/webhooks', { json: { url: receiver.url, events: ['*'] } });
    assert.equal(hook.status, 201, hook.text);

    const svc = new RoomService();
    for (let i = 0; i < 4; i++) {
      const data = await svc.createRoom({
        coachId: `coach-${i}`,
        clientId: `client-${i}`,
        coach: { name: 'Casey Coach' },
        client: { name: 'Charlie Client' },
        // Five minutes and a moment ahead: the client's pre-warm timer fires at once (through A, forwarded)
        // instead of keeping this process alive for an hour.
        startTime: new Date(Date.now() + 5 * 60 * 1000 + 200),
        duration: 60,
        includeAI: false,
      });
      assert.equal(data.success, true);
      rooms.push({
        roomId: data.roomId,
        owner: owner(data.roomId),
        coachId: `coach-${i}`,
        coachToken: new URL(data.connectionUrls.coach).searchParams.get('token'),
      });
    }
    const owners = rooms.map((r) => r.owner);
    assert.ok(owners.every((o) => o === 'b' || o === 'c'), `owners: ${owners}`);
    assert.ok(owners.includes('b') && owners.includes('c'), `placed on both: ${owners}`);

    // Status through A is the owner's answer.
    for (const { roomId, owner: o } of rooms) {
      const viaA = await svc.getRoomStatus(roomId);
      const direct = await nodes[o].status(roomId);
      assert.equal(viaA.roomId, roomId);
      assert.equal(viaA.status, direct.status);
      assert.deepEqual(viaA.participants, direct.participants);
    }
  });

  it('the events socket on A replays and streams a room B holds, without gaps or duplicates', T, async () => {
    const { roomId, owner: o } = rooms.find((r) => r.owner === 'b');
    assert.equal(o, 'b');
    const stream = await openWebSocket(nodes.a.port, `/events/${roomId}?token=${nodes.a.apiKey}&since=0`);
    // Presence through A (forwarded to B): the events are committed on B and reach A through Redis.
    await nodes.a.presence(roomId, 'coach', 'connect', 'coach-1');
    await nodes.a.presence(roomId, 'client', 'connect', 'client-1');
    await stream.waitForType('room-started', 5000);
    await nodes.a.presence(roomId, 'client', 'disconnect', 'client-1');
    await stream.waitFor((fs) => fs.filter((f) => f.type === 'participant-left').length >= 1, 5000, 'participant-left');
    const ids = stream.frames.map((f) => f.id);
    assert.deepEqual(ids, [...ids].sort((x, y) => x - y), 'in order');
    assert.equal(new Set(ids).size, ids.length, 'no duplicates');
    // Replayed from the store on B: the same events, same ids.
    const direct = await openWebSocket(nodes.b.port, `/events/${roomId}?token=${nodes.b.apiKey}&since=0`);
    await direct.waitFor((fs) => fs.length >= ids.length, 5000, 'the replay on B');
    assert.deepEqual(direct.frames.slice(0, ids.length).map((f) => [f.id, f.type]),
      stream.frames.map((f) => [f.id, f.type]));
    stream.ws.close();
    direct.ws.close();
  });

  it('ends rooms through A; every webhook arrives once', T, async () => {
    const svc = new RoomService();
    const ending = rooms.filter((r) => r.owner === 'c');
    const ended = ending.map((r) => r.roomId);
    for (const { roomId, coachId } of ending) {
      const res = await svc.endRoom(roomId, coachId);
      assert.equal(res.success, true, JSON.stringify(res));
      assert.equal(owner(roomId), '', 'the lease is released');
    }
    await receiver.waitFor(() => ended.every((id) => receiver.requests.some((r) =>
      r.headers['x-room-event'] === 'room-ended' && JSON.parse(r.body).data.roomId === id)), 15000);
    // Leave time for a duplicate to show up, then count.
    await sleep(1500);
    const deliveries = receiver.requests.map((r) => r.headers['x-room-delivery']);
    assert.equal(new Set(deliveries).size, deliveries.length, 'no delivery attempted twice');
    const eventIds = receiver.requests.map((r) => `${JSON.parse(r.body).id}`);
    assert.equal(new Set(eventIds).size, eventIds.length, 'no event delivered twice');
  });

  it('B dies: its rooms are taken over by C within seconds and answer through A', T, async () => {
    const held = rooms.filter((r) => r.owner === 'b').map((r) => r.roomId);
    assert.ok(held.length > 0);
    await nodes.b.kill9();
    const t0 = Date.now();
    await waitUntil(() => held.every((id) => owner(id) === 'c'), { timeoutMs: 20000, message: 'C to take B\'s rooms' });
    const tookMs = Date.now() - t0;
    assert.ok(tookMs < 15000, `taken over in ${tookMs} ms`);
    for (const roomId of held) {
      const s = await nodes.a.status(roomId);
      assert.equal(s.roomId, roomId);
      assert.notEqual(s.status, 'ended');
    }
    // The coach's stay, open on B when it died, goes on: C waits for the coach's page to come back (the
    // reconnect grace) instead of reporting that the coach left.
    const s0 = await nodes.a.status(held[0]);
    assert.equal(s0.participants.coach.connected, true, JSON.stringify(s0));
    const replay = await openWebSocket(nodes.a.port, `/events/${held[0]}?token=${nodes.a.apiKey}&since=0`);
    await replay.waitForType('participant-left', 5000);
    await sleep(500);
    const left = replay.frames.filter((f) => f.type === 'participant-left');
    assert.deepEqual(left.map((f) => f.data.participantType), ['client'], 'only the client\'s earlier leave');
    replay.ws.close();
    // The room goes on on C: presence through A reaches it.
    await nodes.a.presence(held[0], 'client', 'connect', 'client-2');
    const s = await nodes.a.status(held[0]);
    assert.equal(s.participants.client.connected, true);
  });

  it('a page\'s signaling socket on A is relayed to the node holding the room', T, async () => {
    const room = rooms.find((r) => owner(r.roomId) === 'c' && r.coachToken);
    assert.ok(room, 'an open room C holds');
    const sig = await openWebSocket(nodes.a.port, `/signal/${room.roomId}?token=${encodeURIComponent(room.coachToken)}`);
    const [welcome] = (await sig.waitForType('welcome', 5000)).filter((f) => f.type === 'welcome');
    assert.equal(welcome.data.role, 'coach');
    assert.equal(welcome.data.participantId, room.coachId);
    // The session runs on C, whose status (also through A) shows the coach connected.
    await waitUntil(async () => (await nodes.c.status(room.roomId)).participants.coach.connected === true,
      { timeoutMs: 5000, message: 'the coach connected on C' });
    assert.equal((await nodes.a.status(room.roomId)).participants.coach.connected, true);
    // C ends the session with its close code; the relay passes the code on to the page.
    const ended = await nodes.a.api('POST', `/api/rooms/${room.roomId}/end`,
      { json: { reason: 'session_completed', requestedBy: 'system' } });
    assert.equal(ended.status, 200, ended.text);
    await waitUntil(() => sig.closed !== null, { timeoutMs: 5000, message: 'the relayed socket to close' });
    assert.equal(sig.closed.code, 4010);
  });
});
