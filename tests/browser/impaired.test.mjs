// A call over an impaired link: the client's packets, both ways, cross 3% random loss and 40 ms of delay
// (helpers/impaired-link.mjs, a UDP relay in front of a coturn started here), the coach's do not. Over 20 s
// the coach watching the client (the client's uplink) and the client watching the coach (its downlink) may
// each freeze for at most 2 s in total.
//
// How only the client is impaired: roomsd hands every page the relay's port as its TURN server
// (ROOMS_TURN_URLS); the client's page may use relayed candidates only (`&iceTransportPolicy=relay`), so all
// its media goes client -> relay -> coturn -> roomsd and back, while the coach's page picks its direct host
// pair with roomsd (asserted below) and only its TURN allocation crosses the relay.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { sleep, startRoomsd, waitUntil, withTimeout } from '../integration/helpers/roomsd.mjs';
import { closeBrowser, launchChromium, newParticipantPage, onServer, pageLog, receivedMedia, screenshot } from './helpers/browser.mjs';
import { startCoturn } from './helpers/coturn.mjs';
import { PROFILES, startImpairedLink } from './helpers/impaired-link.mjs';
import { raisePriority } from './helpers/priority.mjs';
import { formatFigures, measureWindow, ROOM_PC } from './helpers/quality.mjs';

const TURN_PORT = 34790;
const WINDOW_MS = 20000;
const SETTLE_MS = 3000;
const MAX_FREEZE_SECONDS = 2;

let turn;
let link;
let server;
let browser;

before(async () => {
  turn = await startCoturn({ port: TURN_PORT, minPort: 49300, maxPort: 49399 });
  link = await startImpairedLink({ target: { port: turn.port }, seed: 3, raisePriority: true, ...PROFILES['loss3-40ms'] });
  server = await startRoomsd({
    env: {
      ROOMS_TURN_URLS: `turn:127.0.0.1:${link.port}?transport=udp`,
      ROOMS_TURN_SECRET: turn.secret,
    },
  });
  // The network and the server run on machines of their own in a real call (helpers/priority.mjs).
  raisePriority(turn.proc.pid);
  raisePriority(server.proc.pid);
  browser = await launchChromium();
});

after(async () => {
  await closeBrowser(browser);
  await server?.close();
  await link?.close();
  await turn?.close();
});

function diag(coach, client) {
  return `\n--- impaired link ---\n${JSON.stringify(link.lastStats)}\n--- coach page ---\n${pageLog(coach)}` +
    `\n--- client page ---\n${pageLog(client)}\n--- coturn ---\n${turn.tail(15)}\n--- roomsd ---\n${server.tail(40)}`;
}

describe('a call over an impaired link', () => {
  it('3% loss and 40 ms each way on the client\'s link: neither side\'s video freezes for more than 2 s in 20 s', { timeout: 150000 }, async () => {
    const { res } = await server.createRoom({ aiOrb: { enabled: false } });
    const coach = await newParticipantPage(browser, onServer(server, res.json.connectionUrls.coach), { label: 'coach' });
    const client = await newParticipantPage(browser, onServer(server, res.json.connectionUrls.client, '&iceTransportPolicy=relay'), { label: 'client' });
    try {
      for (const [label, page] of [['coach', coach], ['client', client]]) {
        await waitUntil(async () => {
          const r = await receivedMedia(page);
          return r.framesDecoded > 0 && r.audioPackets > 0;
        }, { timeoutMs: 45000, intervalMs: 300, message: `${label} to receive video and audio${diag(coach, client)}` });
      }
      const paths = { coach: (await receivedMedia(coach)).pair, client: (await receivedMedia(client)).pair };
      assert.equal(paths.client?.candidateType, 'relay', `the client's media crosses the relay: ${JSON.stringify(paths)}${diag(coach, client)}`);
      assert.equal(paths.coach?.candidateType, 'host', `the coach's media does not: ${JSON.stringify(paths)}${diag(coach, client)}`);

      await sleep(SETTLE_MS);
      await link.resetCounters();
      // coach: what the coach receives, i.e. the client's uplink; client: the client's downlink.
      const w = await withTimeout(measureWindow({ coach: [coach, ROOM_PC], client: [client, ROOM_PC] }, WINDOW_MS),
        WINDOW_MS + 30000, 'the measurement window');
      const s = await link.stats();
      console.log(`impaired call, uplink (coach watches client): ${formatFigures(w.coach)}`);
      console.log(`impaired call, downlink (client watches coach): ${formatFigures(w.client)}`);
      console.log(`impaired link: up ${s.up.packetsIn} in, ${s.up.packetsOut} out, ${s.up.dropped} dropped; ` +
        `down ${s.down.packetsIn} in, ${s.down.packetsOut} out, ${s.down.dropped} dropped; ` +
        `client sends ${w.senders.client.frameWidth}x${w.senders.client.frameHeight} (limited by ${w.senders.client.qualityLimitationReason})`);
      await screenshot(coach, 'impaired-coach');
      await screenshot(client, 'impaired-client');

      assert.ok(w.coach.freezeSeconds <= MAX_FREEZE_SECONDS,
        `uplink: the coach's view of the client froze ${w.coach.freezeSeconds.toFixed(1)} s (${w.coach.freezes} freezes) ` +
        `in ${WINDOW_MS / 1000} s, more than ${MAX_FREEZE_SECONDS} s: ${formatFigures(w.coach)}${diag(coach, client)}`);
      assert.ok(w.client.freezeSeconds <= MAX_FREEZE_SECONDS,
        `downlink: the client's view of the coach froze ${w.client.freezeSeconds.toFixed(1)} s (${w.client.freezes} freezes) ` +
        `in ${WINDOW_MS / 1000} s, more than ${MAX_FREEZE_SECONDS} s: ${formatFigures(w.client)}${diag(coach, client)}`);
    } finally {
      for (const p of [coach, client]) await withTimeout(p.context().close(), 10000, 'close').catch(() => {});
    }
  });
});
