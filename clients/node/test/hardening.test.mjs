// Issue 18, the main app's side: a hung service (roomsd stopped with SIGSTOP) must not hold a call longer
// than its deadline; after an outage the breaker closes on the first /health answer (or a reconnected event
// socket) and pending rooms are created at once; misconfiguration is refused at construction, network
// errors name the URL, and a service that was never reached is reported loudly when it degrades creates.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { RoomService, ServiceUnavailable } from '../src/index.js';
import { appointment, clientFor, freePort, startRoomsd, waitUntil } from './helpers.mjs';

const T = { timeout: 60000 };
let server;

before(async () => {
  server = await startRoomsd();
});

after(async () => {
  await server?.close();
});

// Runs fn while roomsd is stopped by SIGSTOP (its sockets accept, nothing answers); SIGCONT in any case.
async function whileHung(fn) {
  const pid = server.proc.pid;
  process.kill(pid, 'SIGSTOP');
  try {
    return await fn();
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}

describe('overall deadline of a call (roomsd hung by SIGSTOP)', () => {
  it('createRoom goes pending within the default 5 s deadline, not after 4 x 10 s timeouts', T, async () => {
    // The package's defaults (timeoutMs 10000, 3 retries, deadlineMs 5000), only the server's details set.
    const client = new RoomService({
      baseUrl: server.baseUrl, apiKey: server.apiKey, jwtSecret: server.jwtSecret, pendingRetryMs: 60000,
    });
    client.on('warning', () => {});
    try {
      await client.getHealth(); // reached once: no never-reached warning below
      const { result, ms } = await whileHung(async () => {
        const t0 = Date.now();
        const r = await client.createRoom(appointment());
        return { result: r, ms: Date.now() - t0 };
      });
      assert.equal(result.pending, true);
      assert.ok(ms >= 4500 && ms < 6500, `settled after ${ms} ms (deadline 5000 ms)`);
      const [entry] = await client.pendingRooms();
      assert.match(entry.lastError, /within the 5000 ms deadline/);
    } finally {
      await client.close();
    }
  });

  it('a configured deadline bounds a read: ServiceUnavailable deadline_exceeded naming the URL', T, async () => {
    const client = clientFor(server, { deadlineMs: 1200, timeoutMs: 10000 });
    try {
      await whileHung(async () => {
        const t0 = Date.now();
        await assert.rejects(client.getRoomStatus(crypto.randomUUID()), (e) => {
          assert.ok(e instanceof ServiceUnavailable);
          assert.equal(e.code, 'deadline_exceeded');
          assert.ok(e.message.includes(server.baseUrl), e.message);
          assert.ok(e.url.startsWith(server.baseUrl));
          return true;
        });
        const ms = Date.now() - t0;
        assert.ok(ms >= 1100 && ms < 2500, `settled after ${ms} ms (deadline 1200 ms)`);
      });
      // A per-call deadline overrides the client's.
      await whileHung(async () => {
        const t0 = Date.now();
        await assert.rejects(client.request('GET', '/health', { deadlineMs: 400 }), (e) => e.code === 'deadline_exceeded');
        assert.ok(Date.now() - t0 < 1500);
      });
    } finally {
      await client.close();
    }
  });

  it('retries stop at the deadline against a refusing port (no retry started after it)', T, async () => {
    const client = new RoomService({
      baseUrl: `http://127.0.0.1:${await freePort()}`, apiKey: 'k', deadlineMs: 700,
      retry: { retries: 50, baseDelayMs: 100, maxDelayMs: 300, jitter: 0 }, breaker: { failureThreshold: 1000 },
    });
    try {
      const t0 = Date.now();
      await assert.rejects(client.getHealth(), (e) => e instanceof ServiceUnavailable && e.code === 'deadline_exceeded');
      assert.ok(Date.now() - t0 < 1200, `${Date.now() - t0} ms`);
    } finally {
      await client.close();
    }
  });
});

describe('the breaker probes /health while open', () => {
  it('closes on the first /health answer and creates pending rooms at once, not after resetTimeoutMs', T, async () => {
    const client = clientFor(server, {
      retry: { retries: 2, baseDelayMs: 20, maxDelayMs: 50 },
      breaker: { failureThreshold: 2, resetTimeoutMs: 60000 }, // without the probe: a minute
      pendingRetryMs: 60000,
      probeIntervalMs: 300,
    });
    const changes = [];
    client.on('circuit-state', (c) => changes.push(`${c.from}->${c.to}`));
    try {
      await client.getHealth();
      await server.stop();
      const pending = await client.createRoom(appointment());
      assert.equal(pending.pending, true);
      assert.equal(client.circuitState, 'open');
      const created = new Promise((resolve) => client.once('pending-created', resolve));
      await server.start();
      const t0 = Date.now();
      const c = await created;
      assert.ok(Date.now() - t0 < 3000, `created ${Date.now() - t0} ms after the restart`);
      assert.equal(c.roomId, pending.roomId);
      assert.equal(client.circuitState, 'closed');
      assert.deepEqual(changes, ['closed->open', 'open->closed']);
      assert.equal((await client.getRoomStatus(pending.roomId)).roomId, pending.roomId);
    } finally {
      await client.close();
    }
  });

  it('a reconnected event socket closes the breaker too', T, async () => {
    const client = clientFor(server, {
      retry: { retries: 0 }, breaker: { failureThreshold: 1, resetTimeoutMs: 60000 }, probeIntervalMs: 0,
      events: { reconnect: { baseDelayMs: 100, maxDelayMs: 200 }, heartbeatMs: 2000 },
    });
    try {
      const room = await client.createRoom(appointment());
      const sub = client.subscribeToRoomEvents(room.roomId, {});
      await new Promise((resolve) => sub.once('open', resolve));
      await server.stop();
      await assert.rejects(client.getRoomStatus(room.roomId), (e) => e instanceof ServiceUnavailable);
      assert.equal(client.circuitState, 'open');
      await server.start();
      await waitUntil(() => sub.connections >= 2, { timeoutMs: 10000, message: 'event socket reconnected' });
      assert.equal(client.circuitState, 'closed');
      assert.equal((await client.getRoomStatus(room.roomId)).roomId, room.roomId);
      await sub.close();
    } finally {
      await client.close();
    }
  });
});

describe('misconfiguration', () => {
  const saved = {};
  before(() => {
    for (const k of ['ROOM_SERVICE_URL', 'ROOM_SERVICE_API_KEY']) {
      saved[k] = process.env[k];
      delete process.env[k];
    }
  });
  after(() => {
    for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
  });

  it('a missing API key or base URL, or a malformed one, throws at construction', () => {
    assert.throws(() => new RoomService({ baseUrl: 'http://127.0.0.1:3001' }),
      (e) => e instanceof TypeError && /no API key.*ROOM_SERVICE_API_KEY/.test(e.message));
    assert.throws(() => new RoomService({ baseUrl: 'http://127.0.0.1:3001', apiKey: '' }), TypeError);
    assert.throws(() => new RoomService({ apiKey: 'k' }), (e) => e instanceof TypeError && /no base URL.*ROOM_SERVICE_URL/.test(e.message));
    assert.throws(() => new RoomService({ apiKey: 'k', baseUrl: 'localhost:3001' }), /http:\/\/ or https:\/\//);
    assert.throws(() => new RoomService({ apiKey: 'k', baseUrl: 'not a url' }), /not a URL/);
    assert.throws(() => new RoomService({ apiKey: 'k', baseUrl: 'http://u:p@127.0.0.1:3001' }), /credentials/);
    assert.throws(() => new RoomService({ apiKey: 'k', baseUrl: 'http://127.0.0.1:3001', deadlineMs: -1 }), /deadlineMs/);
    process.env.ROOM_SERVICE_URL = 'http://127.0.0.1:3001/';
    process.env.ROOM_SERVICE_API_KEY = 'from-env';
    try {
      const ok = new RoomService();
      assert.equal(ok.baseUrl, 'http://127.0.0.1:3001');
      assert.equal(ok.apiKey, 'from-env');
    } finally {
      delete process.env.ROOM_SERVICE_URL;
      delete process.env.ROOM_SERVICE_API_KEY;
    }
    // A client for /health only may go without a key, and sends no Authorization header.
    assert.equal(new RoomService({ baseUrl: 'http://127.0.0.1:3001', requireApiKey: false }).apiKey, undefined);
  });

  it('an unreachable URL is named in the error', T, async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const client = new RoomService({ baseUrl: url, apiKey: 'k', retry: { retries: 1, baseDelayMs: 10, maxDelayMs: 20 } });
    try {
      await assert.rejects(client.getRoomStatus('r1'), (e) => {
        assert.ok(e instanceof ServiceUnavailable);
        assert.ok(e.message.includes(url), e.message);
        assert.equal(e.url, `${url}/api/rooms/r1/status`);
        return true;
      });
    } finally {
      await client.close();
    }
  });

  it('warns once, loudly, when a service never reached turns creates into pending rooms', T, async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const client = new RoomService({
      baseUrl: url, apiKey: 'k', jwtSecret: 'x'.repeat(32), pendingRetryMs: 60000, retry: { retries: 0 },
    });
    const warnings = [];
    client.on('warning', (w) => warnings.push(w));
    try {
      assert.equal((await client.createRoom(appointment())).pending, true);
      assert.equal((await client.createRoom(appointment())).pending, true);
      assert.equal(warnings.length, 1);
      assert.equal(warnings[0].code, 'never_reached');
      assert.ok(warnings[0].message.includes(url), warnings[0].message);
      assert.match(warnings[0].message, /ROOM_SERVICE_URL/);
    } finally {
      await client.close();
    }
    // Without a 'warning' listener it goes to console.warn.
    const printed = [];
    const warn = console.warn;
    console.warn = (...a) => printed.push(a.join(' '));
    const quiet = new RoomService({ baseUrl: url, apiKey: 'k', jwtSecret: 'x'.repeat(32), pendingRetryMs: 60000, retry: { retries: 0 } });
    try {
      await quiet.createRoom(appointment());
      await quiet.createRoom(appointment());
    } finally {
      console.warn = warn;
      await quiet.close();
    }
    assert.equal(printed.length, 1);
    assert.ok(printed[0].includes(url));
  });

  it('no warning for an outage of a service that did answer before', T, async () => {
    const client = clientFor(server, { retry: { retries: 0 }, pendingRetryMs: 60000 });
    const warnings = [];
    client.on('warning', (w) => warnings.push(w));
    try {
      await client.getHealth();
      await server.stop();
      assert.equal((await client.createRoom(appointment())).pending, true);
      assert.deepEqual(warnings, []);
    } finally {
      await server.start();
      await client.close();
    }
  });
});
