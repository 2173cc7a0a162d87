// Runs the real build/roomsd for the integration tests and talks to it over 127.0.0.1 only.
//
//   const server = await startRoomsd();            // free port, fresh data dir, explicit secrets, test hooks
//   const res = await server.api('GET', '/health'); // every answer is checked against docs/openapi.yaml
//   await server.restart();                        // SIGTERM, then the same port and data dir again
//   await server.close();                          // stops it and removes the data dir
//
// Every wait here is bounded: requests, start-up, shutdown, WebSocket frames and webhook receivers all take
// a timeout and fail with a message (and roomsd's stderr) instead of hanging the suite.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jwt from 'jsonwebtoken';
import WebSocket from 'ws';

import { validateResponse } from './openapi.mjs';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const ROOMSD_BIN = process.env.ROOMSD_BIN || path.join(REPO_ROOT, 'build', 'roomsd');
export const HOST = '127.0.0.1';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Polls fn until it returns a truthy value (which is returned) or the deadline passes.
export async function waitUntil(fn, { timeoutMs = 10000, intervalMs = 50, message = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${message}` +
        (lastError ? ` (last error: ${lastError.message})` : ''));
    }
    await sleep(intervalMs);
  }
}

// Rejects with a clear message when p does not settle in time.
export function withTimeout(p, ms, what) {
  let timer;
  const t = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export const randomSecret = (prefix) => `${prefix}-${crypto.randomBytes(18).toString('hex')}`;

// One HTTP request on a fresh connection (no keep-alive, so restarts never meet a stale socket).
// body: string or Buffer, sent as is. Resolves {status, headers, text, json}.
export function httpRequest({ port, method = 'GET', path: p = '/', headers = {}, body, timeoutMs = 10000 }) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: HOST, port, method, path: p, headers, agent: false });
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      req.destroy();
      reject(new Error(`timed out after ${timeoutMs} ms: ${method} ${p}`));
    }, timeoutMs);
    req.on('response', (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', () => {});
      // 'close' without 'end': the server closed (or reset) the connection after its answer.
      const finish = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        let json;
        if ((res.headers['content-type'] || '').includes('application/json') && text.length > 0) {
          try {
            json = JSON.parse(text);
          } catch (e) {
            reject(new Error(`${method} ${p}: ${res.statusCode} with a body that is not JSON: ${text.slice(0, 200)}`));
            return;
          }
        }
        resolve({ status: res.statusCode, headers: res.headers, text, json, body });
      };
      res.on('end', finish);
      res.on('close', finish);
    });
    req.on('error', (e) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(e);
    });
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

// ---------------------------------------------------------------------------------------------------------
// Participant tokens and create bodies, as the main app builds them (spec "JWT Token Structure").

export function mintParticipantToken(secret, claims, options = {}) {
  const payload = {
    permissions: ['video', 'audio', 'screen-share'],
    exp: Math.floor(Date.now() / 1000) + 2 * 60 * 60,
    ...claims,
  };
  return jwt.sign(payload, secret, { algorithm: 'HS256', ...options });
}

// An unsigned token ("alg": "none"), which a verifier must refuse.
export function unsignedToken(claims) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
}

export const isoIn = (ms) => new Date(Date.now() + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

// A valid POST /api/rooms/create body. Everything can be overridden; tokens are minted for the final ids.
export function buildCreateBody(jwtSecret, o = {}) {
  const roomId = o.roomId ?? crypto.randomUUID();
  const sessionId = o.sessionId ?? crypto.randomUUID();
  const coachId = o.coachId ?? `coach-${crypto.randomBytes(4).toString('hex')}`;
  const clientId = o.clientId ?? `client-${crypto.randomBytes(4).toString('hex')}`;
  const token = (userId, role, name) =>
    mintParticipantToken(jwtSecret, { userId, roomId, sessionId, role, name, ...(o.claims ?? {}) });
  return {
    roomId,
    sessionId,
    participants: {
      coach: { id: coachId, token: o.coachToken ?? token(coachId, 'coach', 'Casey Coach') },
      client: { id: clientId, token: o.clientToken ?? token(clientId, 'client', 'Charlie Client') },
      aiOrb: o.aiOrb ?? { enabled: true, personality: 'supportive', voiceModel: 'default' },
    },
    config: {
      scheduledStartTime: o.scheduledStartTime ?? isoIn(60 * 60 * 1000),
      maxDuration: o.maxDuration ?? 3600,
      features: o.features ?? { recording: false, transcription: true, aiAssistance: true, generateSummary: true },
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// The events WebSocket.

export class EventStream {
  constructor(ws) {
    this.ws = ws;
    this.frames = [];
    this.closed = null; // {code, reason} once closed
    this.waiters = new Set();
    ws.on('message', (data, isBinary) => {
      const frame = JSON.parse(data.toString('utf8'));
      frame.__raw = data.toString('utf8');
      frame.__binary = isBinary;
      this.frames.push(frame);
      this.#notify();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString('utf8') };
      this.#notify();
    });
    ws.on('error', () => {});
  }

  #notify() {
    for (const w of [...this.waiters]) w();
  }

  // Resolves with the frames once pred(frames) is true; rejects after timeoutMs listing what arrived.
  waitFor(pred, timeoutMs = 5000, what = 'frames') {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (pred(this.frames)) {
          cleanup();
          resolve(this.frames);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ` +
          JSON.stringify(this.frames.map((f) => [f.id, f.type]))));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  waitForType(type, timeoutMs = 5000, count = 1) {
    return this.waitFor((fs) => fs.filter((f) => f.type === type).length >= count, timeoutMs, `${count}x ${type}`);
  }

  waitForClose(timeoutMs = 5000) {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.closed) {
          cleanup();
          resolve(this.closed);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for the events socket to close`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  // Frames without the test's bookkeeping fields.
  clean() {
    return this.frames.map(({ __raw, __binary, ...f }) => f);
  }

  async close(timeoutMs = 3000) {
    if (this.closed) return;
    this.ws.close();
    try {
      await this.waitForClose(timeoutMs);
    } catch {
      this.ws.terminate();
    }
  }
}

// Opens ws://127.0.0.1:port{path}. Resolves an EventStream once open; rejects with err.status/err.body when
// the handshake is refused.
export function openWebSocket(port, p, { timeoutMs = 5000, headers, localAddress } = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${HOST}:${port}${p}`, { headers, handshakeTimeout: timeoutMs, localAddress });
    const stream = new EventStream(ws);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`timed out after ${timeoutMs} ms opening ${p}`));
    }, timeoutMs + 500);
    ws.once('open', () => {
      clearTimeout(timer);
      resolve(stream);
    });
    ws.once('unexpected-response', (req, res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        const err = new Error(`WebSocket handshake refused with ${res.statusCode}`);
        err.status = res.statusCode;
        err.headers = res.headers;
        err.text = Buffer.concat(chunks).toString('utf8');
        try {
          err.json = JSON.parse(err.text);
        } catch {
          err.json = undefined;
        }
        req.destroy();
        reject(err);
      });
    });
    ws.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

// ---------------------------------------------------------------------------------------------------------
// roomsd itself.

const SERVICE_ENV = /^(ROOMS_|ROOM_SERVICE_|ROOM_WEBHOOK_SECRET$|JWT_SIGNING_SECRET$)/;

export class Roomsd {
  constructor(options = {}) {
    this.options = options;
    this.keys = options.keys ?? [randomSecret('itest-key-one'), randomSecret('itest-key-two')];
    this.apiKey = this.keys[0];
    this.jwtSecret = options.jwtSecret ?? randomSecret('itest-jwt');
    this.webhookSecret = options.webhookSecret ?? randomSecret('itest-whsec');
    this.dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'roomsd-itest-'));
    this.port = options.port ?? null;
    this.proc = null;
    this.log = ''; // stderr and stdout of every run, in order
    this.runs = 0;
  }

  get baseUrl() {
    return `http://${HOST}:${this.port}`;
  }

  get running() {
    return this.proc !== null && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  env() {
    const env = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (!SERVICE_ENV.test(k)) env[k] = v;
    }
    const rl = { perKey: 100000, perKeyBurst: 100000, perIp: 100000, perIpBurst: 100000, ...(this.options.rateLimits ?? {}) };
    Object.assign(env, {
      ROOM_SERVICE_API_KEY: this.keys.join(','),
      JWT_SIGNING_SECRET: this.jwtSecret,
      ROOM_WEBHOOK_SECRET: this.webhookSecret,
      ROOMS_RATE_LIMIT_PER_KEY: String(rl.perKey),
      ROOMS_RATE_LIMIT_PER_KEY_BURST: String(rl.perKeyBurst),
      ROOMS_RATE_LIMIT_PER_IP: String(rl.perIp),
      ROOMS_RATE_LIMIT_PER_IP_BURST: String(rl.perIpBurst),
      ROOMS_LOG_LEVEL: this.options.logLevel ?? 'info',
      // An ephemeral media port, so that several instances (restarts, parallel servers in one test) never
      // collide; the ICE candidates name the port actually bound.
      ROOMS_MEDIA_PORT: '0',
      ROOMS_ANNOUNCED_IP: '127.0.0.1',
      ...(this.databaseUrl ? { ROOMS_DATABASE_URL: this.databaseUrl } : {}),
      ...(this.options.env ?? {}),
    });
    return env;
  }

  args() {
    return [
      '--port', String(this.port),
      '--bind', HOST,
      '--data-dir', this.dataDir,
      '--enable-test-hooks',
      ...(this.options.args ?? []),
    ];
  }

  async start({ timeoutMs = 15000 } = {}) {
    if (this.running) throw new Error('roomsd is already running');
    // ROOMS_TEST_STORE=postgresql (make test-integration-postgres): every instance keeps its store in a
    // database of its own on a test PostgreSQL server, kept across its restarts as its data directory is.
    if (process.env.ROOMS_TEST_STORE === 'postgresql' && !this.databaseUrl && !this.options.env?.ROOMS_DATABASE_URL) {
      const { postgresServer } = await import('./postgres.mjs');
      this.databaseUrl = (await postgresServer()).createDatabase();
    }
    if (!fs.existsSync(ROOMSD_BIN)) throw new Error(`${ROOMSD_BIN} does not exist: build it first (make build)`);
    const fixedPort = this.port !== null;
    for (let attempt = 0; ; attempt++) {
      if (!fixedPort) this.port = await freePort();
      try {
        await this.#spawnAndWait(timeoutMs);
        return this;
      } catch (e) {
        // Another process may have taken the free port between the probe and the bind: try a new one.
        if (!fixedPort && attempt < 3 && /cannot listen/.test(this.currentLog)) continue;
        if (fixedPort && attempt < 20 && /cannot listen/.test(this.currentLog)) {
          await sleep(100);
          continue;
        }
        throw e;
      }
    }
  }

  async #spawnAndWait(timeoutMs) {
    this.runs += 1;
    this.log += `\n----- roomsd run ${this.runs} on port ${this.port} -----\n`;
    this.currentLog = '';
    // options.fdLimit: run under `ulimit -n` (soft and hard), as a descriptor-starved server would.
    // options.recordingsTmpfs ('100k'): recordings go to a tmpfs of that size in a private mount namespace
    // (root only), a disk that fills up.
    const [command, args] = this.options.recordingsTmpfs
      ? ['unshare', ['--mount', '--propagation', 'private', '--', '/bin/sh', '-c',
        `mkdir -p "$ROOMS_RECORDINGS_DIR" && mount -t tmpfs -o size=${this.options.recordingsTmpfs} tmpfs "$ROOMS_RECORDINGS_DIR" && exec "$0" "$@"`,
        ROOMSD_BIN, ...this.args()]]
      : this.options.fdLimit
      ? ['/bin/sh', ['-c', `ulimit -n ${Number(this.options.fdLimit)} && exec "$0" "$@"`, ROOMSD_BIN, ...this.args()]]
      : [ROOMSD_BIN, this.args()];
    const proc = spawn(command, args, { env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    const append = (chunk) => {
      const s = chunk.toString('utf8');
      this.log += s;
      this.currentLog += s;
      if (process.env.ROOMSD_ECHO) process.stderr.write(s);
    };
    proc.stdout.on('data', append);
    proc.stderr.on('data', append);
    this.exited = new Promise((resolve) => {
      proc.on('exit', (code, signal) => resolve({ code, signal }));
    });
    const spawnError = new Promise((_, reject) => proc.on('error', reject));
    spawnError.catch(() => {}); // handled in the race below; never an unhandled rejection later
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(`roomsd exited during start-up (${proc.exitCode ?? proc.signalCode}):\n${this.currentLog}`);
      }
      try {
        const res = await Promise.race([
          httpRequest({ port: this.port, path: '/health', timeoutMs: 1000 }),
          spawnError,
        ]);
        if (res.status === 200) return;
      } catch (e) {
        if (e.code === 'ENOENT' || e.code === 'EACCES') throw e;
      }
      if (Date.now() > deadline) {
        await this.kill9().catch(() => {});
        throw new Error(`roomsd did not answer /health within ${timeoutMs} ms:\n${this.currentLog}`);
      }
      await sleep(50);
    }
  }

  // SIGTERM and wait for the exit (SIGKILL after timeoutMs). Resolves {code, signal}.
  async stop({ timeoutMs = 10000 } = {}) {
    if (!this.running) return this.exited;
    this.proc.kill('SIGTERM');
    try {
      return await withTimeout(this.exited, timeoutMs, 'roomsd to exit after SIGTERM');
    } catch (e) {
      this.proc.kill('SIGKILL');
      await withTimeout(this.exited, 5000, 'roomsd to exit after SIGKILL');
      throw e;
    }
  }

  async kill9() {
    if (!this.running) return this.exited;
    this.proc.kill('SIGKILL');
    return withTimeout(this.exited, 5000, 'roomsd to exit after SIGKILL');
  }

  // Stops (if running) and starts again on the same port and data dir.
  async restart() {
    if (this.running) await this.stop();
    await this.start();
    return this;
  }

  // Stops and removes the data dir. Safe to call twice.
  async close() {
    try {
      if (this.running) await this.stop().catch(() => this.kill9());
    } finally {
      if (!this.options.keepDataDir && !process.env.ROOMSD_KEEP_DATA) {
        fs.rmSync(this.dataDir, { recursive: true, force: true });
      }
    }
  }

  // An HTTP request to roomsd. Options:
  //   json: a value sent as application/json;  body: a raw string/Buffer (no content type unless given)
  //   key: the API key (default the first); noAuth: send no Authorization header
  //   headers: extra headers;  validate: check the answer against docs/openapi.yaml (default true)
  async api(method, p, { json, body, key, noAuth = false, headers = {}, validate = true, timeoutMs = 10000 } = {}) {
    const h = { ...headers };
    if (!noAuth && !Object.keys(h).some((k) => k.toLowerCase() === 'authorization')) {
      h.Authorization = `Bearer ${key ?? this.apiKey}`;
    }
    let payload = body;
    if (json !== undefined) {
      payload = JSON.stringify(json);
      if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/json';
    }
    const res = await httpRequest({ port: this.port, method, path: p, headers: h, body: payload, timeoutMs });
    if (validate) {
      validateResponse(method, p, res);
      // docs/api.md: every response carries X-Request-Id.
      if (!/^[A-Za-z0-9._:@-]{1,128}$/.test(res.headers['x-request-id'] ?? '')) {
        throw new Error(`${method} ${p} answered ${res.status} without an X-Request-Id header`);
      }
    }
    return res;
  }

  // POST /api/rooms/create with a valid body (overrides as in buildCreateBody); asserts 201.
  async createRoom(overrides = {}) {
    const body = buildCreateBody(this.jwtSecret, overrides);
    const res = await this.api('POST', '/api/rooms/create', { json: body });
    if (res.status !== 201) {
      throw new Error(`create failed: ${res.status} ${res.text}`);
    }
    return { roomId: body.roomId, sessionId: body.sessionId, body, res };
  }

  // The test hook that stands in for the media plane.
  async presence(roomId, role, action, connectionId, extra = {}) {
    const res = await this.api('POST', `/_test/rooms/${roomId}/presence`, {
      json: { role, action, connectionId, ...extra },
    });
    if (res.status !== 200) throw new Error(`presence ${role} ${action} failed: ${res.status} ${res.text}`);
    return res;
  }

  async status(roomId) {
    const res = await this.api('GET', `/api/rooms/${roomId}/status`);
    if (res.status !== 200) throw new Error(`status failed: ${res.status} ${res.text}`);
    return res.json;
  }

  async endRoom(roomId, requestedBy = 'system', reason = 'session_completed') {
    const res = await this.api('POST', `/api/rooms/${roomId}/end`, { json: { reason, requestedBy } });
    if (res.status !== 200) throw new Error(`end failed: ${res.status} ${res.text}`);
    return res.json;
  }

  // /events/{roomId}?token=KEY[&since=N]
  events(roomId, { since, key, query } = {}) {
    let q = `token=${encodeURIComponent(key ?? this.apiKey)}`;
    if (since !== undefined) q += `&since=${since}`;
    if (query !== undefined) q = query;
    return openWebSocket(this.port, `/events/${roomId}${q ? `?${q}` : ''}`);
  }

  // Text of every run's stderr/stdout, for assertions and for failure messages.
  tail(n = 40) {
    return this.log.split('\n').slice(-n).join('\n');
  }
}

// Runs roomsd to its exit (it is expected to refuse to start). Resolves {code, signal, output}.
export async function runToExit(args, env = {}, timeoutMs = 10000) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !SERVICE_ENV.test(k)));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roomsd-cfg-'));
  const port = await freePort();
  const proc = spawn(ROOMSD_BIN, ['--bind', HOST, '--port', String(port), '--data-dir', dataDir, ...args], {
    env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout.on('data', (c) => { output += c; });
  proc.stderr.on('data', (c) => { output += c; });
  try {
    const { code, signal } = await withTimeout(new Promise((resolve) => proc.on('exit', (c, s) => resolve({ code: c, signal: s }))),
      timeoutMs, `roomsd ${args.join(' ')} to exit`);
    return { code, signal, output };
  } finally {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function startRoomsd(options = {}) {
  const server = new Roomsd(options);
  try {
    await server.start();
  } catch (e) {
    await server.close().catch(() => {});
    throw e;
  }
  return server;
}

// ---------------------------------------------------------------------------------------------------------
// A local webhook receiver on 127.0.0.1.

export class WebhookReceiver {
  constructor() {
    this.requests = [];
    this.respond = () => 200; // (request) => status
    this.server = null;
    this.port = null;
    this.waiters = new Set();
    this.sockets = new Set();
  }

  get url() {
    return `http://${HOST}:${this.port}/hooks/rooms`;
  }

  async listen(port = this.port ?? 0) {
    this.server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const entry = {
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          receivedAt: Date.now(),
        };
        const status = this.respond(entry);
        entry.answered = status;
        this.requests.push(entry);
        res.writeHead(status, { 'Content-Type': 'text/plain' });
        res.end(status < 300 ? 'ok' : 'not now');
        for (const w of [...this.waiters]) w();
      });
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, HOST, resolve);
    });
    this.port = this.server.address().port;
    return this;
  }

  // Stops listening and drops open (keep-alive) connections, so the next delivery finds nobody there.
  async close() {
    if (!this.server) return;
    const srv = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    await withTimeout(new Promise((resolve) => srv.close(resolve)), 5000, 'webhook receiver to close');
  }

  waitFor(pred, timeoutMs = 10000, what = 'a webhook delivery') {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.requests.find(pred);
        if (hit) {
          cleanup();
          resolve(hit);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received ` +
          JSON.stringify(this.requests.map((r) => [r.headers['x-room-event'], r.answered]))));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }
}

export const hmacHex = (secret, text) => crypto.createHmac('sha256', secret).update(text).digest('hex');
