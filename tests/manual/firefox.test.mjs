// Firefox ESR (Debian's /usr/bin/firefox-esr) in the same room as Chromium: the coach's page runs in headless
// Chromium (playwright-core), the client's in headless Firefox driven by puppeteer-core over WebDriver BiDi,
// and each must receive the other's video frames and audio packets over 127.0.0.1.
//
// NOT part of `make test` (hence tests/manual/): it does not pass yet. Inside the loopback-only namespace
// Firefox 153 ESR gathers no UDP host candidate (it uses only the default route's address, and the namespace
// has no default route; with `ip route add default dev lo` it offers only TCP active candidates on
// 0.0.0.0), and roomsd does not implement ICE-TCP yet. Run it by hand with
//   ../shared/tools/loopback-only bash -c 'ip route add default dev lo && node --test tests/manual/'
// (needs `apt-get install firefox-esr`).
//
// When Firefox, puppeteer-core or BiDi is not available here the test is skipped with the reason, never failed.
// Every wait is bounded. On a failure the message carries both pages' consoles, Firefox's offer and the
// server's answer, and roomsd's last lines; Firefox's offer is also written to test-artifacts/firefox-offer.sdp.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { sleep, startRoomsd, waitUntil, withTimeout } from '../integration/helpers/roomsd.mjs';
import { ARTIFACTS_DIR, closeBrowser, launchChromium, newParticipantPage, onServer, pageLog, receivedMedia } from '../browser/helpers/browser.mjs';

const FIREFOX_BIN = process.env.FIREFOX_BIN || '/usr/bin/firefox-esr';
const T = { timeout: 120000 };

// Fake camera and microphone without prompts, and ICE host candidates on 127.0.0.1 (the namespace has
// nothing else).
export const FIREFOX_PREFS = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'media.autoplay.default': 0,
  'media.autoplay.blocking_policy': 0,
};

let server;
let chromium;
let firefox;
let skipReason = null;

// Launches Firefox through puppeteer-core over BiDi, or explains why it cannot.
async function launchFirefox() {
  if (!fs.existsSync(FIREFOX_BIN)) return { reason: `${FIREFOX_BIN} is not installed (apt-get install firefox-esr)` };
  let puppeteer;
  try {
    puppeteer = (await import('puppeteer-core')).default;
  } catch (e) {
    return { reason: `puppeteer-core is not installed (npm ci): ${e.message}` };
  }
  try {
    const browser = await withTimeout(puppeteer.launch({
      browser: 'firefox',
      protocol: 'webDriverBiDi',
      executablePath: FIREFOX_BIN,
      headless: true,
      timeout: 30000,
      extraPrefsFirefox: FIREFOX_PREFS,
    }), 40000, 'firefox-esr to start over WebDriver BiDi');
    return { browser };
  } catch (e) {
    return { reason: `firefox-esr could not be driven over WebDriver BiDi by puppeteer-core: ${e.message}` };
  }
}

before(async () => {
  const ff = await launchFirefox();
  if (!ff.browser) {
    skipReason = ff.reason;
    return;
  }
  firefox = ff.browser;
  server = await startRoomsd({
    logLevel: process.env.ROOMS_TEST_LOG_LEVEL ?? 'info',
    env: { ROOMS_ANNOUNCED_IP: '127.0.0.1' },
  });
  chromium = await launchChromium();
});

after(async () => {
  await closeBrowser(chromium);
  if (firefox) await withTimeout(firefox.close(), 10000, 'firefox to close').catch(() => firefox.process()?.kill('SIGKILL'));
  await server?.close();
});

// A puppeteer page in a fresh Firefox context, collecting its console like newParticipantPage does.
async function newFirefoxPage(url, { label, timeoutMs = 15000 }) {
  const context = await withTimeout(firefox.createBrowserContext(), 10000, 'a Firefox browser context');
  const page = await withTimeout(context.newPage(), 10000, 'a Firefox page');
  page.__log = [];
  page.on('console', (m) => page.__log.push(`[${label} console.${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => page.__log.push(`[${label} pageerror] ${e.message}`));
  page.setDefaultTimeout(timeoutMs);
  await withTimeout(page.goto(url, { waitUntil: 'load', timeout: timeoutMs }), timeoutMs + 2000, `${label} page to load`);
  return page;
}

const evalIn = (page, fn, what, ms = 5000) => withTimeout(page.evaluate(fn), ms, what);

async function waitConnected(page, label, timeoutMs = 20000) {
  await waitUntil(async () => (await evalIn(page, () => window.__room?.state ?? null, `${label} state`)) === 'connected',
    { timeoutMs, intervalMs: 200, message: `${label} page to reach state "connected"` });
}

// What a failure should show: both consoles, both SDP exchanges, roomsd's last lines.
async function diag(call) {
  const sdps = async (page) => evalIn(page, () => ({
    offer: window.__room?.pc?.localDescription?.sdp ?? null,
    answer: window.__room?.pc?.remoteDescription?.sdp ?? null,
    stats: window.__room?.stats(),
  }), 'SDPs', 5000).catch((e) => ({ error: e.message }));
  const ff = call.client ? await sdps(call.client) : {};
  if (ff.offer) {
    fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
    fs.writeFileSync(path.join(ARTIFACTS_DIR, 'firefox-offer.sdp'), ff.offer);
    if (ff.answer) fs.writeFileSync(path.join(ARTIFACTS_DIR, 'firefox-answer.sdp'), ff.answer);
  }
  return `\n--- coach page (Chromium) ---\n${pageLog(call.coach)}` +
    `\n--- client page (Firefox) ---\n${(call.client?.__log ?? []).slice(-40).join('\n')}` +
    `\n--- Firefox stats ---\n${JSON.stringify(ff.stats)}` +
    `\n--- Firefox offer ---\n${ff.offer}\n--- server answer to Firefox ---\n${ff.answer}` +
    `\n--- roomsd ---\n${server.tail(60)}`;
}

async function assertMediaFlows(page, label, participantId, call) {
  let first;
  try {
    first = await waitUntil(async () => {
      const r = await receivedMedia(page, participantId);
      return r.framesDecoded > 0 && r.audioPackets > 0 ? r : null;
    }, { timeoutMs: 20000, intervalMs: 250, message: `${label} to receive video and audio from ${participantId}` });
  } catch (e) {
    const last = await receivedMedia(page, participantId).catch(() => null);
    e.message += `\nlast stats: ${JSON.stringify(last?.raw)}${await diag(call)}`;
    throw e;
  }
  await sleep(2000);
  const second = await receivedMedia(page, participantId);
  assert.ok(second.framesDecoded > first.framesDecoded,
    `${label}: video frames from ${participantId} rise (${first.framesDecoded} -> ${second.framesDecoded})${await diag(call)}`);
  assert.ok(second.audioPackets > first.audioPackets,
    `${label}: audio packets from ${participantId} rise (${first.audioPackets} -> ${second.audioPackets})${await diag(call)}`);
  return second;
}

describe('room page in Firefox ESR with a Chromium peer', () => {
  it('a Chromium coach and a Firefox client see and hear each other', T, async (t) => {
    if (skipReason) {
      t.skip(skipReason);
      return;
    }
    const { roomId, body, res } = await server.createRoom({ aiOrb: { enabled: false } });
    const call = { roomId, coachId: body.participants.coach.id, clientId: body.participants.client.id, coach: null, client: null };
    try {
      try {
        call.coach = await newParticipantPage(chromium, onServer(server, res.json.connectionUrls.coach), { label: 'coach' });
        call.client = await newFirefoxPage(onServer(server, res.json.connectionUrls.client), { label: 'client' });
        await waitConnected(call.coach, 'coach (Chromium)');
        await waitConnected(call.client, 'client (Firefox)');
      } catch (e) {
        e.message += await diag(call);
        throw e;
      }
      await assertMediaFlows(call.client, 'client (Firefox)', call.coachId, call);
      await assertMediaFlows(call.coach, 'coach (Chromium)', call.clientId, call);
      await diag(call); // keeps Firefox's offer and the answer in test-artifacts/ for the record

      const status = await server.status(roomId);
      assert.equal(status.participants.coach.connected, true, JSON.stringify(status));
      assert.equal(status.participants.client.connected, true, JSON.stringify(status));
    } finally {
      if (call.coach && !call.coach.isClosed()) await withTimeout(call.coach.context().close(), 10000, 'closing the coach context').catch(() => {});
      if (call.client) await withTimeout(call.client.browserContext().close(), 10000, 'closing the Firefox context').catch(() => {});
    }
  });
});
