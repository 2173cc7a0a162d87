// roomsctl as an operator runs it: a subprocess against the real roomsd, checking its output (tables and
// --json) and its exit codes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import { freePort, sleep, startRoomsd, waitUntil } from './helpers.mjs';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/roomsctl.mjs');
const T = { timeout: 60000 };
let server;

before(async () => {
  server = await startRoomsd();
});

after(async () => {
  await server?.close();
});

// Runs roomsctl; resolves {code, stdout, stderr}. env: the operator's environment (ROOMS_URL etc.).
function roomsctl(args, { env, timeoutMs = 20000 } = {}) {
  const base = {
    PATH: process.env.PATH,
    ROOMS_URL: server.baseUrl,
    ROOM_SERVICE_API_KEY: server.apiKey,
    JWT_SIGNING_SECRET: server.jwtSecret,
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...base, ...env }, timeout: timeoutMs }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code ?? 'killed') : 0, stdout, stderr });
    });
  });
}

async function createRoom(extra = []) {
  const r = await roomsctl(['create', '--json', ...extra]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

describe('roomsctl', () => {
  it('usage: --help is 0, no command or a bad one is 1, a missing key is 1', T, async () => {
    const help = await roomsctl(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Exit codes:/);
    assert.equal((await roomsctl([])).code, 1);
    const bad = await roomsctl(['frobnicate']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /unknown command: frobnicate/);
    assert.equal((await roomsctl(['status', '--bogus-flag', 'x'])).code, 1);
    const noKey = await roomsctl(['status', crypto.randomUUID()], { env: { ROOM_SERVICE_API_KEY: '' } });
    assert.equal(noKey.code, 1);
    assert.match(noKey.stderr, /ROOM_SERVICE_API_KEY/);
    assert.equal((await roomsctl(['create', '--personality', 'grumpy'])).code, 1);
    assert.equal((await roomsctl(['create'], { env: { JWT_SIGNING_SECRET: '' } })).code, 1);
  });

  it('create mints tokens the service accepts and prints the links; status prints a table', T, async () => {
    const r = await roomsctl(['create', '--coach', 'coach-ops', '--client', 'client-ops', '--ai', '--personality', 'direct',
      '--coach-name', 'Olga Ops', '--duration', '30']);
    assert.equal(r.code, 0, r.stderr);
    const roomId = r.stdout.match(/^roomId\s+([0-9a-f-]{36})$/m)?.[1];
    assert.ok(roomId, r.stdout);
    assert.match(r.stdout, /^status\s+ready$/m);
    const coachUrl = r.stdout.match(/^coach\s+(\S+)$/m)[1];
    assert.match(coachUrl, new RegExp(`/room/${roomId}\\?token=`));
    const join = await fetch(`${server.baseUrl}/room/${roomId}/join?token=${new URL(coachUrl).searchParams.get('token')}`, { method: 'POST' });
    assert.equal(join.status, 200);
    const joined = await join.json();
    assert.equal(joined.participant.name, 'Olga Ops');
    assert.equal(joined.participant.userId, 'coach-ops');
    assert.equal(joined.room.aiOrb, true);

    await server.presence(roomId, 'coach', 'connect', 'c1');
    const status = await roomsctl(['status', roomId]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^status\s+active$/m);
    assert.match(status.stdout, /^role\s+id\s+connected\s+joinedAt\s+leftAt\s+total$/m);
    assert.match(status.stdout, /^coach\s+coach-ops\s+true\s/m);
    assert.match(status.stdout, /^client\s+client-ops\s+false\s/m);
    const asJson = await roomsctl(['status', roomId, '--json']);
    const s = JSON.parse(asJson.stdout);
    assert.equal(s.roomId, roomId);
    assert.equal(s.participants.coach.connected, true);
    const cfg = await server.status(roomId);
    assert.equal(cfg.participants.aiOrb.enabled, true);
  });

  it('exit codes: 2 not found, 3 unauthorized, 4 unavailable, 5 conflict', T, async () => {
    const missing = await roomsctl(['status', crypto.randomUUID()]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /room_not_found/);
    assert.equal((await roomsctl(['status', crypto.randomUUID()], { env: { ROOM_SERVICE_API_KEY: 'wrong' } })).code, 3);
    const down = await roomsctl(['status', crypto.randomUUID(), '--retries', '0'], { env: { ROOMS_URL: `http://127.0.0.1:${await freePort()}` } });
    assert.equal(down.code, 4);
    assert.match(down.stderr, /unreachable/);
    const room = await createRoom();
    const again = await roomsctl(['create', '--room-id', room.roomId, '--session-id', room.sessionId]);
    assert.equal(again.code, 5, 'same roomId, different body');
    assert.match(again.stderr, /room_exists/);
    const notReady = await roomsctl(['summary', room.roomId]);
    assert.equal(notReady.code, 5);
    assert.match(notReady.stderr, /summary_not_ready/);
    assert.equal((await roomsctl(['end', room.roomId, '--reason', 'bored'])).code, 1);
  });

  it('bulk-status, pre-warm, analytics, transcript, end', T, async () => {
    const a = await createRoom();
    const b = await createRoom();
    const unknown = crypto.randomUUID();
    const bulk = await roomsctl(['bulk-status', a.roomId, b.roomId, unknown]);
    assert.equal(bulk.code, 0, bulk.stderr);
    assert.match(bulk.stdout, /^room\s+status\s+participants$/m);
    assert.match(bulk.stdout, new RegExp(`^${a.roomId}\\s+waiting\\s+0$`, 'm'));
    assert.match(bulk.stdout, new RegExp(`^${unknown}\\s+not_found\\s+0$`, 'm'));
    assert.equal((await roomsctl(['bulk-status', unknown])).code, 2);

    const warm = await roomsctl(['pre-warm', a.roomId, '--start', new Date(Date.now() + 600000).toISOString()]);
    assert.equal(warm.code, 0, warm.stderr);
    assert.match(warm.stdout, /^resourcesAllocated\s+true$/m);

    const analytics = await roomsctl(['analytics', a.roomId]);
    assert.equal(analytics.code, 0, analytics.stderr);
    assert.match(analytics.stdout, /^role\s+averageRTT \(ms\)\s+packetLoss \(%\)$/m);
    assert.match(analytics.stdout, /^coach\s+0\s+0$/m);
    assert.match(analytics.stdout, /^reconnections\s+0$/m);

    assert.match((await roomsctl(['transcript', a.roomId])).stdout, /no transcript yet|\S/);
    const vtt = await roomsctl(['transcript', a.roomId, '--format', 'vtt']);
    assert.equal(vtt.code, 0);
    assert.match(vtt.stdout, /^WEBVTT/);

    const end = await roomsctl(['end', a.roomId, '--reason', 'cancelled']);
    assert.equal(end.code, 0, end.stderr);
    assert.match(end.stdout, /^reason\s+cancelled$/m);
    assert.match(end.stdout, /^requestedBy\s+system$/m);
    assert.equal((await roomsctl(['pre-warm', a.roomId])).code, 5, 'pre-warm after the end is a conflict');
  });

  it('events tail: replays with --since 0, follows live events, stops on room-ended; --count, --timeout', T, async () => {
    const room = await createRoom();
    const tail = roomsctl(['events', 'tail', room.roomId, '--since', '0']);
    await server.presence(room.roomId, 'coach', 'connect', 'c1');
    await sleep(300);
    await server.presence(room.roomId, 'client', 'connect', 'k1');
    await server.endRoom(room.roomId);
    const r = await tail;
    assert.equal(r.code, 0, r.stderr);
    const types = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/)[2]);
    assert.deepEqual(types, ['room-started', 'participant-joined', 'participant-joined', 'participant-left',
      'participant-left', 'room-ended']);
    assert.match(r.stdout, /participant-joined\s+coach /);

    const json = await roomsctl(['events', room.roomId, '--since', '0', '--json', '--count', '2']);
    assert.equal(json.code, 0, json.stderr);
    const frames = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(frames.map((f) => f.type), ['room-started', 'participant-joined']);
    assert.ok(frames[1].id > frames[0].id);
    const since = await roomsctl(['events', room.roomId, '--since', String(frames[1].id), '--json']);
    assert.equal(since.stdout.trim().split('\n').length, 4, 'resumes after the given id');

    const quiet = await createRoom();
    const t0 = Date.now();
    const timedOut = await roomsctl(['events', quiet.roomId, '--timeout', '1']);
    assert.equal(timedOut.code, 8);
    assert.ok(Date.now() - t0 < 10000);
    assert.equal((await roomsctl(['events', crypto.randomUUID(), '--timeout', '5'])).code, 2);
  });

  it('webhooks add, list, deliveries, remove', T, async () => {
    const add = await roomsctl(['webhooks', 'add', 'http://127.0.0.1:9/hooks', '--events', 'room-ended,summary-ready', '--secret', 's3cret']);
    assert.equal(add.code, 0, add.stderr);
    const id = add.stdout.match(/^id\s+(whk_\w+)$/m)?.[1];
    assert.ok(id, add.stdout);
    assert.match(add.stdout, /^secret\s+own$/m);
    const list = await roomsctl(['webhooks', 'list']);
    assert.match(list.stdout, /^id\s+url\s+events\s+secret\s+createdAt$/m);
    assert.match(list.stdout, new RegExp(`^${id}\\s+http://127.0.0.1:9/hooks\\s+room-ended, summary-ready\\s+own`, 'm'));
    const room = await createRoom();
    await server.endRoom(room.roomId);
    await waitUntil(async () => {
      const d = await roomsctl(['webhooks', 'deliveries', id, '--json']);
      return JSON.parse(d.stdout).deliveries.length > 0;
    }, { timeoutMs: 10000, message: 'a delivery in the log' });
    const deliveries = await roomsctl(['webhooks', 'deliveries', id]);
    assert.equal(deliveries.code, 0);
    assert.match(deliveries.stdout, /^id\s+event\s+type\s+state\s+attempts/m);
    assert.match(deliveries.stdout, /room-ended\s+(pending|failed)/);
    const remove = await roomsctl(['webhooks', 'remove', id]);
    assert.equal(remove.code, 0);
    assert.equal(remove.stdout.trim(), `removed ${id}`);
    assert.equal((await roomsctl(['webhooks', 'remove', id])).code, 2);
    assert.equal((await roomsctl(['webhooks', 'frob'])).code, 1);
  });

  it('summary prints the summary once the room ended (summary-ready)', T, async () => {
    const room = await createRoom();
    await server.presence(room.roomId, 'coach', 'connect', 'c1');
    await server.presence(room.roomId, 'client', 'connect', 'k1');
    await sleep(1100);
    await server.endRoom(room.roomId);
    // issue 4: the summary follows the end (409 summary_not_ready, exit 5, until it is generated).
    let r;
    await waitUntil(async () => {
      r = await roomsctl(['summary', room.roomId]);
      return r.code === 0;
    }, { timeoutMs: 45000, intervalMs: 1000, message: 'roomsctl summary to exit 0' }).catch((e) => {
      throw new Error(`${e.message}; last exit ${r?.code}: ${r?.stderr}`);
    });
    assert.match(r.stdout, /^roomId\s+/m);
    assert.match(r.stdout, /Action items:/);
    assert.match(r.stdout, /^role\s+attended\s+duration \(s\)\s+joinTime\s+leaveTime$/m);
    const json = JSON.parse((await roomsctl(['summary', room.roomId, '--json'])).stdout);
    assert.equal(json.roomId, room.roomId);
    assert.equal(typeof json.summary.textSummary, 'string');
  });

  it('events --until summary-ready follows on past room-ended to the summary', T, async () => {
    const room = await createRoom();
    await server.presence(room.roomId, 'coach', 'connect', 'c1');
    await server.endRoom(room.roomId);
    const r = await roomsctl(['events', room.roomId, '--since', '0', '--until', 'summary-ready', '--json', '--timeout', '45'],
      { timeoutMs: 50000 });
    assert.equal(r.code, 0, r.stderr);
    const types = r.stdout.trim().split('\n').map((l) => JSON.parse(l).type);
    assert.equal(types.at(-1), 'summary-ready');
    assert.ok(types.indexOf('room-ended') >= 0 && types.indexOf('room-ended') < types.length - 1, types.join(','));
    const bad = await roomsctl(['events', room.roomId, '--until', 'room-exploded']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--until must be one of/);
  });

  it('events against an unreachable URL exits 4 after bounded retries; --json errors are JSON', T, async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const t0 = Date.now();
    const down = await roomsctl(['events', crypto.randomUUID(), '--retries', '2'], { env: { ROOMS_URL: url }, timeoutMs: 15000 });
    assert.equal(down.code, 4, `exit ${down.code}: ${down.stderr}`);
    assert.ok(Date.now() - t0 < 10000);
    assert.ok(down.stderr.includes(`rooms service at ${url} unreachable`), down.stderr);

    const downJson = await roomsctl(['events', crypto.randomUUID(), '--json', '--retries', '0'], { env: { ROOMS_URL: url }, timeoutMs: 15000 });
    assert.equal(downJson.code, 4, downJson.stderr);
    const lines = downJson.stderr.trim().split('\n').map((l) => JSON.parse(l)); // every stderr line is JSON
    assert.deepEqual(lines.at(-1).error, {
      code: 'unreachable', message: lines.at(-1).error.message, exitCode: 4, url,
    });
    assert.equal(downJson.stdout, '');

    const missing = await roomsctl(['status', crypto.randomUUID(), '--json']);
    assert.equal(missing.code, 2);
    const e = JSON.parse(missing.stderr).error;
    assert.equal(e.code, 'room_not_found');
    assert.equal(e.status, 404);
    assert.equal(e.exitCode, 2);
    const unreachable = await roomsctl(['status', crypto.randomUUID(), '--json', '--retries', '0'], { env: { ROOMS_URL: url } });
    assert.equal(unreachable.code, 4);
    assert.equal(JSON.parse(unreachable.stderr).error.code, 'unreachable');
    assert.ok(JSON.parse(unreachable.stderr).error.message.includes(url));
    const usage = await roomsctl(['frobnicate', '--json']);
    assert.equal(usage.code, 1);
    assert.deepEqual(JSON.parse(usage.stderr).error, { code: 'usage', message: 'unknown command: frobnicate', exitCode: 1 });
    const refused = await roomsctl(['events', crypto.randomUUID(), '--json', '--timeout', '5']);
    assert.equal(refused.code, 2);
    assert.equal(JSON.parse(refused.stderr.trim().split('\n').at(-1)).error.exitCode, 2);
  });

  it('health', T, async () => {
    const h = await roomsctl(['health'], { env: { ROOM_SERVICE_API_KEY: '' } });
    assert.equal(h.code, 0, h.stderr);
    assert.match(h.stdout, /^status\s+healthy$/m);
  });
});
