// The room page (web/) in headless Chromium against the real roomsd: a coach and a client join through
// their connectionUrls and exchange real audio and video over 127.0.0.1 (run inside
// ../shared/tools/loopback-only, as `make test-browser` does).
//
// Each test makes its own room and its own browser contexts; one roomsd and one Chromium serve them all.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { sleep, startRoomsd, waitUntil, withTimeout } from '../integration/helpers/roomsd.mjs';
import { closeBrowser, launchChromium, newParticipantPage, onServer, pageLog, receivedMedia, screenshot } from './helpers/browser.mjs';

const T = { timeout: 90000 };
const GRACE_SECONDS = 5;

let server;
let browser;

before(async () => {
  server = await startRoomsd({
    logLevel: process.env.ROOMS_TEST_LOG_LEVEL ?? 'info',
    env: {
      ROOMS_ANNOUNCED_IP: '127.0.0.1',
      ROOMS_RECONNECT_GRACE_SECONDS: String(GRACE_SECONDS),
      ROOMS_ICE_CONSENT_TIMEOUT_SECONDS: '5',
      // Two media workers whatever the machine has, so the first test's two calls run on different ones.
      ROOMS_MEDIA_WORKERS: '2',
    },
  });
  browser = await launchChromium();
});

after(async () => {
  await closeBrowser(browser);
  await server?.close();
});

// What a failed assertion should show: both pages' consoles and roomsd's last lines.
function diag(call) {
  return `\n--- coach page ---\n${pageLog(call?.coach)}\n--- client page ---\n${pageLog(call?.client)}` +
    `\n--- roomsd ---\n${server.tail(60)}`;
}

const roomState = (page) => page.evaluate(() => window.__room?.state ?? null);

async function waitConnected(page, label, timeoutMs = 20000) {
  await waitUntil(async () => (await roomState(page)) === 'connected',
    { timeoutMs, intervalMs: 200, message: `${label} page to reach state "connected"` });
}

// Asserts that `page` gets video frames and audio packets from participantId, rising over ~2 s.
async function assertMediaFlows(page, label, participantId, call) {
  let first;
  try {
    first = await waitUntil(async () => {
      const r = await receivedMedia(page, participantId);
      return r.framesDecoded > 0 && r.audioPackets > 0 ? r : null;
    }, { timeoutMs: 20000, intervalMs: 250, message: `${label} to receive video and audio from ${participantId}` });
  } catch (e) {
    const last = await receivedMedia(page, participantId).catch(() => null);
    if (process.env.ROOMS_TEST_DUMP_STATS) {
      const all = await page.evaluate(async () => {
        const out = [];
        (await window.__room.pc.getStats()).forEach((r) => {
          if (['transport', 'inbound-rtp', 'certificate'].includes(r.type)) out.push(r);
        });
        return { stats: out, remote: window.__room.pc.remoteDescription?.sdp };
      });
      e.message += `\nfull stats: ${JSON.stringify(all)}`;
    }
    e.message += `\nlast stats: ${JSON.stringify(last?.raw)}${diag(call)}`;
    throw e;
  }
  await sleep(2000);
  const second = await receivedMedia(page, participantId);
  assert.ok(second.framesDecoded > first.framesDecoded,
    `${label}: video frames from ${participantId} rise (${first.framesDecoded} -> ${second.framesDecoded})${diag(call)}`);
  assert.ok(second.audioPackets > first.audioPackets,
    `${label}: audio packets from ${participantId} rise (${first.audioPackets} -> ${second.audioPackets})${diag(call)}`);
  return second;
}

// A room, its events socket, and both participants' pages open and connected.
async function openCall() {
  const { roomId, body, res } = await server.createRoom({ aiOrb: { enabled: false } });
  const call = {
    roomId,
    coachId: body.participants.coach.id,
    clientId: body.participants.client.id,
    urls: res.json.connectionUrls,
    events: await server.events(roomId),
    coach: null,
    client: null,
  };
  try {
    call.coach = await newParticipantPage(browser, onServer(server, call.urls.coach), { label: 'coach' });
    call.client = await newParticipantPage(browser, onServer(server, call.urls.client), { label: 'client' });
    await waitConnected(call.coach, 'coach');
    await waitConnected(call.client, 'client');
  } catch (e) {
    e.message += diag(call);
    await closeCall(call);
    throw e;
  }
  return call;
}

async function closeCall(call) {
  for (const p of [call.coach, call.client]) {
    if (p && !p.isClosed()) await withTimeout(p.context().close(), 10000, 'closing a browser context').catch(() => {});
  }
  await call.events?.close();
}

const framesOf = (call, type, participantId) =>
  call.events.frames.filter((f) => f.type === type && (participantId === undefined || f.data?.participantId === participantId));

// The port of the server candidate the page's ICE selected: which media worker carries its media.
const selectedServerPort = (page) => page.evaluate(async () => {
  const stats = await window.__room.pc.getStats();
  let port = null;
  stats.forEach((r) => {
    if (r.type !== 'transport' || !r.selectedCandidatePairId) return;
    const pair = stats.get(r.selectedCandidatePairId);
    port = stats.get(pair?.remoteCandidateId)?.port ?? null;
  });
  return port;
});

async function workerPorts() {
  const res = await server.api('GET', '/metrics');
  const text = res.text ?? res.body ?? '';
  return [...text.matchAll(/^rooms_media_worker_port\{worker="(\d+)"\} (\d+)$/gm)]
    .sort((a, b) => Number(a[1]) - Number(b[1])).map((m) => Number(m[2]));
}

describe('room page in Chromium', () => {
  // First in the file, on a fresh server: the two rooms are the only ones placed, one on each worker.
  it('two calls at once run on the two media workers, each decoding both ways', T, async () => {
    const first = await openCall();
    let second;
    try {
      second = await openCall();
      for (const call of [first, second]) {
        await assertMediaFlows(call.coach, 'coach', call.clientId, call);
        await assertMediaFlows(call.client, 'client', call.coachId, call);
      }
      const ports = await workerPorts();
      assert.equal(ports.length, 2, `two media workers in /metrics: ${ports}`);
      const used = [];
      for (const call of [first, second]) {
        const coachPort = await selectedServerPort(call.coach);
        assert.equal(await selectedServerPort(call.client), coachPort, 'both pages of a room on its worker');
        used.push(coachPort);
      }
      assert.deepEqual(used, ports, `room 1 on worker 0 and room 2 on worker 1 (ports ${ports})`);
    } finally {
      await closeCall(first);
      if (second) await closeCall(second);
    }
  });

  it('coach and client see and hear each other', T, async () => {
    const call = await openCall();
    try {
      // Who am I, as the page shows it.
      assert.equal(await call.coach.textContent('[data-testid=self-name]'), 'Casey Coach');
      assert.equal(await call.client.textContent('[data-testid=self-name]'), 'Charlie Client');

      await assertMediaFlows(call.coach, 'coach', call.clientId, call);
      await assertMediaFlows(call.client, 'client', call.coachId, call);

      // Each sees the other's tile and no "waiting for" notice.
      await call.coach.waitForSelector('[data-testid=tile-client]', { state: 'visible', timeout: 5000 });
      await call.client.waitForSelector('[data-testid=tile-coach]', { state: 'visible', timeout: 5000 });
      assert.equal(await call.coach.isVisible('[data-testid=waiting]'), false);
      assert.equal(await call.client.isVisible('[data-testid=waiting]'), false);

      const status = await server.status(call.roomId);
      assert.equal(status.participants.coach.connected, true, JSON.stringify(status));
      assert.equal(status.participants.client.connected, true, JSON.stringify(status));

      await call.events.waitForType('room-started', 5000);
      await call.events.waitFor((fs) =>
        fs.some((f) => f.type === 'participant-joined' && f.data.participantId === call.coachId) &&
        fs.some((f) => f.type === 'participant-joined' && f.data.participantId === call.clientId),
      5000, 'participant-joined for the coach and the client');
      assert.equal(framesOf(call, 'participant-joined').filter((f) => f.data.participantType !== 'aiOrb').length, 2);

      await screenshot(call.coach, 'call-coach');
      await screenshot(call.client, 'call-client');
    } finally {
      await closeCall(call);
    }
  });

  it('a waiting coach sees "Waiting for the client…"', T, async () => {
    const { roomId, res } = await server.createRoom({ aiOrb: { enabled: false } });
    const call = { roomId, coach: null, client: null };
    try {
      call.coach = await newParticipantPage(browser, onServer(server, res.json.connectionUrls.coach), { label: 'coach' });
      await waitConnected(call.coach, 'coach');
      await call.coach.waitForSelector('[data-testid=waiting]', { state: 'visible', timeout: 5000 });
      assert.match(await call.coach.textContent('[data-testid=waiting]'), /Waiting for the client/);
      await screenshot(call.coach, 'waiting-coach');
    } catch (e) {
      e.message += diag(call);
      throw e;
    } finally {
      await closeCall(call);
    }
  });

  it('a reload of the client page is a reconnection, not a leave', T, async () => {
    const call = await openCall();
    try {
      await assertMediaFlows(call.coach, 'coach', call.clientId, call);
      await withTimeout(call.client.reload({ waitUntil: 'load' }), 15000, 'client page reload');
      await waitConnected(call.client, 'client after reload');
      assert.equal(await call.client.evaluate(() => window.__room.self?.reconnected), true,
        `welcome.reconnected after a reload within the grace period${diag(call)}`);
      await assertMediaFlows(call.client, 'client after reload', call.coachId, call);
      await assertMediaFlows(call.coach, 'coach after the client reloaded', call.clientId, call);

      // Past the grace period: still no participant-left for the client.
      await sleep((GRACE_SECONDS + 1) * 1000);
      assert.deepEqual(framesOf(call, 'participant-left', call.clientId), [],
        `no participant-left for the client${diag(call)}`);
      assert.equal(framesOf(call, 'participant-joined', call.clientId).length, 1, 'one participant-joined for the client');

      const analytics = await waitUntil(async () => {
        const r = await server.api('GET', `/api/rooms/${call.roomId}/analytics`);
        return r.status === 200 && r.json.metrics.reconnections >= 1 ? r.json : null;
      }, { timeoutMs: 5000, intervalMs: 250, message: 'analytics metrics.reconnections >= 1' });
      assert.ok(analytics.metrics.reconnections >= 1);
      const status = await server.status(call.roomId);
      assert.equal(status.participants.client.connected, true, JSON.stringify(status));
    } finally {
      await closeCall(call);
    }
  });

  it('closing the client page: participant-left for the client within 15 s', T, async () => {
    const call = await openCall();
    try {
      await assertMediaFlows(call.coach, 'coach', call.clientId, call);
      await withTimeout(call.client.context().close(), 10000, 'closing the client context');
      const closedAt = Date.now();
      await call.events.waitFor((fs) =>
        fs.some((f) => f.type === 'participant-left' && f.data.participantId === call.clientId),
      15000, 'participant-left for the client').catch((e) => {
        e.message += diag(call);
        throw e;
      });
      const left = framesOf(call, 'participant-left', call.clientId)[0];
      assert.equal(left.data.participantType, 'client');
      assert.ok(Date.now() - closedAt <= 15000);
      // The coach's page drops the client's tile and waits again.
      await call.coach.waitForSelector('[data-testid=waiting]', { state: 'visible', timeout: 5000 });
      await screenshot(call.coach, 'client-left-coach');
    } finally {
      await closeCall(call);
    }
  });

  it('POST /end shows the ended screen on both pages within 5 s', T, async () => {
    const call = await openCall();
    try {
      await server.endRoom(call.roomId, 'system', 'session_completed');
      await Promise.all([call.coach, call.client].map((p) =>
        p.waitForSelector('[data-testid=ended-screen]', { state: 'visible', timeout: 5000 }).catch((e) => {
          e.message += diag(call);
          throw e;
        })));
      assert.equal(await roomState(call.coach), 'ended');
      assert.equal(await roomState(call.client), 'ended');
      await screenshot(call.client, 'ended-client');
    } finally {
      await closeCall(call);
    }
  });
});
