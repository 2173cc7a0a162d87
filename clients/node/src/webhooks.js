// Verifying the service's webhooks (docs/api.md "Webhooks"). A delivery is a POST whose raw body is the event
// frame {"id","type","data"}, with
//   X-Room-Signature:             hex(HMAC-SHA256(secret, body))                 (the spec's signature)
//   X-Room-Timestamp:             Unix seconds of the attempt
//   X-Room-Signature-Timestamped: hex(HMAC-SHA256(secret, timestamp + "." + body))
//   X-Room-Event, X-Room-Delivery (one id per delivery, shared by its retries: de-duplicate on it)
// Verify the raw bytes: re-serialising parsed JSON is what the spec's example does and happens to work for
// this service's compact bodies, but it also accepts a body changed in whitespace; the middleware refuses
// a body parsed without its raw bytes kept.
import crypto from 'node:crypto';

import { WebhookVerificationError } from './errors.js';

export const DEFAULT_TOLERANCE_SECONDS = 300;

const hmacHex = (secret, data) => crypto.createHmac('sha256', secret).update(data).digest('hex');

/** Constant-time comparison of two hex signatures (false for anything malformed). */
export function safeEqualHex(expectedHex, givenHex) {
  if (typeof givenHex !== 'string' || typeof expectedHex !== 'string') return false;
  const given = givenHex.trim().toLowerCase();
  if (!/^[0-9a-f]*$/.test(given)) return false;
  const a = Buffer.from(expectedHex, 'hex');
  const b = Buffer.from(given, 'hex');
  // timingSafeEqual needs equal lengths; compare against a same-length dummy so the time does not depend
  // on where a wrong-length signature differs.
  if (a.length !== b.length || given.length !== expectedHex.length) {
    crypto.timingSafeEqual(a, a);
    return false;
  }
  return crypto.timingSafeEqual(a, b);
}

const toBuffer = (body) => {
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  // A parsed object: the spec's example signs JSON.stringify(payload); the service's bodies are compact.
  return Buffer.from(JSON.stringify(body), 'utf8');
};

/** The spec's check: X-Room-Signature over the body (raw bytes, or a parsed payload as in the spec). */
export function verifyWebhookSignature(body, signature, secret) {
  if (!secret) throw new TypeError('a webhook secret is required (ROOM_WEBHOOK_SECRET)');
  return safeEqualHex(hmacHex(secret, toBuffer(body)), signature);
}

const header = (headers, name) => {
  if (!headers) return undefined;
  if (typeof headers.get === 'function') return headers.get(name) ?? undefined;
  const v = headers[name] ?? headers[name.toLowerCase()] ??
    Object.entries(headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Verifies a delivery and returns {event, deliveryId, timestamp}; throws WebhookVerificationError.
 *   body: the raw body (Buffer or string);  headers: Node's req.headers, a fetch Headers, or a plain object
 *   toleranceSeconds: how far X-Room-Timestamp may be from now (replay window), default 300
 *   requireTimestamp: refuse deliveries without the timestamped signature (default true: this service
 *     always sends it); false accepts the plain X-Room-Signature alone
 */
export function verifyWebhook({ body, headers, secret, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
  requireTimestamp = true, now = Date.now() }) {
  if (!secret) throw new TypeError('a webhook secret is required (ROOM_WEBHOOK_SECRET)');
  if (body === undefined || body === null) throw new WebhookVerificationError('missing_body', 'webhook has no body');
  const raw = toBuffer(body);
  const signature = header(headers, 'x-room-signature');
  if (!signature) throw new WebhookVerificationError('missing_signature', 'X-Room-Signature is missing');
  if (!safeEqualHex(hmacHex(secret, raw), signature)) {
    throw new WebhookVerificationError('bad_signature', 'X-Room-Signature does not match the body');
  }
  const ts = header(headers, 'x-room-timestamp');
  const tsSig = header(headers, 'x-room-signature-timestamped');
  let timestamp;
  if (ts !== undefined || tsSig !== undefined || requireTimestamp) {
    if (ts === undefined || !/^\d{1,12}$/.test(String(ts).trim())) {
      throw new WebhookVerificationError('missing_timestamp', 'X-Room-Timestamp is missing or malformed');
    }
    if (!tsSig) throw new WebhookVerificationError('missing_signature', 'X-Room-Signature-Timestamped is missing');
    timestamp = Number(String(ts).trim());
    const expected = hmacHex(secret, Buffer.concat([Buffer.from(`${timestamp}.`, 'utf8'), raw]));
    if (!safeEqualHex(expected, tsSig)) {
      throw new WebhookVerificationError('bad_signature', 'X-Room-Signature-Timestamped does not match');
    }
    if (Math.abs(now / 1000 - timestamp) > toleranceSeconds) {
      throw new WebhookVerificationError('stale_timestamp',
        `X-Room-Timestamp is ${Math.round(now / 1000 - timestamp)} s from now (tolerance ${toleranceSeconds} s)`);
    }
  }
  let event;
  try {
    event = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new WebhookVerificationError('invalid_json', 'webhook body is not JSON');
  }
  return { event, deliveryId: header(headers, 'x-room-delivery'), timestamp };
}

function readRawBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > limit) {
        reject(new WebhookVerificationError('too_large', `webhook body over ${limit} bytes`));
        req.destroy?.();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Express-compatible middleware (any (req, res, next) stack: Express, Connect, node:http). It verifies the
 * raw bytes of the body, which it finds, in this order:
 *   - req.body as a Buffer or string (express.raw({type: 'application/json'}) or express.text on the route,
 *     when no JSON parser ran before it);
 *   - req.rawBody as a Buffer or string, kept by the JSON parser:
 *       app.use(express.json({ verify: (req, res, buf) => { req.rawBody = buf; } }))
 *     (the way when a global express.json() is mounted: express.raw behind it gets nothing to read);
 *   - the request stream itself, when nothing read it (mount the middleware before any body parser).
 * A body already parsed to an object with no raw bytes kept is refused: next(err) with err.code
 * 'ROOMS_WEBHOOK_BODY_PARSED' (an error of the app's setup, answered 500 by Express), never verified
 * through JSON.stringify, which would accept a body changed in whitespace or key order.
 * A good delivery continues with req.roomEvent ({id, type, data}), req.roomDelivery (the delivery id) and
 * req.rawBody; a bad one is answered 401 (400 for a body that is not JSON) and never reaches next().
 * options: {secret (a webhook registered with its own secret is verified with that one), toleranceSeconds,
 * requireTimestamp, limitBytes = 1 MiB, onError(err, req)}
 */
export function webhookMiddleware({ secret, toleranceSeconds, requireTimestamp, limitBytes = 1 << 20, onError } = {}) {
  if (!secret) throw new TypeError('webhookMiddleware needs {secret}');
  return async function roomsWebhook(req, res, next) {
    try {
      let raw;
      const isRaw = (b) => Buffer.isBuffer(b) || typeof b === 'string' || b instanceof Uint8Array;
      if (isRaw(req.body)) raw = req.body;
      else if (isRaw(req.rawBody)) raw = req.rawBody;
      else if (req.body !== undefined && req.body !== null && typeof req.body === 'object' && req.readableEnded !== false) {
        // Already parsed by a JSON body parser: the raw bytes are gone and cannot be verified.
        const err = new Error('rooms webhook: the request body was already parsed by a JSON body parser and its raw ' +
          'bytes were not kept, so the signature cannot be verified. Keep them with ' +
          'express.json({ verify: (req, res, buf) => { req.rawBody = buf; } }), or mount the webhook route ' +
          'before any JSON body parser.');
        err.code = 'ROOMS_WEBHOOK_BODY_PARSED';
        err.status = 500;
        next(err);
        return;
      } else raw = await readRawBody(req, limitBytes);
      const { event, deliveryId, timestamp } = verifyWebhook({
        body: raw, headers: req.headers, secret, toleranceSeconds, requireTimestamp,
      });
      req.rawBody = raw;
      req.roomEvent = event;
      req.roomDelivery = deliveryId;
      req.roomTimestamp = timestamp;
      next();
    } catch (err) {
      if (!(err instanceof WebhookVerificationError)) {
        next(err);
        return;
      }
      onError?.(err, req);
      const status = err.reason === 'invalid_json' ? 400 : err.reason === 'too_large' ? 413 : 401;
      res.statusCode = status;
      res.setHeader?.('Content-Type', 'application/json');
      res.end(JSON.stringify({ success: false, error: { code: err.reason, message: err.message } }));
    }
  };
}
