// downloadRecording's transfer on its own, against a small HTTP server of this file's (no roomsd needed):
// Range requests and 206 answers, a file written through a temporary file, streams, retries before the first
// byte, resuming a cut or stalled transfer only when the answer is the rest of the same file, the errors of
// the recording routes, and aborting. (recordings.test.mjs runs the calls against the real roomsd.)
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, beforeEach, describe, it } from 'node:test';

import {
  BadRequest, Conflict, RecordingNotFound, RecordingNotReady, RoomService, ServiceUnavailable, Unauthorized,
} from '../src/index.js';

const FILE = crypto.randomBytes(200 * 1024 + 17);
const REC = 'rec_0123456789abcdef';
const ROOM = 'room-1';
const KEY = 'test-key';
const T = { timeout: 30000 };

// The service's download route as the contract describes it, with faults a test can program.
const server = {
  requests: [],
  // Per request, in order: a function (req, res, n) => true when it answered, or undefined for the normal answer.
  faults: [],
  file: FILE,
  contentType: 'video/webm',
};

function sendError(res, status, code, extra = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...extra });
  res.end(JSON.stringify({ success: false, error: { code, message: `${code} (test)` } }));
}

function serve(req, res) {
  const n = server.requests.length;
  server.requests.push({ method: req.method, url: req.url, headers: req.headers });
  const fault = server.faults[n];
  if (fault && fault(req, res, n)) return;
  if (req.headers.authorization !== `Bearer ${KEY}`) return sendError(res, 401, 'unauthorized');
  const file = server.file;
  const common = {
    'Content-Type': server.contentType,
    'Accept-Ranges': 'bytes',
    'Content-Disposition': `inline; filename="${REC}.webm"`,
  };
  const range = req.headers.range;
  if (!range) {
    res.writeHead(200, { ...common, 'Content-Length': String(file.length) });
    res.end(file);
    return undefined;
  }
  const m = /^bytes=(\d*)-(\d*)$/.exec(range);
  let start;
  let end;
  if (m[1] === '') {
    start = Math.max(0, file.length - Number(m[2]));
    end = file.length - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? file.length - 1 : Math.min(Number(m[2]), file.length - 1);
  }
  if (start >= file.length || start > end) {
    return sendError(res, 416, 'range_not_satisfiable', { 'Content-Range': `bytes */${file.length}` });
  }
  res.writeHead(206, { ...common, 'Content-Length': String(end - start + 1), 'Content-Range': `bytes ${start}-${end}/${file.length}` });
  res.end(file.subarray(start, end + 1));
  return undefined;
}

// Faults: send the headers of the normal answer and only `bytes` of its body, then cut or stall.
function partial(bytes, then = 'cut') {
  return (req, res) => {
    const range = req.headers.range;
    const m = range ? /^bytes=(\d+)-(\d*)$/.exec(range) : null;
    const start = m ? Number(m[1]) : 0;
    const end = m && m[2] !== '' ? Number(m[2]) : FILE.length - 1;
    const headers = { 'Content-Type': 'video/webm', 'Accept-Ranges': 'bytes', 'Content-Length': String(end - start + 1) };
    if (m) headers['Content-Range'] = `bytes ${start}-${end}/${FILE.length}`;
    res.writeHead(m ? 206 : 200, headers);
    res.write(FILE.subarray(start, start + bytes));
    if (then === 'cut') setTimeout(() => res.socket.destroy(), 20);
    return true;
  };
}

let httpServer;
let baseUrl;
let tmp;

before(async () => {
  httpServer = http.createServer(serve);
  await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${httpServer.address().port}`;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-download-'));
});

after(async () => {
  httpServer.closeAllConnections?.();
  await new Promise((resolve) => httpServer.close(resolve));
  fs.rmSync(tmp, { recursive: true, force: true });
});

beforeEach(() => {
  server.requests = [];
  server.faults = [];
  server.file = FILE;
  server.contentType = 'video/webm';
});

const client = (o = {}) => new RoomService({
  baseUrl, apiKey: KEY, timeoutMs: 2000, retry: { retries: 2, baseDelayMs: 10, maxDelayMs: 50 }, probeIntervalMs: 0, ...o,
});

async function withClient(fn, o) {
  const rooms = client(o);
  try {
    return await fn(rooms);
  } finally {
    await rooms.close();
  }
}

describe('downloadRecording (a fake service)', () => {
  it('downloads the whole file into a Buffer, with its type, size and file name', T, () => withClient(async (rooms) => {
    const r = await rooms.downloadRecording(ROOM, REC);
    assert.ok(Buffer.isBuffer(r.body));
    assert.ok(r.body.equals(FILE));
    assert.deepEqual({ ...r, body: undefined }, {
      status: 200, contentType: 'video/webm', bytes: FILE.length, size: FILE.length, range: null,
      filename: `${REC}.webm`, resumed: 0, body: undefined,
    });
    const req = server.requests[0];
    assert.equal(req.url, `/api/rooms/${ROOM}/recordings/${REC}`);
    assert.equal(req.headers.authorization, `Bearer ${KEY}`);
    assert.equal(req.headers.range, undefined);
  }));

  it('asks for a range and reports the 206 part', T, () => withClient(async (rooms) => {
    const r = await rooms.downloadRecording(ROOM, REC, { range: { start: 100, end: 1099 } });
    assert.equal(server.requests[0].headers.range, 'bytes=100-1099');
    assert.equal(r.status, 206);
    assert.ok(r.body.equals(FILE.subarray(100, 1100)));
    assert.deepEqual(r.range, { start: 100, end: 1099, size: FILE.length });
    assert.equal(r.bytes, 1000);
    assert.equal(r.size, FILE.length);
    const tail = await rooms.downloadRecording(ROOM, REC, { range: { start: FILE.length - 10 } });
    assert.equal(server.requests[1].headers.range, `bytes=${FILE.length - 10}-`);
    assert.ok(tail.body.equals(FILE.subarray(FILE.length - 10)));
    await assert.rejects(rooms.downloadRecording(ROOM, REC, { range: { start: 5, end: 2 } }), TypeError);
    await assert.rejects(rooms.downloadRecording(ROOM, REC, { range: { start: -1 } }), TypeError);
    assert.equal(server.requests.length, 2, 'a malformed range is refused before anything is sent');
  }));

  it('416: BadRequest with the file size from Content-Range', T, () => withClient(async (rooms) => {
    await assert.rejects(rooms.downloadRecording(ROOM, REC, { range: { start: FILE.length } }), (e) => {
      assert.ok(e instanceof BadRequest, e.message);
      assert.equal(e.status, 416);
      assert.equal(e.size, FILE.length);
      return true;
    });
  }));

  it('writes a file through a temporary file, and leaves none behind', T, () => withClient(async (rooms) => {
    const target = path.join(tmp, 'whole.webm');
    const r = await rooms.downloadRecording(ROOM, REC, { to: target });
    assert.equal(r.path, target);
    assert.equal(r.body, undefined);
    assert.ok(fs.readFileSync(target).equals(FILE));
    assert.deepEqual(fs.readdirSync(tmp).filter((f) => f.endsWith('.part')), []);
    // A directory that does not exist: the file system's error, nothing sent after the answer's headers.
    await assert.rejects(rooms.downloadRecording(ROOM, REC, { to: path.join(tmp, 'no', 'such', 'dir.webm') }), /ENOENT/);
  }));

  it('writes to a stream without ending it', T, () => withClient(async (rooms) => {
    const out = new PassThrough({ highWaterMark: 1024 });
    const chunks = [];
    out.on('data', (c) => chunks.push(c));
    const r = await rooms.downloadRecording(ROOM, REC, { to: out });
    assert.equal(r.bytes, FILE.length);
    assert.ok(Buffer.concat(chunks).equals(FILE));
    assert.equal(out.writableEnded, false);
    out.end();
  }));

  it('retries before the first byte (503, a refused connection) like any GET', T, () => withClient(async (rooms) => {
    server.faults[0] = (req, res) => {
      sendError(res, 503, 'draining');
      return true;
    };
    const retries = [];
    rooms.on('retry', (r) => retries.push(r));
    const r = await rooms.downloadRecording(ROOM, REC);
    assert.ok(r.body.equals(FILE));
    assert.equal(retries.length, 1);
    assert.equal(server.requests.length, 2);
  }));

  it('resumes a cut transfer from the next byte, checking it is the rest of the same file', T, () => withClient(async (rooms) => {
    server.faults[0] = partial(70000);
    const retries = [];
    rooms.on('retry', (r) => retries.push(r));
    const target = path.join(tmp, 'resumed.webm');
    const r = await rooms.downloadRecording(ROOM, REC, { to: target });
    assert.equal(r.resumed, 1);
    assert.equal(r.status, 200);
    assert.equal(r.bytes, FILE.length);
    assert.ok(fs.readFileSync(target).equals(FILE));
    assert.equal(server.requests[1].headers.range, `bytes=${retries[0].resumeAt}-${FILE.length - 1}`);
    assert.ok(retries[0].resumeAt > 0 && retries[0].resumeAt <= 70000);
    assert.equal(retries[0].error.code, 'download_interrupted');
  }));

  it('resumes a ranged download within its range', T, () => withClient(async (rooms) => {
    server.faults[0] = partial(3000);
    const r = await rooms.downloadRecording(ROOM, REC, { range: { start: 1000, end: 50999 } });
    assert.equal(r.status, 206);
    assert.deepEqual(r.range, { start: 1000, end: 50999, size: FILE.length });
    assert.ok(r.body.equals(FILE.subarray(1000, 51000)));
    assert.match(server.requests[1].headers.range, /^bytes=\d+-50999$/);
  }));

  it('a stalled body is given up after idleTimeoutMs, then resumed', T, () => withClient(async (rooms) => {
    server.faults[0] = partial(5000, 'stall');
    const t0 = Date.now();
    const r = await rooms.downloadRecording(ROOM, REC, { idleTimeoutMs: 300 });
    assert.ok(r.body.equals(FILE));
    assert.equal(r.resumed, 1);
    assert.ok(Date.now() - t0 < 5000);
  }));

  it('never appends an answer that is not the rest of the same file; no partial file is left', T, () => withClient(async (rooms) => {
    const target = path.join(tmp, 'changed.webm');
    fs.writeFileSync(target, 'an earlier download');
    server.faults[0] = partial(10000);
    server.faults[1] = (req, res) => {
      server.file = crypto.randomBytes(FILE.length + 1); // "another file" from here on
      return false;
    };
    await assert.rejects(rooms.downloadRecording(ROOM, REC, { to: target }), (e) => {
      assert.ok(e instanceof ServiceUnavailable, e.message);
      assert.equal(e.code, 'download_interrupted');
      assert.match(e.message, /not the rest of the same file/);
      assert.ok(e.bytesReceived > 0);
      return true;
    });
    assert.equal(fs.readFileSync(target, 'utf8'), 'an earlier download', 'the earlier file is untouched');
    assert.deepEqual(fs.readdirSync(tmp).filter((f) => f.endsWith('.part')), []);
  }));

  it('maxResumes: 0 ends a cut transfer with download_interrupted', T, () => withClient(async (rooms) => {
    server.faults[0] = partial(10000);
    await assert.rejects(rooms.downloadRecording(ROOM, REC, { maxResumes: 0 }),
      (e) => e instanceof ServiceUnavailable && e.code === 'download_interrupted' && e.bytesReceived > 0);
    assert.equal(server.requests.length, 1);
  }));

  it('maps the recording errors: 404, 409, 410, 403', T, () => withClient(async (rooms) => {
    const answers = [[404, 'recording_not_found'], [409, 'recording_not_ready'], [410, 'recording_failed'], [403, 'link_expired']];
    answers.forEach(([status, code], i) => {
      server.faults[i] = (req, res) => {
        sendError(res, status, code);
        return true;
      };
    });
    await assert.rejects(rooms.downloadRecording(ROOM, REC), (e) => e instanceof RecordingNotFound && e.status === 404);
    await assert.rejects(rooms.downloadRecording(ROOM, REC), (e) => e instanceof RecordingNotReady && e instanceof Conflict);
    await assert.rejects(rooms.downloadRecording(ROOM, REC),
      (e) => e instanceof Conflict && e.status === 410 && e.code === 'recording_failed');
    await assert.rejects(rooms.downloadRecording(ROOM, REC), (e) => e instanceof Unauthorized && e.code === 'link_expired');
    assert.equal(server.requests.length, 4, 'none of them retried');
  }));

  it('an AbortSignal stops the download', T, () => withClient(async (rooms) => {
    server.faults[0] = partial(5000, 'stall');
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('stop')), 200);
    const target = path.join(tmp, 'aborted.webm');
    await assert.rejects(rooms.downloadRecording(ROOM, REC, { to: target, signal: ac.signal, idleTimeoutMs: 10000 }), /stop/);
    assert.equal(fs.existsSync(target), false);
    assert.deepEqual(fs.readdirSync(tmp).filter((f) => f.endsWith('.part')), []);
    assert.equal(server.requests.length, 1, 'an abort is not resumed');
  }));

  it('deleteRecording counts a 404 after a retried attempt as deleted, not a first 404', T, () => withClient(async (rooms) => {
    server.faults[0] = (req, res) => {
      res.socket.destroy(); // the answer is lost
      return true;
    };
    server.faults[1] = (req, res) => {
      sendError(res, 404, 'recording_not_found');
      return true;
    };
    assert.deepEqual(await rooms.deleteRecording(ROOM, REC), { success: true, roomId: ROOM, recordingId: REC });
    assert.deepEqual(server.requests.map((r) => r.method), ['DELETE', 'DELETE']);
    server.requests = [];
    server.faults = [(req, res) => {
      sendError(res, 404, 'recording_not_found');
      return true;
    }];
    await assert.rejects(rooms.deleteRecording(ROOM, REC), RecordingNotFound);
  }));

  it('createRecordingLink checks expiresIn before sending', T, () => withClient(async (rooms) => {
    await assert.rejects(rooms.createRecordingLink(ROOM, REC, { expiresIn: 59 }), RangeError);
    await assert.rejects(rooms.createRecordingLink(ROOM, REC, { expiresIn: 604801 }), RangeError);
    await assert.rejects(rooms.createRecordingLink(ROOM, REC, { expiresIn: 90.5 }), TypeError);
    await assert.rejects(rooms.createRecordingLink(ROOM, REC, { expiresIn: '3600' }), TypeError);
    assert.equal(server.requests.length, 0);
  }));
});
