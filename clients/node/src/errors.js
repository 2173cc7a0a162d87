// Typed errors. Every error the client throws for an answer of the service is a RoomServiceError carrying
// the HTTP status, the service's error code and message (docs/api.md "Errors") and the request id; errors
// of the network (unreachable, deadline_exceeded, circuit_open) name the service's URL in message and url.

export class RoomServiceError extends Error {
  constructor(message, { status = 0, code = 'error', requestId, body, cause, url } = {}) {
    super(message, cause ? { cause } : undefined);
    this.name = new.target.name; // each subclass is named for itself without a constructor of its own
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.body = body;
    if (url !== undefined) this.url = url;
  }
}

/**
 * 400: the request was refused as invalid (the service says which field); also 413, 415, and 416 (a
 * download's range lies outside the file: err.size is the file's size when the service said). Never retried.
 */
export class BadRequest extends RoomServiceError {}

/** 401 (missing or wrong API key) and 403 (also invalid_signature / link_expired of a signed link). Never retried. */
export class Unauthorized extends RoomServiceError {}

/** 404 room_not_found (and webhook_not_found, recording_not_found). */
export class RoomNotFound extends RoomServiceError {}

/** 404 recording_not_found: the room exists, the recording does not (never did, deleted, or past retention). */
export class RecordingNotFound extends RoomNotFound {}

/**
 * 409: room_exists (same roomId, different body), room_ended, summary_not_ready, recording_not_ready,
 * recording_active (deleting a recording still being written); 410: recording_failed.
 */
export class Conflict extends RoomServiceError {}

/** 409 summary_not_ready: the room has not ended, the summary is being generated, or it is disabled. */
export class SummaryNotReady extends Conflict {}

/**
 * 409 recording_not_ready: the recording is still `recording` or `processing`; a `recording-ready` event
 * announces when it can be downloaded. (A failed one is 410 recording_failed: a Conflict with status 410.)
 */
export class RecordingNotReady extends Conflict {}

/** 429: retryAfter is the service's Retry-After in seconds (a number, or undefined when absent). */
export class RateLimited extends RoomServiceError {
  constructor(message, details = {}) {
    super(message, details);
    this.retryAfter = details.retryAfter;
  }
}

/**
 * The service could not be reached or answered 5xx, a request timed out, or the circuit breaker is open
 * (circuitOpen: true; the call was not attempted). Idempotent calls were retried before this is thrown.
 */
export class ServiceUnavailable extends RoomServiceError {
  constructor(message, details = {}) {
    super(message, details);
    this.circuitOpen = Boolean(details.circuitOpen);
  }
}

/** A webhook whose signature or timestamp does not verify. reason: missing_signature, bad_signature, ... */
export class WebhookVerificationError extends Error {
  constructor(reason, message) {
    super(message);
    this.name = 'WebhookVerificationError';
    this.reason = reason;
  }
}

// The error for a non-2xx answer: status, parsed JSON body (may be undefined) and headers.
export function errorFromResponse(status, body, headers, what) {
  const code = body?.error?.code ?? `http_${status}`;
  const message = `${what}: ${status} ${code}${body?.error?.message ? `: ${body.error.message}` : ''}`;
  const details = { status, code, body, requestId: headers?.get?.('x-request-id') ?? undefined };
  if (status === 400 || status === 413 || status === 415 || status === 416) return new BadRequest(message, details);
  if (status === 401 || status === 403) return new Unauthorized(message, details);
  if (status === 404 && code === 'recording_not_found') return new RecordingNotFound(message, details);
  if (status === 404) return new RoomNotFound(message, details);
  if (status === 409 && code === 'summary_not_ready') return new SummaryNotReady(message, details);
  if (status === 409 && code === 'recording_not_ready') return new RecordingNotReady(message, details);
  if (status === 409 || status === 410) return new Conflict(message, details);
  if (status === 429) {
    return new RateLimited(message, { ...details, retryAfter: parseRetryAfter(headers?.get?.('retry-after')) });
  }
  if (status >= 500) return new ServiceUnavailable(message, details);
  return new RoomServiceError(message, details);
}

// Retry-After as seconds: either delta-seconds or an HTTP date.
export function parseRetryAfter(value, now = Date.now()) {
  if (value === undefined || value === null || value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(String(value).trim())) return Number(value);
  const t = Date.parse(value);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, Math.ceil((t - now) / 1000));
}
