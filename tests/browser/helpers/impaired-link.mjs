// A user-space network impairment in front of a UDP server (the kernel here has no netem): a UDP relay that
// a client talks to instead of the server itself, delaying, losing, reordering and rate-limiting each
// direction on its own.
//
//   const link = await startImpairedLink({ target: { port: coturnPort }, seed: 1,
//     up: { loss: 0.03, delayMs: 40 }, down: { loss: 0.03, delayMs: 40 } });
//   // the client sends to 127.0.0.1:link.port; await link.stats() -> {up: {...}, down: {...}}
//   await link.setProfile({ up: {...}, down: {...} });  // takes effect for the next datagram
//   await link.close();
//
// The link runs in a thread of its own (impaired-link-worker.mjs), so that its timers fire on time whatever
// the test's main thread is busy with; link.lastStats is the last stats() answer, for error messages built
// synchronously.
//
// "up" is client -> target, "down" is target -> client. Each client address gets its own socket towards the
// target, so the target (a TURN server) sees one 5-tuple per client, as without the relay.
//
// A direction's profile (every field optional; nothing set is a clean wire):
//   loss         probability that a datagram is dropped, independently of the others (0..1)
//   burst        Gilbert-Elliott loss instead: {p, r, lossBad = 1, lossGood = 0}. Two states, Good and Bad;
//                before each datagram the chain moves Good -> Bad with probability p and Bad -> Good with r,
//                then the datagram is lost with the state's probability. Mean loss is
//                (p * lossBad + r * lossGood) / (p + r), a Bad spell lasts 1/r datagrams on average.
//                gilbertElliott({meanLoss, meanBurst}) gives p and r for lossBad = 1, lossGood = 0.
//   delayMs      one-way delay added to every datagram
//   jitterMs     plus a uniform random 0..jitterMs on top of delayMs; the order is kept (a datagram never
//                leaves before the one in front of it), as a real queue would, unless reorder is set
//   reorder      probability that a datagram is held reorderMs longer than the rest and overtaken
//   reorderMs    how much longer (default 20)
//   rateBps      a bottleneck of this many bit/s: datagrams are serialized at that rate (IP+UDP headers
//                counted: 28 bytes each) behind a drop-tail queue of queueBytes
//   queueBytes   the bottleneck's queue (default: 100 ms at rateBps, at least 10 kB); a datagram that does
//                not fit in it is dropped
// Order through one direction: loss, then the bottleneck queue, then delay and jitter.
//
// Timing: every datagram due goes into one binary heap per link, with one timer armed for the earliest. A
// timer of Node fires up to about a millisecond late; the tests (tests/integration/impaired-link.test.mjs)
// measure what that costs.
import dgram from 'node:dgram';
import { Worker } from 'node:worker_threads';

const HOST = '127.0.0.1';
const UDP_IP_HEADER_BYTES = 28;
const MAX_CLIENTS = 64;

// sfc32 seeded through splitmix32: small, fast, and good enough for impairments; the same seed gives the same
// drops for the same sequence of datagrams.
export function prng(seed) {
  let s = seed >>> 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

// p and r of a Gilbert chain (lossBad 1, lossGood 0) with this mean loss and mean burst length in datagrams.
export function gilbertElliott({ meanLoss, meanBurst }) {
  const r = 1 / meanBurst;
  const p = (meanLoss * r) / (1 - meanLoss);
  return { p, r, lossBad: 1, lossGood: 0 };
}

const now = () => performance.now();

class MinHeap {
  constructor() {
    this.a = [];
  }

  get size() {
    return this.a.length;
  }

  peek() {
    return this.a[0];
  }

  // Ties leave in arrival order (seq), so equal due times never reorder.
  static less(x, y) {
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }

  push(v) {
    const a = this.a;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!MinHeap.less(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }

  pop() {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && MinHeap.less(a[l], a[m])) m = l;
        if (r < a.length && MinHeap.less(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}

const emptyCounters = () => ({
  packetsIn: 0, bytesIn: 0, packetsOut: 0, bytesOut: 0,
  droppedLoss: 0, droppedQueue: 0, dropped: 0, reordered: 0, maxQueueBytes: 0,
  // how late datagrams left against their due time: what the timer costs
  lateMsSum: 0, lateMsMax: 0,
});

// One direction's impairment state: decides for each datagram whether and when it leaves.
export class Direction {
  constructor(profile = {}, seed = 1) {
    this.random = prng(seed);
    this.counters = emptyCounters();
    this.bad = false; // Gilbert-Elliott state
    this.busyUntil = 0; // when the bottleneck has sent everything queued so far
    this.lastDue = 0; // the latest in-order departure, so jitter never reorders
    this.set(profile);
  }

  set(profile = {}) {
    const p = { ...profile };
    for (const k of ['loss', 'reorder']) {
      if (p[k] !== undefined && !(p[k] >= 0 && p[k] <= 1)) throw new Error(`${k} must be within 0..1: ${p[k]}`);
    }
    if (p.burst) {
      const { p: gp, r: gr } = p.burst;
      if (!(gp >= 0 && gp <= 1 && gr > 0 && gr <= 1)) throw new Error(`burst needs 0 <= p <= 1 and 0 < r <= 1: ${JSON.stringify(p.burst)}`);
      p.burst = { lossBad: 1, lossGood: 0, ...p.burst };
    }
    if (p.rateBps !== undefined && !(p.rateBps > 0)) throw new Error(`rateBps must be positive: ${p.rateBps}`);
    if (p.rateBps && p.queueBytes === undefined) p.queueBytes = Math.max(10000, Math.round(p.rateBps / 8 / 10));
    this.profile = p;
  }

  // The time (performance.now() ms) the datagram is to be delivered, or null when it is dropped.
  admit(bytes, t = now()) {
    const c = this.counters;
    const p = this.profile;
    c.packetsIn += 1;
    c.bytesIn += bytes;
    let lost = false;
    if (p.burst) {
      const b = p.burst;
      this.bad = this.bad ? this.random() >= b.r : this.random() < b.p;
      lost = this.random() < (this.bad ? b.lossBad : b.lossGood);
    } else if (p.loss) {
      lost = this.random() < p.loss;
    }
    if (lost) {
      c.droppedLoss += 1;
      c.dropped += 1;
      return null;
    }
    let leaves = t;
    if (p.rateBps) {
      const wireBytes = bytes + UDP_IP_HEADER_BYTES;
      const start = Math.max(t, this.busyUntil);
      // What is still queued in front of this datagram, in bytes at the bottleneck's rate.
      const backlog = ((start - t) * p.rateBps) / 8000;
      if (backlog + wireBytes > p.queueBytes) {
        c.droppedQueue += 1;
        c.dropped += 1;
        return null;
      }
      c.maxQueueBytes = Math.max(c.maxQueueBytes, Math.round(backlog + wireBytes));
      this.busyUntil = start + (wireBytes * 8000) / p.rateBps;
      leaves = this.busyUntil;
    }
    let due = leaves + (p.delayMs ?? 0);
    if (p.jitterMs) due += this.random() * p.jitterMs;
    if (p.reorder && this.random() < p.reorder) {
      c.reordered += 1;
      return due + (p.reorderMs ?? 20);
    }
    due = Math.max(due, this.lastDue);
    this.lastDue = due;
    return due;
  }

  sent(bytes, lateMs) {
    const c = this.counters;
    c.packetsOut += 1;
    c.bytesOut += bytes;
    c.lateMsSum += lateMs;
    if (lateMs > c.lateMsMax) c.lateMsMax = lateMs;
  }

  stats() {
    const c = { ...this.counters };
    c.lateMsMean = c.packetsOut ? c.lateMsSum / c.packetsOut : 0;
    delete c.lateMsSum;
    return c;
  }

  resetCounters() {
    this.counters = emptyCounters();
  }
}

export class ImpairedLink {
  // target: {host = 127.0.0.1, port}; up/down: profiles (above); seed: the PRNG seed (each direction derives
  // its own); port: where to listen (0: any free port).
  constructor({ target, up = {}, down = {}, seed = 1, port = 0 }) {
    if (!target?.port) throw new Error('ImpairedLink needs target.port');
    this.target = { host: HOST, ...target };
    this.requestedPort = port;
    this.seed = seed;
    this.up = new Direction(up, seed * 2 + 1);
    this.down = new Direction(down, seed * 2 + 2);
    this.heap = new MinHeap();
    this.seq = 0;
    this.timer = null;
    this.timerAt = Infinity;
    this.clients = new Map(); // "addr:port" -> {socket, address, port}
    this.socket = null;
    this.closed = false;
  }

  get port() {
    return this.socket?.address().port;
  }

  async listen() {
    this.socket = dgram.createSocket('udp4');
    this.socket.on('message', (msg, rinfo) => this.#fromClient(msg, rinfo));
    this.socket.on('error', () => {}); // ICMP port unreachable and the like: a real link ignores them too
    await new Promise((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.bind(this.requestedPort, HOST, () => {
        this.socket.off('error', reject);
        resolve();
      });
    });
    return this;
  }

  setProfile({ up, down } = {}) {
    if (up) this.up.set(up);
    if (down) this.down.set(down);
  }

  // A new profile with the state (queue, Gilbert-Elliott chain, PRNG) back at its start, so two calls measured
  // one after the other meet the same random sequence (not the same datagrams: they send different ones).
  reset({ up = {}, down = {} } = {}) {
    this.up = new Direction(up, this.seed * 2 + 1);
    this.down = new Direction(down, this.seed * 2 + 2);
  }

  resetCounters() {
    this.up.resetCounters();
    this.down.resetCounters();
  }

  stats() {
    return { up: this.up.stats(), down: this.down.stats(), clients: this.clients.size, queued: this.heap.size };
  }

  #fromClient(msg, rinfo) {
    const key = `${rinfo.address}:${rinfo.port}`;
    let client = this.clients.get(key);
    if (!client) {
      if (this.clients.size >= MAX_CLIENTS || this.closed) return;
      const s = dgram.createSocket('udp4');
      client = { socket: s, address: rinfo.address, port: rinfo.port, ready: false, backlog: [] };
      this.clients.set(key, client);
      s.on('message', (m) => this.#enqueue(this.down, m, (buf) => this.socket.send(buf, client.port, client.address)));
      s.on('error', () => {});
      s.bind(0, HOST, () => {
        client.ready = true;
        for (const f of client.backlog.splice(0)) f();
      });
    }
    this.#enqueue(this.up, msg, (buf) => {
      const send = () => client.socket.send(buf, this.target.port, this.target.host);
      if (client.ready) send();
      else client.backlog.push(send);
    });
  }

  #enqueue(dir, msg, send) {
    if (this.closed) return;
    const t = now();
    const due = dir.admit(msg.length, t);
    if (due === null) return;
    if (due <= t && this.heap.size === 0) {
      dir.sent(msg.length, 0);
      send(msg);
      return;
    }
    this.heap.push({ at: due, seq: this.seq++, dir, msg, send });
    this.#arm();
  }

  #arm() {
    if (this.heap.size === 0) return;
    const at = this.heap.peek().at;
    if (this.timer && at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    // setTimeout rounds down to whole milliseconds and fires late rather than early; asking for the floor
    // keeps the mean lateness near half a millisecond instead of one and a half.
    this.timer = setTimeout(() => this.#flush(), Math.max(0, Math.floor(at - now())));
  }

  #flush() {
    this.timer = null;
    this.timerAt = Infinity;
    // Within 0.5 ms counts as due: waiting for another timer would make it later than sending it now.
    const t = now() + 0.5;
    while (this.heap.size > 0 && this.heap.peek().at <= t) {
      const e = this.heap.pop();
      e.dir.sent(e.msg.length, Math.max(0, now() - e.at));
      e.send(e.msg);
    }
    this.#arm();
  }

  async close() {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.heap = new MinHeap();
    const closing = [this.socket, ...[...this.clients.values()].map((c) => c.socket)].filter(Boolean)
      .map((s) => new Promise((resolve) => {
        try {
          s.close(resolve);
        } catch {
          resolve();
        }
      }));
    this.clients.clear();
    await Promise.race([Promise.all(closing), new Promise((r) => setTimeout(r, 2000))]);
  }
}

// The link on its own thread; the same operations as ImpairedLink, each answered asynchronously.
class ImpairedLinkThread {
  constructor(worker, port) {
    this.worker = worker;
    this.port = port;
    this.nextId = 0;
    this.pending = new Map();
    this.lastStats = null;
    worker.on('message', ({ id, result, error }) => {
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      if (error) p.reject(new Error(`impaired link: ${error}`));
      else p.resolve(result);
    });
    worker.on('error', (e) => this.#failAll(e));
    // Kept fresh for error messages, which are built synchronously.
    this.refresh = setInterval(() => this.stats().catch(() => {}), 1000);
    this.refresh.unref();
    worker.on('exit', () => this.#failAll(new Error('impaired link: its thread exited')));
  }

  #failAll(e) {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  #call(op, arg) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, op, arg });
    });
  }

  async stats() {
    this.lastStats = await this.#call('stats');
    return this.lastStats;
  }

  setProfile(profiles) {
    return this.#call('setProfile', profiles);
  }

  reset(profiles) {
    return this.#call('reset', profiles);
  }

  resetCounters() {
    return this.#call('resetCounters');
  }

  async close() {
    clearInterval(this.refresh);
    try {
      await Promise.race([this.#call('close'), new Promise((r) => setTimeout(r, 3000).unref())]);
    } finally {
      await this.worker.terminate();
    }
  }
}

export async function startImpairedLink(options) {
  const worker = new Worker(new URL('./impaired-link-worker.mjs', import.meta.url), { workerData: options });
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(null), 10000);
    worker.once('message', (m) => {
      clearTimeout(timer);
      resolve(m);
    });
    worker.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
  if (!ready?.ready) {
    await worker.terminate();
    throw new Error(`impaired link: ${ready?.error ?? 'its thread did not start within 10 s'}`);
  }
  return new ImpairedLinkThread(worker, ready.port);
}

// The profiles the browser test and bench-quality use, by name: the same impairment both ways.
const both = (p) => ({ up: p, down: p });
export const PROFILES = {
  // Delay only: the clean link a change is measured on next to the impaired ones (not in bench-quality's
  // default list).
  'clean-40ms': both({ delayMs: 40 }),
  'loss1-40ms': both({ loss: 0.01, delayMs: 40 }),
  'loss3-40ms': both({ loss: 0.03, delayMs: 40 }),
  'loss5-40ms': both({ loss: 0.05, delayMs: 40 }),
  'loss10-40ms': both({ loss: 0.10, delayMs: 40 }),
  // 3% mean loss in bursts of 4 datagrams on average (p 0.0077, r 0.25).
  'burst3-40ms': both({ burst: gilbertElliott({ meanLoss: 0.03, meanBurst: 4 }), delayMs: 40 }),
  // 40 ms plus 0..30 ms, in order.
  'jitter30-40ms': both({ delayMs: 40, jitterMs: 30 }),
  // Bottlenecks with the default queue (10 kB here: 133 and 267 ms at these rates).
  'cap600k-40ms': both({ rateBps: 600000, delayMs: 40 }),
  'cap300k-40ms': both({ rateBps: 300000, delayMs: 40 }),
  'loss5-cap600k-40ms': both({ loss: 0.05, rateBps: 600000, delayMs: 40 }),
};
