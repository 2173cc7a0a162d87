// ICE-TCP (RFC 6544, passive, RFC 4571 framing) as the fallback when UDP to the media port does not work:
// roomsd started with ROOMS_ICE_UDP=false announces only its TCP candidate, as a network that drops UDP
// would leave it, and the call must still carry video and audio both ways over TCP; analytics report `TCP`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startRoomsd, waitUntil, withTimeout } from '../integration/helpers/roomsd.mjs';
import { closeBrowser, launchChromium, newParticipantPage, onServer, receivedMedia, screenshot } from './helpers/browser.mjs';

let server;
let browser;

before(async () => {
  server = await startRoomsd({ env: { ROOMS_ICE_UDP: 'false' } });
  browser = await launchChromium();
});

after(async () => {
  await closeBrowser(browser);
  await server?.close();
});

describe('ICE-TCP fallback', () => {
  it('media flows over TCP when only the TCP candidate is offered', { timeout: 120000 }, async () => {
    const { roomId, res } = await server.createRoom({ aiOrb: { enabled: false } });
    const coach = await newParticipantPage(browser, onServer(server, res.json.connectionUrls.coach), { label: 'coach' });
    const client = await newParticipantPage(browser, onServer(server, res.json.connectionUrls.client), { label: 'client' });
    try {
      for (const [label, page] of [['coach', coach], ['client', client]]) {
        await waitUntil(async () => {
          const r = await receivedMedia(page);
          return r.framesDecoded > 0 && r.audioPackets > 0;
        }, { timeoutMs: 30000, intervalMs: 300, message: `${label} to receive media over ICE-TCP\n${server.tail(30)}` });
        const r = await receivedMedia(page);
        assert.equal(r.pair?.protocol, 'tcp', `${label}'s selected pair is TCP: ${JSON.stringify(r.pair)}`);
      }
      const before = await receivedMedia(coach);
      await new Promise((r) => setTimeout(r, 2000));
      const later = await receivedMedia(coach);
      assert.ok(later.framesDecoded > before.framesDecoded, `frames keep rising over TCP: ${before.framesDecoded} -> ${later.framesDecoded}`);
      await screenshot(coach, 'ice-tcp-coach');
      await waitUntil(async () => {
        const a = await server.api('GET', `/api/rooms/${roomId}/analytics`);
        return a.json?.metrics?.fallbacksUsed?.includes('TCP') ? a : null;
      }, { timeoutMs: 15000, intervalMs: 500, message: 'analytics to list the TCP fallback' });
    } finally {
      for (const p of [coach, client]) await withTimeout(p.context().close(), 10000, 'close').catch(() => {});
    }
  });
});
