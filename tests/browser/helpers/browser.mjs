// Headless Chromium (Debian's /usr/bin/chromium) through playwright-core, for the room page tests.
//
//   const browser = await launchChromium({ fakeAudioWav });   // fake camera and microphone, no prompts
//   const page = await newParticipantPage(browser, url);      // one context per participant
//   await browser.close();
//
// Run it inside ../shared/tools/loopback-only: the browser then reaches nothing but 127.0.0.1, and
// --allow-loopback-in-peer-connection lets WebRTC gather its 127.0.0.1 host candidates there.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { REPO_ROOT, withTimeout } from '../../integration/helpers/roomsd.mjs';

export const CHROMIUM_BIN = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'test-artifacts');

export function chromiumArgs({ fakeAudioWav } = {}) {
  return [
    '--no-sandbox',
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    '--allow-loopback-in-peer-connection',
    '--disable-background-networking',
    '--autoplay-policy=no-user-gesture-required',
    ...(fakeAudioWav ? [`--use-file-for-fake-audio-capture=${fakeAudioWav}`] : []),
    // For debugging a failing run, e.g. ROOMS_CHROMIUM_ARGS='--enable-logging=stderr --v=1' with DEBUG=pw:browser.
    ...(process.env.ROOMS_CHROMIUM_ARGS ? process.env.ROOMS_CHROMIUM_ARGS.split(' ').filter(Boolean) : []),
  ];
}

export async function launchChromium({ fakeAudioWav, timeoutMs = 30000 } = {}) {
  if (!fs.existsSync(CHROMIUM_BIN)) throw new Error(`${CHROMIUM_BIN} does not exist (scripts/deps.sh installs chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM_BIN,
    headless: true,
    timeout: timeoutMs,
    args: chromiumArgs({ fakeAudioWav }),
  });
}

// A fresh browser context (own cookies, storage and media permissions) with one page, which collects its
// console and page errors in page.__log for failure messages. Opens url when given.
export async function newParticipantPage(browser, url, { label = 'page', timeoutMs = 15000 } = {}) {
  const context = await browser.newContext({
    permissions: ['camera', 'microphone'],
    viewport: { width: 1024, height: 720 },
  });
  const page = await context.newPage();
  page.__label = label;
  page.__log = [];
  page.on('console', (m) => page.__log.push(`[${label} console.${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => page.__log.push(`[${label} pageerror] ${e.message}`));
  page.on('requestfailed', (r) => page.__log.push(`[${label} requestfailed] ${r.url()} ${r.failure()?.errorText}`));
  page.setDefaultTimeout(timeoutMs);
  if (url) await page.goto(url, { waitUntil: 'load', timeout: timeoutMs });
  return page;
}

// The page's last console lines, for assertion messages.
export const pageLog = (page, n = 40) => (page?.__log ?? []).slice(-n).join('\n');

export async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await withTimeout(page.screenshot({ path: file, fullPage: true }), 10000, `screenshot ${name}`);
  return file;
}

// Closes a browser without ever hanging the suite's after().
export async function closeBrowser(browser) {
  if (!browser) return;
  try {
    await withTimeout(browser.close(), 10000, 'chromium to close');
  } catch {
    // close() timed out: the process is left for the OS; the namespace dies with the test run.
  }
}

// connectionUrls name ROOMS_PUBLIC_URL (http://localhost:{port} by default); inside the loopback-only
// namespace a page is opened on 127.0.0.1, where roomsd listens. `extraQuery` is appended ("&a=b").
export function onServer(server, url, extraQuery = '') {
  const u = new URL(url);
  return `${server.baseUrl}${u.pathname}${u.search}${extraQuery}`;
}

// What `page` (playwright or puppeteer) receives from participantId (from everyone when omitted): camera video
// frames decoded and bytes, audio packets and bytes, the selected candidate pair, and the raw summary.
export async function receivedMedia(page, participantId) {
  const s = await withTimeout(page.evaluate(() => window.__room.stats()), 5000, 'window.__room.stats()');
  const from = (x) => participantId === undefined || x.participantId === participantId;
  const v = s.inboundVideo.filter((x) => from(x) && x.source !== 'screen');
  const a = s.inboundAudio.filter(from);
  return {
    framesDecoded: v.reduce((n, x) => n + (x.framesDecoded ?? 0), 0),
    videoBytes: v.reduce((n, x) => n + (x.bytesReceived ?? 0), 0),
    audioPackets: a.reduce((n, x) => n + (x.packetsReceived ?? 0), 0),
    audioBytes: a.reduce((n, x) => n + (x.bytesReceived ?? 0), 0),
    pair: s.candidatePair,
    raw: s,
  };
}
