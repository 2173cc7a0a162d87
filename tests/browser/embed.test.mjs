// The room page embedded in the main app's own page (issue 18, docs/api.md "Embedding the room page"): a page
// of another origin (a small HTTP server of this test on another port of 127.0.0.1) holds the coach's and the
// client's join links in two iframes with allow="camera; microphone; display-capture; autoplay", against a
// roomsd whose ROOMS_FRAME_ANCESTORS names that origin. Both frames join and decode each other's video; a
// participant removed through the API sees the removed screen in their frame and is not reconnected; and a
// roomsd without the variable forbids framing (frame-ancestors 'none'), which Chromium enforces.
//
// Run inside ../shared/tools/loopback-only, as `make test-browser` does.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { HOST, REPO_ROOT, httpRequest, sleep, startRoomsd, waitUntil, withTimeout } from '../integration/helpers/roomsd.mjs';
import { closeBrowser, launchChromium, newParticipantPage, onServer, pageLog, receivedMedia, screenshot } from './helpers/browser.mjs';

const T = { timeout: 120000 };
const ALLOW = 'camera; microphone; display-capture; autoplay';
// This checkout's page, also when build/ belongs to another checkout (a git worktree sharing its build), whose
// web/ roomsd would serve by default.
const WEB_DIR = path.join(REPO_ROOT, 'web');

let server;
let browser;
let embedder;
let mainOrigin;
const pages = new Map(); // path -> HTML the main app's server answers

before(async () => {
  // The main app's origin first: roomsd is started naming it.
  embedder = http.createServer((req, res) => {
    const html = pages.get(req.url);
    res.writeHead(html ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(html ?? 'not found');
  });
  await new Promise((resolve, reject) => {
    embedder.once('error', reject);
    embedder.listen(0, HOST, resolve);
  });
  mainOrigin = `http://${HOST}:${embedder.address().port}`;
  server = await startRoomsd({
    logLevel: process.env.ROOMS_TEST_LOG_LEVEL ?? 'info',
    env: {
      ROOMS_ANNOUNCED_IP: '127.0.0.1',
      ROOMS_FRAME_ANCESTORS: mainOrigin,
      ROOMS_WEB_DIR: WEB_DIR,
      ROOMS_RECONNECT_GRACE_SECONDS: '5',
    },
  });
  browser = await launchChromium();
});

after(async () => {
  await closeBrowser(browser);
  await server?.close();
  if (embedder) {
    embedder.closeAllConnections?.();
    await new Promise((resolve) => embedder.close(resolve));
  }
});

const attr = (s) => String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

// The main app's page holding one iframe per {name: url}; resolves its URL on the main app's origin.
function mainAppPage(frames) {
  const p = `/session/${crypto.randomUUID()}`;
  pages.set(p, `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Main app: session</title>
<style>body { margin: 0; font: 14px system-ui; display: flex; flex-wrap: wrap; gap: 8px; background: #fff; }
h1 { width: 100%; margin: 8px; font-size: 16px; } iframe { width: 500px; height: 380px; border: 1px solid #ccc; }</style>
</head><body><h1>Main app: your session</h1>
${Object.entries(frames).map(([name, url]) => `<iframe name="${attr(name)}" src="${attr(url)}" allow="${ALLOW}"></iframe>`).join('\n')}
</body></html>`);
  return `${mainOrigin}${p}`;
}

function diag(page, target = server) {
  return `\n--- main app page and its frames ---\n${pageLog(page, 60)}\n--- roomsd ---\n${target.tail(60)}`;
}

// A frame of the page by its iframe's name, once it has loaded roomsd's page.
async function frameNamed(page, name, origin = server.baseUrl) {
  return waitUntil(() => {
    const f = page.frame({ name });
    return f && f.url().startsWith(origin) ? f : null;
  }, { timeoutMs: 10000, intervalMs: 100, message: `the ${name} frame to load ${origin}` });
}

const roomState = (frame) => frame.evaluate(() => window.__room?.state ?? null);

async function waitState(frame, state, label, timeoutMs = 20000) {
  await waitUntil(async () => (await roomState(frame)) === state,
    { timeoutMs, intervalMs: 200, message: `${label} frame to reach state "${state}"` });
}

// A room and the main app's page with both participants' frames, connected.
async function openEmbeddedCall() {
  const { roomId, body, res } = await server.createRoom({ aiOrb: { enabled: false } });
  const urls = res.json.connectionUrls;
  const call = {
    roomId,
    coachId: body.participants.coach.id,
    clientId: body.participants.client.id,
    urls: { coach: onServer(server, urls.coach), client: onServer(server, urls.client) },
    events: await server.events(roomId, { since: 0 }),
    page: null,
  };
  try {
    call.page = await newParticipantPage(browser, mainAppPage(call.urls), { label: 'main app' });
    call.coach = await frameNamed(call.page, 'coach');
    call.client = await frameNamed(call.page, 'client');
    await waitState(call.coach, 'connected', 'coach');
    await waitState(call.client, 'connected', 'client');
  } catch (e) {
    e.message += diag(call.page);
    await closeCall(call);
    throw e;
  }
  return call;
}

async function closeCall(call) {
  if (call.page && !call.page.isClosed()) {
    await withTimeout(call.page.context().close(), 10000, 'closing the browser context').catch(() => {});
  }
  await call.events?.close();
}

// Video frames decoded in `frame` from participantId, rising over ~2 s (as call.test.mjs checks a page).
async function assertVideoFlows(frame, label, participantId, page) {
  let first;
  try {
    first = await waitUntil(async () => {
      const r = await receivedMedia(frame, participantId);
      return r.framesDecoded > 0 && r.audioPackets > 0 ? r : null;
    }, { timeoutMs: 20000, intervalMs: 250, message: `${label} frame to decode video and receive audio from ${participantId}` });
  } catch (e) {
    const last = await receivedMedia(frame, participantId).catch(() => null);
    e.message += `\nlast stats: ${JSON.stringify(last?.raw)}${diag(page)}`;
    throw e;
  }
  await sleep(2000);
  const second = await receivedMedia(frame, participantId);
  assert.ok(second.framesDecoded > first.framesDecoded,
    `${label}: frames from ${participantId} rise (${first.framesDecoded} -> ${second.framesDecoded})${diag(page)}`);
}

const removedText = (frame) => frame.evaluate(() => document.querySelector('[data-testid=removed-screen]')?.innerText ?? '');

describe('the room page embedded in another origin\'s page', () => {
  it('is sent with frame-ancestors naming ROOMS_FRAME_ANCESTORS and no X-Frame-Options', T, async () => {
    const res = await httpRequest({ port: server.port, path: `/room/${crypto.randomUUID()}?token=x` });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-security-policy'], `frame-ancestors 'self' ${mainOrigin}`);
    assert.equal(res.headers['x-frame-options'], undefined);
  });

  it('coach and client join from two cross-origin frames and decode each other\'s video', T, async () => {
    const call = await openEmbeddedCall();
    try {
      // Really another origin: the main app's page cannot look into the frames.
      assert.equal(await call.page.evaluate(() => location.origin), mainOrigin);
      assert.equal(await call.coach.evaluate(() => location.origin), server.baseUrl);
      assert.equal(await call.page.evaluate(() => {
        try {
          return document.querySelector('iframe[name=coach]').contentWindow.document.title;
        } catch (e) {
          return e.name;
        }
      }), 'SecurityError');
      assert.equal(await call.page.$eval('iframe[name=client]', (f) => f.getAttribute('allow')), ALLOW);

      await assertVideoFlows(call.coach, 'coach', call.clientId, call.page);
      await assertVideoFlows(call.client, 'client', call.coachId, call.page);
      assert.equal(await call.coach.textContent('[data-testid=self-name]'), 'Casey Coach');
      await call.coach.waitForSelector('[data-testid=tile-client]', { state: 'visible', timeout: 5000 });
      const status = await server.status(call.roomId);
      assert.equal(status.participants.coach.connected, true);
      assert.equal(status.participants.client.connected, true);
      await screenshot(call.page, 'embed-call');
    } catch (e) {
      e.message += diag(call.page);
      throw e;
    } finally {
      await closeCall(call);
    }
  });

  it('a removed client sees why in their frame and is not reconnected; readmitted, a reload joins again', T, async () => {
    const call = await openEmbeddedCall();
    try {
      const reason = 'Your coach has paused your part of the session.';
      const removed = await server.api('POST', `/api/rooms/${call.roomId}/participants/client/remove`, { json: { reason } });
      assert.equal(removed.status, 200, removed.text);
      assert.equal(removed.json.wasConnected, true);

      await call.client.waitForSelector('[data-testid=removed-screen]', { state: 'visible', timeout: 5000 });
      const text = await removedText(call.client);
      assert.match(text, /You were removed from this session/);
      assert.ok(text.includes(reason), text);
      assert.match(text, /You can close this window/);
      assert.equal(await call.client.isVisible('[data-testid=btn-removed-rejoin]'), false);
      assert.equal(await roomState(call.client), 'removed');
      assert.deepEqual(await call.client.evaluate(() => window.__room.removed), { reason, allowRejoin: false });
      await screenshot(call.page, 'embed-removed');

      // No retry: the page stays on its screen and the seat stays empty.
      await sleep(3000);
      assert.equal(await roomState(call.client), 'removed');
      assert.equal((await server.status(call.roomId)).participants.client.connected, false);
      const joins = call.events.frames.filter((f) => f.type === 'participant-joined' && f.data.participantId === call.clientId);
      assert.equal(joins.length, 1, 'the client joined once');
      assert.ok(call.events.frames.some((f) => f.type === 'participant-removed'), 'participant-removed');
      // The coach's frame goes on, waiting for the client.
      assert.equal(await roomState(call.coach), 'connected');
      await call.coach.waitForSelector('[data-testid=waiting]', { state: 'visible', timeout: 5000 });

      // Readmitted: the participant comes back by reloading (here: the frame loads its link again).
      assert.equal((await server.api('POST', `/api/rooms/${call.roomId}/participants/client/readmit`)).status, 200);
      await withTimeout(call.client.goto(call.urls.client, { waitUntil: 'load' }), 15000, 'reloading the client frame');
      await waitState(call.client, 'connected', 'client after readmit');

      // Removed with allowRejoin: the screen offers to rejoin, and its button does.
      const again = await server.api('POST', `/api/rooms/${call.roomId}/participants/client/remove`,
        { json: { reason: 'Please reconnect.', allowRejoin: true } });
      assert.equal(again.status, 200, again.text);
      await call.client.waitForSelector('[data-testid=btn-removed-rejoin]', { state: 'visible', timeout: 5000 });
      assert.match(await removedText(call.client), /You may rejoin by reloading this page/);
      await call.client.click('[data-testid=btn-removed-rejoin]');
      await waitState(call.client, 'connected', 'client after rejoin');
    } catch (e) {
      e.message += diag(call.page);
      throw e;
    } finally {
      await closeCall(call);
    }
  });

  it('without ROOMS_FRAME_ANCESTORS the page forbids framing, and Chromium keeps it out of the frame', T, async () => {
    const plain = await startRoomsd({ env: { ROOMS_ANNOUNCED_IP: '127.0.0.1', ROOMS_WEB_DIR: WEB_DIR } });
    let page;
    try {
      const res = await httpRequest({ port: plain.port, path: `/room/${crypto.randomUUID()}?token=x` });
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-security-policy'], "frame-ancestors 'none'");
      assert.equal(res.headers['x-frame-options'], 'DENY');

      const { roomId, res: created } = await plain.createRoom({ aiOrb: { enabled: false } });
      page = await newParticipantPage(browser, mainAppPage({ coach: onServer(plain, created.json.connectionUrls.coach) }),
        { label: 'main app (refused)' });
      await sleep(3000);
      const frame = page.frame({ name: 'coach' });
      const loaded = await frame?.evaluate(() => typeof window.__room).catch(() => 'undefined');
      assert.equal(loaded ?? 'undefined', 'undefined', `the room page did not run in the frame${diag(page, plain)}`);
      assert.equal((await plain.status(roomId)).participants.coach.connected, false);
    } finally {
      if (page) await withTimeout(page.context().close(), 10000, 'closing the browser context').catch(() => {});
      await plain.close();
    }
  });
});
