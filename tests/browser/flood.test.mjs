// Junk aimed at every media worker's port (two workers: the call's and the other one) during a live call: random datagrams, and ones shaped like STUN, DTLS and
// RTP/RTCP (right first bytes, wrong everything else), from other ports of 127.0.0.1; and junk TCP streams
// and RFC 4571 frames at the ICE-TCP listener on the same port number. The call's frame
// counters keep rising and roomsd's memory stays flat. Bounded: a fixed number of datagrams at a fixed rate.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';

import { sleep, startRoomsd, waitUntil, withTimeout } from '../integration/helpers/roomsd.mjs';
import { closeBrowser, launchChromium, newParticipantPage, onServer, receivedMedia, screenshot } from './helpers/browser.mjs';

const DATAGRAMS = 60000;
const PER_TICK = 300; // datagrams per 10 ms tick: about 30,000/s
const TICK_MS = 10;

let server;
let browser;

before(async () => {
  server = await startRoomsd({ env: { ROOMS_RECONNECT_GRACE_SECONDS: '5', ROOMS_MEDIA_WORKERS: '2' } });
  browser = await launchChromium();
});

after(async () => {
  await closeBrowser(browser);
  await server?.close();
});

// Every worker's port, by worker index, from the media_listening lines.
function mediaPorts() {
  const ports = [...server.log.matchAll(/media_listening [^\n]*/g)]
    .map((m) => [Number(/worker=(\d+)/.exec(m[0])[1]), Number(/ port=(\d+)/.exec(m[0])[1])])
    .sort((a, b) => a[0] - b[0]).map(([, port]) => port);
  assert.equal(ports.length, 2, `roomsd logs the port each of its two media workers bound:\n${server.tail(20)}`);
  return ports;
}

function rssKiB() {
  const status = fs.readFileSync(`/proc/${server.proc.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
}

// One junk datagram of the given family.
function junk(kind) {
  const size = 40 + crypto.randomInt(1160);
  const b = crypto.randomBytes(size);
  switch (kind) {
    case 0: // STUN-shaped: binding request, magic cookie, bogus attributes and length
      b[0] = 0x00; b[1] = 0x01; b.writeUInt32BE(0x2112a442, 4);
      break;
    case 1: // STUN with a USERNAME that names no transport
      b[0] = 0x00; b[1] = 0x01; b.writeUInt16BE(12, 2); b.writeUInt32BE(0x2112a442, 4);
      b.writeUInt16BE(0x0006, 20); b.writeUInt16BE(8, 22); b.write('abcd:efg', 24);
      return b.subarray(0, 32);
    case 2: // DTLS-shaped: handshake record header
      b[0] = 22; b[1] = 0xfe; b[2] = 0xfd;
      break;
    case 3: // RTP-shaped
      b[0] = 0x80; b[1] = 96;
      break;
    case 4: // RTCP-shaped
      b[0] = 0x81; b[1] = 200;
      break;
    default: // anything
      break;
  }
  return b;
}

describe('media port under a flood of junk', () => {
  it('the call keeps decoding video and memory stays flat', { timeout: 120000 }, async () => {
    // Transcription off: a recognizer (about 100 MB) loads with the first words a participant says, which is not
    // what this test measures (memory a flood costs).
    const { res } = await server.createRoom({
      aiOrb: { enabled: false },
      features: { transcription: false, recording: false, aiAssistance: false, generateSummary: false },
    });
    const coach = await newParticipantPage(browser, onServer(server, res.json.connectionUrls.coach), { label: 'coach' });
    const client = await newParticipantPage(browser, onServer(server, res.json.connectionUrls.client), { label: 'client' });
    try {
      for (const page of [coach, client]) {
        await waitUntil(async () => (await receivedMedia(page)).framesDecoded > 0,
          { timeoutMs: 20000, intervalMs: 250, message: 'video frames before the flood' });
      }
      const rssBefore = rssKiB();
      const framesBefore = await Promise.all([coach, client].map(async (p) => (await receivedMedia(p)).framesDecoded));

      const ports = mediaPorts();
      const sockets = await Promise.all([0, 1, 2, 3].map(() => new Promise((resolve) => {
        const s = dgram.createSocket('udp4');
        s.bind(0, '127.0.0.1', () => resolve(s));
      })));
      let sent = 0;
      const started = Date.now();
      while (sent < DATAGRAMS && Date.now() - started < 30000) {
        for (let i = 0; i < PER_TICK && sent < DATAGRAMS; i++, sent++) {
          sockets[sent % sockets.length].send(junk(sent % 6), ports[sent % ports.length], '127.0.0.1');
        }
        await sleep(TICK_MS);
      }
      // And junk over TCP at the same port numbers (the workers' ICE-TCP listeners): random streams, and RFC 4571
      // frames of the right length carrying garbage. Bounded: 50 connections, 64 KiB each.
      const tcpSockets = [];
      for (let i = 0; i < 50; i++) {
        const c = net.connect({ host: '127.0.0.1', port: ports[i % ports.length] });
        c.on('error', () => {});
        c.on('connect', () => {
          if (i % 2 === 0) {
            c.write(crypto.randomBytes(65536));
          } else {
            for (let k = 0; k < 64; k++) {
              const body = junk(k % 6);
              const frame = Buffer.alloc(2 + body.length);
              frame.writeUInt16BE(body.length, 0);
              body.copy(frame, 2);
              c.write(frame);
            }
          }
        });
        tcpSockets.push(c);
      }
      await sleep(500);
      for (const s of sockets) s.close();
      for (const c of tcpSockets) c.destroy();

      // Still alive, still forwarding.
      const health = await server.api('GET', '/health', { noAuth: true });
      assert.equal(health.status, 200);
      await sleep(2000);
      const framesAfter = await Promise.all([coach, client].map(async (p) => (await receivedMedia(p)).framesDecoded));
      assert.ok(framesAfter[0] > framesBefore[0] && framesAfter[1] > framesBefore[1],
        `frames keep rising through the flood: ${framesBefore} -> ${framesAfter}`);
      const rssAfter = rssKiB();
      console.log(`flood: ${sent} datagrams in ${Date.now() - started} ms; RSS ${rssBefore} KiB -> ${rssAfter} KiB`);
      assert.ok(rssAfter - rssBefore < 16 * 1024, `memory stays flat: ${rssBefore} KiB -> ${rssAfter} KiB`);
      // The junk was seen and refused, not silently lost before it reached us.
      const metrics = await server.api('GET', '/metrics');
      const dropped = Number(/rooms_media_datagrams_dropped (\d+)/.exec(metrics.text ?? metrics.body ?? '')?.[1] ?? NaN);
      assert.ok(dropped >= sent / 2, `roomsd counted the junk as dropped: ${dropped} of ${sent}`);
      // Each worker read its share (a worker that stopped reading would leave it in the socket).
      for (const worker of ['0', '1']) {
        const received = Number(new RegExp(`rooms_media_worker_datagrams_received\\{worker="${worker}"\\} (\\d+)`)
          .exec(metrics.text ?? metrics.body ?? '')?.[1] ?? NaN);
        assert.ok(received >= sent / 4, `media worker ${worker} received its share of the junk: ${received} of ${sent}`);
      }
      await screenshot(coach, 'flood-coach');
    } finally {
      for (const p of [coach, client]) await withTimeout(p.context().close(), 10000, 'close').catch(() => {});
    }
  });
});
