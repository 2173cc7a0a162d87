// The main app's client of the rooms service: the spec's RoomService (ROOM_HANDLER.md "RoomService
// Client"), same method names and results, with what its "Error Handling & Recovery" and "Security
// Considerations" sections ask for: retries with backoff and jitter for idempotent calls, a circuit
// breaker, pending rooms while the service is down (kept in a pluggable store), event subscriptions that
// resume from the last event id, webhook verification, participant tokens that expire after the session.
import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';

import { backoffDelay, setLongTimeout, sleep } from './backoff.js';
import {
  checkListLimit, checkStatuses, participantPath, removeBody, roomsListPath,
} from './admin.js';
import { CircuitBreaker } from './breaker.js';
import {
  errorFromResponse, RateLimited, RecordingNotFound, RoomServiceError, ServiceUnavailable,
} from './errors.js';
import { RoomEventSubscription } from './events.js';
import {
  checkExpiresIn, formatRange, openSink, parseContentDisposition, parseContentRange, readBody, recordingsPath,
} from './recordings.js';
import { MemoryPendingStore } from './store.js';
import { DEFAULT_TOKEN_BUFFER_SECONDS, mintParticipantToken } from './tokens.js';
import { verifyWebhook, verifyWebhookSignature, webhookMiddleware } from './webhooks.js';

const env = (name) => (typeof process !== 'undefined' ? process.env[name] : undefined) || undefined;

// Unavailable means "try again later": no answer, a timeout, or 5xx (502/503/504 during a restart or
// drain; 500 is an internal error, which a retry may also get past).
const isUnavailable = (err) => err instanceof ServiceUnavailable;

// A response body as JSON when it says it is JSON and parses; undefined otherwise (the error mapping copes).
function jsonOf(res, text) {
  if (text.length === 0 || !(res.headers.get('content-type') ?? '').includes('json')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// The base URL, checked: an absolute http(s) URL without credentials, query or fragment.
function checkBaseUrl(value) {
  if (value === undefined || value === null || String(value).trim() === '') {
    throw new TypeError('RoomService: no base URL: pass {baseUrl} or set ROOM_SERVICE_URL (e.g. http://localhost:3001)');
  }
  let url;
  try {
    url = new URL(String(value).trim());
  } catch {
    throw new TypeError(`RoomService: the base URL is not a URL: ${JSON.stringify(String(value))} (e.g. http://localhost:3001)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`RoomService: the base URL must be http:// or https://, not ${url.protocol}//: ${value}`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new TypeError(`RoomService: the base URL must have no credentials, query or fragment: ${url.origin}${url.pathname}`);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

export class RoomService extends EventEmitter {
  /**
   * options (each falls back to the spec's environment variable):
   *   baseUrl (ROOM_SERVICE_URL), apiKey (ROOM_SERVICE_API_KEY): both required, checked here (a TypeError
   *     names what is missing or malformed); requireApiKey = false for a client calling /health only
   *   webhookSecret (ROOM_WEBHOOK_SECRET), jwtSecret (JWT_SIGNING_SECRET)
   *   timeoutMs = 10000               one HTTP attempt (never beyond the call's deadline)
   *   deadlineMs = 5000               one call, all attempts and backoff included; then ServiceUnavailable
   *                                   (code 'deadline_exceeded'), so createRoom goes pending in time
   *   probeIntervalMs = 1000          while the breaker is open, GET /health this often; the first answer
   *                                   (or a reconnected event socket) closes it; 0 disables
   *   retry = {retries: 3, baseDelayMs: 200, maxDelayMs: 5000, jitter: 0.5}  idempotent calls only
   *   breaker = {failureThreshold: 5, resetTimeoutMs: 10000, halfOpenMaxCalls: 1}, or a CircuitBreaker
   *   pendingStore = new MemoryPendingStore()   where createRoom keeps rooms while the service is down
   *   degrade = true                  createRoom returns a pending room instead of throwing ServiceUnavailable
   *   pendingRetryMs = 5000           how often pending rooms are retried (with jitter)
   *   tokenBufferSeconds = 3600       participant tokens expire at start + maxDuration + this
   *   preWarmLeadMs = 300000          pre-warm this long before the start (the spec's 5 minutes); 0 disables
   *   publicUrl = baseUrl             base of the connection URLs predicted for pending rooms
   *   events = {reconnect: {baseDelayMs, maxDelayMs}, heartbeatMs}  defaults for subscriptions
   */
  constructor(options = {}) {
    super();
    this.baseUrl = checkBaseUrl(options.baseUrl ?? env('ROOM_SERVICE_URL'));
    this.apiKey = options.apiKey ?? env('ROOM_SERVICE_API_KEY');
    if (this.apiKey !== undefined && (typeof this.apiKey !== 'string' || /[\s]/.test(this.apiKey) || this.apiKey === '')) {
      throw new TypeError('RoomService: the API key must be a non-empty string without spaces (ROOM_SERVICE_API_KEY)');
    }
    if (this.apiKey === undefined && options.requireApiKey !== false) {
      throw new TypeError('RoomService: no API key: pass {apiKey} or set ROOM_SERVICE_API_KEY');
    }
    this.webhookSecret = options.webhookSecret ?? env('ROOM_WEBHOOK_SECRET');
    this.jwtSecret = options.jwtSecret ?? env('JWT_SIGNING_SECRET');
    this.publicUrl = (options.publicUrl ?? this.baseUrl).replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10000;
    this.deadlineMs = options.deadlineMs ?? 5000;
    this.probeIntervalMs = options.probeIntervalMs ?? 1000;
    for (const [name, v] of [['timeoutMs', this.timeoutMs], ['deadlineMs', this.deadlineMs], ['probeIntervalMs', this.probeIntervalMs]]) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new TypeError(`RoomService: ${name} must be a number of milliseconds`);
    }
    this.retry = { retries: 3, baseDelayMs: 200, maxDelayMs: 5000, jitter: 0.5, ...(options.retry ?? {}) };
    this.breaker = options.breaker instanceof CircuitBreaker ? options.breaker : new CircuitBreaker(options.breaker ?? {});
    this.breaker.on('state', (change) => {
      this.emit('circuit-state', change);
      if (change.to === 'open') this.#scheduleProbe();
    });
    this.pendingStore = options.pendingStore ?? new MemoryPendingStore();
    this.degrade = options.degrade ?? true;
    this.pendingRetryMs = options.pendingRetryMs ?? 5000;
    this.tokenBufferSeconds = options.tokenBufferSeconds ?? DEFAULT_TOKEN_BUFFER_SECONDS;
    this.preWarmLeadMs = options.preWarmLeadMs ?? 5 * 60 * 1000;
    this.eventDefaults = options.events ?? {};
    this.userAgent = options.userAgent ?? 'rooms-client-node/0.1.0';
    this.preWarmTimers = new Map();
    this.subscriptions = new Set();
    this.pendingTimer = null;
    this.probeTimer = null;
    this.flushing = null;
    this.closed = false;
    this.reached = false; // an answer (below 500) ever came back from the service
    this.warnedUnreached = false;
    // Rooms left pending by an earlier process: start retrying them now.
    this.ready = this.pendingStore.list().then((entries) => {
      if (entries.length > 0) this.#schedulePendingFlush(0);
      return entries.length;
    }).catch((err) => {
      this.emit('error', err);
      return 0;
    });
    this.on('error', () => {}); // never crash the main app through an unhandled 'error'
  }

  /** The circuit breaker's state: 'closed' | 'open' | 'half-open'. */
  get circuitState() {
    return this.breaker.state;
  }

  // ---------------------------------------------------------------------------------------------------
  // HTTP

  async #attempt(method, path, body, what, timeoutMs = this.timeoutMs) {
    try {
      this.breaker.acquire();
    } catch (err) {
      err.message = `${what}: ${err.message} (${this.baseUrl})`;
      err.url = this.baseUrl;
      throw err;
    }
    let res;
    let text;
    try {
      const headers = { 'User-Agent': this.userAgent };
      if (this.apiKey !== undefined) headers.Authorization = `Bearer ${this.apiKey}`;
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(Math.max(1, timeoutMs)),
      });
      text = await res.text();
    } catch (cause) {
      this.breaker.failure();
      const why = cause?.name === 'TimeoutError' ? `no answer within ${Math.max(1, timeoutMs)} ms` :
        (cause?.cause?.code ?? cause?.cause?.message ?? cause?.message ?? String(cause));
      throw new ServiceUnavailable(`${what}: rooms service at ${this.baseUrl} unreachable (${why})`,
        { code: 'unreachable', cause, url: `${this.baseUrl}${path}` });
    }
    if (res.status < 500) this.reached = true;
    const json = jsonOf(res, text);
    if (res.status >= 500) this.breaker.failure();
    else this.breaker.success();
    if (!res.ok) throw errorFromResponse(res.status, json, res.headers, what);
    return json ?? (text.length ? text : {});
  }

  // One GET whose body is not read here (a download): the breaker and the errors of #attempt, but timeoutMs
  // only bounds the wait for the answer's headers; the body is the caller's to read (and to time out by idle
  // time) through the returned controller. Answers other than 200/206 are thrown as #attempt throws them.
  async #open(path, headers, what, timeoutMs, signal) {
    if (signal?.aborted) throw signal.reason;
    try {
      this.breaker.acquire();
    } catch (err) {
      err.message = `${what}: ${err.message} (${this.baseUrl})`;
      err.url = this.baseUrl;
      throw err;
    }
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal.reason);
    if (signal?.aborted) onAbort();
    signal?.addEventListener?.('abort', onAbort, { once: true });
    const release = () => signal?.removeEventListener?.('abort', onAbort);
    const ms = Math.max(1, timeoutMs);
    const timer = setTimeout(() => controller.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError')), ms);
    let res;
    try {
      const h = { 'User-Agent': this.userAgent, 'Accept-Encoding': 'identity', ...headers };
      if (this.apiKey !== undefined) h.Authorization = `Bearer ${this.apiKey}`;
      res = await fetch(`${this.baseUrl}${path}`, { method: 'GET', headers: h, signal: controller.signal });
    } catch (cause) {
      clearTimeout(timer);
      release();
      if (signal?.aborted) throw signal.reason ?? cause; // the caller gave up: not the service's failure
      this.breaker.failure();
      const why = cause?.name === 'TimeoutError' ? `no answer within ${ms} ms` :
        (cause?.cause?.code ?? cause?.cause?.message ?? cause?.message ?? String(cause));
      throw new ServiceUnavailable(`${what}: rooms service at ${this.baseUrl} unreachable (${why})`,
        { code: 'unreachable', cause, url: `${this.baseUrl}${path}` });
    }
    clearTimeout(timer);
    if (res.status < 500) this.reached = true;
    if (res.status !== 200 && res.status !== 206) {
      let text = '';
      try {
        text = await res.text();
      } catch {
        text = '';
      } finally {
        release();
      }
      const json = jsonOf(res, text);
      if (res.status >= 500) this.breaker.failure();
      else this.breaker.success();
      const err = errorFromResponse(res.status, json, res.headers, what);
      if (res.status === 416) {
        const size = parseContentRange(res.headers.get('content-range'))?.size;
        if (size !== undefined && size !== null) err.size = size;
      }
      throw err;
    }
    this.breaker.success();
    return { res, controller, release };
  }

  /**
   * One API call. idempotent calls are retried on ServiceUnavailable (not when the circuit is open) and on
   * RateLimited (after its Retry-After), with exponential backoff and jitter.
   */
  /**
   * The whole call, its attempts and the waits between them, ends by deadlineMs (default the client's):
   * each attempt's timeout is cut to what is left, and a retry that could not start in time is not made.
   * A call out of time throws ServiceUnavailable with code 'deadline_exceeded'.
   */
  async request(method, path, {
    body, idempotent = method === 'GET', what = `${method} ${path}`, deadlineMs = this.deadlineMs,
  } = {}) {
    return this.#retrying({ method, path, idempotent, what, deadlineMs },
      (timeoutMs) => this.#attempt(method, path, body, what, timeoutMs));
  }

  // The retry loop of request(), around any attempt(timeoutMs) that throws the client's errors: retries
  // ServiceUnavailable (not circuit_open) and RateLimited when idempotent, within the deadline. onRetry(n)
  // is told before retry n.
  async #retrying({ method, path, idempotent, what, deadlineMs, onRetry }, attemptOnce) {
    const retries = idempotent ? this.retry.retries : 0;
    const deadline = deadlineMs > 0 ? Date.now() + deadlineMs : Infinity;
    const outOfTime = (attempts, cause) => new ServiceUnavailable(
      `${what}: no answer from the rooms service at ${this.baseUrl} within the ${deadlineMs} ms deadline ` +
      `(${attempts} attempt${attempts === 1 ? '' : 's'}; last: ${cause.message})`,
      { code: 'deadline_exceeded', cause, url: `${this.baseUrl}${path}`, status: cause.status ?? 0 });
    for (let attempt = 0; ; attempt++) {
      try {
        return await attemptOnce(Math.min(this.timeoutMs, deadline - Date.now()));
      } catch (err) {
        const retryable = (isUnavailable(err) && !err.circuitOpen) || err instanceof RateLimited;
        const timedOut = err.code === 'unreachable' && err.cause?.name === 'TimeoutError' && Date.now() >= deadline - 1;
        if (!retryable || attempt >= retries) throw timedOut ? outOfTime(attempt + 1, err) : err;
        let delay = backoffDelay(attempt, this.retry);
        if (err instanceof RateLimited && err.retryAfter !== undefined) {
          if (err.retryAfter * 1000 > this.retry.maxDelayMs * 4) throw err; // not worth waiting here
          delay = Math.max(delay, err.retryAfter * 1000);
        }
        // Not worth a retry that would start at (or after) the deadline.
        if (Date.now() + delay >= deadline - 1) throw err instanceof RateLimited ? err : outOfTime(attempt + 1, err);
        this.emit('retry', { method, path, attempt: attempt + 1, delayMs: delay, error: err });
        onRetry?.(attempt + 1);
        await sleep(delay);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // Recovery: while the breaker is open, ask /health (no key, bounded) every probeIntervalMs; the first
  // answer closes the breaker and sends the pending rooms at once, instead of after resetTimeoutMs.

  #scheduleProbe() {
    if (this.closed || this.probeTimer || !this.probeIntervalMs) return;
    this.probeTimer = setTimeout(() => this.#probe(), this.probeIntervalMs);
    this.probeTimer.unref?.();
  }

  async #probe() {
    let ok = false;
    try {
      if (this.breaker.state !== 'closed') {
        const res = await fetch(`${this.baseUrl}/health`, {
          headers: { 'User-Agent': this.userAgent },
          signal: AbortSignal.timeout(Math.max(100, Math.min(this.timeoutMs, this.probeIntervalMs))),
        });
        await res.arrayBuffer().catch(() => {});
        ok = res.ok;
      }
    } catch {
      ok = false; // still down; a failed probe leaves the breaker as it is
    }
    this.probeTimer = null;
    if (this.closed) return;
    if (ok) this.#serviceBack('health');
    else if (this.breaker.state !== 'closed') this.#scheduleProbe();
  }

  // The service answered (a probe, or an event socket that reconnected): close the breaker, send pending rooms.
  #serviceBack(how) {
    this.reached = true;
    if (this.breaker.state === 'closed') return;
    this.breaker.reset();
    this.emit('service-back', { via: how });
    if (this.pendingTimer) {
      clearTimeout(this.pendingTimer);
      this.pendingTimer = null;
    }
    this.#schedulePendingFlush(0);
  }

  // ---------------------------------------------------------------------------------------------------
  // Tokens

  /**
   * The spec's generateParticipantToken(payload): {userId, roomId, sessionId, role, name}. exp is
   * scheduledStartTime + maxDuration + tokenBufferSeconds when options give them, else 2 hours (the spec's).
   */
  generateParticipantToken(payload, options = {}) {
    return mintParticipantToken(payload, this.jwtSecret, { bufferSeconds: this.tokenBufferSeconds, ...options });
  }

  // ---------------------------------------------------------------------------------------------------
  // 1. Create room (idempotent by roomId), with graceful degradation.

  /**
   * The spec's body for an appointment: {coachId, clientId, coach: {name}, client: {name}, startTime,
   * duration (minutes), includeAI}, plus optional roomId, sessionId, personality, voiceModel, features,
   * maxDuration (seconds, instead of duration).
   */
  buildCreateRequest(appointment) {
    const roomId = appointment.roomId ?? crypto.randomUUID();
    const sessionId = appointment.sessionId ?? crypto.randomUUID();
    const start = new Date(appointment.startTime ?? Date.now());
    if (Number.isNaN(start.getTime())) throw new TypeError(`appointment.startTime is not a date: ${appointment.startTime}`);
    const scheduledStartTime = start.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const maxDuration = appointment.maxDuration ?? Math.round((appointment.duration ?? 60) * 60);
    const tokenOptions = { scheduledStartTime, maxDuration, bufferSeconds: this.tokenBufferSeconds };
    const includeAI = Boolean(appointment.includeAI);
    const seat = (role, userId, name) => ({
      id: userId,
      token: this.generateParticipantToken({ userId, roomId, sessionId, role, name }, tokenOptions),
    });
    return {
      roomId,
      sessionId,
      participants: {
        coach: seat('coach', appointment.coachId, appointment.coach?.name ?? 'Coach'),
        client: seat('client', appointment.clientId, appointment.client?.name ?? 'Client'),
        aiOrb: {
          enabled: includeAI,
          personality: appointment.personality ?? 'supportive',
          voiceModel: appointment.voiceModel ?? 'default',
        },
      },
      config: {
        scheduledStartTime,
        maxDuration,
        features: {
          recording: false,
          transcription: true,
          aiAssistance: includeAI,
          generateSummary: true,
          ...(appointment.features ?? {}),
        },
      },
    };
  }

  /**
   * Creates the room for an appointment. Returns the service's answer plus sessionId (as the spec's
   * client). While the service is unavailable (after retries, or with the circuit open) and degrade is on,
   * returns {success: true, pending: true, status: 'pending', roomId, sessionId, connectionUrls} at once:
   * the request is kept in the pending store and sent when the service is back ('pending-created' event
   * with the real answer; 'pending-failed' if the service refuses it). The predicted connection URLs are
   * the service's own form ({publicUrl}/room/{roomId}?token=...).
   */
  async createRoom(appointment, { request } = {}) {
    const body = request ?? this.buildCreateRequest(appointment);
    try {
      const roomData = await this.request('POST', '/api/rooms/create', {
        body, idempotent: true, what: 'create room',
      });
      this.#schedulePreWarm(body.roomId, body.config.scheduledStartTime);
      return { ...roomData, sessionId: roomData.sessionId ?? body.sessionId };
    } catch (err) {
      if (!this.degrade || !isUnavailable(err)) throw err;
      this.#warnIfNeverReached(err);
      await this.pendingStore.put({
        roomId: body.roomId,
        sessionId: body.sessionId,
        request: body,
        createdAt: new Date().toISOString(),
        attempts: 1,
        lastError: err.message,
      });
      this.emit('pending', { roomId: body.roomId, sessionId: body.sessionId, error: err });
      this.#schedulePendingFlush();
      return this.#pendingResult(body);
    }
  }

  // A client that never got an answer from the service is probably misconfigured (wrong URL, port, network):
  // say so loudly, once, rather than quietly turning every create into a pending room.
  #warnIfNeverReached(err) {
    if (this.reached || this.warnedUnreached) return;
    this.warnedUnreached = true;
    const warning = Object.assign(new Error(
      `@rooms/client: the rooms service at ${this.baseUrl} has never answered this client, and createRoom is ` +
      `returning pending rooms (${err.message}). Check ROOM_SERVICE_URL / baseUrl if this is not a known outage.`),
    { name: 'RoomServiceWarning', code: 'never_reached', url: this.baseUrl, cause: err });
    if (this.listenerCount('warning') > 0) this.emit('warning', warning);
    else console.warn(warning.message);
  }

  #pendingResult(body) {
    const url = (role) => `${this.publicUrl}/room/${body.roomId}?token=${body.participants[role].token}`;
    return {
      success: true,
      pending: true,
      roomId: body.roomId,
      sessionId: body.sessionId,
      status: 'pending',
      connectionUrls: {
        coach: url('coach'),
        client: url('client'),
        websocket: `${this.publicUrl.replace(/^http/, 'ws')}/events/${body.roomId}`,
      },
    };
  }

  /** The rooms waiting for the service (entries of the pending store). */
  async pendingRooms() {
    return this.pendingStore.list();
  }

  #schedulePendingFlush(delayMs) {
    if (this.closed || this.pendingTimer) return;
    const d = delayMs ?? Math.round(this.pendingRetryMs * (0.75 + Math.random() * 0.5));
    this.pendingTimer = setTimeout(async () => {
      this.pendingTimer = null;
      const left = await this.flushPending().catch(() => 1);
      if (left > 0) this.#schedulePendingFlush();
    }, d);
    this.pendingTimer.unref?.();
  }

  /**
   * Tries to create every pending room now (single attempt each, through the circuit breaker). Resolves
   * with how many are still pending. Created rooms emit 'pending-created' {roomId, sessionId, roomData};
   * refused ones (4xx: invalid, conflicting) are dropped with 'pending-failed' {roomId, sessionId, error}.
   */
  flushPending() {
    if (this.flushing) return this.flushing;
    this.flushing = (async () => {
      try {
        let left = 0;
        for (const entry of await this.pendingStore.list()) {
          if (this.closed) return left + 1;
          try {
            const roomData = await this.request('POST', '/api/rooms/create', {
              body: entry.request, idempotent: false, what: 'create pending room',
            });
            await this.pendingStore.delete(entry.roomId);
            this.#schedulePreWarm(entry.roomId, entry.request.config.scheduledStartTime);
            this.emit('pending-created', { roomId: entry.roomId, sessionId: entry.sessionId, roomData });
          } catch (err) {
            if (isUnavailable(err) || err instanceof RateLimited) {
              left += 1;
              await this.pendingStore.put({ ...entry, attempts: (entry.attempts ?? 0) + 1, lastError: err.message });
            } else {
              await this.pendingStore.delete(entry.roomId);
              this.emit('pending-failed', { roomId: entry.roomId, sessionId: entry.sessionId, error: err });
            }
          }
        }
        return left;
      } finally {
        this.flushing = null;
      }
    })();
    return this.flushing;
  }

  #schedulePreWarm(roomId, scheduledStartTime) {
    if (!this.preWarmLeadMs || this.closed) return;
    const at = new Date(scheduledStartTime).getTime() - this.preWarmLeadMs;
    const delay = at - Date.now();
    if (delay <= 0) return; // starting within the lead time: the room is created ready anyway
    this.preWarmTimers.get(roomId)?.();
    const cancel = setLongTimeout(() => {
      this.preWarmTimers.delete(roomId);
      this.preWarmRoom(roomId).catch((error) => this.emit('error', Object.assign(error, { roomId })));
    }, delay);
    this.preWarmTimers.set(roomId, cancel);
  }

  // ---------------------------------------------------------------------------------------------------
  // 2-6, 8-12: the other endpoints.

  getRoomStatus(roomId) {
    return this.request('GET', `/api/rooms/${encodeURIComponent(roomId)}/status`, { what: 'room status' });
  }

  /** 409 summary_not_ready is thrown as SummaryNotReady. */
  getSessionSummary(roomId) {
    return this.request('GET', `/api/rooms/${encodeURIComponent(roomId)}/summary`, { what: 'session summary' });
  }

  preWarmRoom(roomId, scheduledStartTime) {
    return this.request('POST', `/api/rooms/${encodeURIComponent(roomId)}/pre-warm`, {
      body: scheduledStartTime ? { scheduledStartTime } : undefined,
      idempotent: true,
      what: 'pre-warm room',
    });
  }

  /** Ending is idempotent (an ended room answers the first end's result), so it is retried. */
  endRoom(roomId, userId = 'system', reason = 'session_completed') {
    return this.request('POST', `/api/rooms/${encodeURIComponent(roomId)}/end`, {
      body: { reason, requestedBy: userId ?? 'system' },
      idempotent: true,
      what: 'end room',
    });
  }

  /** PATCH /config: {aiOrb?, features?, maxDuration?}, deep-merged; the same patch twice is harmless. */
  updateRoomConfig(roomId, patch) {
    return this.request('PATCH', `/api/rooms/${encodeURIComponent(roomId)}/config`, {
      body: patch, idempotent: true, what: 'update room config',
    });
  }

  /** format: 'text' | 'vtt' | 'json'. */
  getRoomTranscription(roomId, format = 'text') {
    return this.request('GET', `/api/rooms/${encodeURIComponent(roomId)}/transcription?format=${encodeURIComponent(format)}`,
      { what: 'transcription' });
  }

  getHealth() {
    return this.request('GET', '/health', { what: 'health' });
  }

  getBulkRoomStatus(roomIds) {
    return this.request('POST', '/api/rooms/bulk-status', { body: { roomIds }, idempotent: true, what: 'bulk status' });
  }

  getRoomAnalytics(roomId) {
    return this.request('GET', `/api/rooms/${encodeURIComponent(roomId)}/analytics`, { what: 'analytics' });
  }

  /** Registers a webhook {url, events, secret?}. Not retried: a retry could register it twice. */
  configureWebhook({ url, events, secret }) {
    return this.request('POST', '/api/webhooks', {
      body: { url, events, ...(secret ? { secret } : {}) }, idempotent: false, what: 'configure webhook',
    });
  }

  listWebhooks() {
    return this.request('GET', '/api/webhooks', { what: 'list webhooks' });
  }

  deleteWebhook(id) {
    return this.request('DELETE', `/api/webhooks/${encodeURIComponent(id)}`, { idempotent: false, what: 'delete webhook' });
  }

  getWebhookDeliveries(id, { limit } = {}) {
    const q = limit ? `?limit=${Number(limit)}` : '';
    return this.request('GET', `/api/webhooks/${encodeURIComponent(id)}/deliveries${q}`, { what: 'webhook deliveries' });
  }

  // ---------------------------------------------------------------------------------------------------
  // Listing rooms, removing and readmitting participants (docs/api.md "Listing rooms", "Removing a
  // participant").

  /**
   * One page of the service's rooms, newest created first: {rooms: [RoomSummary], nextCursor}. status: one of
   * 'waiting' | 'active' | 'ended', several as an array or comma-separated (default all); limit 1..200
   * (default 50); cursor: a previous page's nextCursor. Checked here first (TypeError / RangeError).
   */
  async listRooms({ status, limit, cursor } = {}) {
    return this.request('GET', roomsListPath({ status, limit, cursor }), { what: 'list rooms' });
  }

  /**
   * Every room, page by page (pageSize rooms a request, default the service's 50), as an async iterator of
   * RoomSummary: `for await (const room of rooms.iterateRooms({status: 'active'}))`. The options are checked
   * at the call, not at the first step. Ends when a page has no nextCursor. A service that handed back a
   * cursor it already gave would loop forever here, so that is thrown (code 'cursor_loop') instead.
   */
  iterateRooms({ status, pageSize } = {}) {
    checkStatuses(status);
    checkListLimit(pageSize, 'pageSize');
    return this.#pages(status, pageSize);
  }

  async *#pages(status, pageSize) {
    const seen = new Set();
    let cursor;
    for (;;) {
      const page = await this.listRooms({ status, limit: pageSize, cursor });
      yield* page.rooms ?? [];
      if (page.nextCursor === null || page.nextCursor === undefined) return;
      if (seen.has(page.nextCursor)) {
        throw new RoomServiceError(`list rooms: the service returned the cursor ${JSON.stringify(page.nextCursor)} twice`,
          { code: 'cursor_loop' });
      }
      seen.add(page.nextCursor);
      cursor = page.nextCursor;
    }
  }

  /**
   * Removes the coach or the client: their page gets a `removed` frame and closes (4012), and unless
   * allowRejoin the seat stays blocked (also across a restart of the service) until readmitParticipant.
   * reason (at most 200 characters) is shown on their page. Resolves {roomId, role, participantId, removed:
   * true, wasConnected, allowRejoin, reason}. Retried: removing twice leaves the same state (a retry after a
   * lost answer reports wasConnected false, since the first attempt already disconnected them).
   */
  async removeParticipant(roomId, role, { reason, allowRejoin } = {}) {
    const path = participantPath(roomId, role, 'remove');
    return this.request('POST', path, { body: removeBody({ reason, allowRejoin }), idempotent: true, what: 'remove participant' });
  }

  /** Lifts a removal's block: {roomId, role, participantId, removed: false}. A seat not blocked answers the same. */
  async readmitParticipant(roomId, role) {
    const path = participantPath(roomId, role, 'readmit');
    return this.request('POST', path, { idempotent: true, what: 'readmit participant' });
  }

  // ---------------------------------------------------------------------------------------------------
  // Recordings (docs/api.md "Recordings"): one file per participant and source while features.recording is
  // on, and a composite after the room ends.

  /** {roomId, recording (on right now), recordings: [Recording], oldest first}. 404 room_not_found. */
  async listRecordings(roomId) {
    return this.request('GET', recordingsPath(roomId), { what: 'list recordings' });
  }

  /**
   * A signed link to one recording, {url, expiresAt}, which plays without the API key (a browser's
   * <video src>). expiresIn: seconds, 60 to 604800 (default 3600, the service's); checked here first
   * (TypeError / RangeError). Retried: each link is just another signature, creating one changes nothing.
   */
  async createRecordingLink(roomId, recordingId, { expiresIn } = {}) {
    const seconds = checkExpiresIn(expiresIn);
    return this.request('POST', recordingsPath(roomId, recordingId, '/link'), {
      body: seconds === undefined ? {} : { expiresIn: seconds }, idempotent: true, what: 'create recording link',
    });
  }

  /**
   * Deletes a recording's file; resolves {success: true, roomId, recordingId}. 409 recording_active while it
   * is still recording or processing. Retried like the other idempotent calls: when an earlier attempt's
   * answer was lost and a retry finds the recording gone (404 recording_not_found), it counts as deleted.
   */
  async deleteRecording(roomId, recordingId) {
    const path = recordingsPath(roomId, recordingId);
    const what = 'delete recording';
    let retried = false;
    try {
      await this.#retrying({ method: 'DELETE', path, idempotent: true, what, deadlineMs: this.deadlineMs, onRetry: () => {
        retried = true;
      } }, (timeoutMs) => this.#attempt('DELETE', path, undefined, what, timeoutMs));
    } catch (err) {
      if (!(retried && err instanceof RecordingNotFound)) throw err;
    }
    return { success: true, roomId, recordingId };
  }

  /**
   * Downloads a recording (status ready; 409 RecordingNotReady before, 410 recording_failed, 404
   * RecordingNotFound).
   *   range: {start, end?}   bytes start..end inclusive (to the end without end): a 206 answer
   *   to: a file path        written to a temporary file beside it, renamed over it once complete (a failed
   *                          download leaves no partial file); or a writable stream (written, never ended)
   *   signal                 an AbortSignal that stops the download
   *   idleTimeoutMs          the body may pause at most this long (default timeoutMs)
   *   deadlineMs             bounds reaching the answer's headers, attempts and backoff included (default the
   *                          client's); never the transfer itself, which may take as long as it flows
   *   maxResumes             how often an interrupted transfer is resumed (default retry.retries; 0: never)
   * Before the first byte, failures are retried as any GET (it changes nothing). After it, a cut transfer is
   * not restarted blindly: it is resumed with a Range from the next byte, and only if the answer is a 206
   * whose Content-Range starts there and names the same size and content type (a recording's file never
   * changes once ready); anything else ends the download with ServiceUnavailable code
   * 'download_interrupted' (err.bytesReceived), as does running out of resumes.
   * Resolves {status, contentType, bytes (delivered), size (the file's), range ({start, end, size} of a 206,
   * else null), filename, resumed} plus body (a Buffer) without `to`, or path with a file path.
   */
  async downloadRecording(roomId, recordingId, {
    range, to, signal, idleTimeoutMs = this.timeoutMs, deadlineMs = this.deadlineMs, maxResumes = this.retry.retries,
  } = {}) {
    const path = recordingsPath(roomId, recordingId);
    const what = 'download recording';
    const first = formatRange(range); // throws TypeError before anything is sent
    let sink = null;
    let meta = null;
    let offset = 0; // the file position of the next byte wanted
    let last = null; // the last byte wanted (inclusive), once known
    let bytes = 0;
    let resumed = 0;
    const interrupted = (why, cause) => Object.assign(new ServiceUnavailable(
      `${what}: the transfer from ${this.baseUrl} was interrupted after ${bytes} bytes (${why})`,
      { code: 'download_interrupted', cause, url: `${this.baseUrl}${path}` }), { bytesReceived: bytes });
    try {
      for (;;) {
        const rangeHeader = meta === null ? first : formatRange({ start: offset, end: last });
        const { res, controller, release } = await this.#retrying(
          { method: 'GET', path, idempotent: true, what, deadlineMs },
          (timeoutMs) => this.#open(path, rangeHeader ? { Range: rangeHeader } : {}, what, timeoutMs, signal),
        );
        let consumed = false;
        try {
          const contentType = res.headers.get('content-type') ?? 'application/octet-stream';
          const length = Number(res.headers.get('content-length') ?? NaN);
          const cr = res.status === 206 ? parseContentRange(res.headers.get('content-range')) : null;
          if (res.status === 206 && (!cr || cr.start === null)) throw interrupted('a 206 without a usable Content-Range');
          if (meta === null) {
            // The first answer decides what the download is: a whole file (200, also when a range was asked
            // and the service sent everything) or a part of it (206).
            const size = cr ? cr.size : (Number.isSafeInteger(length) ? length : null);
            meta = {
              status: res.status,
              contentType,
              size,
              range: cr ? { start: cr.start, end: cr.end, size: cr.size } : null,
              filename: parseContentDisposition(res.headers.get('content-disposition')),
              resumable: (res.headers.get('accept-ranges') ?? '').toLowerCase().includes('bytes') || res.status === 206,
            };
            offset = cr ? cr.start : 0;
            last = cr ? cr.end : (size !== null ? size - 1 : null);
            sink = await openSink(to);
          } else if (res.status !== 206 || cr.start !== offset || cr.end !== last ||
            (meta.size !== null && cr.size !== meta.size) || contentType !== meta.contentType) {
            // Not the rest of the same file: never append it to what was received.
            throw interrupted(`resuming at byte ${offset} was answered ${res.status} ${res.headers.get('content-range') ?? ''}` +
              ` (${contentType}), not the rest of the same file`);
          }
          try {
            for await (const chunk of readBody(res.body, controller, idleTimeoutMs)) {
              await sink.write(chunk);
              offset += chunk.byteLength;
              bytes += chunk.byteLength;
            }
            consumed = true;
            if (last !== null && offset !== last + 1) {
              throw Object.assign(new Error(`the body ended at byte ${offset} of ${last + 1}`), { shortBody: true });
            }
          } catch (err) {
            if (err.sinkError || signal?.aborted) throw err;
            this.breaker.failure();
            const why = err.name === 'TimeoutError' ? `no data for ${idleTimeoutMs} ms` :
              (err.shortBody ? err.message : (err.cause?.code ?? err.cause?.message ?? err.message));
            if (!meta.resumable || last === null || resumed >= maxResumes) throw interrupted(why, err);
            resumed += 1;
            const delayMs = backoffDelay(resumed - 1, this.retry);
            this.emit('retry', { method: 'GET', path, attempt: resumed, delayMs, error: interrupted(why, err), resumeAt: offset });
            await sleep(delayMs, signal);
            continue;
          }
        } finally {
          if (!consumed) controller.abort(); // a body left unread (refused, or given up on) frees its connection
          release();
        }
        const result = await sink.finish();
        sink = null;
        const { resumable, ...info } = meta;
        return { ...info, bytes, resumed, ...result };
      }
    } catch (err) {
      await sink?.abort();
      throw err;
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // 7. Events

  /**
   * The spec's subscribeToRoomEvents(roomId, handlers): handlers[type](data, frame) for each event, once,
   * in order, across reconnects. Returns a RoomEventSubscription (close() stops it, as ws.close() in the
   * spec's example). options: {since = 0 (whole history; null = live only), stopOn: ['summary-ready'],
   * onEvent(frame), reconnect, heartbeatMs}.
   */
  subscribeToRoomEvents(roomId, handlers = {}, options = {}) {
    const sub = new RoomEventSubscription({
      baseUrl: this.baseUrl,
      apiKey: this.apiKey,
      roomId,
      handlers,
      ...this.eventDefaults,
      ...options,
    });
    this.subscriptions.add(sub);
    sub.on('open', () => this.#serviceBack('events'));
    sub.on('close', () => this.subscriptions.delete(sub));
    return sub;
  }

  // ---------------------------------------------------------------------------------------------------
  // Webhooks

  /** The spec's verifyWebhookSignature(payload, signature): raw body or parsed payload; constant time. */
  verifyWebhookSignature(payload, signature) {
    return verifyWebhookSignature(payload, signature, this.webhookSecret);
  }

  /** Full check with replay tolerance; see webhooks.js verifyWebhook. */
  verifyWebhook({ body, headers, toleranceSeconds, requireTimestamp, secret } = {}) {
    return verifyWebhook({ body, headers, toleranceSeconds, requireTimestamp, secret: secret ?? this.webhookSecret });
  }

  /** Express-compatible middleware verifying deliveries with this client's webhook secret. */
  webhookMiddleware(options = {}) {
    return webhookMiddleware({ secret: this.webhookSecret, ...options });
  }

  /** Stops timers (pending retries, pre-warms) and subscriptions; the pending store keeps its entries. */
  async close() {
    this.closed = true;
    clearTimeout(this.pendingTimer);
    this.pendingTimer = null;
    clearTimeout(this.probeTimer);
    this.probeTimer = null;
    for (const cancel of this.preWarmTimers.values()) cancel();
    this.preWarmTimers.clear();
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    await this.flushing?.catch(() => {});
  }
}

export { RoomServiceError };
