// The recording calls against the real roomsd, as far as they go without media (a browser test records real
// calls): the list of a room that records nothing, the status's `recording`, the 404s of each route, signed
// link parameters and refusals, webhooks for the two recording events, and `roomsctl recordings` (output,
// --json, exit codes). Every raw answer is also checked against docs/openapi.yaml by the helper.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import { BadRequest, RecordingNotFound, RoomNotFound, Unauthorized } from '../src/index.js';
import { appointment, clientFor, startRoomsd } from './helpers.mjs';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/roomsctl.mjs');
const T = { timeout: 60000 };
const UNKNOWN_REC = 'rec_00000000000000000000000000000000';
let server;
let rooms;
let tmp;

before(async () => {
  server = await startRoomsd();
  rooms = clientFor(server);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-recordings-'));
});

after(async () => {
  await rooms?.close();
  await server?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

function roomsctl(args, { env, cwd = tmp, timeoutMs = 20000 } = {}) {
  const base = { PATH: process.env.PATH, ROOMS_URL: server.baseUrl, ROOM_SERVICE_API_KEY: server.apiKey };
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...base, ...env }, cwd, timeout: timeoutMs, encoding: 'buffer' },
      (error, stdout, stderr) => resolve({ code: error ? (error.code ?? 'killed') : 0, stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8') }));
  });
}

const recordingPath = (roomId, id = UNKNOWN_REC, suffix = '') => `/api/rooms/${roomId}/recordings/${id}${suffix}`;
const newRoom = (o = {}) => rooms.createRoom(appointment({ includeAI: false, ...o }));

describe('recordings against roomsd (no media)', () => {
  it('a room that records nothing lists none and says so; /status has recording: false', T, async () => {
    const room = await newRoom();
    const list = await rooms.listRecordings(room.roomId);
    assert.deepEqual(list, { roomId: room.roomId, recording: false, recordings: [] });
    const raw = await server.api('GET', `/api/rooms/${room.roomId}/recordings`); // checked against openapi.yaml
    assert.equal(raw.status, 200);
    assert.deepEqual(raw.json, list);
    const status = await rooms.getRoomStatus(room.roomId);
    assert.equal(status.recording, false);

    // Joined, still not recording (features.recording is off by default).
    await server.presence(room.roomId, 'coach', 'connect', 'c1');
    assert.equal((await rooms.getRoomStatus(room.roomId)).recording, false);
    assert.deepEqual((await rooms.listRecordings(room.roomId)).recordings, []);
    await server.endRoom(room.roomId);
    assert.deepEqual(await rooms.listRecordings(room.roomId), { roomId: room.roomId, recording: false, recordings: [] },
      'an ended room still lists (nothing)');
  });

  it('404: room_not_found for an unknown room on every route, recording_not_found for an unknown recording', T, async () => {
    const missing = crypto.randomUUID();
    const isRoomNotFound = (e) => e instanceof RoomNotFound && !(e instanceof RecordingNotFound) &&
      e.status === 404 && e.code === 'room_not_found';
    await assert.rejects(rooms.listRecordings(missing), isRoomNotFound);
    await assert.rejects(rooms.downloadRecording(missing, UNKNOWN_REC), isRoomNotFound);
    await assert.rejects(rooms.createRecordingLink(missing, UNKNOWN_REC), isRoomNotFound);
    await assert.rejects(rooms.deleteRecording(missing, UNKNOWN_REC), isRoomNotFound);

    const room = await newRoom();
    const isRecordingNotFound = (e) => e instanceof RecordingNotFound && e instanceof RoomNotFound &&
      e.status === 404 && e.code === 'recording_not_found';
    await assert.rejects(rooms.downloadRecording(room.roomId, UNKNOWN_REC), isRecordingNotFound);
    await assert.rejects(rooms.downloadRecording(room.roomId, UNKNOWN_REC, { range: { start: 0, end: 9 } }), isRecordingNotFound);
    await assert.rejects(rooms.createRecordingLink(room.roomId, UNKNOWN_REC, { expiresIn: 600 }), isRecordingNotFound);
    await assert.rejects(rooms.deleteRecording(room.roomId, UNKNOWN_REC), isRecordingNotFound,
      'a first DELETE that finds nothing is a 404, not a success');

    // The same answers, raw, checked against docs/openapi.yaml.
    for (const [method, p, json] of [
      ['GET', `/api/rooms/${missing}/recordings`],
      ['GET', recordingPath(missing)],
      ['POST', recordingPath(missing, UNKNOWN_REC, '/link'), {}],
      ['DELETE', recordingPath(missing)],
    ]) {
      const res = await server.api(method, p, { json });
      assert.equal(res.status, 404, `${method} ${p}: ${res.text}`);
      assert.equal(res.json.error.code, 'room_not_found', `${method} ${p}`);
    }
    for (const [method, p, json] of [
      ['GET', recordingPath(room.roomId)],
      ['POST', recordingPath(room.roomId, UNKNOWN_REC, '/link'), { expiresIn: 3600 }],
      ['DELETE', recordingPath(room.roomId)],
    ]) {
      const res = await server.api(method, p, { json });
      assert.equal(res.status, 404, `${method} ${p}: ${res.text}`);
      assert.equal(res.json.error.code, 'recording_not_found', `${method} ${p}`);
    }
  });

  it('links: expiresIn outside 60..604800 is refused by the client before sending, and by the service', T, async () => {
    const room = await newRoom();
    await assert.rejects(rooms.createRecordingLink(room.roomId, UNKNOWN_REC, { expiresIn: 59 }), RangeError);
    await assert.rejects(rooms.createRecordingLink(room.roomId, UNKNOWN_REC, { expiresIn: 604801 }), RangeError);
    await assert.rejects(rooms.createRecordingLink(room.roomId, UNKNOWN_REC, { expiresIn: 1.5 }), TypeError);
    // The service checks the body too. Whether it looks the recording up before or after the body is not
    // part of the contract, so an unknown recording may answer either; a bad body never gets a 2xx.
    for (const body of [{ expiresIn: 59 }, { expiresIn: 604801 }, { expiresIn: 0 }, { expiresIn: -60 }, { expiresIn: '3600' },
      { expiresIn: 90.5 }]) {
      const res = await server.api('POST', recordingPath(room.roomId, UNKNOWN_REC, '/link'), { json: body });
      assert.ok((res.status === 400 && res.json.error.code === 'invalid_request') ||
        (res.status === 404 && res.json.error.code === 'recording_not_found'),
      `${JSON.stringify(body)}: ${res.status} ${res.text}`);
    }
    const wrongKey = await server.api('POST', recordingPath(room.roomId, UNKNOWN_REC, '/link'), { json: {}, key: 'wrong-key' });
    assert.equal(wrongKey.status, 401);
  });

  it('downloads need the key or a valid signature, checked before the recording is looked up', T, async () => {
    const room = await newRoom();
    // Without credentials nothing is told about what exists.
    const none = await server.api('GET', recordingPath(room.roomId), { noAuth: true });
    assert.equal(none.status, 401, none.text);
    const future = Math.floor(Date.now() / 1000) + 600;
    const forged = await server.api('GET', `${recordingPath(room.roomId)}?expires=${future}&signature=${'ab'.repeat(32)}`,
      { noAuth: true });
    assert.equal(forged.status, 403, forged.text);
    assert.equal(forged.json.error.code, 'invalid_signature');
    const withKey = await rooms.downloadRecording(room.roomId, UNKNOWN_REC).catch((e) => e);
    assert.ok(withKey instanceof RecordingNotFound, `with the key the recording is looked up: ${withKey}`);
    const bad = clientFor(server, { apiKey: 'not-the-key' });
    try {
      await assert.rejects(bad.downloadRecording(room.roomId, UNKNOWN_REC), (e) => e instanceof Unauthorized && e.status === 401);
      await assert.rejects(bad.listRecordings(room.roomId), Unauthorized);
    } finally {
      await bad.close();
    }
  });

  it('a malformed range is refused before sending', T, async () => {
    const room = await newRoom();
    await assert.rejects(rooms.downloadRecording(room.roomId, UNKNOWN_REC, { range: { start: 10, end: 5 } }), TypeError);
    await assert.rejects(rooms.downloadRecording(room.roomId, UNKNOWN_REC, { range: { start: -1 } }), TypeError);
  });

  it('webhooks can be registered for recording-started and recording-ready', T, async () => {
    const r = await rooms.configureWebhook({ url: 'http://127.0.0.1:9/recordings', events: ['recording-started', 'recording-ready'] });
    try {
      assert.deepEqual([...r.webhook.events].sort(), ['recording-ready', 'recording-started']);
    } finally {
      await rooms.deleteWebhook(r.webhook.id);
    }
    await assert.rejects(rooms.configureWebhook({ url: 'http://127.0.0.1:9/x', events: ['recording-exploded'] }), BadRequest);
  });

  it('roomsctl recordings: the list as a table and as JSON; exit codes of unknown rooms and recordings', T, async () => {
    const room = await newRoom();
    const list = await roomsctl(['recordings', room.roomId]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`^roomId\\s+${room.roomId}$`, 'm'));
    assert.match(list.stdout, /^recording\s+off$/m);
    assert.match(list.stdout, /^\(no recordings\)$/m);
    const json = await roomsctl(['recordings', room.roomId, '--json']);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), { roomId: room.roomId, recording: false, recordings: [] });

    const missing = await roomsctl(['recordings', crypto.randomUUID()]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /room_not_found/);
    for (const flags of [['--download', UNKNOWN_REC], ['--download', UNKNOWN_REC, '--out', 'x.webm'], ['--link', UNKNOWN_REC],
      ['--link', UNKNOWN_REC, '--expires-in', '600'], ['--delete', UNKNOWN_REC]]) {
      const r = await roomsctl(['recordings', room.roomId, ...flags, '--json']);
      assert.equal(r.code, 2, `${flags.join(' ')}: ${r.stderr}`);
      assert.equal(JSON.parse(r.stderr.trim().split('\n').at(-1)).error.code, 'recording_not_found', flags.join(' '));
      assert.equal(r.stdout, '');
    }
    assert.deepEqual(fs.readdirSync(tmp), [], 'a failed download leaves no file');
  });

  it('roomsctl recordings: usage errors exit 1 before anything is sent', T, async () => {
    const room = await newRoom();
    const help = await roomsctl(['--help']);
    assert.match(help.stdout, /recordings ROOM_ID --download REC_ID/);
    for (const args of [
      ['recordings'],
      ['recordings', room.roomId, '--download', 'a', '--delete', 'b'],
      ['recordings', room.roomId, '--link', 'a', '--expires-in', '59'],
      ['recordings', room.roomId, '--link', 'a', '--expires-in', '604801'],
      ['recordings', room.roomId, '--link', 'a', '--expires-in', 'soon'],
      ['recordings', room.roomId, '--expires-in', '600'],
      ['recordings', room.roomId, '--out', 'x.webm'],
      ['recordings', room.roomId, '--delete', 'a', '--out', 'x.webm'],
      ['recordings', room.roomId, 'extra'],
    ]) {
      const r = await roomsctl(args);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    }
    const noKey = await roomsctl(['recordings', room.roomId], { env: { ROOM_SERVICE_API_KEY: '' } });
    assert.equal(noKey.code, 1);
    assert.match(noKey.stderr, /ROOM_SERVICE_API_KEY/);
  });
});
