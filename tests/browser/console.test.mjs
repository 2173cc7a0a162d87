// The demo console (web/console/ at /) in headless Chromium against the real roomsd in development mode:
// a newcomer creates a room with an orb personality, opens the coach and client links side by side, sees
// both connected, ends the room and reads the summary. Real media over 127.0.0.1 only (run inside
// ../shared/tools/loopback-only, as `make test-browser` does). Screenshots land in test-artifacts/.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startRoomsd, waitUntil } from '../integration/helpers/roomsd.mjs';
import { closeBrowser, launchChromium, newParticipantPage, pageLog, receivedMedia, screenshot } from './helpers/browser.mjs';

const T = { timeout: 150000 };
let server;
let browser;

before(async () => {
  // --dev: the console is on by default and hands the dev key to a browser on loopback.
  server = await startRoomsd({ args: ['--dev'], env: { ROOMS_ANNOUNCED_IP: '127.0.0.1' } });
  browser = await launchChromium();
});

after(async () => {
  await closeBrowser(browser);
  await server?.close();
});

const text = (page, testid) => page.getByTestId(testid).innerText();
const diag = (page) => `\n--- console page ---\n${pageLog(page)}\n--- roomsd ---\n${server.tail(60)}`;

describe('demo console', () => {
  it('create a room, open both links, see both connected, end it, see the summary', T, async () => {
    const page = await newParticipantPage(browser, `${server.baseUrl}/`, { label: 'console' });
    await page.setViewportSize({ width: 1400, height: 1000 });
    try {
      await waitUntil(async () => (await page.getByTestId('auth-state').getAttribute('data-mode')) === 'development',
        { timeoutMs: 10000, message: 'the console to get the dev key' });
      await page.getByTestId('orb-enabled').check();
      await page.getByTestId('orb-personality').selectOption('reflective');
      await page.getByTestId('create-room').click();
      const roomId = await waitUntil(async () => (await text(page, 'room-id')).trim(),
        { timeoutMs: 10000, message: 'the room id' });
      assert.match(roomId, /^[0-9a-f-]{36}$/);
      await waitUntil(async () => (await text(page, 'room-status')) === 'waiting',
        { timeoutMs: 10000, message: 'the console to show the room waiting' });
      const status = await server.status(roomId);
      assert.equal(status.participants.aiOrb.enabled, true);
      // The chosen personality is the room's (the config PATCH answers the whole config).
      const cfg = await server.api('PATCH', `/api/rooms/${roomId}/config`, { json: { features: { recording: false } } });
      assert.equal(cfg.json.config.aiOrb.personality, 'reflective');

      await page.getByTestId('open-both').click();
      await waitUntil(async () => (await page.getByTestId('coach-state').getAttribute('data-connected')) === 'true' &&
        (await page.getByTestId('client-state').getAttribute('data-connected')) === 'true',
      { timeoutMs: 40000, intervalMs: 250, message: 'coach and client connected in the console' }).catch((e) => {
        throw new Error(`${e.message}${diag(page)}`);
      });
      assert.equal(await text(page, 'room-status'), 'active');
      // Each frame is a real room page in a call.
      const roomFrames = page.frames().filter((f) => f.url().includes(`/room/${roomId}`));
      assert.equal(roomFrames.length, 2);
      await waitUntil(async () => {
        const states = await Promise.all(roomFrames.map((f) => f.evaluate(() => window.__room?.state ?? null)));
        return states.every((s) => s === 'connected');
      }, { timeoutMs: 30000, intervalMs: 250, message: 'both room pages connected' });
      // ... and each shows the other's video (frames decoded), so the screenshot shows a real call.
      await waitUntil(async () => {
        const media = await Promise.all(roomFrames.map((f) => receivedMedia(f)));
        return media.every((m) => m.framesDecoded > 10 && m.audioPackets > 0);
      }, { timeoutMs: 30000, intervalMs: 500, message: 'video and audio between the two frames' }).catch((e) => {
        throw new Error(`${e.message}${diag(page)}`);
      });
      await waitUntil(async () => (await page.locator('[data-testid=events] li[data-type=participant-joined]').count()) >= 2,
        { timeoutMs: 10000, message: 'two participant-joined events in the console' });
      assert.equal(await page.locator('[data-testid=events] li[data-type=room-started]').count(), 1);
      await screenshot(page, 'console-call');

      await page.getByTestId('end-room').click();
      await waitUntil(async () => (await text(page, 'room-status')) === 'ended',
        { timeoutMs: 15000, message: 'the console to show the room ended' });
      await waitUntil(async () => (await page.locator('[data-testid=events] li[data-type=room-ended]').count()) === 1,
        { timeoutMs: 10000, message: 'room-ended in the event list' });
      await screenshot(page, 'console-ended');

      // issue 4: summary-ready follows the end, and the console shows the summary.
      await waitUntil(async () => (await page.getByTestId('summary').getAttribute('data-ready')) === 'true',
        { timeoutMs: 60000, intervalMs: 500, message: 'the summary in the console' }).catch(async (e) => {
        throw new Error(`${e.message}; summary box: ${await text(page, 'summary').catch(() => '?')}${diag(page)}`);
      });
      assert.equal(await page.locator('[data-testid=events] li[data-type=summary-ready]').count(), 1);
      assert.ok((await page.locator('.text-summary').innerText()).length > 0);
      await screenshot(page, 'console-summary');
    } finally {
      await page.context().close();
    }
  });
});
