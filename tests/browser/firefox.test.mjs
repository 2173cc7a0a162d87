// Firefox ESR (Debian's /usr/bin/firefox-esr) in the same room as Chromium: the coach's page runs in headless
// Chromium (playwright-core), the client's in headless Firefox driven by puppeteer-core over WebDriver BiDi,
// and each must receive the other's video frames and audio packets over 127.0.0.1 (run inside
// ../shared/tools/loopback-only, as `make test-browser` does).
//
// scripts/deps.sh installs firefox-esr and puppeteer-core, so a Firefox that cannot be launched or driven is a
// failure with the reason, never a skip. Firefox offers no H264 (no OpenH264 plugin offline), only VP8, VP9
// and AV1: the test holds whatever codec the answer picks and names the one each side decoded. On a failure
// the message carries both pages' consoles, Firefox's stats, offer and answer, and roomsd's last lines;
// the SDPs also land in test-artifacts/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { REPO_ROOT, sleep, startRoomsd, waitUntil, withTimeout } from '../integration/helpers/roomsd.mjs';
import { ARTIFACTS_DIR, closeBrowser, launchChromium, newParticipantPage, onServer, pageLog, receivedMedia, screenshot } from './helpers/browser.mjs';

const FIREFOX_BIN = process.env.FIREFOX_BIN || '/usr/bin/firefox-esr';
const T = { timeout: 60000 };

// In the loopback-only namespace Firefox gathers no ICE candidate at all unless the page may use the camera
// and microphone without a prompt (permissions.default.*: a page without that grant gets no host candidate),
// and only 127.0.0.1 ones, unobfuscated, with ice.loopback: the namespace has no other address.
export const FIREFOX_PREFS = {
  'permissions.default.camera': 1,
  'permissions.default.microphone': 1,
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  // The remote tiles play unmuted without a user gesture.
  'media.autoplay.default': 0,
  'media.autoplay.blocking_policy': 0,
};

let server;
let chromium;
let firefox;

async function launchFirefox() {
  if (!fs.existsSync(FIREFOX_BIN)) throw new Error(`${FIREFOX_BIN} does not exist (scripts/deps.sh installs firefox-esr)`);
  let puppeteer;
  try {
    puppeteer = (await import('puppeteer-core')).default;
  } catch (e) {
    throw new Error(`puppeteer-core cannot be loaded (scripts/deps.sh runs npm ci): ${e.message}`);
  }
  try {
    return await withTimeout(puppeteer.launch({
      browser: 'firefox',
      protocol: 'webDriverBiDi',
      executablePath: FIREFOX_BIN,
      headless: true,
      timeout: 20000,
      extraPrefsFirefox: FIREFOX_PREFS,
      // For debugging a failing run: Firefox's own stdout and stderr (WebRTC warnings land there, not in the page).
      dumpio: process.env.ROOMS_FIREFOX_DUMPIO === '1',
    }), 25000, 'firefox-esr to start over WebDriver BiDi');
  } catch (e) {
    throw new Error(`${FIREFOX_BIN} could not be launched and driven over WebDriver BiDi by puppeteer-core: ${e.message}`);
  }
}

// A puppeteer page in a fresh Firefox context (its own profile state, like newParticipantPage's contexts),
// collecting its console and page errors in page.__log as newParticipantPage does.
async function newFirefoxPage(url, { label, timeoutMs = 15000 }) {
  const context = await withTimeout(firefox.createBrowserContext(), 10000, 'a Firefox browser context');
  const page = await withTimeout(context.newPage(), 10000, 'a Firefox page');
  page.__label = label;
  page.__log = [];
  page.on('console', (m) => page.__log.push(`[${label} console.${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => page.__log.push(`[${label} pageerror] ${e.message}`));
  page.on('requestfailed', (r) => page.__log.push(`[${label} requestfailed] ${r.url()} ${r.failure()?.errorText}`));
  page.setDefaultTimeout(timeoutMs);
  await withTimeout(page.goto(url, { waitUntil: 'load', timeout: timeoutMs }), timeoutMs + 2000, `${label} page to load`);
  return page;
}

// page.evaluate with a bound wait, for either browser's page.
const evalIn = (page, fn, what, ms = 5000) => withTimeout(page.evaluate(fn), ms, what);

async function waitConnected(page, label, timeoutMs = 20000) {
  await waitUntil(async () => (await evalIn(page, () => window.__room?.state ?? null, `${label} state`)) === 'connected',
    { timeoutMs, intervalMs: 200, message: `${label} page to reach state "connected"` });
}

// The codecs of what `page` receives, e.g. "video/VP8, audio/opus".
const codecsOf = (media) =>
  [...new Set([...media.raw.inboundVideo, ...media.raw.inboundAudio].map((x) => x.codec ?? '?'))].join(', ');

// Console errors and page errors are failures: the page must run in Firefox as cleanly as in Chromium.
const errorsIn = (page) => (page?.__log ?? []).filter((l) => /^\[\S+ (console\.error|pageerror)\]/.test(l));

// What a failure should show: both consoles, Firefox's stats and SDPs, roomsd's last lines.
async function diag(call) {
  const ff = call.client ? await evalIn(call.client, async () => ({
    offer: window.__room?.pc?.localDescription?.sdp ?? null,
    answer: window.__room?.pc?.remoteDescription?.sdp ?? null,
    stats: await window.__room?.stats(),
  }), 'Firefox SDPs and stats').catch((e) => ({ error: e.message })) : {};
  if (ff.offer) {
    fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
    fs.writeFileSync(path.join(ARTIFACTS_DIR, 'firefox-offer.sdp'), ff.offer);
    if (ff.answer) fs.writeFileSync(path.join(ARTIFACTS_DIR, 'firefox-answer.sdp'), ff.answer);
  }
  return `\n--- coach page (Chromium) ---\n${pageLog(call.coach)}` +
    `\n--- client page (Firefox) ---\n${pageLog(call.client)}` +
    `\n--- Firefox stats ---\n${JSON.stringify(ff.stats ?? ff.error ?? null)}` +
    `\n--- Firefox offer ---\n${ff.offer ?? null}\n--- server answer to Firefox ---\n${ff.answer ?? null}` +
    `\n--- roomsd ---\n${server.tail(60)}`;
}

// Asserts that `page` gets video frames and audio packets from participantId, rising over ~2 s, whatever
// the codec; the codecs it decoded are in every message.
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
  const codecs = codecsOf(second);
  assert.ok(second.framesDecoded > first.framesDecoded,
    `${label}: video frames from ${participantId} rise (${first.framesDecoded} -> ${second.framesDecoded}; ${codecs})${await diag(call)}`);
  assert.ok(second.audioPackets > first.audioPackets,
    `${label}: audio packets from ${participantId} rise (${first.audioPackets} -> ${second.audioPackets}; ${codecs})${await diag(call)}`);
  return { ...second, codecs };
}

describe('room page in Firefox ESR with a Chromium peer', () => {
  before(async () => {
    // All three at once (Firefox takes seconds to start); settled first, so that after() closes whichever
    // did start when another failed.
    const [s, c, f] = await Promise.allSettled([
      startRoomsd({
        logLevel: process.env.ROOMS_TEST_LOG_LEVEL ?? 'info',
        env: {
          ROOMS_ANNOUNCED_IP: '127.0.0.1',
          // The page under test is this checkout's web/, whichever roomsd ROOMSD_BIN names.
          ROOMS_WEB_DIR: path.join(REPO_ROOT, 'web'),
        },
      }),
      launchChromium(),
      launchFirefox(),
    ]);
    [server, chromium, firefox] = [s.value, c.value, f.value];
    const failed = [s, c, f].filter((r) => r.status === 'rejected');
    if (failed.length) throw new Error(failed.map((r) => r.reason.message).join('\n'));
  });

  after(async () => {
    await closeBrowser(chromium);
    if (firefox) {
      await withTimeout(firefox.close(), 10000, 'firefox to close').catch(() => firefox.process()?.kill('SIGKILL'));
    }
    await server?.close();
  });

  it('a Chromium coach and a Firefox client see and hear each other', T, async (t) => {
    const { roomId, body, res } = await server.createRoom({ aiOrb: { enabled: false } });
    const call = { roomId, coachId: body.participants.coach.id, clientId: body.participants.client.id, coach: null, client: null };
    try {
      try {
        [call.coach, call.client] = await Promise.all([
          newParticipantPage(chromium, onServer(server, res.json.connectionUrls.coach), { label: 'coach' }),
          newFirefoxPage(onServer(server, res.json.connectionUrls.client), { label: 'client' }),
        ]);
        await Promise.all([waitConnected(call.coach, 'coach (Chromium)'), waitConnected(call.client, 'client (Firefox)')]);
      } catch (e) {
        e.message += await diag(call);
        throw e;
      }
      const [inFirefox, inChromium] = await Promise.all([
        assertMediaFlows(call.client, 'client (Firefox)', call.coachId, call),
        assertMediaFlows(call.coach, 'coach (Chromium)', call.clientId, call),
      ]);
      t.diagnostic(`Firefox received ${inFirefox.codecs} over ${JSON.stringify(inFirefox.pair)}`);
      t.diagnostic(`Chromium received ${inChromium.codecs} over ${JSON.stringify(inChromium.pair)}`);

      // The Firefox page shows what the Chromium one does: its name, the coach's tile, no "waiting" notice.
      assert.equal(await evalIn(call.client, () => document.querySelector('[data-testid=self-name]')?.textContent, 'self-name'),
        'Charlie Client');
      await withTimeout(call.client.waitForSelector('[data-testid=tile-coach]', { visible: true, timeout: 5000 }),
        6000, 'the coach tile on the Firefox page');
      await call.coach.waitForSelector('[data-testid=tile-client]', { state: 'visible', timeout: 5000 });
      assert.equal(await evalIn(call.client, () => {
        const w = document.querySelector('[data-testid=waiting]');
        return !!w && w.checkVisibility();
      }, 'waiting notice'), false, `no "waiting" notice on the Firefox page${await diag(call)}`);

      const status = await server.status(roomId);
      assert.equal(status.participants.coach.connected, true, JSON.stringify(status));
      assert.equal(status.participants.client.connected, true, JSON.stringify(status));

      assert.deepEqual(errorsIn(call.client), [], `no console errors on the Firefox page${await diag(call)}`);
      assert.deepEqual(errorsIn(call.coach), [], `no console errors on the Chromium page${await diag(call)}`);

      await screenshot(call.coach, 'firefox-coach'); // also makes ARTIFACTS_DIR
      await withTimeout(call.client.screenshot({ path: path.join(ARTIFACTS_DIR, 'firefox-client.png') }), 10000,
        'screenshot firefox-client');
      await diag(call); // keeps Firefox's offer and the answer in test-artifacts/ for the record
    } finally {
      if (call.coach && !call.coach.isClosed()) await withTimeout(call.coach.context().close(), 10000, 'closing the coach context').catch(() => {});
      if (call.client) await withTimeout(call.client.browserContext().close(), 10000, 'closing the Firefox context').catch(() => {});
    }
  });
});
