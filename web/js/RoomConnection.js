// The RTCPeerConnection of one signaling session (docs/signaling.md, "Negotiation").
//
// The page is always the offerer: one negotiation at a time; a request that arrives meanwhile sets a
// pending flag and runs once the current answer is applied. The answer's `tracks` map says whose track
// each receiving mid carries; the connection turns it into a list of remote tracks.
//
// Events (EventTarget, detail in event.detail):
//   tracks      {remote: [{mid, track, receiver, participantId, role, name, kind, source}]}: after each answer
//   ice         {state, restarting}: iceConnectionState changed
//   error       {message}: a negotiation failed (the connection stays usable)
//   screen-ended {}: the screen share stopped (by the page or by the browser's own "stop sharing")

const ICE_RESTART_AFTER_MS = 3000;
const ICE_RESTART_RETRY_MS = 5000;
const ANSWER_TIMEOUT_MS = 15000;

// RTCRtpTransceiver.stopped is gone from current browsers; direction/currentDirection say it instead.
const isStopped = (t) => t.stopped === true || t.direction === 'stopped' || t.currentDirection === 'stopped';

export class RoomConnection extends EventTarget {
  // signaling: a SignalingClient; welcome: the `welcome` data; media: {audio: track|null, video: track|null}
  constructor({ signaling, welcome, media }) {
    super();
    this.signaling = signaling;
    this.permissions = new Set(welcome.permissions ?? []);
    this.recv = { audio: welcome.recv?.audio ?? 0, video: welcome.recv?.video ?? 0 };
    // ?iceTransportPolicy=relay forces the TURN path (for diagnosing networks, and for the fallback test).
    const policy = new URLSearchParams(location.search).get('iceTransportPolicy') === 'relay' ? 'relay' : 'all';
    this.pc = new RTCPeerConnection({
      bundlePolicy: 'max-bundle',
      rtcpMuxPolicy: 'require',
      iceTransportPolicy: policy,
      iceServers: Array.isArray(welcome.iceServers) ? welcome.iceServers : [],
    });
    this.reportedPath = null;
    this.send = { microphone: null, camera: null, screen: null }; // source -> transceiver
    this.remote = []; // the last answer's assigned tracks
    this.negotiating = false;
    this.pending = false;
    this.pendingIceRestart = false;
    this.answerWaiter = null; // {resolve, reject}
    this.closed = false;
    this.iceTimer = null;
    this.negotiations = 0;

    if (this.permissions.has('audio')) {
      this.send.microphone = this.pc.addTransceiver(media.audio ?? 'audio', { direction: 'sendonly' });
    }
    if (this.permissions.has('video')) {
      this.send.camera = this.pc.addTransceiver(media.video ?? 'video', { direction: 'sendonly' });
    }
    this.pc.addEventListener('iceconnectionstatechange', () => this.#onIceState());
  }

  get iceConnectionState() {
    return this.pc.iceConnectionState;
  }

  // Offers now (or as soon as the current negotiation is over).
  negotiate({ iceRestart = false } = {}) {
    if (this.closed) return;
    if (iceRestart) this.pendingIceRestart = true;
    if (this.negotiating) {
      this.pending = true;
      return;
    }
    this.#run();
  }

  // `renegotiate {recv}`: more receiving sections may be needed; offer again.
  onRenegotiate(data) {
    if (data?.recv) this.recv = { audio: data.recv.audio ?? 0, video: data.recv.video ?? 0 };
    this.negotiate();
  }

  // `answer {sdp, tracks}`
  onAnswer(data) {
    const w = this.answerWaiter;
    if (!w) {
      console.warn('signaling: an answer without an offer in flight; ignored');
      return;
    }
    this.answerWaiter = null;
    w.resolve(data);
  }

  // `error {code, message}` while an offer is in flight fails that negotiation.
  onError(data) {
    const w = this.answerWaiter;
    if (!w) return;
    this.answerWaiter = null;
    w.reject(new Error(`server refused the offer: ${data?.code ?? ''} ${data?.message ?? ''}`.trim()));
  }

  async #run() {
    this.negotiating = true;
    try {
      do {
        this.pending = false;
        const iceRestart = this.pendingIceRestart;
        this.pendingIceRestart = false;
        await this.#negotiateOnce(iceRestart);
      } while (this.pending && !this.closed);
    } catch (e) {
      if (!this.closed) {
        console.warn('negotiation failed:', e);
        this.#emit('error', { message: e.message });
        await this.#rollback();
      }
    } finally {
      this.negotiating = false;
      // A request that came in during a failed negotiation: try again, a little later.
      if (this.pending && !this.closed) setTimeout(() => this.negotiate(), 1000);
    }
  }

  async #negotiateOnce(iceRestart) {
    this.#ensureReceivers();
    const offer = await this.pc.createOffer({ iceRestart });
    await this.pc.setLocalDescription(offer);
    const sources = {};
    for (const [source, t] of Object.entries(this.send)) {
      if (t && !isStopped(t) && t.mid !== null) sources[t.mid] = source;
    }
    const answered = new Promise((resolve, reject) => {
      this.answerWaiter = { resolve, reject };
    });
    if (!this.signaling.send('offer', { sdp: this.pc.localDescription.sdp, sources })) {
      this.answerWaiter = null;
      throw new Error('signaling socket is not open');
    }
    this.negotiations += 1;
    let timer;
    const answer = await Promise.race([
      answered,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`)), ANSWER_TIMEOUT_MS);
      }),
    ]).finally(() => {
      clearTimeout(timer);
      this.answerWaiter = null;
    });
    if (this.closed) return;
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
    this.#applyTracks(answer.tracks ?? {});
  }

  async #rollback() {
    try {
      if (this.pc.signalingState === 'have-local-offer') await this.pc.setLocalDescription({ type: 'rollback' });
    } catch (e) {
      console.warn('rollback failed:', e);
    }
  }

  #receivers(kind) {
    return this.pc.getTransceivers().filter((t) =>
      !isStopped(t) && t.direction === 'recvonly' && t.receiver.track.kind === kind);
  }

  #ensureReceivers() {
    for (const kind of ['audio', 'video']) {
      for (let n = this.#receivers(kind).length; n < this.recv[kind]; n++) {
        this.pc.addTransceiver(kind, { direction: 'recvonly' });
      }
    }
  }

  #applyTracks(tracks) {
    const remote = [];
    for (const t of this.pc.getTransceivers()) {
      if (isStopped(t) || t.direction !== 'recvonly' || t.mid === null) continue;
      const info = tracks[t.mid];
      if (!info) continue;
      remote.push({
        mid: t.mid,
        track: t.receiver.track,
        receiver: t.receiver,
        participantId: info.participantId,
        role: info.role,
        name: info.name,
        kind: info.kind ?? t.receiver.track.kind,
        source: info.source ?? (t.receiver.track.kind === 'audio' ? 'microphone' : 'camera'),
      });
    }
    this.remote = remote;
    this.#emit('tracks', { remote });
  }

  // The server's playout floor per publishing participant (the `quality` frame's playoutDelayMs): while a
  // publisher's uplink loses packets, its repairs come one uplink round trip late, which this page's jitter
  // buffer cannot see from its own short hop to the server; a floor of about that round trip lets frames
  // wait for the repair instead of freezing. 0 gives the buffer back to the browser. Video receivers only:
  // lip sync holds the audio with it.
  applyPlayoutFloors(quality) {
    for (const r of this.remote) {
      if (r.kind !== 'video' || !r.receiver || !('jitterBufferTarget' in r.receiver)) continue;
      const ms = quality?.[r.participantId]?.playoutDelayMs ?? 0;
      const target = ms > 0 ? ms : null;
      if (r.receiver.jitterBufferTarget === target) continue;
      try {
        r.receiver.jitterBufferTarget = target;
      } catch {
        // out of the browser's range: its own choice stays
      }
    }
  }

  // A new microphone or camera track (device switch); null sends nothing.
  async replaceTrack(source, track) {
    const t = this.send[source];
    if (t && !isStopped(t)) await t.sender.replaceTrack(track);
  }

  get canScreenShare() {
    return this.permissions.has('screen-share');
  }

  get screenSharing() {
    return this.send.screen !== null;
  }

  startScreenShare(track) {
    if (this.send.screen) return;
    this.send.screen = this.pc.addTransceiver(track, { direction: 'sendonly' });
    track.addEventListener('ended', () => this.stopScreenShare(), { once: true });
    this.negotiate();
  }

  stopScreenShare() {
    const t = this.send.screen;
    if (!t) return;
    this.send.screen = null;
    try {
      t.sender.track?.stop();
      t.stop();
    } catch (e) {
      console.warn('stopping the screen transceiver:', e);
    }
    this.#emit('screen-ended', {});
    this.negotiate();
  }

  // Tells the server which path the media took (docs/signaling.md `connection-info`), once per path, so
  // analytics can count TURN and TCP fallbacks.
  async #reportPath() {
    const report = await this.pc.getStats().catch(() => null);
    if (!report) return;
    let pair = null;
    report.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) pair = report.get(s.selectedCandidatePairId);
    });
    const local = pair ? report.get(pair.localCandidateId) : null;
    if (!local) return;
    const info = {
      candidateType: local.candidateType ?? null,
      protocol: local.protocol ?? null,
      relayProtocol: local.relayProtocol ?? null,
    };
    const key = JSON.stringify(info);
    if (key === this.reportedPath) return;
    this.reportedPath = key;
    this.signaling.send('connection-info', info);
  }

  #onIceState() {
    const state = this.pc.iceConnectionState;
    if (state === 'connected' || state === 'completed') setTimeout(() => this.#reportPath(), 500);
    const bad = state === 'disconnected' || state === 'failed';
    if (bad && !this.iceTimer) {
      this.iceTimer = setTimeout(() => this.#iceCheck(), ICE_RESTART_AFTER_MS);
    } else if (!bad && this.iceTimer) {
      clearTimeout(this.iceTimer);
      this.iceTimer = null;
    }
    this.#emit('ice', { state, restarting: bad });
  }

  #iceCheck() {
    this.iceTimer = null;
    if (this.closed) return;
    const state = this.pc.iceConnectionState;
    if (state !== 'disconnected' && state !== 'failed') return;
    console.info(`ICE ${state} for more than ${ICE_RESTART_AFTER_MS} ms: restarting ICE`);
    this.negotiate({ iceRestart: true });
    this.iceTimer = setTimeout(() => this.#iceCheck(), ICE_RESTART_RETRY_MS);
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.iceTimer);
    if (this.answerWaiter) {
      this.answerWaiter.reject(new Error('connection closed'));
      this.answerWaiter = null;
    }
    if (this.send.screen) this.send.screen.sender.track?.stop();
    this.pc.close();
  }

  // getStats() summarised for the test hook and the quality display.
  async stats() {
    const report = await this.pc.getStats();
    const byMid = new Map(this.remote.map((r) => [r.mid, r]));
    const byTrackId = new Map(this.remote.map((r) => [r.track.id, r]));
    const sourceByMid = new Map(
      Object.entries(this.send).filter(([, t]) => t && t.mid !== null).map(([s, t]) => [t.mid, s]));
    const out = { inboundVideo: [], inboundAudio: [], outbound: [], candidatePair: null,
      iceConnectionState: this.pc.iceConnectionState, connectionState: this.pc.connectionState };
    let selectedPairId = null;
    report.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) selectedPairId = s.selectedCandidatePairId;
    });
    report.forEach((s) => {
      if (s.type === 'inbound-rtp') {
        const who = byMid.get(s.mid) ?? byTrackId.get(s.trackIdentifier) ?? null;
        const common = {
          participantId: who?.participantId ?? null,
          role: who?.role ?? null,
          source: who?.source ?? null,
          mid: s.mid ?? who?.mid ?? null,
          packetsReceived: s.packetsReceived ?? 0,
          packetsLost: s.packetsLost ?? 0,
          bytesReceived: s.bytesReceived ?? 0,
          codec: report.get(s.codecId)?.mimeType ?? null,
        };
        if (s.kind === 'video') {
          out.inboundVideo.push({ ...common, framesDecoded: s.framesDecoded ?? 0,
            frameWidth: s.frameWidth ?? 0, frameHeight: s.frameHeight ?? 0 });
        } else if (s.kind === 'audio') {
          out.inboundAudio.push({ ...common, audioLevel: s.audioLevel ?? 0 });
        }
      } else if (s.type === 'outbound-rtp') {
        out.outbound.push({
          kind: s.kind,
          mid: s.mid ?? null,
          source: sourceByMid.get(s.mid) ?? null,
          packetsSent: s.packetsSent ?? 0,
          bytesSent: s.bytesSent ?? 0,
          framesEncoded: s.framesEncoded,
        });
      } else if (s.type === 'candidate-pair' && (s.id === selectedPairId || (!selectedPairId && s.nominated && s.state === 'succeeded'))) {
        const local = report.get(s.localCandidateId);
        const remote = report.get(s.remoteCandidateId);
        out.candidatePair = {
          state: s.state,
          currentRoundTripTime: s.currentRoundTripTime ?? null,
          protocol: local?.protocol ?? null,
          candidateType: local?.candidateType ?? null,
          local: local ? `${local.address ?? local.ip}:${local.port}` : null,
          remote: remote ? `${remote.address ?? remote.ip}:${remote.port}` : null,
        };
      }
    });
    return out;
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
