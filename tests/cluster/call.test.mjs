// A call through a cluster whose owner dies (docs/cluster.md, "A node's death"). Three roomsd nodes share a
// PostgreSQL database and a Redis server. The room is placed on B (A and C drain while it is created); both
// pages load node C's URLs, so their signaling is relayed to B; the events socket is on A. Mid-call B is
// killed with -9: C takes the room over, the pages reconnect through C and make new peer connections to it,
// and the session goes on. The test holds the bar: both pages decode video again within 10 s,
// presence counts a reconnection for each and no participant-left, the orb is back, and after the end one
// summary covers what the client said on both nodes. Runs inside ../shared/tools/loopback-only.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { closeBrowser, launchChromium, newParticipantPage, onServer, pageLog, receivedMedia, screenshot } from '../browser/helpers/browser.mjs';
import { silentWav, speechFixture } from '../browser/helpers/speech.mjs';
import { WebhookReceiver, openWebSocket, waitUntil } from '../integration/helpers/roomsd.mjs';
import { startCluster } from './helpers/cluster.mjs';

// Played in a loop by the client's fake microphone, so there is speech before and after the kill.
const SENTENCES = [
  'I want to talk about my career goals and how I manage my time at work.',
  'I will send the project plan to my manager by Friday.',
];
const RECOVERY_LIMIT_MS = 10000;

let cluster;
let nodes;
let coachBrowser;
let clientBrowser;
const hooks = new WebhookReceiver();

before(async () => {
  const fixture = speechFixture(SENTENCES, { voice: 'rms', leadSeconds: 1, gapSeconds: 1.5, tailSeconds: 1 });
  // One media worker per node: three nodes and two browsers share the machine's cores.
  cluster = await startCluster(['a', 'b', 'c'], { name: 'cluster_call', env: { ROOMS_MEDIA_WORKERS: '1' } });
  ({ nodes } = cluster);
  await hooks.listen();
  coachBrowser = await launchChromium({ fakeAudioWav: silentWav() });
  clientBrowser = await launchChromium({ fakeAudioWav: fixture.wavPath });
});

after(async () => {
  await closeBrowser(coachBrowser);
  await closeBrowser(clientBrowser);
  await hooks.close().catch(() => {});
  await cluster?.close();
});

// Whether the page decodes video from `from` on a peer connection other than `oldPc` (the one to B).
const decodesOnNewConnection = async (page, from) => {
  const fresh = await page.evaluate(() => window.__room.pc !== undefined && window.__room.pc !== window.__oldPc);
  if (!fresh) return false;
  return (await receivedMedia(page, from)).framesDecoded > 0;
};

describe('a call on a cluster whose owner dies', () => {
  it('goes on through the other nodes: video back within 10 s, reconnections, one summary', { timeout: 180000 }, async () => {
    const reg = await nodes.a.api('POST', '/api/webhooks', { json: { url: hooks.url, events: ['*'] } });
    assert.equal(reg.status, 201, reg.text);
    // The room on B: the create goes through A, which places it on the only node taking rooms.
    await cluster.drain('a');
    await cluster.drain('c');
    const { roomId, body, res } = await nodes.a.createRoom({
      aiOrb: { enabled: true, personality: 'supportive', voiceModel: 'default' },
      features: { recording: false, transcription: true, aiAssistance: true, generateSummary: true },
    });
    assert.equal(cluster.owner(roomId), 'b');
    await cluster.drain('c', false); // C may take rooms again (and orphans); A stays drained
    const coachId = body.participants.coach.id;
    const clientId = body.participants.client.id;

    const events = await openWebSocket(nodes.a.port, `/events/${roomId}?token=${nodes.a.apiKey}&since=0`);
    const coach = await newParticipantPage(coachBrowser, onServer(nodes.c, res.json.connectionUrls.coach), { label: 'coach' });
    const client = await newParticipantPage(clientBrowser, onServer(nodes.c, res.json.connectionUrls.client), { label: 'client' });
    const diag = () => `\n--- coach ---\n${pageLog(coach)}\n--- client ---\n${pageLog(client)}` +
      `\n--- B ---\n${nodes.b.tail(40)}\n--- C ---\n${nodes.c.tail(60)}\n--- A ---\n${nodes.a.tail(20)}`;
    try {
      for (const [page, from, label] of [[coach, clientId, 'coach'], [client, coachId, 'client']]) {
        await waitUntil(async () => (await receivedMedia(page, from)).framesDecoded > 0,
          { timeoutMs: 30000, intervalMs: 250, message: `${label} to decode video through C (room on B)` });
      }
      await waitUntil(async () => (await nodes.a.status(roomId)).participants.aiOrb?.connected === true,
        { timeoutMs: 10000, intervalMs: 250, message: 'the orb in the room on B' });
      // Something the client said, transcribed on B.
      const transcript = async () => (await nodes.a.api('GET', `/api/rooms/${roomId}/transcription?format=json`))
        .json.transcription.content.filter((s) => s.role === 'client' && s.text);
      await waitUntil(async () => (await transcript()).length > 0,
        { timeoutMs: 40000, intervalMs: 500, message: 'a transcript segment from B' });

      for (const page of [coach, client]) await page.evaluate(() => { window.__oldPc = window.__room.pc; });
      await nodes.b.kill9();
      const killedAt = Date.now();
      const recovered = {};
      await Promise.all([[coach, clientId, 'coach'], [client, coachId, 'client']].map(async ([page, from, label]) => {
        await waitUntil(() => decodesOnNewConnection(page, from),
          { timeoutMs: 30000, intervalMs: 200, message: `${label} to decode video again after B died` });
        recovered[label] = Date.now() - killedAt;
      }));
      console.log(`video decoded again after the owner's kill -9: coach ${recovered.coach} ms, client ${recovered.client} ms`);
      for (const [label, ms] of Object.entries(recovered)) {
        assert.ok(ms <= RECOVERY_LIMIT_MS, `${label} decoded video again ${ms} ms after the kill (limit ${RECOVERY_LIMIT_MS})`);
      }
      const newOwner = cluster.owner(roomId);
      assert.equal(newOwner, 'c', 'C took the room (A drains)');
      await screenshot(coach, 'cluster-coach-after-takeover');

      // Each page came back as a reconnection, through the other nodes the room is active with both there.
      for (const page of [coach, client]) assert.equal(await page.evaluate(() => window.__room.self.reconnected), true);
      for (const via of [nodes.a, nodes.c]) {
        const s = await via.status(roomId);
        assert.equal(s.status, 'active');
        assert.equal(s.participants.coach.connected, true, JSON.stringify(s));
        assert.equal(s.participants.client.connected, true, JSON.stringify(s));
      }
      await waitUntil(async () => (await nodes.a.api('GET', `/api/rooms/${roomId}/analytics`)).json.metrics.reconnections >= 2,
        { timeoutMs: 15000, intervalMs: 500, message: 'a reconnection each in the analytics' });
      // The orb's stay goes on too (status shows it connected throughout); C's orb has joined the room.
      assert.equal((await nodes.a.status(roomId)).participants.aiOrb.connected, true);
      await waitUntil(() => new RegExp(`orb_joined .*roomId=${roomId}`).test(nodes.c.log),
        { timeoutMs: 10000, intervalMs: 250, message: 'the orb to join the room on C' });
      // The client goes on talking: transcribed on C now.
      const takenAt = Date.now();
      await waitUntil(async () => (await transcript()).some((s) => Date.parse(s.start) > killedAt),
        { timeoutMs: 40000, intervalMs: 500, message: 'a transcript segment from C' });
      console.log(`transcript went on ${Date.now() - takenAt} ms after the takeover was confirmed`);

      // The end, through A: one summary with both halves.
      const end = await nodes.a.endRoom(roomId, 'system');
      assert.equal(end.success, true);
      await events.waitForType('summary-ready', 60000);
      const frames = events.frames;
      // The end closes every stay (participant-left with reason room_ended, then room-ended); nobody left before.
      const leftEarly = frames.filter((f) => f.type === 'participant-left' && f.data.reason !== 'room_ended');
      assert.deepEqual(leftEarly.map((f) => f.data), [], 'nobody left before the end');
      assert.equal(frames.filter((f) => f.type === 'participant-joined' && f.data.participantType !== 'aiOrb').length, 2,
        'each joined once: the return was a reconnection');
      assert.equal(frames.filter((f) => f.type === 'summary-ready').length, 1, 'one summary-ready');
      const ids = frames.map((f) => f.id);
      assert.equal(new Set(ids).size, ids.length, 'no event twice on A\'s socket');
      assert.deepEqual(ids, [...ids].sort((x, y) => x - y), 'in order');
      // No gap either: what A streamed across the kill is what the store holds, as C replays it.
      const replay = await openWebSocket(nodes.c.port, `/events/${roomId}?token=${nodes.c.apiKey}&since=0`);
      await replay.waitFor((fs) => fs.length >= ids.length, 10000, 'the replay on C');
      assert.deepEqual(replay.frames.slice(0, ids.length).map((f) => [f.id, f.type]), frames.map((f) => [f.id, f.type]),
        'A\'s stream is the stored history');
      replay.ws.close();
      const segments = await transcript();
      const times = segments.map((s) => Date.parse(s.start));
      assert.ok(times.some((t) => t < killedAt) && times.some((t) => t > killedAt), `segments on both sides of the kill: ${JSON.stringify(segments)}`);
      const summary = await nodes.c.api('GET', `/api/rooms/${roomId}/summary`);
      assert.equal(summary.status, 200, summary.text);
      assert.equal(summary.json.summary.transcriptionAvailable, true);
      assert.equal(summary.json.attendance.client.attended, true);
      await waitUntil(() => hooks.requests.some((r) => r.headers['x-room-event'] === 'summary-ready'),
        { timeoutMs: 15000, intervalMs: 200, message: 'summary-ready at the webhook' });
      const deliveries = hooks.requests.map((r) => `${JSON.parse(r.body).id}`);
      assert.equal(new Set(deliveries).size, deliveries.length, 'every webhook once');
    } catch (e) {
      e.message += diag();
      throw e;
    } finally {
      events.ws.close();
      for (const p of [coach, client]) await p.context().close().catch(() => {});
    }
  });
});
