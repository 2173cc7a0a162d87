// Call quality as the receiving page's getStats() sees it, over a measurement window: what the impaired-link
// test and bench-quality report.
//
//   const w = await measureWindow({ coach: [coachPage, ROOM_PC], client: [clientPage, ROOM_PC] }, 20000);
//   w.coach  -> the figures of what the coach receives (the client's uplink), w.client the downlink
//
// `pcExpr` names the page's RTCPeerConnection: ROOM_PC for the room page (web/), DIRECT_PC for
// bench/quality/direct.html.
import { sleep, withTimeout } from '../../integration/helpers/roomsd.mjs';

export const ROOM_PC = 'window.__room.pc';
export const DIRECT_PC = 'window.__pc';

// One getStats() of the page, summed over its inbound video and audio streams (each page here receives one
// participant only).
export async function qualitySnapshot(page, pcExpr) {
  return withTimeout(page.evaluate(async (expr) => {
    // eslint-disable-next-line no-eval
    const pc = (0, eval)(expr);
    const out = {
      t: performance.now(),
      video: { framesDecoded: 0, framesReceived: 0, framesDropped: 0, freezeCount: 0, totalFreezesDuration: 0,
        packetsReceived: 0, packetsLost: 0, nackCount: 0, pliCount: 0, firCount: 0, keyFramesDecoded: 0,
        bytesReceived: 0, retransmittedPacketsReceived: 0, frameWidth: 0, frameHeight: 0,
        jitterBufferDelay: 0, jitterBufferEmittedCount: 0, jitterBufferMinimumDelay: 0 },
      audio: { packetsReceived: 0, packetsLost: 0, concealedSamples: 0, totalSamplesReceived: 0,
        jitterBufferDelay: 0, jitterBufferEmittedCount: 0 },
      sent: { frameWidth: 0, frameHeight: 0, framesEncoded: 0, bytesSent: 0, nackCount: 0, pliCount: 0,
        retransmittedPacketsSent: 0, qualityLimitationReason: null, targetBitrate: 0 },
      localCandidateType: null,
      availableOutgoingBitrate: 0,
    };
    if (!pc) return out;
    const report = await pc.getStats();
    let pairId = null;
    report.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
    });
    report.forEach((s) => {
      if (s.type === 'inbound-rtp' && (s.kind === 'video' || s.kind === 'audio')) {
        const into = out[s.kind];
        for (const k of Object.keys(into)) {
          if (k === 'frameWidth' || k === 'frameHeight') into[k] = Math.max(into[k], s[k] ?? 0);
          else into[k] += s[k] ?? 0;
        }
      } else if (s.type === 'outbound-rtp' && s.kind === 'video') {
        for (const k of Object.keys(out.sent)) {
          if (k === 'qualityLimitationReason') out.sent[k] = s[k] ?? out.sent[k];
          else if (k === 'frameWidth' || k === 'frameHeight') out.sent[k] = Math.max(out.sent[k], s[k] ?? 0);
          else out.sent[k] += s[k] ?? 0;
        }
      } else if (s.type === 'candidate-pair' && s.id === pairId) {
        out.localCandidateType = report.get(s.localCandidateId)?.candidateType ?? null;
        out.availableOutgoingBitrate = s.availableOutgoingBitrate ?? 0;
      }
    });
    return out;
  }, pcExpr), 5000, 'getStats()');
}

const pct = (part, whole) => (whole > 0 ? (100 * part) / whole : 0);

// The figures between two snapshots. `stallMs` is how long the video had decoded no new frame at the end
// of the window: getStats() adds a freeze to totalFreezesDuration only once the next frame comes, so a
// picture still frozen when the window closes would otherwise count for nothing.
export function figures(a, b, stallMs = 0) {
  const s = (b.t - a.t) / 1000;
  const d = (kind, k) => b[kind][k] - a[kind][k];
  const lost = Math.max(0, d('video', 'packetsLost'));
  const recv = d('video', 'packetsReceived');
  // A packet recovered through RTX stays in packetsLost (libwebrtc keeps recovered packets out of the media
  // stream's statistics) and is counted in retransmittedPacketsReceived; one retransmitted on the media SSRC
  // itself (what roomsd does without RTX) is simply received late and leaves packetsLost.
  const rtx = d('video', 'retransmittedPacketsReceived');
  const unrecovered = Math.max(0, lost - rtx);
  const openFreeze = stallMs >= 500 ? stallMs / 1000 : 0;
  const emitted = d('audio', 'jitterBufferEmittedCount');
  const videoEmitted = d('video', 'jitterBufferEmittedCount');
  return {
    seconds: s,
    fps: d('video', 'framesDecoded') / s,
    freezes: d('video', 'freezeCount') + (openFreeze > 0 ? 1 : 0),
    freezeSeconds: d('video', 'totalFreezesDuration') + openFreeze,
    videoLossPct: pct(unrecovered, recv + lost),
    videoLossRawPct: pct(lost, recv + lost),
    videoPacketsUnrecovered: unrecovered,
    videoPacketsLost: lost,
    videoPacketsReceived: recv,
    nacks: d('video', 'nackCount'),
    plis: d('video', 'pliCount'),
    keyFrames: d('video', 'keyFramesDecoded'),
    retransmittedReceived: d('video', 'retransmittedPacketsReceived'),
    videoKbps: (d('video', 'bytesReceived') * 8) / s / 1000,
    resolution: `${b.video.frameWidth}x${b.video.frameHeight}`,
    audioConcealedPct: pct(d('audio', 'concealedSamples'), d('audio', 'totalSamplesReceived')),
    audioLossPct: pct(Math.max(0, d('audio', 'packetsLost')), d('audio', 'packetsReceived') + Math.max(0, d('audio', 'packetsLost'))),
    audioJitterBufferMs: emitted > 0 ? (1000 * d('audio', 'jitterBufferDelay')) / emitted : 0,
    videoJitterBufferMs: videoEmitted > 0 ? (1000 * d('video', 'jitterBufferDelay')) / videoEmitted : 0,
    // The floor the receiver kept under its target (its own minimum: the playout-delay extension, lip sync).
    videoMinimumDelayMs: videoEmitted > 0 ? (1000 * d('video', 'jitterBufferMinimumDelay')) / videoEmitted : 0,
    stallAtEndMs: Math.round(stallMs),
  };
}

// Measures every receiver in `receivers` ({name: [page, pcExpr]}) over windowMs, sampling once a second
// (for the stall at the end). Resolves {name: figures, ..., senders: {name: the sender stats at the end}}.
export async function measureWindow(receivers, windowMs) {
  const names = Object.keys(receivers);
  const snap = (n) => qualitySnapshot(receivers[n][0], receivers[n][1]);
  const first = {};
  const last = {};
  const lastProgress = {};
  const trace = {};
  for (const n of names) {
    first[n] = await snap(n);
    last[n] = first[n];
    lastProgress[n] = first[n].t;
    trace[n] = [];
  }
  const start = Date.now();
  while (Date.now() - start < windowMs) {
    await sleep(Math.min(1000, Math.max(0, windowMs - (Date.now() - start))));
    for (const n of names) {
      const s = await snap(n);
      if (s.video.framesDecoded > last[n].video.framesDecoded) lastProgress[n] = s.t;
      trace[n].push(traceStep(first[n], last[n], s));
      last[n] = s;
    }
  }
  const out = { senders: {} };
  for (const n of names) {
    out[n] = figures(first[n], last[n], last[n].t - lastProgress[n]);
    out[n].localCandidateType = last[n].localCandidateType;
    out[n].trace = trace[n];
    out.senders[n] = last[n].sent;
  }
  return out;
}

// One sample's change: what the page received and what it sent in that second, for reading how a call
// starts or where a freeze came from (bench-quality prints these with BENCH_QUALITY_TRACE=1).
function traceStep(first, a, b) {
  const s = (b.t - a.t) / 1000;
  return {
    at: Math.round((b.t - first.t) / 100) / 10,
    fps: Math.round((b.video.framesDecoded - a.video.framesDecoded) / s),
    freezes: b.video.freezeCount - a.video.freezeCount,
    frozenMs: Math.round(1000 * (b.video.totalFreezesDuration - a.video.totalFreezesDuration)),
    kbps: Math.round(((b.video.bytesReceived - a.video.bytesReceived) * 8) / s / 1000),
    lost: b.video.packetsLost - a.video.packetsLost,
    nacks: b.video.nackCount - a.video.nackCount,
    plis: b.video.pliCount - a.video.pliCount,
    keyFrames: b.video.keyFramesDecoded - a.video.keyFramesDecoded,
    res: `${b.video.frameWidth}x${b.video.frameHeight}`,
    sentKbps: Math.round(((b.sent.bytesSent - a.sent.bytesSent) * 8) / s / 1000),
    sentRes: `${b.sent.frameWidth}x${b.sent.frameHeight}`,
    target: Math.round(b.sent.targetBitrate / 1000),
    estimate: Math.round((b.availableOutgoingBitrate ?? 0) / 1000),
    limit: b.sent.qualityLimitationReason,
  };
}

export const formatTrace = (trace) => trace.map((x) => `    ${String(x.at).padStart(5)} s  fps ${String(x.fps).padStart(2)}`
  + ` frz ${x.freezes}/${x.frozenMs}ms ${x.res} ${x.kbps} kb/s lost ${x.lost} nack ${x.nacks} pli ${x.plis} key ${x.keyFrames}`
  + ` | sends ${x.sentRes} ${x.sentKbps} kb/s target ${x.target} estimate ${x.estimate} ${x.limit}`).join('\n');

export const formatFigures = (f) =>
  `fps ${f.fps.toFixed(1)}, freezes ${f.freezes} (${f.freezeSeconds.toFixed(1)} s), ` +
  `video packets lost ${f.videoPacketsLost} of ${f.videoPacketsLost + f.videoPacketsReceived} (${f.videoLossRawPct.toFixed(2)}%), ` +
  `unrecovered ${f.videoPacketsUnrecovered} (${f.videoLossPct.toFixed(2)}%), nacks ${f.nacks}, rtx ${f.retransmittedReceived}, plis ${f.plis}, ${f.resolution} at ${Math.round(f.videoKbps)} kbit/s, ` +
  `video jitter buffer ${f.videoJitterBufferMs.toFixed(0)} ms (floor ${f.videoMinimumDelayMs.toFixed(0)}), ` +
  `audio concealed ${f.audioConcealedPct.toFixed(2)}%, jitter buffer ${f.audioJitterBufferMs.toFixed(0)} ms`;
