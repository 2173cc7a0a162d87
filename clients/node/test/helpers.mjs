// The client's tests run against the real build/roomsd, started by the integration suite's helper (fresh
// port and data dir, explicit secrets, test hooks for presence), on 127.0.0.1 only.
import net from 'node:net';

export {
  HOST, REPO_ROOT, ROOMSD_BIN, sleep, startRoomsd, waitUntil, withTimeout, freePort, WebhookReceiver, isoIn,
} from '../../../tests/integration/helpers/roomsd.mjs';

import { RoomService } from '../src/index.js';

// A RoomService for a test server, with short timeouts so outage tests stay quick.
export function clientFor(server, options = {}) {
  return new RoomService({
    baseUrl: server.baseUrl,
    apiKey: server.apiKey,
    jwtSecret: server.jwtSecret,
    webhookSecret: server.webhookSecret,
    timeoutMs: 3000,
    retry: { retries: 3, baseDelayMs: 50, maxDelayMs: 400 },
    breaker: { failureThreshold: 5, resetTimeoutMs: 500 },
    pendingRetryMs: 200,
    events: { reconnect: { baseDelayMs: 50, maxDelayMs: 500 }, heartbeatMs: 2000 },
    ...options,
  });
}

export const appointment = (o = {}) => ({
  coachId: `coach-${Math.random().toString(16).slice(2, 10)}`,
  clientId: `client-${Math.random().toString(16).slice(2, 10)}`,
  coach: { name: 'Casey Coach' },
  client: { name: 'Charlie Client' },
  startTime: new Date(Date.now() + 60 * 60 * 1000).toISOString(),
  duration: 60,
  includeAI: true,
  ...o,
});

// Collects a subscription's frames; waitFor(pred) resolves once pred(frames) holds (bounded).
export function collector(sub) {
  const frames = [];
  const waiters = new Set();
  sub.on('event', (f) => {
    frames.push(f);
    for (const w of [...waiters]) w();
  });
  const waitFor = (pred, timeoutMs = 10000, what = 'events') => new Promise((resolve, reject) => {
    const check = () => {
      if (pred(frames)) {
        clearTimeout(timer);
        waiters.delete(check);
        resolve(frames);
      }
    };
    const timer = setTimeout(() => {
      waiters.delete(check);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${JSON.stringify(frames.map((f) => [f.id, f.type]))}`));
    }, timeoutMs);
    waiters.add(check);
    check();
  });
  return { frames, waitFor, waitForType: (type, n = 1, t) => waitFor((fs) => fs.filter((f) => f.type === type).length >= n, t, `${n}x ${type}`) };
}

// A TCP proxy on 127.0.0.1 in front of roomsd whose connections can be cut at once (a network drop that
// roomsd does not see coming and the client gets no close frame for).
export class CuttableProxy {
  constructor(targetPort) {
    this.targetPort = targetPort;
    this.sockets = new Set();
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  }

  async listen() {
    await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = this.server.address().port;
    return this;
  }

  get baseUrl() {
    return `http://127.0.0.1:${this.port}`;
  }

  cut() {
    for (const s of this.sockets) s.resetAndDestroy?.() ?? s.destroy();
  }

  async close() {
    this.cut();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
