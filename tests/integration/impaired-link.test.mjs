// The impairment element of the browser quality test and bench-quality (tests/browser/helpers/impaired-link.mjs):
// its loss statistics on their own, then real datagrams through it on 127.0.0.1 for delay, jitter, order,
// the rate cap and its counters. Each socket test prints what it measured.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { after, before, describe, it } from 'node:test';

import { Direction, gilbertElliott, prng, startImpairedLink } from '../browser/helpers/impaired-link.mjs';
import { sleep, withTimeout } from './helpers/roomsd.mjs';

const HOST = '127.0.0.1';

// A sink that records each datagram's arrival (performance.now(), the link's clock) and echoes it back.
async function startEcho() {
  const s = dgram.createSocket('udp4');
  const arrivals = [];
  s.on('message', (m, r) => {
    arrivals.push({ at: performance.now(), seq: m.readUInt32BE(0), sentAt: m.readDoubleBE(4), bytes: m.length });
    s.send(m, r.port, r.address);
  });
  await new Promise((resolve) => s.bind(0, HOST, resolve));
  return { socket: s, port: s.address().port, arrivals, close: () => new Promise((r) => s.close(r)) };
}

async function startClient() {
  const s = dgram.createSocket('udp4');
  const replies = [];
  s.on('message', (m) => replies.push({ at: performance.now(), seq: m.readUInt32BE(0), sentAt: m.readDoubleBE(4) }));
  await new Promise((resolve) => s.bind(0, HOST, resolve));
  return { socket: s, replies, close: () => new Promise((r) => s.close(r)) };
}

// Sends `count` datagrams of `bytes` to port at `bps` (UDP payload bits), paced in 2 ms steps as a browser's
// pacer would; each carries its sequence number and send time.
async function sendPaced(socket, port, { count, bytes = 1200, bps }) {
  const perMs = bps / 8 / bytes / 1000;
  const start = performance.now();
  let seq = 0;
  while (seq < count) {
    const due = Math.min(count, Math.floor((performance.now() - start) * perMs) + 1);
    for (; seq < due; seq++) {
      const b = Buffer.alloc(bytes);
      b.writeUInt32BE(seq, 0);
      b.writeDoubleBE(performance.now(), 4);
      socket.send(b, port, HOST);
    }
    await sleep(2);
  }
}

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (x) => x.toFixed(2);

describe('impaired link: loss statistics', () => {
  it('the PRNG is deterministic per seed', () => {
    const a = prng(42);
    const b = prng(42);
    const c = prng(43);
    const xs = Array.from({ length: 5 }, a);
    assert.deepEqual(xs, Array.from({ length: 5 }, b));
    assert.notDeepEqual(xs, Array.from({ length: 5 }, c));
    const u = prng(7);
    const m = mean(Array.from({ length: 100000 }, u));
    assert.ok(Math.abs(m - 0.5) < 0.005, `uniform mean ${m}`);
  });

  it('random loss: 5% within 0.3 points over 100,000 datagrams, the same drops for the same seed', () => {
    const run = (seed) => {
      const d = new Direction({ loss: 0.05 }, seed);
      const drops = [];
      for (let i = 0; i < 100000; i++) if (d.admit(1000, 0) === null) drops.push(i);
      return { d, drops };
    };
    const { d, drops } = run(5);
    const ratio = d.stats().droppedLoss / d.stats().packetsIn;
    console.log(`random loss 5%: measured ${(ratio * 100).toFixed(3)}%`);
    assert.ok(Math.abs(ratio - 0.05) < 0.003, `loss ${ratio}`);
    assert.deepEqual(run(5).drops, drops);
    assert.notDeepEqual(run(6).drops.slice(0, 50), drops.slice(0, 50));
  });

  it('Gilbert-Elliott: 3% mean loss in bursts of 4 on average', () => {
    const d = new Direction({ burst: gilbertElliott({ meanLoss: 0.03, meanBurst: 4 }) }, 9);
    const bursts = [];
    let run = 0;
    const n = 400000;
    for (let i = 0; i < n; i++) {
      if (d.admit(1000, 0) === null) {
        run += 1;
      } else if (run > 0) {
        bursts.push(run);
        run = 0;
      }
    }
    const ratio = d.stats().droppedLoss / n;
    const meanBurst = mean(bursts);
    console.log(`Gilbert-Elliott 3%/4: measured loss ${(ratio * 100).toFixed(3)}%, mean burst ${fmt(meanBurst)} over ${bursts.length} bursts`);
    assert.ok(Math.abs(ratio - 0.03) < 0.004, `loss ${ratio}`);
    assert.ok(Math.abs(meanBurst - 4) < 0.4, `mean burst ${meanBurst}`);
  });

  it('refuses nonsense profiles', () => {
    assert.throws(() => new Direction({ loss: 1.5 }), /loss/);
    assert.throws(() => new Direction({ rateBps: -1 }), /rateBps/);
    assert.throws(() => new Direction({ burst: { p: 0.1, r: 0 } }), /burst/);
  });
});

describe('impaired link: datagrams on 127.0.0.1', () => {
  let echo;
  let client;
  let link;

  before(async () => {
    echo = await startEcho();
  });

  after(async () => {
    await link?.close();
    await client?.close();
    await echo?.close();
  });

  async function fresh(profile, seed = 1) {
    await link?.close();
    await client?.close();
    echo.arrivals.length = 0;
    link = await startImpairedLink({ target: { port: echo.port }, seed, ...profile });
    client = await startClient();
  }

  const drained = (expected, timeoutMs = 5000) => withTimeout((async () => {
    while (client.replies.length < expected) await sleep(10);
  })(), timeoutMs, `${expected} replies (got ${client.replies.length})`).catch(() => {});

  it('40 ms each way at 5 Mbit/s: one-way delay within 40..42 ms mean, p99 under 45 ms, nothing lost or reordered', { timeout: 30000 }, async () => {
    await fresh({ up: { delayMs: 40 }, down: { delayMs: 40 } });
    const count = 1600; // about 3 s of 1200-byte datagrams at 5 Mbit/s
    await sendPaced(client.socket, link.port, { count, bps: 5e6 });
    await drained(count);
    const up = echo.arrivals.map((a) => a.at - a.sentAt);
    const rtt = client.replies.map((r) => r.at - r.sentAt);
    const s = await link.stats();
    console.log(`delay 40 ms at 5 Mbit/s: one-way mean ${fmt(mean(up))} p50 ${fmt(quantile(up, 0.5))} ` +
      `p99 ${fmt(quantile(up, 0.99))} max ${fmt(Math.max(...up))} ms; round trip mean ${fmt(mean(rtt))} ` +
      `p99 ${fmt(quantile(rtt, 0.99))} ms; timer lateness mean ${fmt(s.up.lateMsMean)} max ${fmt(s.up.lateMsMax)} ms`);
    assert.equal(echo.arrivals.length, count);
    assert.equal(client.replies.length, count);
    assert.ok(mean(up) >= 40 && mean(up) <= 42, `mean one-way ${mean(up)}`);
    assert.ok(quantile(up, 0.99) < 45, `p99 one-way ${quantile(up, 0.99)}`);
    assert.ok(Math.min(...up) >= 39.5, `min one-way ${Math.min(...up)}`);
    assert.ok(mean(rtt) >= 80 && mean(rtt) <= 84, `mean round trip ${mean(rtt)}`);
    assert.ok(echo.arrivals.every((a, i) => a.seq === i), 'in order');
    assert.deepEqual([s.up.packetsIn, s.up.packetsOut, s.up.dropped], [count, count, 0]);
    assert.deepEqual([s.down.packetsIn, s.down.packetsOut, s.down.dropped], [count, count, 0]);
  });

  it('3% loss up only: the loss seen at the far end and in the counters', { timeout: 30000 }, async () => {
    await fresh({ up: { loss: 0.03 }, down: {} }, 3);
    const count = 3000;
    await sendPaced(client.socket, link.port, { count, bps: 8e6 });
    await sleep(200);
    const s = await link.stats();
    const lost = 1 - echo.arrivals.length / count;
    console.log(`3% loss up: ${(lost * 100).toFixed(2)}% lost over ${count}; down lost ${s.down.dropped}`);
    assert.ok(Math.abs(lost - 0.03) < 0.012, `lost ${lost}`);
    assert.equal(s.up.packetsIn, count);
    assert.equal(s.up.packetsOut + s.up.dropped, count);
    assert.equal(s.up.packetsOut, echo.arrivals.length);
    assert.equal(s.down.dropped, 0);
    assert.equal(client.replies.length, echo.arrivals.length);
  });

  it('jitter 30 ms: delays spread over 40..70 ms and the order kept; reorder overtakes', { timeout: 30000 }, async () => {
    await fresh({ up: { delayMs: 40, jitterMs: 30 } }, 4);
    await sendPaced(client.socket, link.port, { count: 1000, bytes: 200, bps: 800e3 });
    await sleep(150);
    const d = echo.arrivals.map((a) => a.at - a.sentAt);
    console.log(`jitter 30 ms: one-way min ${fmt(Math.min(...d))} p50 ${fmt(quantile(d, 0.5))} max ${fmt(Math.max(...d))} ms`);
    assert.equal(echo.arrivals.length, 1000);
    assert.ok(echo.arrivals.every((a, i) => a.seq === i), 'jitter alone keeps the order');
    // 70 ms at most, plus what the timer fires late (a few ms when the machine is busy).
    assert.ok(Math.min(...d) >= 39.5 && Math.max(...d) < 80, `delays ${Math.min(...d)}..${Math.max(...d)}`);
    assert.ok(quantile(d, 0.9) - quantile(d, 0.1) > 5, 'delays vary');

    await fresh({ up: { delayMs: 10, reorder: 0.05, reorderMs: 20 } }, 4);
    await sendPaced(client.socket, link.port, { count: 1000, bytes: 200, bps: 800e3 });
    await sleep(150);
    let outOfOrder = 0;
    let highest = -1;
    for (const a of echo.arrivals) {
      if (a.seq < highest) outOfOrder += 1;
      highest = Math.max(highest, a.seq);
    }
    console.log(`reorder 5%: ${outOfOrder} of ${echo.arrivals.length} arrived after a later one (counter ${(await link.stats()).up.reordered})`);
    assert.equal(echo.arrivals.length, 1000);
    assert.ok(outOfOrder >= 25 && outOfOrder <= 80, `out of order ${outOfOrder}`);
  });

  it('600 kbit/s cap with a drop-tail queue: the throughput out within 3% of the cap, the excess dropped', { timeout: 30000 }, async () => {
    const queueBytes = 15000;
    await fresh({ up: { rateBps: 600e3, queueBytes } }, 6);
    const count = 800; // 4 s at 2 Mbit/s
    await sendPaced(client.socket, link.port, { count, bps: 2e6 });
    await sleep(400); // the queue drains (at most 15 kB at 75 kB/s)
    const a = echo.arrivals;
    // Steady state: from the first second on, when the queue is full.
    const from = a.findIndex((x) => x.at - a[0].at >= 1000);
    const span = a[a.length - 1].at - a[from].at;
    const bits = a.slice(from + 1).reduce((n, x) => n + (x.bytes + 28) * 8, 0);
    const bps = (bits / span) * 1000;
    const s = await link.stats();
    const queueDelay = a.slice(from).map((x) => x.at - x.sentAt);
    console.log(`cap 600 kbit/s: ${Math.round(bps / 1000)} kbit/s out (IP+UDP), ${s.up.droppedQueue} of ${count} dropped at the queue, ` +
      `max queue ${s.up.maxQueueBytes} B, queueing delay p50 ${fmt(quantile(queueDelay, 0.5))} ms (full queue: ${fmt(queueBytes * 8 / 600)} ms)`);
    assert.ok(Math.abs(bps - 600e3) / 600e3 < 0.03, `throughput ${bps}`);
    assert.ok(s.up.maxQueueBytes <= queueBytes);
    assert.equal(s.up.packetsOut + s.up.droppedQueue, count);
    assert.equal(s.up.packetsOut, a.length);
    // Offered 2 Mbit/s into 0.6: about 70% has to go.
    assert.ok(s.up.droppedQueue > count * 0.6 && s.up.droppedQueue < count * 0.75, `dropped ${s.up.droppedQueue}`);
    assert.ok(quantile(queueDelay, 0.5) > 150 && quantile(queueDelay, 0.5) < 205, 'a full queue delays by its size');
  });
});
