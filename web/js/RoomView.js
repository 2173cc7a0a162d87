// The DOM of the room page: screens, banner, tiles, controls. It knows nothing of WebSockets or SDP;
// room.js calls it with plain data and gets the user's actions back through the `on` callbacks.
import { AudioLevelMeter, audioContext } from './AudioLevelMeter.js';

const ROLE_LABEL = { coach: 'Coach', client: 'Client', aiOrb: 'AI assistant' };
const QUALITY_LABEL = { good: 'Good connection', fair: 'Fair connection', poor: 'Poor connection' };

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (v === true) e.setAttribute(k, '');
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c) e.append(c);
  return e;
}

function initials(name) {
  return (name || '?').split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join('') || '?';
}

// Keeps a MediaStream's tracks equal to `tracks` without replacing the stream (no flicker in <video>).
function syncStream(stream, tracks) {
  const want = new Set(tracks);
  for (const t of stream.getTracks()) if (!want.has(t)) stream.removeTrack(t);
  for (const t of want) if (!stream.getTracks().includes(t)) stream.addTrack(t);
}

export class RoomView {
  constructor(on) {
    this.on = on; // {toggleMic, toggleCam, toggleScreen, leave, selectDevice(kind, id), rejoin}
    this.tiles = new Map(); // participantId -> tile state
    this.screenTiles = new Map(); // participantId -> screen tile state
    this.audioBlocked = false;
    this.interimLines = new Map(); // utteranceId -> {line, timer}: interim captions on screen
    this.finalUtterances = new Set(); // utteranceIds whose final caption came (a late interim is dropped)
    this.app = $('app');
    $('btn-mic').addEventListener('click', () => this.on.toggleMic());
    $('btn-cam').addEventListener('click', () => this.on.toggleCam());
    $('btn-screen').addEventListener('click', () => this.on.toggleScreen());
    $('btn-leave').addEventListener('click', () => this.on.leave());
    $('btn-devices').addEventListener('click', () => this.#toggleDevicePanel());
    $('btn-rejoin').addEventListener('click', () => this.on.rejoin());
    $('btn-removed-rejoin').addEventListener('click', () => this.on.rejoin());
    $('enable-audio').addEventListener('click', () => this.#enableAudio());
    $('mic-select').addEventListener('change', (e) => this.on.selectDevice('audio', e.target.value));
    $('cam-select').addEventListener('change', (e) => this.on.selectDevice('video', e.target.value));
  }

  // ---- screens ------------------------------------------------------------------------------------

  // name: null (the call), 'loading', 'error', 'ended', 'removed' or 'left'. removed: {reason, allowRejoin}.
  showScreen(name, { title, message, code, removed } = {}) {
    this.app.dataset.screen = name ?? 'call';
    for (const s of ['loading', 'error', 'ended', 'removed', 'left']) $(`screen-${s}`).hidden = s !== name;
    $('call').hidden = name !== null;
    if (name === 'error') {
      $('error-title').textContent = title ?? 'Something went wrong';
      $('error-message').textContent = message ?? '';
      $('screen-error').dataset.code = code ?? '';
    }
    if (name === 'ended' && message) $('ended-message').textContent = message;
    if (name === 'removed') {
      // The reason is the main app's free text: shown as text, never as markup.
      const reason = typeof removed?.reason === 'string' ? removed.reason.trim() : '';
      $('removed-reason').hidden = reason === '';
      $('removed-reason').textContent = reason === '' ? '' : `Reason: ${reason}`;
      const rejoin = removed?.allowRejoin === true;
      $('removed-hint').textContent = rejoin ? 'You may rejoin by reloading this page.' : 'You can close this window.';
      $('btn-removed-rejoin').hidden = !rejoin;
    }
    if (name === 'loading' && message) $('loading-message').textContent = message;
    if (name !== null) this.setReconnecting(false);
  }

  setSelf({ name, role }) {
    $('self-name').textContent = name || 'You';
    $('self-role').textContent = ROLE_LABEL[role] ?? role ?? '';
    $('self-role').dataset.role = role ?? '';
    document.title = `${name || 'Session'} · Session room`;
  }

  attachSelf(stream, hasVideo) {
    const v = $('self-video');
    if (v.srcObject !== stream) v.srcObject = stream;
    $('self-tile').classList.toggle('no-video', !hasVideo);
    v.play().catch(() => {});
  }

  setReconnecting(on, text = 'Reconnecting…') {
    $('reconnecting').hidden = !on;
    $('reconnecting-text').textContent = text;
  }

  setNotice(text) {
    $('notice').hidden = !text;
    $('notice').textContent = text ?? '';
    clearTimeout(this.noticeTimer);
    if (text) this.noticeTimer = setTimeout(() => this.setNotice(null), 6000);
  }

  // Live captions: the last few recognised sentences, each fading after a while. A caption with `final: false`
  // is an interim one, the words recognised so far of an utterance still being spoken: it is shown dimmed in a
  // line of its own per utteranceId, updated in place by the next interim and replaced by the final caption.
  showCaption({ name, role, text, final, utteranceId }) {
    const box = $('captions');
    const id = utteranceId === undefined || utteranceId === null ? null : String(utteranceId);
    const interim = final === false;
    if (interim && (id === null || this.finalUtterances.has(id))) return; // late: its final is already shown
    const who = el('strong', { text: `${name || ROLE_LABEL[role] || role}: ` });
    const old = id === null ? null : this.interimLines.get(id);
    if (interim && old) {
      old.line.replaceChildren(who, text);
      this.#expireInterim(id, old);
      return;
    }
    const line = interim
      // Screen readers hear the final sentence, not every interim update (the box is aria-live).
      ? el('p', { class: 'caption interim', 'data-role': role, 'data-utterance-id': id, 'aria-hidden': 'true' }, who, text)
      : el('p', { class: 'caption', 'data-role': role, 'data-utterance-id': id ?? undefined }, who, text);
    if (old) {
      clearTimeout(old.timer);
      this.interimLines.delete(id);
    }
    if (old?.line.isConnected) old.line.replaceWith(line);
    else box.append(line);
    if (interim) {
      const entry = { line, timer: 0 };
      this.interimLines.set(id, entry);
      this.#expireInterim(id, entry);
    } else {
      if (id !== null) this.#rememberFinal(id);
      setTimeout(() => this.#removeCaptionLine(line), 10000);
    }
    // At most three lines: the oldest final ones go first; an utterance being spoken keeps its line.
    while (box.children.length > 3) {
      const oldest = [...box.children].find((c) => !c.classList.contains('interim'));
      if (!oldest) break;
      oldest.remove();
    }
    box.hidden = false;
  }

  // A final caption without text (nothing recognised) still ends its utterance's interim line.
  endCaption(utteranceId) {
    if (utteranceId === undefined || utteranceId === null) return;
    const id = String(utteranceId);
    this.#rememberFinal(id);
    const old = this.interimLines.get(id);
    if (!old) return;
    clearTimeout(old.timer);
    this.interimLines.delete(id);
    this.#removeCaptionLine(old.line);
  }

  // An interim line whose utterance goes quiet without a final caption (a lost frame) does not stay forever.
  #expireInterim(id, entry) {
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      if (this.interimLines.get(id) === entry) this.interimLines.delete(id);
      this.#removeCaptionLine(entry.line);
    }, 10000);
  }

  #rememberFinal(id) {
    this.finalUtterances.add(id);
    if (this.finalUtterances.size > 100) this.finalUtterances.delete(this.finalUtterances.values().next().value);
  }

  #removeCaptionLine(line) {
    line.remove();
    const box = $('captions');
    box.hidden = box.children.length === 0;
  }

  // listening | thinking | waiting | speaking: the orb's tile shows it.
  setOrbState(state) {
    this.orbState = state;
    for (const t of this.tiles.values()) {
      if (t.role === 'aiOrb') t.root.dataset.state = state;
    }
  }

  // The recording indicator in the header, shown to every participant while the session is recorded.
  setRecording(on) {
    const el = $('recording-indicator');
    el.hidden = !on;
    this.app.dataset.recording = String(!!on);
  }

  setWaiting(text) {
    $('waiting').hidden = !text;
    $('waiting-text').textContent = text ?? '';
  }

  // ---- controls -----------------------------------------------------------------------------------

  setControls({ canAudio, canVideo, canScreen, audioMuted, videoMuted, screenSharing, hasAudio, hasVideo }) {
    const mic = $('btn-mic');
    mic.hidden = !canAudio;
    mic.disabled = !hasAudio;
    mic.setAttribute('aria-pressed', String(audioMuted));
    mic.querySelector('.label').textContent = audioMuted ? 'Unmute' : 'Mute';
    mic.classList.toggle('off', audioMuted || !hasAudio);
    const cam = $('btn-cam');
    cam.hidden = !canVideo;
    cam.disabled = !hasVideo;
    cam.setAttribute('aria-pressed', String(videoMuted));
    cam.querySelector('.label').textContent = videoMuted ? 'Start video' : 'Stop video';
    cam.classList.toggle('off', videoMuted || !hasVideo);
    const scr = $('btn-screen');
    scr.hidden = !canScreen || !navigator.mediaDevices?.getDisplayMedia;
    scr.setAttribute('aria-pressed', String(screenSharing));
    scr.querySelector('.label').textContent = screenSharing ? 'Stop sharing' : 'Share screen';
    scr.classList.toggle('active', screenSharing);
    $('self-tile').classList.toggle('no-video', videoMuted || !hasVideo);
    $('self-muted').hidden = !audioMuted;
  }

  setDevices(devices, { audioDeviceId, videoDeviceId }) {
    const fill = (select, list, current) => {
      select.replaceChildren(...list.map((d) => el('option', { value: d.deviceId, text: d.label })));
      if (current && list.some((d) => d.deviceId === current)) select.value = current;
      select.disabled = list.length < 2;
    };
    fill($('mic-select'), devices.audioinput, audioDeviceId);
    fill($('cam-select'), devices.videoinput, videoDeviceId);
  }

  #toggleDevicePanel() {
    const p = $('device-panel');
    p.hidden = !p.hidden;
    $('btn-devices').setAttribute('aria-expanded', String(!p.hidden));
  }

  // ---- remote participants ------------------------------------------------------------------------

  // peers: [Peer] (the others); remote: [{participantId, role, name, kind, source, track, receiver}];
  // quality: {participantId: {level, rtt, packetLoss}}
  render(peers, remote, quality = {}) {
    const byId = new Map();
    for (const p of peers) byId.set(p.participantId, { ...p });
    for (const r of remote) {
      if (!byId.has(r.participantId)) {
        byId.set(r.participantId, { participantId: r.participantId, role: r.role, name: r.name, connected: true });
      }
    }
    for (const [id, t] of this.tiles) {
      if (!byId.has(id)) {
        this.#removeTile(t);
        this.tiles.delete(id);
      }
    }
    for (const [id, peer] of byId) {
      let t = this.tiles.get(id);
      if (!t) {
        t = this.#makeTile(peer);
        this.tiles.set(id, t);
      }
      const mine = remote.filter((r) => r.participantId === id);
      this.#updateTile(t, peer, mine, quality[id]);
    }
    // Screen shares: one wide tile each.
    const screens = new Map(remote.filter((r) => r.kind === 'video' && r.source === 'screen').map((r) => [r.participantId, r]));
    for (const [id, s] of this.screenTiles) {
      if (!screens.has(id)) {
        s.root.remove();
        this.screenTiles.delete(id);
      }
    }
    for (const [id, r] of screens) {
      let s = this.screenTiles.get(id);
      if (!s) {
        const video = el('video', { autoplay: true, playsinline: true, muted: true });
        video.muted = true;
        const root = el('article', { class: 'tile screen-share', 'data-testid': `tile-screen-${r.role}`, 'data-participant-id': id },
          video, el('div', { class: 'meta' }, el('span', { class: 'name', text: `${r.name || ROLE_LABEL[r.role] || 'Someone'}'s screen` })));
        s = { root, video, stream: new MediaStream() };
        video.srcObject = s.stream;
        $('tiles').prepend(root);
        this.screenTiles.set(id, s);
      }
      syncStream(s.stream, [r.track]);
      s.video.play().catch(() => {});
    }
    const n = [...this.tiles.values()].filter((t) => t.role !== 'aiOrb').length + this.screenTiles.size;
    $('tiles').dataset.count = String(n);
    $('app').classList.toggle('sharing', this.screenTiles.size > 0);
  }

  #makeTile(peer) {
    const role = peer.role ?? 'participant';
    const t = { id: peer.participantId, role, audioStream: new MediaStream(), videoStream: new MediaStream(), meter: null, meterTrack: null };
    t.audio = el('audio', { autoplay: true });
    t.audio.srcObject = t.audioStream;
    t.name = el('span', { class: 'name' });
    t.roleEl = el('span', { class: 'role', text: ROLE_LABEL[role] ?? role });
    t.mute = el('span', { class: 'mute-state', 'data-testid': 'mute-state', title: 'Microphone off', hidden: true, text: 'Muted' });
    t.quality = el('span', { class: 'quality', 'data-testid': 'quality', title: 'Connection quality' },
      el('i'), el('i'), el('i'));
    t.state = el('span', { class: 'peer-state' });
    const meta = el('div', { class: 'meta' }, t.name, t.roleEl, t.mute, t.state, t.quality);
    if (role === 'aiOrb') {
      t.orb = el('div', { class: 'orb', 'aria-hidden': 'true' }, el('div', { class: 'orb-core' }));
      t.root = el('article', { class: 'tile orb-tile', 'data-testid': 'tile-aiOrb', 'data-participant-id': peer.participantId,
        'data-state': this.orbState ?? 'listening' }, t.orb, t.audio, meta);
      $('orb-slot').append(t.root);
    } else {
      t.video = el('video', { autoplay: true, playsinline: true, muted: true });
      t.video.muted = true; // audio plays through the <audio> element (separately allowed to autoplay)
      t.video.srcObject = t.videoStream;
      t.avatar = el('div', { class: 'avatar', text: initials(peer.name) });
      t.root = el('article', { class: 'tile', 'data-testid': `tile-${role}`, 'data-participant-id': peer.participantId },
        t.video, t.avatar, t.audio, meta);
      $('tiles').append(t.root);
    }
    return t;
  }

  #updateTile(t, peer, tracks, q) {
    t.name.textContent = peer.name || ROLE_LABEL[peer.role] || 'Participant';
    if (t.avatar) t.avatar.textContent = initials(peer.name);
    const audioTracks = tracks.filter((r) => r.kind === 'audio').map((r) => r.track);
    const cam = tracks.filter((r) => r.kind === 'video' && r.source !== 'screen').map((r) => r.track);
    syncStream(t.audioStream, audioTracks);
    if (t.video) {
      syncStream(t.videoStream, cam.slice(0, 1));
      t.root.classList.toggle('no-video', cam.length === 0 || !!peer.videoMuted);
      t.video.play().catch(() => {});
    }
    if (audioTracks.length > 0) this.#play(t.audio);
    t.root.dataset.audioMuted = String(!!peer.audioMuted);
    t.root.dataset.videoMuted = String(!!peer.videoMuted);
    t.root.dataset.connected = String(peer.connected !== false);
    t.mute.hidden = !peer.audioMuted;
    t.state.textContent = peer.reconnecting ? 'Reconnecting…' : (peer.connected === false ? 'Not connected' : '');
    t.root.classList.toggle('reconnecting', !!peer.reconnecting);
    if (q) {
      t.quality.dataset.level = q.level ?? '';
      t.quality.title = `${QUALITY_LABEL[q.level] ?? 'Connection'}` +
        (q.rtt !== undefined ? ` · ${Math.round(q.rtt)} ms` : '') +
        (q.packetLoss !== undefined ? ` · ${(+q.packetLoss).toFixed(1)}% loss` : '');
    }
    // The orb follows its audio level.
    if (t.orb) {
      const r = tracks.find((x) => x.kind === 'audio');
      if (r?.track !== t.meterTrack) {
        t.meter?.stop();
        t.meter = null;
        t.meterTrack = r?.track ?? null;
        if (r) {
          t.meter = new AudioLevelMeter(r.track, r.receiver, (level) => {
            t.orb.style.setProperty('--level', level.toFixed(3));
            t.root.dataset.speaking = String(level > 0.08);
          });
        }
      }
    }
  }

  #removeTile(t) {
    t.meter?.stop();
    t.root.remove();
  }

  // ---- audio playback -----------------------------------------------------------------------------

  #play(audio) {
    if (!audio.paused) return;
    audio.play().then(() => {
      if (this.audioBlocked && [...this.tiles.values()].every((t) => !t.audio.paused || t.audioStream.getTracks().length === 0)) {
        this.#setAudioBlocked(false);
      }
    }).catch((e) => {
      if (e.name === 'NotAllowedError') this.#setAudioBlocked(true);
    });
  }

  #setAudioBlocked(blocked) {
    this.audioBlocked = blocked;
    $('enable-audio').hidden = !blocked;
  }

  async #enableAudio() {
    audioContext()?.resume().catch(() => {});
    for (const t of this.tiles.values()) {
      if (t.audioStream.getTracks().length > 0) await t.audio.play().catch(() => {});
    }
    this.#setAudioBlocked(false);
  }

  // A user gesture anywhere also unlocks Web Audio (the orb's analyser).
  unlockAudioOnGesture() {
    const unlock = () => {
      audioContext()?.resume().catch(() => {});
      if (this.audioBlocked) this.#enableAudio();
    };
    document.addEventListener('pointerdown', unlock, { capture: true });
    document.addEventListener('keydown', unlock, { capture: true });
  }

  clearTiles() {
    for (const t of this.tiles.values()) this.#removeTile(t);
    this.tiles.clear();
    for (const s of this.screenTiles.values()) s.root.remove();
    this.screenTiles.clear();
  }
}
