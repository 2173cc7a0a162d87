// The signaling WebSocket of docs/signaling.md: /signal/{roomId}?token=..., frames {"type", "data"}.
//
// Events (EventTarget, detail in event.detail):
//   open          the socket is open (a `welcome` follows)
//   frame         {type, data}: one server frame
//   reconnecting  {attempt, delayMs, code, reason}: the socket dropped abnormally; another try follows
//   closed        {code, reason}: final, no more tries (1000 after close(), or one of FINAL_CLOSE_CODES)
//
// A removed participant (POST .../participants/{role}/remove) gets a `removed` frame, then close 4012; the
// same happens at every later try while the seat is blocked, so 4012 is final: retrying could never work.
//
// Reconnects with exponential backoff on any close except 1000 and the final codes below. A socket that
// closes before it ever opened may be a refused upgrade (401/403/404/410): the browser cannot read that
// status, so the client asks the join check (POST /room/{roomId}/join) why and maps the answer to the
// matching close code instead of retrying a link that can never work.

export const CLOSE = Object.freeze({
  NORMAL: 1000,
  GOING_AWAY: 1001,
  TOKEN_INVALID: 4001,
  WRONG_ROOM: 4003,
  ROOM_NOT_FOUND: 4004,
  REPLACED: 4009,
  ROOM_ENDED: 4010,
  TRANSPORT_FAILED: 4011,
  REMOVED: 4012,
});

export const FINAL_CLOSE_CODES = new Set([
  CLOSE.NORMAL, CLOSE.TOKEN_INVALID, CLOSE.WRONG_ROOM, CLOSE.ROOM_NOT_FOUND, CLOSE.REPLACED, CLOSE.ROOM_ENDED,
  CLOSE.REMOVED,
]);

const JOIN_STATUS_TO_CLOSE = { 401: CLOSE.TOKEN_INVALID, 403: CLOSE.WRONG_ROOM, 404: CLOSE.ROOM_NOT_FOUND, 410: CLOSE.ROOM_ENDED };

export function signalingUrl(loc, roomId, token) {
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${loc.host}/signal/${encodeURIComponent(roomId)}?token=${encodeURIComponent(token)}`;
}

export class SignalingClient extends EventTarget {
  constructor({ roomId, token, location: loc = window.location, minDelayMs = 500, maxDelayMs = 10000 }) {
    super();
    this.roomId = roomId;
    this.token = token;
    this.location = loc;
    this.url = signalingUrl(loc, roomId, token);
    this.minDelayMs = minDelayMs;
    this.maxDelayMs = maxDelayMs;
    this.ws = null;
    this.attempt = 0; // consecutive failed tries since the last open
    this.stopped = false;
    this.timer = null;
    this.lastClose = null;
  }

  get isOpen() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  connect() {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = null;
    let opened = false;
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.addEventListener('open', () => {
      if (ws !== this.ws) return;
      opened = true;
      this.attempt = 0;
      this.#emit('open', {});
    });
    ws.addEventListener('message', (ev) => {
      if (ws !== this.ws || typeof ev.data !== 'string') return;
      let frame;
      try {
        frame = JSON.parse(ev.data);
      } catch {
        console.warn('signaling: a frame that is not JSON', ev.data.slice(0, 200));
        return;
      }
      if (!frame || typeof frame.type !== 'string') return;
      this.#emit('frame', { type: frame.type, data: frame.data ?? {} });
    });
    ws.addEventListener('close', (ev) => {
      if (ws !== this.ws) return;
      this.ws = null;
      this.#onClose(ev.code, ev.reason, opened);
    });
    // 'error' is always followed by 'close'; nothing to do here.
    ws.addEventListener('error', () => {});
  }

  // Sends one frame; false when the socket is not open (the caller re-sends its state after `welcome`).
  send(type, data = {}) {
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify({ type, data }));
    return true;
  }

  // Closes for good (no reconnect).
  close(code = CLOSE.NORMAL, reason = 'client left') {
    this.stopped = true;
    clearTimeout(this.timer);
    const ws = this.ws;
    this.ws = null;
    if (ws && (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING)) {
      try {
        ws.close(code, reason);
      } catch {
        ws.close();
      }
    }
  }

  async #onClose(code, reason, opened) {
    this.lastClose = { code, reason };
    if (this.stopped) return;
    if (FINAL_CLOSE_CODES.has(code)) {
      this.#final(code, reason);
      return;
    }
    if (!opened) {
      // Possibly a refused upgrade: ask the join check for the reason.
      const mapped = await this.#joinCheck();
      if (this.stopped) return;
      if (mapped) {
        this.#final(mapped.code, mapped.reason);
        return;
      }
    }
    this.attempt += 1;
    const base = Math.min(this.maxDelayMs, this.minDelayMs * 2 ** Math.min(this.attempt - 1, 10));
    const delayMs = Math.round(base / 2 + Math.random() * (base / 2));
    this.#emit('reconnecting', { attempt: this.attempt, delayMs, code, reason });
    this.timer = setTimeout(() => this.connect(), delayMs);
  }

  // {code, reason} when POST /room/{roomId}/join says the link cannot work, null otherwise (network
  // error, 5xx, 200: worth retrying).
  async #joinCheck() {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), 5000);
    try {
      const res = await fetch(`/room/${encodeURIComponent(this.roomId)}/join?token=${encodeURIComponent(this.token)}`, {
        method: 'POST',
        signal: ctl.signal,
        cache: 'no-store',
      });
      const code = JOIN_STATUS_TO_CLOSE[res.status];
      if (!code) return null;
      let reason = '';
      try {
        const body = await res.json();
        reason = body?.error?.code ?? body?.code ?? body?.error ?? '';
        if (typeof reason !== 'string') reason = JSON.stringify(reason);
      } catch {
        // not JSON: the status is enough
      }
      return { code, reason };
    } catch {
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  #final(code, reason) {
    this.stopped = true;
    this.#emit('closed', { code, reason });
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
