// A room's event stream (ws://.../events/{roomId}?token=KEY&since=ID, frames {"id","type","data"}) that
// survives network drops and service restarts: it reconnects by itself with backoff and jitter and resumes
// with since = the last event id it delivered, and it drops any frame whose id it has already delivered. A
// handler therefore sees every event exactly once and in order. Handlers run one at a time (an async
// handler is awaited before the next event), so a handler that writes to a database sees the same order.
import { EventEmitter } from 'node:events';

import WebSocket from 'ws';

import { backoffDelay } from './backoff.js';

export class RoomEventSubscription extends EventEmitter {
  /**
   * options: {baseUrl, apiKey, roomId, handlers, since = 0, reconnect: {baseDelayMs, maxDelayMs},
   *   heartbeatMs = 15000, connectTimeoutMs = 10000, stopOn = [], onEvent}
   * since: the last event id already handled (0: the room's whole history, so nothing between create and
   *   subscribe is missed; null: only live events from now on, as the spec's example).
   */
  constructor({ baseUrl, apiKey, roomId, handlers = {}, since = 0, reconnect = {}, heartbeatMs = 15000,
    connectTimeoutMs = 10000, stopOn = [], onEvent } = {}) {
    super();
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.apiKey = apiKey;
    this.roomId = roomId;
    this.handlers = handlers;
    this.lastEventId = since ?? null;
    this.reconnectOptions = { baseDelayMs: 250, maxDelayMs: 5000, ...reconnect };
    this.heartbeatMs = heartbeatMs;
    this.connectTimeoutMs = connectTimeoutMs;
    this.stopOn = new Set(stopOn);
    this.onEvent = onEvent;
    this.state = 'connecting'; // connecting | open | reconnecting | closed
    this.attempt = 0;
    this.connections = 0;
    this.ws = null;
    this.timer = null;
    this.queue = Promise.resolve();
    this.lastQueuedId = this.lastEventId ?? 0;
    this.closedPromise = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    // 'error' without a listener would throw; subscribers listen if they care.
    this.on('error', () => {});
    queueMicrotask(() => this.#connect());
  }

  get url() {
    const ws = this.baseUrl.replace(/^http/, 'ws');
    let q = `token=${encodeURIComponent(this.apiKey)}`;
    if (this.lastEventId !== null && this.lastEventId !== undefined) q += `&since=${this.lastEventId}`;
    return `${ws}/events/${encodeURIComponent(this.roomId)}?${q}`;
  }

  #connect() {
    if (this.state === 'closed') return;
    const ws = new WebSocket(this.url, { handshakeTimeout: this.connectTimeoutMs });
    this.ws = ws;
    let alive = true;
    let heartbeat = null;
    ws.on('open', () => {
      this.attempt = 0;
      this.connections += 1;
      const reconnected = this.connections > 1;
      this.state = 'open';
      this.emit('open', { reconnected, since: this.lastEventId });
      if (this.heartbeatMs > 0) {
        heartbeat = setInterval(() => {
          if (!alive) {
            ws.terminate(); // no pong for a whole interval: the connection is dead without a FIN
            return;
          }
          alive = false;
          try {
            ws.ping();
          } catch {
            // closing anyway
          }
        }, this.heartbeatMs);
        heartbeat.unref?.();
      }
    });
    ws.on('pong', () => {
      alive = true;
    });
    ws.on('message', (data) => {
      alive = true;
      let frame;
      try {
        frame = JSON.parse(data.toString('utf8'));
      } catch {
        this.emit('error', new Error('event frame is not JSON'));
        return;
      }
      if (typeof frame?.id !== 'number' || typeof frame.type !== 'string') return;
      // A replay after a reconnect may overlap what was already queued: never deliver an id twice.
      if (frame.id <= this.lastQueuedId) return;
      this.lastQueuedId = frame.id;
      this.queue = this.queue.then(() => this.#deliver(frame));
    });
    ws.on('unexpected-response', (req, res) => {
      // The handshake was refused: 401/403 (wrong key) and 404 (no such room) will not get better.
      const status = res.statusCode;
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        let body;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          body = undefined;
        }
        const err = new Error(`events subscription refused: ${status} ${body?.error?.code ?? ''}`.trim());
        err.status = status;
        err.code = body?.error?.code;
        req.destroy();
        if (status === 401 || status === 403 || status === 404 || status === 400) {
          this.emit('error', err);
          this.close();
        } else {
          this.emit('error', err);
          this.#scheduleReconnect();
        }
      });
    });
    ws.on('error', (err) => {
      this.emit('error', err);
    });
    ws.on('close', (code, reasonBuf) => {
      clearInterval(heartbeat);
      if (this.ws === ws) this.ws = null;
      if (this.state === 'closed') return;
      this.emit('disconnect', { code, reason: reasonBuf?.toString('utf8') ?? '' });
      this.#scheduleReconnect();
    });
  }

  #scheduleReconnect() {
    if (this.state === 'closed' || this.timer) return;
    this.state = 'reconnecting';
    const delay = backoffDelay(this.attempt, this.reconnectOptions);
    this.attempt += 1;
    this.emit('reconnecting', { attempt: this.attempt, delayMs: delay, since: this.lastEventId });
    this.timer = setTimeout(() => {
      this.timer = null;
      this.#connect();
    }, delay);
  }

  async #deliver(frame) {
    if (this.state === 'closed') return;
    try {
      this.emit('event', frame);
      await this.onEvent?.(frame);
      const handler = this.handlers[frame.type] ?? this.handlers['*'];
      if (handler) await handler(frame.data, frame);
    } catch (err) {
      // A failing handler does not stop the stream; the event counts as delivered.
      this.emit('handler-error', err, frame);
    }
    this.lastEventId = frame.id;
    if (this.stopOn.has(frame.type)) this.close();
  }

  /** Resolves when every event received so far has been handled. */
  drain() {
    return this.queue;
  }

  /** Stops for good (no reconnect). Safe to call from a handler and more than once. */
  close() {
    if (this.state === 'closed') return this.closedPromise;
    this.state = 'closed';
    clearTimeout(this.timer);
    this.timer = null;
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'client closed');
      else ws.terminate();
    }
    this.emit('close');
    this.resolveClosed();
    return this.closedPromise;
  }

  /** Resolves once close() was called. */
  closed() {
    return this.closedPromise;
  }
}
