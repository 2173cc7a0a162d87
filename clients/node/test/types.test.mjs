// The TypeScript declarations against the real service: every event type roomsd sends in a room's life
// (transcript included) has its payload declared in RoomEventPayloads, field by field, with optional fields
// marked so; Express's Request is augmented with roomEvent. A `tsc --strict` compile of a sample (typescript and
// @types/node are the repository's devDependencies) checks the declarations the way a TypeScript user meets them.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import { appointment, clientFor, collector, startRoomsd } from './helpers.mjs';

const PKG_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DTS = fs.readFileSync(path.join(PKG_DIR, 'src', 'index.d.ts'), 'utf8');
const T = { timeout: 90000 };
let server;

before(async () => {
  server = await startRoomsd();
});

after(async () => {
  await server?.close();
});

// RoomEventPayloads of index.d.ts as {type: {field: optional}}.
function declaredPayloads() {
  const block = DTS.match(/export interface RoomEventPayloads \{\n([\s\S]*?)\n\}\n/);
  assert.ok(block, 'index.d.ts declares RoomEventPayloads');
  const text = block[1].replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const out = {};
  for (const [, type, body] of text.matchAll(/^ {2}'?([a-z-]+)'?: \{([\s\S]*?)\};$/gm)) {
    out[type] = Object.fromEntries([...body.matchAll(/([A-Za-z]+)(\?)?:/g)].map(([, f, q]) => [f, q === '?']));
  }
  return out;
}

describe('TypeScript declarations', () => {
  it('each event payload roomsd sends is declared, transcript included', T, async () => {
    const rooms = clientFor(server);
    try {
      const room = await rooms.createRoom(appointment({ includeAI: false }));
      const sub = rooms.subscribeToRoomEvents(room.roomId, {}, { since: 0, stopOn: ['summary-ready'] });
      const seen = collector(sub);
      await server.presence(room.roomId, 'coach', 'connect', 'c1');
      await server.presence(room.roomId, 'client', 'connect', 'k1');
      const said = await server.api('POST', `/_test/rooms/${room.roomId}/transcript`, {
        json: { role: 'coach', text: 'How was your week?' }, validate: false,
      });
      assert.equal(said.status, 200, said.text);
      await seen.waitForType('transcript');
      await rooms.endRoom(room.roomId);
      await seen.waitForType('summary-ready', 1, 45000);
      await sub.close();

      const declared = declaredPayloads();
      const union = DTS.match(/export type RoomEventType =([\s\S]*?);/)[1];
      const types = new Set(seen.frames.map((f) => f.type));
      for (const t of ['room-started', 'participant-joined', 'participant-left', 'transcript', 'room-ended', 'summary-ready']) {
        assert.ok(types.has(t), `roomsd sent ${t}`);
      }
      for (const f of seen.frames) {
        assert.ok(union.includes(`'${f.type}'`), `RoomEventType has '${f.type}'`);
        const fields = declared[f.type];
        assert.ok(fields, `RoomEventPayloads['${f.type}'] is declared`);
        for (const k of Object.keys(f.data)) assert.ok(k in fields, `${f.type}.${k} is declared (${JSON.stringify(f.data)})`);
        for (const [k, optional] of Object.entries(fields)) {
          if (!optional) assert.ok(k in f.data, `${f.type}.${k} is declared required but roomsd left it out`);
        }
      }
    } finally {
      await rooms.close();
    }
  });

  it('Express Request carries roomEvent; handlers are typed per event; the @types/node need is stated', () => {
    assert.match(DTS, /declare global \{\s*(\/\/.*\n\s*)?namespace Express \{\s*interface Request \{[\s\S]*?roomEvent\?: RoomEvent;/);
    assert.match(DTS, /\[K in RoomEventType\]\?: \(data: RoomEventPayloads\[K\]/);
    assert.match(DTS, /@types\/node/);
    const readme = fs.readFileSync(path.join(PKG_DIR, 'README.md'), 'utf8');
    assert.match(readme, /@types\/node/);
  });

  it('tsc --strict compiles a sample against index.d.ts', T, async () => {
    // typescript and @types/node are devDependencies of the repository (package.json), not of the package.
    const tsc = createRequire(path.join(PKG_DIR, 'x.js')).resolve('typescript/bin/tsc');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-client-tsc-'));
    try {
      fs.writeFileSync(path.join(dir, 'sample.ts'), `
import { RoomService, type RoomEvent } from '${path.join(PKG_DIR, 'src', 'index.js')}';
const rooms = new RoomService({ baseUrl: 'http://localhost:3001', apiKey: 'k', deadlineMs: 3000 });
rooms.subscribeToRoomEvents('r', {
  transcript: (data) => { const s: string = data.text; const c: number = data.confidence; void s; void c; },
  'room-ended': (data) => { const d: number = data.finalDuration; void d; },
});
export function handle(e: RoomEvent): string {
  if (e.type === 'participant-left') return e.data.reason;
  if (e.type === 'recording-ready') return e.data.downloadPath;
  if (e.type === 'participant-removed') return e.data.allowRejoin ? '' : e.data.reason;
  if (e.type === 'participant-readmitted') return e.data.participantType;
  return e.type;
}
export async function admin(): Promise<number> {
  const page = await rooms.listRooms({ status: ['waiting', 'active'], limit: 20 });
  let n = page.rooms.length + (page.nextCursor === null ? 0 : 1);
  for await (const room of rooms.iterateRooms({ status: 'ended', pageSize: 100 })) n += room.participants;
  const removed = await rooms.removeParticipant('r', 'client', { reason: 'Off topic', allowRejoin: false });
  const back = await rooms.readmitParticipant('r', removed.role);
  const status = await rooms.getRoomStatus('r');
  return n + (removed.wasConnected ? 1 : 0) + (back.removed ? 1 : 0) + (status.participants.client.removed?.reason.length ?? 0);
}
export async function recordings(): Promise<number> {
  const list = await rooms.listRecordings('r');
  const first = list.recordings[0];
  const link = await rooms.createRecordingLink('r', first.id, { expiresIn: 600 });
  const part = await rooms.downloadRecording('r', first.id, { range: { start: 0, end: 99 } });
  const bytes: number = part.bytes;
  return list.recordings.length + link.url.length + bytes + (first.duration ?? 0);
}
`);
      const r = await new Promise((resolve) => execFile(process.execPath, [tsc, '--strict', '--noEmit', '--module', 'nodenext',
        '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', path.join(dir, 'sample.ts')],
      { cwd: PKG_DIR, timeout: 60000 }, (error, stdout, stderr) => resolve({ code: error ? error.code : 0, out: stdout + stderr })));
      assert.equal(r.code, 0, r.out);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
