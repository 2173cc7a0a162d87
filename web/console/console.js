// The demo console: create a room, open both seats side by side, watch status and events, end it, read the
// summary and transcript. It talks to the same API as the main app (docs/api.md "Demo console"):
//   GET  /console/bootstrap       how to authenticate (the dev key in development mode, on this machine)
//   POST /api/console/rooms       create a room; tokens are minted server-side from JWT_SIGNING_SECRET
//   GET  /api/rooms/{id}/status, /summary, /transcription; POST /api/rooms/{id}/end
//   WS   /events/{id}?token=KEY&since=ID   the event stream, resumed from the last id after a drop
const $ = (id) => document.getElementById(id);
const KEY_STORAGE = 'rooms-console-api-key';

const state = {
  apiKey: null,
  room: null, // the create answer
  lastEventId: 0,
  events: [],
  ws: null,
  wsAttempts: 0,
  ended: false,
  summaryShown: false,
  statusTimer: null,
  summaryDeadline: 0,
};
window.__console = state; // for tests and curious developers

class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code;
  }
}

async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${state.apiKey}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

// ---------------------------------------------------------------------------------------------------------
// Authentication

async function bootstrap() {
  let info = {};
  try {
    const res = await fetch('/console/bootstrap');
    info = res.ok ? await res.json() : {};
  } catch {
    info = {};
  }
  if (info.apiKey) {
    state.apiKey = info.apiKey;
    $('auth-state').textContent = 'development mode: using the dev API key';
    $('auth-state').dataset.mode = 'development';
    showCreate();
    return;
  }
  const saved = sessionStorage.getItem(KEY_STORAGE);
  if (saved && (await checkKey(saved))) return;
  $('auth-state').textContent = `${info.mode ?? 'production'} mode: paste an API key`;
  $('auth-panel').hidden = false;
}

async function checkKey(key) {
  state.apiKey = key;
  try {
    await api('GET', '/api/webhooks'); // any API-key route: 200 means the key works
  } catch (e) {
    state.apiKey = null;
    $('auth-state').textContent = e.status === 401 ? 'that key was refused' : `cannot check the key: ${e.message}`;
    return false;
  }
  sessionStorage.setItem(KEY_STORAGE, key);
  $('auth-state').textContent = 'using the pasted API key';
  $('auth-panel').hidden = true;
  showCreate();
  return true;
}

function showCreate() {
  $('create-panel').hidden = false;
}

$('auth-form').addEventListener('submit', (e) => {
  e.preventDefault();
  checkKey($('api-key').value.trim());
});

// ---------------------------------------------------------------------------------------------------------
// Create

$('orb-enabled').addEventListener('change', () => {
  $('orb-personality').disabled = !$('orb-enabled').checked;
});

$('create-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('create-error').hidden = true;
  $('create').disabled = true;
  try {
    const room = await api('POST', '/api/console/rooms', {
      aiOrb: { enabled: $('orb-enabled').checked, personality: $('orb-personality').value },
      maxDuration: Math.round(Number($('max-minutes').value || 60) * 60),
      generateSummary: $('gen-summary').checked,
      coachName: $('coach-name').value.trim() || 'Coach',
      clientName: $('client-name').value.trim() || 'Client',
    });
    startRoom(room);
  } catch (err) {
    $('create-error').textContent = `Could not create the room: ${err.message}`;
    $('create-error').hidden = false;
    $('create').disabled = false;
  }
});

// connectionUrls name ROOMS_PUBLIC_URL; the side-by-side frames load the page from this console's own origin
// (the room page may only be framed by its own origin).
const sameOrigin = (url) => {
  const u = new URL(url);
  return `${location.origin}${u.pathname}${u.search}`;
};

function startRoom(room) {
  state.room = room;
  $('room-panel').hidden = false;
  $('events-panel').hidden = false;
  $('after-panel').hidden = false;
  $('room-id').textContent = room.roomId;
  $('coach-link').href = room.connectionUrls.coach;
  $('client-link').href = room.connectionUrls.client;
  $('create-form').querySelectorAll('input, select, button').forEach((el) => {
    el.disabled = true;
  });
  connectEvents();
  pollStatus();
}

$('open-both').addEventListener('click', () => {
  if (!state.room) return;
  $('frames').hidden = false;
  $('coach-frame').src = sameOrigin(state.room.connectionUrls.coach);
  $('client-frame').src = sameOrigin(state.room.connectionUrls.client);
  $('open-both').disabled = true;
});

$('end-room').addEventListener('click', async () => {
  if (!state.room) return;
  $('end-room').disabled = true;
  try {
    await api('POST', `/api/rooms/${state.room.roomId}/end`, { reason: 'session_completed', requestedBy: 'system' });
  } catch (err) {
    $('end-room').disabled = false;
    alert(`Could not end the room: ${err.message}`);
  }
});

// ---------------------------------------------------------------------------------------------------------
// Live status (polled once a second until the room ended and its summary is shown)

const fmtSeconds = (s) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;

function seat(role, s) {
  const on = Boolean(s?.connected);
  $(`${role}-dot`).classList.toggle('on', on);
  const label = on ? 'connected' : s?.leftAt ? 'left' : 'not joined';
  $(`${role}-state`).textContent = `${label}${s?.totalDuration ? ` · ${fmtSeconds(s.totalDuration)}` : ''}`;
  $(`${role}-state`).dataset.connected = String(on);
}

async function pollStatus() {
  clearTimeout(state.statusTimer);
  if (!state.room) return;
  try {
    const s = await api('GET', `/api/rooms/${state.room.roomId}/status`);
    $('room-status').textContent = s.status;
    $('room-status').dataset.status = s.status;
    $('room-duration').textContent = s.currentDuration ? `· ${fmtSeconds(s.currentDuration)}` : '';
    seat('coach', s.participants.coach);
    seat('client', s.participants.client);
    const orb = s.participants.aiOrb;
    $('orb-state').textContent = orb.enabled === false ? 'off'
      : `${orb.connected ? 'connected' : 'not connected'} · ${orb.participationPercentage}% of the talk`;
    if (s.status === 'ended') onEnded();
  } catch (err) {
    $('room-status').textContent = `status unavailable (${err.message})`;
  }
  if (state.ended && (state.summaryShown || Date.now() > state.summaryDeadline)) return;
  state.statusTimer = setTimeout(pollStatus, 1000);
}

function onEnded() {
  if (state.ended) return;
  state.ended = true;
  state.summaryDeadline = Date.now() + 120000;
  $('end-room').disabled = true;
  loadTranscript();
  loadSummary();
}

// ---------------------------------------------------------------------------------------------------------
// Events

function connectEvents() {
  if (!state.room) return;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const url = `${scheme}://${location.host}/events/${state.room.roomId}?token=${encodeURIComponent(state.apiKey)}&since=${state.lastEventId}`;
  const ws = new WebSocket(url);
  state.ws = ws;
  $('events-conn').textContent = 'connecting…';
  ws.onopen = () => {
    state.wsAttempts = 0;
    $('events-conn').textContent = 'live';
  };
  ws.onmessage = (m) => {
    let f;
    try {
      f = JSON.parse(m.data);
    } catch {
      return;
    }
    if (typeof f.id !== 'number' || f.id <= state.lastEventId) return; // never show an event twice
    state.lastEventId = f.id;
    state.events.push(f);
    addEvent(f);
    if (f.type === 'room-ended') onEnded();
    if (f.type === 'summary-ready') loadSummary();
    if (f.type === 'participant-joined' || f.type === 'participant-left') pollStatus();
  };
  ws.onclose = () => {
    if (state.ws !== ws) return;
    $('events-conn').textContent = 'reconnecting…';
    if (state.ended && state.summaryShown) {
      $('events-conn').textContent = 'closed';
      return;
    }
    // Resume from the last event id, with backoff (bounded at 10 s between attempts).
    const delay = Math.min(10000, 500 * 2 ** state.wsAttempts) * (0.5 + Math.random() / 2);
    state.wsAttempts += 1;
    setTimeout(connectEvents, delay);
  };
}

function addEvent(f) {
  const li = document.createElement('li');
  li.dataset.type = f.type;
  const d = f.data ?? {};
  const time = d.timestamp ? new Date(d.timestamp).toLocaleTimeString() : '';
  const type = document.createElement('span');
  type.className = 'type';
  type.textContent = f.type;
  const details = [d.participantType, d.reason && `reason=${d.reason}`, d.duration !== undefined && `${d.duration}s`,
    d.error && `${d.error}: ${d.message ?? ''}`].filter(Boolean).join(' ');
  li.append(`#${f.id} ${time} `, type, details ? ` ${details}` : '');
  $('events').append(li);
  li.scrollIntoView({ block: 'nearest' });
}

// ---------------------------------------------------------------------------------------------------------
// Summary and transcript

async function loadTranscript() {
  if (!state.room) return;
  try {
    const t = await api('GET', `/api/rooms/${state.room.roomId}/transcription?format=text`);
    $('transcript').textContent = t.transcription.content || '(no speech was recognised)';
  } catch (err) {
    $('transcript').textContent = `transcript unavailable: ${err.message}`;
  }
}
$('refresh-transcript').addEventListener('click', loadTranscript);

async function loadSummary() {
  if (!state.room || state.summaryShown) return;
  let s;
  try {
    s = await api('GET', `/api/rooms/${state.room.roomId}/summary`);
  } catch (err) {
    const box = $('summary');
    box.replaceChildren();
    const p = document.createElement('p');
    p.className = 'muted';
    p.textContent = err.code === 'summary_not_ready' ? `Summary not ready yet: ${err.message}` : `Summary unavailable: ${err.message}`;
    box.append(p);
    return; // the summary-ready event (or the status poll) tries again
  }
  state.summaryShown = true;
  renderSummary(s);
  loadTranscript();
}

function renderSummary(s) {
  const box = $('summary');
  box.replaceChildren();
  box.dataset.ready = 'true';
  const sum = s.summary ?? {};
  const el = (tag, text, cls) => {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  };
  box.append(el('p', sum.textSummary ?? '', 'text-summary'));
  if (sum.keyTopics?.length) box.append(el('p', `Key topics: ${sum.keyTopics.join(', ')}`));
  if (sum.actionItems?.length) {
    box.append(el('p', 'Action items:'));
    const ul = el('ul');
    for (const a of sum.actionItems) ul.append(el('li', a));
    box.append(ul);
  }
  if (sum.sentiment) box.append(el('p', `Sentiment: ${sum.sentiment}`));
  const att = Object.entries(s.attendance ?? {}).map(([role, a]) => `${role}: ${a.attended ? `${fmtSeconds(a.duration)}` : 'absent'}`);
  if (att.length) box.append(el('p', `Attendance: ${att.join(' · ')}`, 'muted'));
}

bootstrap();
