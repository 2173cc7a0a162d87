// The loudness (0..1) of one remote audio track, for the AI Orb's size and glow.
//
// An AnalyserNode on the track when Web Audio runs; while the AudioContext is suspended (no user gesture
// yet) the receiver's RTP audio level (getSynchronizationSources) stands in.

let sharedContext = null;
export function audioContext() {
  if (!sharedContext && typeof AudioContext !== 'undefined') sharedContext = new AudioContext();
  return sharedContext;
}

export class AudioLevelMeter {
  constructor(track, receiver, onLevel, intervalMs = 80) {
    this.track = track;
    this.receiver = receiver;
    this.onLevel = onLevel;
    this.level = 0;
    this.source = null;
    this.analyser = null;
    this.buf = null;
    const ctx = audioContext();
    if (ctx) {
      try {
        this.source = ctx.createMediaStreamSource(new MediaStream([track]));
        this.analyser = ctx.createAnalyser();
        this.analyser.fftSize = 512;
        this.analyser.smoothingTimeConstant = 0.6;
        this.buf = new Float32Array(this.analyser.fftSize);
        this.source.connect(this.analyser);
      } catch (e) {
        console.warn('audio level: no analyser', e);
        this.analyser = null;
      }
    }
    this.timer = setInterval(() => this.#tick(), intervalMs);
  }

  #tick() {
    let raw = 0;
    const ctx = audioContext();
    if (this.analyser && ctx?.state === 'running') {
      this.analyser.getFloatTimeDomainData(this.buf);
      let sum = 0;
      for (const v of this.buf) sum += v * v;
      raw = Math.min(1, Math.sqrt(sum / this.buf.length) * 4); // speech RMS is ~0.05..0.25
    } else if (this.receiver?.getSynchronizationSources) {
      const s = this.receiver.getSynchronizationSources()[0];
      if (s && performance.timeOrigin + performance.now() - s.timestamp < 1000) raw = s.audioLevel ?? 0;
    }
    // Quick attack, slow release: the orb swells with speech and settles gently.
    this.level = raw > this.level ? raw : this.level * 0.85 + raw * 0.15;
    this.onLevel(this.level);
  }

  stop() {
    clearInterval(this.timer);
    try {
      this.source?.disconnect();
    } catch {
      // already disconnected
    }
  }
}
