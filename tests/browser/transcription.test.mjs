// Live transcription and the session summary end to end: a client whose fake microphone plays known English
// sentences (synthesised by flite) talks to a silent coach through roomsd; the transcript is compared with
// the sentences (word error rate), speaker attribution and talk time are checked, and after the room ends
// the summary arrives (summary-ready on the events WebSocket and at a webhook) with the planted action
// items. Runs inside ../shared/tools/loopback-only like every browser test.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { WebhookReceiver, startRoomsd, waitUntil } from '../integration/helpers/roomsd.mjs';
import { closeBrowser, launchChromium, newParticipantPage, onServer, pageLog, screenshot } from './helpers/browser.mjs';
import { silentWav, speechFixture, wordErrorRate } from './helpers/speech.mjs';

const SENTENCES = [
  'Good morning, thank you for making time for this session today.',
  'I want to talk about my career goals and how I manage my time at work.',
  'I will send the project plan to my manager by Friday.',
  'Next step is to schedule a meeting with the design team next week.',
  'I feel much better about the new role and I am excited to start.',
];

let server;
let coachBrowser;
let clientBrowser;
let hooks;
let fixture;

before(async () => {
  fixture = speechFixture(SENTENCES, { voice: 'rms' });
  hooks = new WebhookReceiver();
  await hooks.listen();
  server = await startRoomsd({ logLevel: process.env.ROOMS_TEST_LOG_LEVEL ?? 'info', env: { ROOMS_ANNOUNCED_IP: '127.0.0.1' } });
  // One browser per microphone: Chromium's fake capture file is a process-wide flag.
  coachBrowser = await launchChromium({ fakeAudioWav: silentWav() });
  clientBrowser = await launchChromium({ fakeAudioWav: fixture.wavPath });
});

after(async () => {
  await closeBrowser(coachBrowser);
  await closeBrowser(clientBrowser);
  await server?.close();
  await hooks?.close();
});

describe('live transcription and summary', () => {
  it('transcribes what the client says, attributes it, times it, and summarises the session', { timeout: 180000 }, async () => {
    const reg = await server.api('POST', '/api/webhooks', { json: { url: hooks.url, events: ['summary-ready'] } });
    assert.equal(reg.status, 201);
    const { roomId, body, res } = await server.createRoom({
      aiOrb: { enabled: false },
      features: { recording: false, transcription: true, aiAssistance: false, generateSummary: true },
    });
    const events = await server.events(roomId);
    const coach = await newParticipantPage(coachBrowser, onServer(server, res.json.connectionUrls.coach), { label: 'coach' });
    const client = await newParticipantPage(clientBrowser, onServer(server, res.json.connectionUrls.client), { label: 'client' });
    const diag = () => `\n--- coach ---\n${pageLog(coach)}\n--- client ---\n${pageLog(client)}\n--- roomsd ---\n${server.tail(80)}`;
    try {
      const clientId = body.participants.client.id;
      // Every sentence recognised: as many client segments as sentences, or the fixture has played out.
      const started = Date.now();
      let segments = [];
      await waitUntil(async () => {
        const r = await server.api('GET', `/api/rooms/${roomId}/transcription?format=json`);
        segments = r.json.transcription.content;
        return segments.filter((s) => s.role === 'client').length >= SENTENCES.length ||
          Date.now() - started > (fixture.playSeconds + 25) * 1000;
      }, { timeoutMs: (fixture.playSeconds + 40) * 1000, intervalMs: 1000, message: 'the transcript' });

      // Live captions reached the other participant's page.
      const captions = await coach.evaluate(() => window.__room.captions);
      assert.ok(captions.some((c) => c.role === 'client' && c.text), `coach page saw no caption${diag()}`);
      await screenshot(coach, 'transcription-coach-captions');

      const spoken = segments.filter((s) => s.text);
      assert.ok(spoken.length > 0, `nothing transcribed${diag()}`);
      for (const s of spoken) {
        assert.equal(s.role, 'client', `a segment attributed to ${s.role}: "${s.text}"`);
        assert.equal(s.participantId, clientId);
      }
      const hypothesis = spoken.map((s) => s.text).join(' ');
      const wer = wordErrorRate(SENTENCES.join(' '), hypothesis);
      console.log(`transcript: "${hypothesis}"`);
      console.log(`word error rate: ${(wer * 100).toFixed(1)}% over ${SENTENCES.join(' ').split(/\s+/).length} words`);
      assert.ok(wer <= 0.25, `word error rate ${(wer * 100).toFixed(1)}% is above 25%`);

      const vtt = await server.api('GET', `/api/rooms/${roomId}/transcription?format=vtt`);
      assert.match(vtt.json.transcription.content, /^WEBVTT/);
      assert.match(vtt.json.transcription.content, /<v Charlie Client>/);

      // End the session; the summary follows on the events socket and at the webhook.
      const end = await server.endRoom(roomId, 'system');
      assert.equal(end.status, 200);
      await events.waitForType('summary-ready', 60000);
      await waitUntil(() => hooks.requests.some((r) => r.headers['x-room-event'] === 'summary-ready'),
        { timeoutMs: 30000, intervalMs: 200, message: 'summary-ready at the webhook' });
      const frames = events.clean();
      const ended = frames.findIndex((f) => f.type === 'room-ended');
      const ready = frames.findIndex((f) => f.type === 'summary-ready');
      assert.ok(ended >= 0 && ready > ended, 'summary-ready comes after room-ended');
      assert.ok(frames.some((f) => f.type === 'transcript' && f.data.participantType === 'client'), 'transcript events');

      const summary = await server.api('GET', `/api/rooms/${roomId}/summary`);
      assert.equal(summary.status, 200);
      const s = summary.json.summary;
      console.log(`summary: ${JSON.stringify(s, null, 1)}`);
      assert.deepEqual(Object.keys(summary.json), ['roomId', 'sessionId', 'summary', 'attendance']);
      for (const k of ['generatedAt', 'textSummary', 'keyTopics', 'actionItems', 'sentiment', 'transcriptionAvailable', 'participantStats']) {
        assert.ok(k in s, `summary.${k}`);
      }
      assert.equal(s.transcriptionAvailable, true);
      assert.ok(Array.isArray(s.keyTopics) && s.keyTopics.length > 0, 'key topics');
      assert.ok(['positive', 'neutral', 'negative', 'mixed'].includes(s.sentiment));
      const items = s.actionItems.join(' | ').toLowerCase();
      assert.match(items, /project plan/, `action items: ${items}`);
      assert.match(items, /schedule a meeting|meeting with the design team/, `action items: ${items}`);

      // Talk time: what the voice activity detector measured against the speech the fixture played.
      const talk = s.participantStats.client.talkTime;
      const ratio = talk / fixture.speechSeconds;
      console.log(`talk time: client ${talk} s measured, ${fixture.speechSeconds.toFixed(1)} s played (${(ratio * 100).toFixed(1)}%); coach ${s.participantStats.coach.talkTime} s`);
      assert.ok(Math.abs(ratio - 1) <= 0.1, `client talk time ${talk} s vs ${fixture.speechSeconds.toFixed(1)} s played`);
      assert.equal(s.participantStats.coach.talkTime, 0);
      assert.equal(s.participantStats.client.talkPercentage, 100);
      assert.equal(summary.json.attendance.client.attended, true);
      assert.equal(summary.json.attendance.coach.attended, true);
    } catch (e) {
      e.message += diag();
      throw e;
    } finally {
      await events.close();
    }
  });
});
