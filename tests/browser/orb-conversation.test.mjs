// The AI Orb in conversation (issue 19): a client asks the orb ten questions out loud in three flite voices,
// each followed by room for the spoken reply; from the transcript, how long after each question ended the
// orb's reply started (median and 90th percentile), and from the coach's page, whether the words of each
// question showed as interim captions before the sentence ended. A second test drives the room page's
// caption rendering with injected `caption` frames (interim lines updated in place, replaced by the final
// one). Runs inside ../shared/tools/loopback-only like every browser test.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startRoomsd, waitUntil } from '../integration/helpers/roomsd.mjs';
import { closeBrowser, launchChromium, newParticipantPage, onServer, pageLog, screenshot } from './helpers/browser.mjs';
import { silentWav, speechFixture } from './helpers/speech.mjs';

// The goals of issue 19 ("Done when"): the orb's reply starts at a median under 1.0 s and a 90th percentile
// under 1.5 s after the question ends (transcript clock: the aiOrb segment's start minus the question
// segment's end). The issue also wants 19 of 20 addressed questions answered; with pocketsphinx and flite's
// voices the name is heard in 7 to 9 of these ten (the language model mangles the words after it, so no
// request follows the name slot: `make bench-orb` measures 31 of 36 in three voices, none falsely), so this
// guards against the keyword pass or the address rules breaking (a few answered, or none); the goal stays
// open in the issue.
const MEDIAN_LATENCY_MS = 1000;
const P90_LATENCY_MS = 1500;
const MIN_ANSWERED = 6;
// Silence after each question: room for the orb's reply (up to about 8 s for a long question's answer), so
// no question talks over it.
const GAP_AFTER_QUESTION_S = 12;

const QUESTIONS = [
  { text: 'Orb, what should I focus on this week?', voice: 'rms' },
  { text: 'Hey orb, how can I stay motivated?', voice: 'slt' },
  { text: 'Orb, can you summarize what we said?', voice: 'awb' },
  { text: 'Orb, how do I prepare for a difficult conversation with my manager?', voice: 'slt' },
  { text: 'Orb, what is a good first step for my project?', voice: 'awb' },
  { text: 'Hey orb, how can I manage my time better?', voice: 'rms' },
  { text: 'Orb, what should I ask my team tomorrow?', voice: 'awb' },
  { text: 'Orb, how do I set better goals?', voice: 'rms' },
  { text: 'Hey orb, what did I commit to today?', voice: 'slt' },
  { text: 'Orb, how can I feel less stressed at work?', voice: 'rms' },
].map((q) => ({ ...q, gapSeconds: GAP_AFTER_QUESTION_S }));

let server;
let coachBrowser;
let clientBrowser;
let fixture;

before(async () => {
  fixture = speechFixture(QUESTIONS, { leadSeconds: 4, tailSeconds: 90 });
  server = await startRoomsd({ logLevel: process.env.ROOMS_TEST_LOG_LEVEL ?? 'info', env: { ROOMS_ANNOUNCED_IP: '127.0.0.1' } });
  // One browser per microphone: Chromium's fake capture file is a process-wide flag.
  coachBrowser = await launchChromium({ fakeAudioWav: silentWav() });
  clientBrowser = await launchChromium({ fakeAudioWav: fixture.wavPath });
});

after(async () => {
  await closeBrowser(coachBrowser);
  await closeBrowser(clientBrowser);
  await server?.close();
});

// Nearest-rank percentile (p in 0..100) of numbers.
function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function median(values) {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// A transcript segment of GET /transcription?format=json with its times in wall ms.
function timed(s) {
  return { ...s, startMs: Date.parse(s.startTime ?? s.start), endMs: Date.parse(s.endTime ?? s.end) };
}

// The sentence whose spoken span on the transcript clock (wall ms = WAV seconds * 1000 + offsetMs;
// 1 s of slack before it, for the segmenter's pre-roll) holds wall time ms, or -1.
function questionAt(sentences, offsetMs, ms) {
  return sentences.findIndex((s) => ms >= s.start * 1000 + offsetMs - 1000 && ms <= s.end * 1000 + offsetMs);
}

// Where the fixture's sentences are on the transcript clock: the offset that puts the most client segment
// starts inside a sentence's span (questionAt), refined to the median offset of each sentence's first segment. Returns the offset and,
// per sentence, the client segments that start in it (a sentence may come out as more than one segment).
function alignSentences(sentences, clientSegments) {
  const place = (seg, off) => questionAt(sentences, off, seg.startMs);
  let best = null;
  for (const c of clientSegments) {
    for (const s of sentences) {
      const off = c.startMs - s.start * 1000;
      let hits = 0;
      let err = 0;
      for (const seg of clientSegments) {
        const j = place(seg, off);
        if (j >= 0) {
          hits += 1;
          err += Math.abs(seg.startMs - (sentences[j].start * 1000 + off));
        }
      }
      if (!best || hits > best.hits || (hits === best.hits && err < best.err)) best = { off, hits, err };
    }
  }
  if (!best) return { offsetMs: NaN, bySentence: sentences.map(() => []), unplaced: [] };
  // Refine on the first segment of each sentence.
  const firsts = new Map();
  for (const seg of clientSegments) {
    const j = place(seg, best.off);
    if (j >= 0 && !firsts.has(j)) firsts.set(j, seg.startMs - sentences[j].start * 1000);
  }
  const offsetMs = firsts.size ? median([...firsts.values()]) : best.off;
  const bySentence = sentences.map(() => []);
  const unplaced = [];
  for (const seg of clientSegments) {
    const j = place(seg, offsetMs) >= 0 ? place(seg, offsetMs) : place(seg, best.off);
    if (j >= 0) bySentence[j].push(seg);
    else unplaced.push(seg);
  }
  return { offsetMs, bySentence, unplaced };
}

// Each question with the orb's reply to it: the first aiOrb segment that starts after the question's last
// segment ended and before the next question starts (on the WAV's clock, aligned). latencyMs = reply start -
// question end.
function pairReplies(sentences, { offsetMs, bySentence }, orbSegments) {
  return sentences.map((s, j) => {
    const segs = bySentence[j];
    if (segs.length === 0) return { question: s.text, voice: s.voice, recognised: null, reply: null, latencyMs: null };
    const endMs = Math.max(...segs.map((x) => x.endMs));
    const until = j + 1 < sentences.length ? sentences[j + 1].start * 1000 + offsetMs
      : s.end * 1000 + offsetMs + s.gapSeconds * 1000;
    const reply = orbSegments.find((o) => o.startMs >= endMs && o.startMs < until) ?? null;
    return {
      question: s.text,
      voice: s.voice,
      recognised: segs.map((x) => x.text).join(' / '),
      questionEndMs: endMs,
      // How long after the speech in the WAV ended (aligned on segment starts) the segment ended.
      endLagMs: Math.round(endMs - (s.end * 1000 + offsetMs)),
      reply,
      latencyMs: reply ? reply.startMs - endMs : null,
    };
  });
}

// For each final client caption that had interim ones (same utteranceId): how long before the sentence's end
// (the final caption's endTime) its first interim caption reached the page. Positive: words showed early.
function interimLead(captions, role = 'client') {
  const mine = captions.filter((c) => c.role === role && c.utteranceId !== undefined && c.utteranceId !== null);
  const finals = mine.filter((c) => c.final !== false && c.text);
  return finals.map((f) => {
    const interims = mine.filter((c) => c.final === false && String(c.utteranceId) === String(f.utteranceId));
    const first = interims.length ? Math.min(...interims.map((c) => c.receivedAt)) : null;
    return {
      utteranceId: f.utteranceId,
      text: f.text,
      interims: interims.length,
      firstInterimText: interims.find((c) => c.receivedAt === first)?.text ?? null,
      startMs: Date.parse(f.startTime),
      earlyMs: first === null ? null : Date.parse(f.endTime) - first,
      finalLagMs: f.receivedAt - Date.parse(f.endTime),
    };
  });
}

const fmtMs = (v) => (v === null || v === undefined || Number.isNaN(v) ? '-' : `${Math.round(v)} ms`);

describe('AI Orb in conversation', () => {
  it('shows interim captions in place, updates them, and replaces them with the final caption', { timeout: 60000 }, async () => {
    const { res } = await server.createRoom({
      aiOrb: { enabled: false },
      features: { recording: false, transcription: true, aiAssistance: false, generateSummary: false },
    });
    // The page's signaling socket goes through playwright, which can add frames of its own to it.
    const context = await coachBrowser.newContext({
      permissions: ['camera', 'microphone'],
      viewport: { width: 1024, height: 720 },
    });
    let toPage = null;
    const page = await context.newPage();
    page.__log = [];
    page.on('console', (m) => page.__log.push(`[coach console.${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => page.__log.push(`[coach pageerror] ${e.message}`));
    await page.routeWebSocket(/\/signal\//, (ws) => {
      ws.connectToServer();
      toPage = ws;
    });
    try {
      await page.goto(onServer(server, res.json.connectionUrls.coach), { waitUntil: 'load', timeout: 15000 });
      await waitUntil(() => page.evaluate(() => window.__room?.state === 'connected'),
        { timeoutMs: 20000, intervalMs: 100, message: 'the coach page to connect' });
      const t0 = Date.now();
      const iso = (ms) => new Date(t0 + ms).toISOString();
      const caption = (data) => toPage.send(JSON.stringify({ type: 'caption', data }));
      const client = { participantId: 'client-1', role: 'client', name: 'Charlie Client' };
      const coach = { participantId: 'coach-1', role: 'coach', name: 'Casey Coach' };
      // who, text, the utterance's time span in ms from t0, final, utteranceId
      const say = (who, text, from, to, final, utteranceId) =>
        caption({ ...who, text, startTime: iso(from), endTime: iso(to), final, utteranceId });
      const lines = () => page.evaluate(() => [...document.querySelectorAll('#captions .caption')].map((p) => ({
        interim: p.classList.contains('interim'),
        id: p.dataset.utteranceId ?? null,
        role: p.dataset.role,
        text: p.textContent,
      })));
      const until = (pred, message) =>
        waitUntil(async () => pred(await lines()), { timeoutMs: 5000, intervalMs: 50, message });

      say(client, 'orb what', 0, 600, false, 'u1');
      await until((l) => l.length === 1 && l[0].interim && l[0].id === 'u1' && /orb what$/.test(l[0].text),
        'the first interim line');
      say(client, 'orb what should i', 0, 1200, false, 'u1');
      await until((l) => l.length === 1 && /orb what should i$/.test(l[0].text), 'the interim line updated in place');
      say(coach, 'well', 900, 1300, false, 'u2');
      await until((l) => l.length === 2 && l.every((x) => x.interim) && l[1].id === 'u2', 'a second speaker\'s interim line');
      const fontStyle = await page.evaluate(() =>
        getComputedStyle(document.querySelector('#captions .caption.interim')).fontStyle);
      assert.equal(fontStyle, 'italic', 'an interim caption is marked as such');
      await screenshot(page, 'orb-conversation-interim-captions');

      say(client, 'orb what should i focus on this week', 0, 2400, true, 'u1');
      await until((l) => l.length === 2 && !l[0].interim && l[0].id === 'u1' && /focus on this week$/.test(l[0].text) &&
        l[1].interim, 'the final caption in the interim line\'s place');
      // An interim frame after its final one changes nothing; a final without text ends its interim line.
      say(client, 'orb what should', 0, 1000, false, 'u1');
      say(coach, '', 900, 1400, true, 'u2');
      await until((l) => l.length === 1 && !l[0].interim && l[0].id === 'u1',
        'the coach\'s interim line gone, the late interim ignored');

      // The test hook has every frame, in order, each with when it came.
      const hook = await page.evaluate(() => window.__room.captions);
      assert.deepEqual(hook.map((c) => [c.utteranceId, c.final, c.text]), [
        ['u1', false, 'orb what'], ['u1', false, 'orb what should i'], ['u2', false, 'well'],
        ['u1', true, 'orb what should i focus on this week'], ['u1', false, 'orb what should'], ['u2', true, ''],
      ]);
      for (const c of hook) {
        assert.ok(Number.isFinite(c.receivedAt) && c.receivedAt >= t0 - 1000, `receivedAt ${c.receivedAt}`);
      }
      assert.ok(hook.every((c, i) => i === 0 || c.receivedAt >= hook[i - 1].receivedAt));
    } catch (e) {
      e.message += `\n--- coach ---\n${pageLog(page)}\n--- roomsd ---\n${server.tail(40)}`;
      throw e;
    } finally {
      await context.close().catch(() => {});
    }
  });

  it('answers ten spoken questions within a second, and shows their words before each ends', { timeout: 240000 }, async () => {
    const { roomId, res } = await server.createRoom({
      aiOrb: { enabled: true, personality: 'supportive', voiceModel: 'default' },
      features: { recording: false, transcription: true, aiAssistance: true, generateSummary: false },
    });
    const events = await server.events(roomId);
    const coach = await newParticipantPage(coachBrowser, onServer(server, res.json.connectionUrls.coach),
      { label: 'coach' });
    await events.waitFor((fs) => fs.some((f) => f.type === 'participant-joined' && f.data.participantType === 'aiOrb'),
      20000, 'the orb joining');
    // The client's fake microphone starts its WAV (4 s of silence first) when the page takes it.
    const client = await newParticipantPage(clientBrowser, onServer(server, res.json.connectionUrls.client),
      { label: 'client' });
    const started = Date.now();
    const diag = () =>
      `\n--- coach ---\n${pageLog(coach)}\n--- client ---\n${pageLog(client)}\n--- roomsd ---\n${server.tail(80)}`;
    try {
      // Until the last question has been asked and answered, or its reply had time to come. Meanwhile, whether
      // the coach's page shows an interim caption line.
      let segments = [];
      let interimOnScreen = false;
      const lastQuestion = fixture.sentences.at(-1);
      const deadline = started + (lastQuestion.end + GAP_AFTER_QUESTION_S + 6) * 1000;
      await waitUntil(async () => {
        if (!interimOnScreen) {
          interimOnScreen = await coach.evaluate(() => !!document.querySelector('#captions .caption.interim'));
          if (interimOnScreen) await screenshot(coach, 'orb-conversation-coach-interim');
        }
        const r = await server.api('GET', `/api/rooms/${roomId}/transcription?format=json`);
        segments = r.json.transcription.content.filter((s) => s.text).map(timed);
        const lastClient = segments.filter((s) => s.role === 'client').at(-1);
        const lastOrb = segments.filter((s) => s.role === 'aiOrb').at(-1);
        // The WAV starts a few seconds after the page opens (when it takes the microphone), and its last
        // question ends its utterance 700 ms after it is spoken: until then the last reply may be the one
        // before.
        const lastAnswered = Date.now() > started + (lastQuestion.end + 6) * 1000 && lastClient && lastOrb &&
          lastOrb.startMs > lastClient.endMs;
        return lastAnswered || Date.now() > deadline;
      }, {
        timeoutMs: (lastQuestion.end + GAP_AFTER_QUESTION_S + 30) * 1000,
        intervalMs: 1000,
        message: 'the questions and replies in the transcript',
      });

      const clientSegs = segments.filter((s) => s.role === 'client').sort((a, b) => a.startMs - b.startMs);
      const orbSegs = segments.filter((s) => s.role === 'aiOrb').sort((a, b) => a.startMs - b.startMs);
      const alignment = alignSentences(fixture.sentences, clientSegs);
      const pairs = pairReplies(fixture.sentences, alignment, orbSegs);
      console.log(`${clientSegs.length} client segments, ${orbSegs.length} orb segments; the WAV started at ` +
        `${new Date(alignment.offsetMs).toISOString()} on the transcript clock`);
      pairs.forEach((p, i) => {
        console.log(`Q${i + 1} [${p.voice}] "${p.question}" -> recognised "${p.recognised ?? '(nothing)'}"` +
          (p.recognised === null ? '' : `, segment end ${fmtMs(p.endLagMs)} after the WAV's speech`) +
          `; reply ${p.reply ? `after ${fmtMs(p.latencyMs)}: "${p.reply.text}"` : 'none'}`);
      });
      for (const u of alignment.unplaced) {
        console.log(`client segment outside every question: "${u.text}" at ${u.startTime ?? u.start}`);
      }
      const latencies = pairs.filter((p) => p.latencyMs !== null).map((p) => p.latencyMs);
      const med = median(latencies);
      const p90 = percentile(latencies, 90);
      console.log(`reply latency over ${latencies.length} answered of ${QUESTIONS.length}: median ${fmtMs(med)}, ` +
        `p90 ${fmtMs(p90)} (goals: ${MEDIAN_LATENCY_MS} ms, ${P90_LATENCY_MS} ms); ` +
        `all: ${latencies.map((l) => Math.round(l)).join(', ')}`);

      // Interim captions on the coach's page: words before the sentence ended.
      const captions = await coach.evaluate(() => window.__room.captions);
      const leads = interimLead(captions, 'client');
      const finalsSeen = captions.filter((c) => c.role === 'client' && c.final !== false).length;
      const interimsSeen = captions.filter((c) => c.final === false).length;
      console.log(`coach page: ${captions.length} caption frames, ${finalsSeen} final client captions, ` +
        `${interimsSeen} interim captions`);
      // The questions (not utterances: one may come out as two) whose words showed before the sentence ended.
      const earlyQuestions = new Set();
      for (const l of leads) {
        const q = questionAt(fixture.sentences, alignment.offsetMs, l.startMs);
        if (l.interims === 0) continue;
        console.log(`Q${q + 1 || '?'} utterance ${l.utteranceId} "${l.text}": ${l.interims} interim(s), the first ` +
          `("${l.firstInterimText}") ${fmtMs(l.earlyMs)} before the sentence's end; the final caption ` +
          `${fmtMs(l.finalLagMs)} after it`);
        if (l.earlyMs > 0) earlyQuestions.add(q >= 0 ? q : `u${l.utteranceId}`);
      }
      await screenshot(coach, 'orb-conversation-coach');

      const answered = pairs.filter((p) => p.reply).length;
      assert.ok(answered >= MIN_ANSWERED, `${answered} of ${QUESTIONS.length} questions answered (want ${MIN_ANSWERED})`);
      assert.ok(med < MEDIAN_LATENCY_MS, `median reply latency ${fmtMs(med)} (want < ${MEDIAN_LATENCY_MS} ms)`);
      assert.ok(p90 < P90_LATENCY_MS, `90th percentile reply latency ${fmtMs(p90)} (want < ${P90_LATENCY_MS} ms)`);
      assert.ok(earlyQuestions.size >= 1, 'no client utterance had an interim caption before its end');
      assert.ok(earlyQuestions.size > QUESTIONS.length / 2, `${earlyQuestions.size} of ${QUESTIONS.length} questions ` +
        'showed interim words before the sentence ended (want a majority)');
      assert.ok(interimOnScreen, 'the coach page showed an interim caption line');
    } catch (e) {
      e.message += diag();
      throw e;
    } finally {
      await events.close();
    }
  });
});
