// The AI Orb as a participant: in a room with the orb and aiAssistance on, the client asks it a question out
// loud ("Orb, ..."); the orb's spoken reply reaches the browsers through the SFU as audio (energy measured on
// the received track) and is in the transcript as aiOrb. Runs inside ../shared/tools/loopback-only.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startRoomsd, waitUntil } from '../integration/helpers/roomsd.mjs';
import { closeBrowser, launchChromium, newParticipantPage, onServer, pageLog, screenshot } from './helpers/browser.mjs';
import { silentWav, speechFixture } from './helpers/speech.mjs';

let server;
let coachBrowser;
let clientBrowser;

before(async () => {
  const question = speechFixture(['Orb, what should I focus on this week?'], { voice: 'rms' });
  server = await startRoomsd({ logLevel: process.env.ROOMS_TEST_LOG_LEVEL ?? 'info', env: { ROOMS_ANNOUNCED_IP: '127.0.0.1' } });
  coachBrowser = await launchChromium({ fakeAudioWav: silentWav() });
  clientBrowser = await launchChromium({ fakeAudioWav: question.wavPath });
});

after(async () => {
  await closeBrowser(coachBrowser);
  await closeBrowser(clientBrowser);
  await server?.close();
});

// Energy (Chrome's totalAudioEnergy) of the audio the page receives from participantId.
async function receivedEnergy(page, participantId) {
  return page.evaluate(async (pid) => {
    const room = window.__room;
    const mids = new Set(room.remoteTracks.filter((t) => t.participantId === pid && t.kind === 'audio').map((t) => t.mid));
    if (!room.pc || mids.size === 0) return { energy: 0, packets: 0, tracks: 0 };
    let energy = 0;
    let packets = 0;
    (await room.pc.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio' && mids.has(s.mid)) {
        energy += s.totalAudioEnergy ?? 0;
        packets += s.packetsReceived ?? 0;
      }
    });
    return { energy, packets, tracks: mids.size };
  }, participantId);
}

describe('AI Orb', () => {
  it('answers a spoken question with speech the browsers hear, and the reply is in the transcript', { timeout: 150000 }, async () => {
    const { roomId, res } = await server.createRoom({
      aiOrb: { enabled: true, personality: 'supportive', voiceModel: 'default' },
      features: { recording: true, transcription: true, aiAssistance: true, generateSummary: true },
    });
    const events = await server.events(roomId);
    const coach = await newParticipantPage(coachBrowser, onServer(server, res.json.connectionUrls.coach), { label: 'coach' });
    const client = await newParticipantPage(clientBrowser, onServer(server, res.json.connectionUrls.client), { label: 'client' });
    const diag = () => `\n--- coach ---\n${pageLog(coach)}\n--- client ---\n${pageLog(client)}\n--- roomsd ---\n${server.tail(80)}`;
    try {
      // The orb joins when the room starts: in events, in /status, and as a track in the pages.
      await events.waitFor((fs) => fs.some((f) => f.type === 'participant-joined' && f.data.participantType === 'aiOrb'),
        20000, 'the orb joining');
      const status = await server.status(roomId);
      assert.equal(status.participants.aiOrb.connected, true);
      await waitUntil(async () => (await receivedEnergy(coach, 'ai-orb')).tracks > 0,
        { timeoutMs: 20000, intervalMs: 250, message: 'the coach page to receive the orb track' });
      const before = await receivedEnergy(coach, 'ai-orb');

      // The question is recognised and answered; the answer is spoken into the room.
      let reply;
      await waitUntil(async () => {
        const r = await server.api('GET', `/api/rooms/${roomId}/transcription?format=json`);
        reply = r.json.transcription.content.find((s) => s.role === 'aiOrb');
        return !!reply;
      }, { timeoutMs: 60000, intervalMs: 500, message: 'the orb reply in the transcript' });
      console.log(`orb reply: "${reply.text}" (${reply.participantId})`);
      assert.equal(reply.participantId, 'ai-orb');
      assert.ok(reply.text.length > 10);
      const after = await receivedEnergy(coach, 'ai-orb');
      const clientHeard = await receivedEnergy(client, 'ai-orb');
      console.log(`orb audio at the coach: energy ${before.energy.toFixed(4)} -> ${after.energy.toFixed(4)}, packets ${before.packets} -> ${after.packets}; at the client: energy ${clientHeard.energy.toFixed(4)}`);
      assert.ok(after.packets - before.packets >= 50, 'at least a second of orb audio packets');
      assert.ok(after.energy - before.energy > 0.01, `the received orb audio carries signal energy (${after.energy - before.energy})`);
      assert.ok(clientHeard.energy > 0.01, 'the client hears the orb too');
      await screenshot(coach, 'orb-reply-coach');
      assert.ok(events.clean().some((f) => f.type === 'transcript' && f.data.participantType === 'aiOrb'));

      const st = await server.status(roomId);
      assert.ok(st.participants.aiOrb.participationPercentage > 0, 'the orb has a share of the talk time');

      // The room recorded: the orb's voice is a file of its own, and in the composite's mix.
      await server.endRoom(roomId);
      const recorded = await waitUntil(async () => {
        const r = (await server.api('GET', `/api/rooms/${roomId}/recordings`)).json;
        const busy = r.recordings.some((x) => x.status === 'recording' || x.status === 'processing');
        return !busy && r.recordings.some((x) => x.source === 'composite') ? r.recordings : null;
      }, { timeoutMs: 90000, intervalMs: 500, message: 'the recordings to be ready' });
      const orbFile = recorded.find((x) => x.role === 'aiOrb');
      assert.ok(orbFile, `the orb's voice was recorded: ${JSON.stringify(recorded)}`);
      assert.equal(orbFile.status, 'ready');
      assert.equal(orbFile.source, 'microphone');
      assert.deepEqual(orbFile.kinds, ['audio']);
      assert.ok(orbFile.duration > 1, `the orb file holds its reply (${orbFile.duration} s)`);
      assert.equal(recorded.find((x) => x.source === 'composite').status, 'ready');
    } catch (e) {
      e.message += diag();
      throw e;
    } finally {
      await events.close();
    }
  });
});
