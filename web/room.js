// The room page: wires the signaling socket, the peer connection, local media and the view together.
// Served as /web/room.js by roomsd; the page itself is /room/{roomId}?token={participant JWT}.
//
// The main app may show this page in an iframe of its own site (ROOMS_FRAME_ANCESTORS, docs/api.md
// "Embedding the room page"). A cross-origin or sandboxed frame throws on window.top/parent's properties and on
// localStorage/sessionStorage/cookies, so the page uses none of them: all its state lives in this module.
import { CLOSE, SignalingClient } from './js/SignalingClient.js';
import { RoomConnection } from './js/RoomConnection.js';
import { LocalMedia } from './js/LocalMedia.js';
import { RoomView } from './js/RoomView.js';

const ERROR_SCREENS = {
  [CLOSE.TOKEN_INVALID]: {
    title: 'This link is invalid or has expired',
    message: 'Open the session again from your dashboard to get a fresh link.',
  },
  [CLOSE.WRONG_ROOM]: {
    title: 'This link is not for this session',
    message: 'The link belongs to another room, seat or session. Open the session from your dashboard.',
  },
  [CLOSE.ROOM_NOT_FOUND]: {
    title: 'Session not found',
    message: 'This session room does not exist (any more). Check the link or open the session from your dashboard.',
  },
  [CLOSE.REPLACED]: {
    title: 'Opened in another tab',
    message: 'This session is open in another tab or window, so this one was disconnected.',
    action: 'Use this tab instead',
  },
};

const ENDED_REASONS = {
  session_completed: 'The session has ended. Thank you for joining.',
  timeout: 'The session has ended: its scheduled time is over.',
  cancelled: 'The session has been cancelled.',
  error: 'The session has ended because of a technical problem.',
};

// ---- where we are ---------------------------------------------------------------------------------

const pathParts = location.pathname.split('/').filter(Boolean); // ['room', roomId]
const roomId = pathParts[0] === 'room' && pathParts[1] ? decodeURIComponent(pathParts[1]) : '';
const token = new URLSearchParams(location.search).get('token') ?? '';

const room = {
  state: 'loading', // loading | connected | reconnecting | ended | removed | left | error
  self: null, // {participantId, role, name, permissions, sessionId}
  info: null, // welcome.room ({status, aiOrb, transcription, recording}), kept current by room-updated
  recording: null, // whether the session is being recorded (null before the first welcome)
  peers: new Map(), // participantId -> Peer (+ reconnecting)
  quality: {},
  recv: { audio: 0, video: 0 },
  welcomes: 0,
  socketDown: false,
  iceDown: false,
  error: null, // {code, reason} of a final close
  removed: null, // {reason, allowRejoin} once the main app removed this participant
  captions: [], // caption frames received (live transcription, interim and final), newest last, each with receivedAt
};

let media = null;
let conn = null;

const view = new RoomView({
  toggleMic: () => setMuted('audio', !media?.audioMuted),
  toggleCam: () => setMuted('video', !media?.videoMuted),
  toggleScreen: () => toggleScreen(),
  leave: () => leave(),
  selectDevice: (kind, id) => selectDevice(kind, id),
  rejoin: () => location.reload(),
});
view.unlockAudioOnGesture();

// ---- the test hook ----------------------------------------------------------------------------------

const emptyStats = () => ({ inboundVideo: [], inboundAudio: [], outbound: [], candidatePair: null,
  iceConnectionState: null, connectionState: null });

window.__room = {
  get state() { return room.state; },
  get self() { return room.self; },
  get participants() { return [...room.peers.values()].map((p) => ({ ...p })); },
  get quality() { return room.quality; },
  get remoteTracks() {
    return (conn?.remote ?? []).map(({ mid, participantId, role, name, kind, source, track }) =>
      ({ mid, participantId, role, name, kind, source, trackId: track.id, muted: track.muted }));
  },
  get negotiations() { return conn?.negotiations ?? 0; },
  get error() { return room.error; },
  get captions() { return room.captions.map((c) => ({ ...c })); },
  get recording() { return room.recording === true; },
  get removed() { return room.removed ? { ...room.removed } : null; },
  get pc() { return conn?.pc ?? null; },
  stats: async () => (conn && !conn.closed ? conn.stats() : emptyStats()),
};

// ---- state and rendering --------------------------------------------------------------------------

function setState(s) {
  room.state = s;
  document.getElementById('app').dataset.state = s;
}

function updateReconnecting() {
  if (!['connected', 'reconnecting'].includes(room.state)) return;
  const down = room.socketDown || room.iceDown;
  setState(down ? 'reconnecting' : 'connected');
  view.setReconnecting(down, room.socketDown ? 'Connection lost. Reconnecting…' : 'Reconnecting media…');
}

// Everyone is told while the session is recorded: the header's indicator, and a notice when it changes
// (also at joining, when it is already on).
function setRecording(on) {
  const was = room.recording;
  room.recording = !!on;
  view.setRecording(room.recording);
  if (was === room.recording) return;
  if (room.recording) view.setNotice(was === null ? 'This session is being recorded.' : 'This session is now being recorded.');
  else if (was === true) view.setNotice('Recording has stopped.');
}

function render() {
  const peers = [...room.peers.values()];
  view.render(peers, conn?.remote ?? [], room.quality);
  const other = room.self?.role === 'coach' ? 'client' : room.self?.role === 'client' ? 'coach' : null;
  const here = peers.some((p) => p.role === other && p.connected !== false);
  view.setWaiting(other && !here ? `Waiting for the ${other}…` : null);
  renderControls();
}

function renderControls() {
  const perms = new Set(room.self?.permissions ?? []);
  view.setControls({
    canAudio: perms.has('audio'),
    canVideo: perms.has('video'),
    canScreen: perms.has('screen-share'),
    audioMuted: !!media?.audioMuted,
    videoMuted: !!media?.videoMuted,
    hasAudio: !!media?.audio,
    hasVideo: !!media?.video,
    screenSharing: !!conn?.screenSharing,
  });
}

// ---- signaling --------------------------------------------------------------------------------------

const signaling = new SignalingClient({ roomId, token });

signaling.addEventListener('frame', (ev) => {
  const { type, data } = ev.detail;
  try {
    onFrame(type, data);
  } catch (e) {
    console.error(`handling ${type}:`, e);
  }
});

signaling.addEventListener('reconnecting', (ev) => {
  const { delayMs, code } = ev.detail;
  console.info(`signaling closed (${code}); reconnecting in ${delayMs} ms`);
  room.socketDown = true;
  if (room.state === 'loading') {
    view.showScreen('loading', { message: `Cannot reach the session right now. Retrying in ${Math.ceil(delayMs / 1000)} s…` });
    view.setReconnecting(true, 'Connecting…');
  } else {
    updateReconnecting();
  }
});

signaling.addEventListener('closed', (ev) => {
  const { code, reason } = ev.detail;
  if (code === CLOSE.NORMAL) return; // we left
  room.error = { code, reason };
  if (code === CLOSE.ROOM_ENDED) {
    ended();
    return;
  }
  if (code === CLOSE.REMOVED) {
    // The `removed` frame comes first and is handled there; a close without it still says what happened.
    removed({ reason: '', allowRejoin: false });
    return;
  }
  fail(code, reason);
});

function onFrame(type, data) {
  switch (type) {
    case 'welcome':
      onWelcome(data);
      break;
    case 'answer':
      conn?.onAnswer(data);
      render();
      break;
    case 'renegotiate':
      if (data?.recv) room.recv = { audio: data.recv.audio ?? 0, video: data.recv.video ?? 0 };
      conn?.onRenegotiate(data);
      break;
    case 'participant-joined':
    case 'participant-updated': {
      if (data?.participantId === room.self?.participantId) break;
      const old = room.peers.get(data.participantId);
      room.peers.set(data.participantId, { ...old, ...data, reconnecting: false });
      render();
      break;
    }
    case 'participant-left': {
      const p = room.peers.get(data?.participantId);
      room.peers.delete(data?.participantId);
      if (p && p.role !== 'aiOrb') view.setNotice(`${p.name || p.role} left the session.`);
      render();
      break;
    }
    case 'reconnecting':
    case 'reconnected': {
      const p = room.peers.get(data?.participantId);
      if (p) {
        p.reconnecting = type === 'reconnecting';
        render();
      }
      break;
    }
    case 'quality':
      room.quality = data?.participants ?? {};
      conn?.applyPlayoutFloors(room.quality);
      render();
      break;
    case 'room-updated':
      // {recording, transcription, aiOrb}: the room's config changed (PATCH /config).
      room.info = { ...(room.info ?? {}), ...data };
      if (typeof data?.recording === 'boolean') setRecording(data.recording);
      break;
    case 'room-ended':
      ended(data?.reason);
      break;
    case 'removed':
      removed(data);
      break;
    case 'caption':
      // {participantId, role, name, text, startTime, endTime, final, utteranceId}: `final: false` is an interim
      // caption (the words so far of an utterance still being spoken), replaced by the next one of the same
      // utteranceId and at last by the final caption. Every frame is kept for the test hook, with when it came.
      if (!data || typeof data !== 'object') break;
      room.captions.push({ ...data, receivedAt: Date.now() });
      if (room.captions.length > 2000) room.captions.shift();
      if (data.text) view.showCaption(data);
      else if (data.final !== false) view.endCaption(data.utteranceId);
      break;
    case 'orb-state':
      view.setOrbState(data?.state);
      break;
    case 'error':
      console.warn('signaling error:', data);
      conn?.onError(data);
      break;
    default:
      console.debug('signaling: unknown frame', type);
  }
}

async function onWelcome(data) {
  const seq = ++room.welcomes;
  room.socketDown = false;
  room.self = {
    participantId: data.participantId,
    role: data.role,
    name: data.name,
    permissions: data.permissions ?? [],
    sessionId: data.sessionId,
    reconnected: !!data.reconnected,
  };
  room.info = data.room ?? null;
  setRecording(room.info?.recording === true);
  room.recv = { audio: data.recv?.audio ?? 0, video: data.recv?.video ?? 0 };
  room.peers = new Map((data.participants ?? [])
    .filter((p) => p.participantId !== data.participantId)
    .map((p) => [p.participantId, { ...p, reconnecting: false }]));
  view.setSelf(room.self);
  if (room.info?.status === 'ended') {
    ended();
    return;
  }

  if (!media) {
    view.showScreen('loading', { message: 'Starting your camera and microphone…' });
    const perms = new Set(room.self.permissions);
    const m = new LocalMedia({ audio: perms.has('audio'), video: perms.has('video') });
    await m.start();
    if (m.errors.length) console.warn('local media:', m.errors.join('; '));
    media = m;
    view.attachSelf(media.stream, !!media.video);
    refreshDevices();
    navigator.mediaDevices?.addEventListener?.('devicechange', refreshDevices);
    if (m.errors.length && !m.audio && !m.video && (perms.has('audio') || perms.has('video'))) {
      view.setNotice('Your camera and microphone could not be started; others will not see or hear you.');
    }
  }
  // A newer welcome (the socket came back meanwhile) or a final state wins. A final state reached while the
  // camera was starting found no media to stop: release it here, or the camera stays on after the call.
  if (['ended', 'removed', 'left', 'error'].includes(room.state)) {
    media?.stop();
    return;
  }
  if (seq !== room.welcomes) return;

  // Every signaling session gets a fresh peer connection: the server's state belongs to the socket.
  conn?.close();
  view.clearTiles();
  room.iceDown = false;
  const c = new RoomConnection({
    signaling,
    welcome: { ...data, recv: room.recv },
    media: { audio: media.audio, video: media.video },
  });
  conn = c;
  c.addEventListener('tracks', () => c === conn && render());
  c.addEventListener('screen-ended', () => c === conn && renderControls());
  c.addEventListener('error', (ev) => console.warn('negotiation:', ev.detail.message));
  c.addEventListener('ice', (ev) => {
    if (c !== conn) return;
    room.iceDown = ev.detail.restarting;
    updateReconnecting();
  });
  c.negotiate();
  if (media.audioMuted || media.videoMuted) {
    signaling.send('mute', { audio: media.audioMuted, video: media.videoMuted });
  }
  setState('connected');
  view.showScreen(null);
  updateReconnecting();
  render();
}

// ---- the user's actions -----------------------------------------------------------------------------

function setMuted(kind, muted) {
  if (!media) return;
  media.setMuted(kind, muted);
  signaling.send('mute', { audio: media.audioMuted, video: media.videoMuted });
  renderControls();
}

async function selectDevice(kind, deviceId) {
  if (!media || !deviceId) return;
  try {
    const track = await media.switchDevice(kind, deviceId);
    await conn?.replaceTrack(kind === 'audio' ? 'microphone' : 'camera', track);
    view.attachSelf(media.stream, !!media.video);
    renderControls();
  } catch (e) {
    console.warn('switching device:', e);
    view.setNotice(`Could not switch the ${kind === 'audio' ? 'microphone' : 'camera'} (${e.name}).`);
  }
}

async function refreshDevices() {
  if (!media) return;
  try {
    view.setDevices(await media.devices(), media);
  } catch (e) {
    console.warn('enumerateDevices:', e);
  }
}

async function toggleScreen() {
  if (!conn) return;
  if (conn.screenSharing) {
    conn.stopScreenShare();
  } else {
    try {
      const s = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
      const track = s.getVideoTracks()[0];
      if (!track) return;
      track.contentHint = 'detail';
      if (!conn || conn.closed) {
        track.stop();
        return;
      }
      conn.startScreenShare(track);
    } catch (e) {
      if (e.name !== 'NotAllowedError' && e.name !== 'AbortError') {
        view.setNotice(`Screen sharing did not start (${e.name}).`);
      }
    }
  }
  renderControls();
}

function teardown() {
  conn?.close();
  media?.stop();
  view.clearTiles();
}

function leave() {
  signaling.send('leave', {});
  signaling.close(CLOSE.NORMAL, 'left');
  teardown();
  setState('left');
  view.showScreen('left');
}

function ended(reason) {
  if (room.state === 'ended') return;
  signaling.close(CLOSE.NORMAL, 'room ended');
  teardown();
  setState('ended');
  view.showScreen('ended', { message: ENDED_REASONS[reason] ?? 'The session has ended.' });
}

// Removed by the main app (docs/signaling.md, close 4012): never reconnect, since a blocked seat is refused
// at every try; with allowRejoin a reload joins again.
function removed(data) {
  if (room.state === 'removed') return;
  room.removed = {
    reason: typeof data?.reason === 'string' ? data.reason : '',
    allowRejoin: data?.allowRejoin === true,
  };
  signaling.close(CLOSE.NORMAL, 'removed');
  teardown();
  setState('removed');
  view.showScreen('removed', { removed: room.removed });
}

function fail(code, reason) {
  signaling.close(CLOSE.NORMAL, 'giving up');
  teardown();
  setState('error');
  const e = ERROR_SCREENS[code] ?? {
    title: 'Could not join the session',
    message: `The connection was refused (${code}${reason ? `: ${reason}` : ''}).`,
  };
  view.showScreen('error', { ...e, code: String(code) });
  const btn = document.getElementById('btn-error-action');
  btn.hidden = !e.action;
  btn.textContent = e.action ?? '';
  btn.onclick = () => location.reload();
}

// ---- go -------------------------------------------------------------------------------------------

if (!roomId || !token) {
  room.error = { code: CLOSE.TOKEN_INVALID, reason: 'no token in the link' };
  fail(CLOSE.TOKEN_INVALID, 'no token in the link');
} else {
  view.showScreen('loading', { message: 'Joining the session…' });
  signaling.connect();
}
