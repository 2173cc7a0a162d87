// Participant tokens as the spec's "JWT Token Structure" describes them: HS256 over
// {userId, roomId, sessionId, role, name, permissions, exp}, signed with JWT_SIGNING_SECRET. The spec's
// "Token Expiry" rule: exp = scheduled start + max duration + a buffer, so a link works for the whole
// session, including a late start, and not long after.
import crypto from 'node:crypto';

export const DEFAULT_PERMISSIONS = Object.freeze(['video', 'audio', 'screen-share']);
export const DEFAULT_TOKEN_BUFFER_SECONDS = 3600;

const b64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** exp (Unix seconds) for a session: scheduled start + maxDuration + buffer. */
export function tokenExpiry({ scheduledStartTime, maxDuration, bufferSeconds = DEFAULT_TOKEN_BUFFER_SECONDS }) {
  const start = scheduledStartTime === undefined ? Date.now() : new Date(scheduledStartTime).getTime();
  if (Number.isNaN(start)) throw new TypeError(`scheduledStartTime is not a date: ${scheduledStartTime}`);
  if (!Number.isFinite(maxDuration) || maxDuration <= 0) throw new TypeError('maxDuration must be seconds > 0');
  return Math.floor(start / 1000) + Math.ceil(maxDuration) + Math.ceil(bufferSeconds);
}

/**
 * Signs a participant token. claims: {userId, roomId, sessionId, role, name, permissions?, exp?}; without
 * exp, give {scheduledStartTime, maxDuration, bufferSeconds?} in options (or the token lives 2 hours, the
 * spec's example).
 */
export function mintParticipantToken(claims, secret, options = {}) {
  if (!secret) throw new TypeError('a JWT signing secret is required (JWT_SIGNING_SECRET)');
  for (const k of ['userId', 'roomId', 'role']) {
    if (!claims?.[k]) throw new TypeError(`participant token claim ${k} is required`);
  }
  let exp = claims.exp ?? options.exp;
  if (exp === undefined) {
    exp = options.maxDuration !== undefined
      ? tokenExpiry(options)
      : Math.floor(Date.now() / 1000) + 2 * 60 * 60;
  }
  const payload = { ...claims, permissions: claims.permissions ?? [...DEFAULT_PERMISSIONS], exp };
  const signingInput = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(payload)}`;
  const sig = crypto.createHmac('sha256', secret).update(signingInput).digest('base64url');
  return `${signingInput}.${sig}`;
}

/** Decodes a token's claims without verifying it (for display, e.g. roomsctl). */
export function decodeToken(token) {
  const parts = String(token).split('.');
  if (parts.length !== 3) throw new TypeError('not a JWT');
  return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
}
