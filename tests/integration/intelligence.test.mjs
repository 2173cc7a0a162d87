// Session intelligence against the real roomsd, without browsers: sentences enter through the transcript test
// hook (the same path the speech recognizer's results take), presence through the presence hook. Covers the
// transcript events and formats, the summary and summary-ready (events and webhooks), the AI Orb joining,
// answering when addressed, staying silent without aiAssistance, and leaving/returning on PATCH config.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { WebhookReceiver, sleep, startRoomsd, waitUntil } from './helpers/roomsd.mjs';

const T = { timeout: 60000 };
let server;
let hooks;

before(async () => {
  hooks = new WebhookReceiver();
  await hooks.listen();
  server = await startRoomsd({ env: { ROOMS_ORB_CHECK_IN_SECONDS: '3600' } });
});

after(async () => {
  await server?.close();
  await hooks?.close();
});

const say = (roomId, role, text, startMs, durationMs = 3000) =>
  server.api('POST', `/_test/rooms/${roomId}/transcript`, { json: { role, text, startMs, durationMs }, validate: false });

async function transcript(roomId, format = 'json') {
  const r = await server.api('GET', `/api/rooms/${roomId}/transcription?format=${format}`);
  assert.equal(r.status, 200, r.text);
  return r.json.transcription.content;
}

describe('transcript and summary', () => {
  it('stores sentences as they come, as transcript events, and summarises the session on end', T, async () => {
    const reg = await server.api('POST', '/api/webhooks', { json: { url: hooks.url, events: ['summary-ready'] } });
    assert.equal(reg.status, 201);
    const { roomId, body } = await server.createRoom({ aiOrb: { enabled: false } });
    const ws = await server.events(roomId, { since: 0 });
    try {
      await server.presence(roomId, 'coach', 'connect', 'c1');
      await server.presence(roomId, 'client', 'connect', 'k1');
      const t0 = Date.now();
      const lines = [
        ['coach', 'Welcome back. How did the week go with the new team?'],
        ['client', 'It went really well, I feel more confident about leading the weekly planning meeting.'],
        ['coach', 'That is great progress. What would you like to focus on today?'],
        ['client', 'I want to work on delegation and on giving feedback to my team.'],
        ['client', 'I will send the project plan to my manager by Friday.'],
        ['coach', "Next step is to schedule a feedback conversation with Alex next week."],
      ];
      for (const [i, [role, text]] of lines.entries()) {
        const r = await say(roomId, role, text, t0 + i * 5000, 4000);
        assert.equal(r.status, 200, r.text);
      }
      await ws.waitForType('transcript', 5000, lines.length);
      const tr = ws.clean().filter((f) => f.type === 'transcript');
      assert.deepEqual(Object.keys(tr[0].data),
        ['roomId', 'participantId', 'participantType', 'name', 'text', 'startTime', 'endTime', 'confidence', 'timestamp']);
      assert.equal(tr[1].data.participantType, 'client');
      assert.equal(tr[1].data.participantId, body.participants.client.id);

      const json = await transcript(roomId);
      assert.equal(json.length, lines.length);
      assert.equal(json[4].text, lines[4][1]);
      assert.match(await transcript(roomId, 'vtt'), /^WEBVTT\n\n\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}\n<v coach>Welcome back/);
      assert.match(await transcript(roomId, 'text'), /client\): I will send the project plan/);

      await server.endRoom(roomId);
      await ws.waitForType('summary-ready', 15000);
      const ended = ws.clean().find((f) => f.type === 'room-ended');
      assert.equal(ended.data.summaryReady, false, 'the summary follows the end');
      const res = await server.api('GET', `/api/rooms/${roomId}/summary`);
      assert.equal(res.status, 200, res.text);
      const s = res.json.summary;
      assert.equal(res.json.roomId, roomId);
      assert.equal(res.json.sessionId, body.sessionId);
      assert.equal(s.transcriptionAvailable, true);
      assert.match(s.actionItems.join('|').toLowerCase(), /project plan/);
      assert.match(s.actionItems.join('|').toLowerCase(), /feedback conversation/);
      assert.ok(s.keyTopics.length >= 2, JSON.stringify(s.keyTopics));
      assert.equal(s.sentiment, 'positive');
      assert.equal(s.participantStats.coach.talkTime, 12);
      assert.equal(s.participantStats.client.talkTime, 12);
      assert.equal(s.participantStats.coach.talkPercentage + s.participantStats.client.talkPercentage, 100);
      assert.equal(s.participantStats.aiOrb.talkTime, 0);
      assert.equal(res.json.attendance.coach.attended, true);
      await waitUntil(() => hooks.requests.some((r) => r.headers['x-room-event'] === 'summary-ready' && r.body.includes(roomId)),
        { timeoutMs: 15000, message: 'summary-ready webhook' });
    } finally {
      await ws.close();
    }
  });

  it('produces a summary for a silent session too', T, async () => {
    const { roomId } = await server.createRoom({ aiOrb: { enabled: false } });
    const ws = await server.events(roomId, { since: 0 });
    try {
      await server.presence(roomId, 'coach', 'connect', 'c1');
      await server.endRoom(roomId);
      await ws.waitForType('summary-ready', 15000);
      const res = await server.api('GET', `/api/rooms/${roomId}/summary`);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.summary.transcriptionAvailable, false);
      assert.deepEqual(res.json.summary.actionItems, []);
      assert.equal(res.json.summary.sentiment, 'neutral');
      assert.ok(res.json.summary.textSummary.length > 0);
      assert.equal(res.json.attendance.client.attended, false);
    } finally {
      await ws.close();
    }
  });

  it('does not summarise when generateSummary is false', T, async () => {
    const { roomId } = await server.createRoom({
      aiOrb: { enabled: false },
      features: { recording: false, transcription: true, aiAssistance: false, generateSummary: false },
    });
    const ws = await server.events(roomId, { since: 0 });
    try {
      await server.presence(roomId, 'coach', 'connect', 'c1');
      await say(roomId, 'coach', 'I will write the plan by Monday.', Date.now() - 3000);
      await server.endRoom(roomId);
      await sleep(1500);
      assert.ok(!ws.clean().some((f) => f.type === 'summary-ready'));
      const res = await server.api('GET', `/api/rooms/${roomId}/summary`);
      assert.equal(res.status, 409);
      assert.match(res.json.error.message, /generateSummary/);
    } finally {
      await ws.close();
    }
  });
});

describe('AI Orb', () => {
  it('joins when the room starts, answers when addressed, and leaves and returns with PATCH config', T, async () => {
    const { roomId } = await server.createRoom({
      aiOrb: { enabled: true, personality: 'direct', voiceModel: 'default' },
      features: { recording: false, transcription: true, aiAssistance: true, generateSummary: true },
    });
    const ws = await server.events(roomId, { since: 0 });
    try {
      await server.presence(roomId, 'coach', 'connect', 'c1');
      await ws.waitFor((fs) => fs.some((f) => f.type === 'participant-joined' && f.data.participantType === 'aiOrb'),
        5000, 'the orb joining');
      const joined = ws.clean().find((f) => f.type === 'participant-joined' && f.data.participantType === 'aiOrb');
      assert.equal(joined.data.participantId, 'ai-orb');
      let status = await server.status(roomId);
      assert.equal(status.participants.aiOrb.connected, true);

      await say(roomId, 'client', 'Orb, what should I focus on this week?', Date.now() - 2500, 2500);
      let reply;
      await waitUntil(async () => {
        reply = (await transcript(roomId)).find((s) => s.role === 'aiOrb');
        return !!reply;
      }, { timeoutMs: 30000, intervalMs: 250, message: 'the orb to answer' });
      assert.equal(reply.participantId, 'ai-orb');
      assert.ok(reply.text.length > 10, reply.text);
      status = await server.status(roomId);
      assert.ok(status.participants.aiOrb.participationPercentage > 0);

      let patch = await server.api('PATCH', `/api/rooms/${roomId}/config`, { json: { aiOrb: { enabled: false } } });
      assert.equal(patch.status, 200, patch.text);
      await ws.waitFor((fs) => fs.some((f) => f.type === 'participant-left' && f.data.participantType === 'aiOrb'),
        5000, 'the orb leaving');
      status = await server.status(roomId);
      assert.equal(status.participants.aiOrb.connected, false);

      patch = await server.api('PATCH', `/api/rooms/${roomId}/config`, { json: { aiOrb: { enabled: true } } });
      assert.equal(patch.status, 200, patch.text);
      await ws.waitFor((fs) => fs.filter((f) => f.type === 'participant-joined' && f.data.participantType === 'aiOrb').length >= 2,
        5000, 'the orb returning');
      status = await server.status(roomId);
      assert.equal(status.participants.aiOrb.connected, true);
    } finally {
      await ws.close();
    }
  });

  it('stays a silent listener without aiAssistance', T, async () => {
    const { roomId } = await server.createRoom({
      aiOrb: { enabled: true, personality: 'reflective', voiceModel: 'default' },
      features: { recording: false, transcription: true, aiAssistance: false, generateSummary: true },
    });
    await server.presence(roomId, 'client', 'connect', 'k1');
    await waitUntil(async () => (await server.status(roomId)).participants.aiOrb.connected,
      { timeoutMs: 5000, message: 'the orb joining' });
    await say(roomId, 'client', 'Orb, are you there?', Date.now() - 2000, 2000);
    await sleep(4000);
    assert.ok(!(await transcript(roomId)).some((s) => s.role === 'aiOrb'), 'the orb said something');
  });
});
