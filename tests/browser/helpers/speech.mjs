// Speech fixtures for the transcription tests: known English sentences synthesised with Debian's flite into
// one WAV that Chromium plays as its fake microphone, and the word error rate of a transcript against them.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const RATE = 16000;

function readWav(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${file}: not a WAV`);
  let off = 12;
  let rate = 0;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    if (id === 'fmt ') {
      const channels = buf.readUInt16LE(off + 10);
      rate = buf.readUInt32LE(off + 12);
      const bits = buf.readUInt16LE(off + 22);
      if (channels !== 1 || bits !== 16) throw new Error(`${file}: want mono 16-bit, got ${channels} ch ${bits} bit`);
    } else if (id === 'data') {
      const samples = new Int16Array(size / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = buf.readInt16LE(off + 8 + i * 2);
      return { rate, samples };
    }
    off += 8 + size + (size % 2);
  }
  throw new Error(`${file}: no data chunk`);
}

function writeWav(file, samples, rate = RATE) {
  const buf = Buffer.alloc(44 + samples.length * 2);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + samples.length * 2, 4);
  buf.write('WAVEfmt ', 8, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(1, 22); // mono
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(samples.length * 2, 40);
  for (let i = 0; i < samples.length; i++) buf.writeInt16LE(samples[i], 44 + i * 2);
  fs.writeFileSync(file, buf);
}

// The first and the last 20 ms frame louder than -45 dBFS: {first, last} in samples (last is the end of its
// frame), or null when nothing is that loud.
export function spokenSpan(samples, rate = RATE) {
  const frame = Math.round(rate / 50);
  let first = -1;
  let last = -1;
  for (let i = 0; i + frame <= samples.length; i += frame) {
    let sum = 0;
    for (let k = i; k < i + frame; k++) sum += samples[k] * samples[k];
    const db = 20 * Math.log10(Math.sqrt(sum / frame) / 32768 + 1e-12);
    if (db > -45) {
      if (first < 0) first = i;
      last = i + frame;
    }
  }
  return first < 0 ? null : { first, last };
}

// Seconds between the first and the last 20 ms frame louder than -45 dBFS: the sentence as spoken, without
// the synthesiser's leading and trailing silence (pauses between words count, as they do in talk time).
export function spokenSeconds(samples, rate = RATE) {
  const span = spokenSpan(samples, rate);
  return span ? (span.last - span.first) / rate : 0;
}

// Synthesises each sentence with flite and joins them with silences. A sentence is a string (said in `voice`,
// followed by `gapSeconds` of silence) or {text, voice, gapSeconds}: a voice (rms, slt, awb, kal16) and a
// pause after it of its own, so that one WAV mixes speakers and leaves room for replies. Returns the WAV's
// path, the seconds of speech it holds, the seconds until its tail of silence (playSeconds), and `sentences`:
// per sentence {text, voice, start, end, gapSeconds}, where its speech (spokenSpan's -45 dBFS frames) starts
// and ends in seconds from the start of the WAV, to relate to transcript times.
export function speechFixture(sentences, { voice = 'rms', leadSeconds = 4, gapSeconds = 1.5, tailSeconds = 90 } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-speech-'));
  const parts = [new Int16Array(Math.round(leadSeconds * RATE))];
  let off = parts[0].length;
  let speechSeconds = 0;
  const spans = [];
  sentences.forEach((sentence, i) => {
    const s = typeof sentence === 'string' ? { text: sentence } : sentence;
    const v = s.voice ?? voice;
    const file = path.join(dir, `s${i}.wav`);
    execFileSync('flite', ['-voice', v, '-t', s.text, '-o', file]);
    const { rate, samples } = readWav(file);
    if (rate !== RATE) throw new Error(`flite (${v}) wrote ${rate} Hz, expected ${RATE}`);
    const span = spokenSpan(samples) ?? { first: 0, last: 0 };
    const gapAfter = s.gapSeconds ?? gapSeconds;
    speechSeconds += (span.last - span.first) / RATE;
    spans.push({ text: s.text, voice: v, start: (off + span.first) / RATE, end: (off + span.last) / RATE,
      gapSeconds: gapAfter });
    const gap = new Int16Array(Math.round(gapAfter * RATE));
    parts.push(samples, gap);
    off += samples.length + gap.length;
  });
  parts.push(new Int16Array(Math.round(tailSeconds * RATE)));
  const total = parts.reduce((n, p) => n + p.length, 0);
  const all = new Int16Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  const wavPath = path.join(dir, 'speech.wav');
  writeWav(wavPath, all);
  const playSeconds = (total - Math.round(tailSeconds * RATE)) / RATE;
  return { wavPath, speechSeconds, playSeconds, dir, sentences: spans };
}

export function silentWav(seconds = 120) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-silence-'));
  const file = path.join(dir, 'silence.wav');
  writeWav(file, new Int16Array(Math.round(seconds * RATE)));
  return file;
}

export const words = (text) => text.toLowerCase().replace(/[^a-z0-9' ]+/g, ' ').split(/\s+/).filter(Boolean);

// Word error rate: (substitutions + deletions + insertions) / reference words.
export function wordErrorRate(reference, hypothesis) {
  const r = words(reference);
  const h = words(hypothesis);
  let prev = Array.from({ length: h.length + 1 }, (_, j) => j);
  for (let i = 1; i <= r.length; i++) {
    const cur = [i];
    for (let j = 1; j <= h.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r[i - 1] === h[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return r.length ? prev[h.length] / r.length : 0;
}
