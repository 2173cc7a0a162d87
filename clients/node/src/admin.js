// Listing rooms and removing participants (docs/api.md "Listing rooms", "Removing a participant"): the pure
// pieces of those calls, checked here before anything is sent, so a typo fails at the call site with a
// TypeError or RangeError instead of a round trip to a 400.

/** The public statuses GET /api/rooms filters on. */
export const ROOM_STATUSES = Object.freeze(['waiting', 'active', 'ended']);
/** GET /api/rooms?limit=: bounds and default, as the service enforces them. */
export const LIST_LIMIT_MIN = 1;
export const LIST_LIMIT_MAX = 200;
export const LIST_LIMIT_DEFAULT = 50;
/** The seats that can be removed; the AI Orb is switched off with PATCH /config instead. */
export const REMOVABLE_ROLES = Object.freeze(['coach', 'client']);
/** A removal's reason is shown on the removed participant's page; the service refuses longer ones. */
export const REMOVE_REASON_MAX = 200;

export const CONTROL = /[\u0000-\u001f\u007f]/;

export const PARTICIPANT_EVENT_TYPES = Object.freeze(['participant-removed', 'participant-readmitted']);

const checkRoomId = (roomId) => {
  if (typeof roomId !== 'string' || roomId === '') throw new TypeError('roomId must be a non-empty string');
};

/** status as given (a string, possibly comma-separated, or an array) as a checked list; [] for all. */
export function checkStatuses(status) {
  if (status === undefined || status === null) return [];
  let list;
  if (typeof status === 'string') list = status.split(',').map((s) => s.trim()).filter(Boolean);
  else if (Array.isArray(status)) list = status;
  else throw new TypeError(`status must be a string or an array of ${ROOM_STATUSES.join(', ')}`);
  for (const s of list) {
    if (typeof s !== 'string') throw new TypeError(`status must be a string or an array of ${ROOM_STATUSES.join(', ')}`);
    if (!ROOM_STATUSES.includes(s)) throw new RangeError(`status must be ${ROOM_STATUSES.join(', ')}, not ${JSON.stringify(s)}`);
  }
  return [...new Set(list)];
}

/** limit: undefined (the service's default, 50) or an integer in [1, 200]. */
export function checkListLimit(limit, name = 'limit') {
  if (limit === undefined || limit === null) return undefined;
  if (!Number.isSafeInteger(limit)) throw new TypeError(`${name} must be a whole number of rooms, not ${JSON.stringify(limit)}`);
  if (limit < LIST_LIMIT_MIN || limit > LIST_LIMIT_MAX) {
    throw new RangeError(`${name} must be from ${LIST_LIMIT_MIN} to ${LIST_LIMIT_MAX}, not ${limit}`);
  }
  return limit;
}

/**
 * The path of one page of GET /api/rooms. The statuses are plain words and keep their commas unencoded (the
 * form the API documents); the cursor is opaque to us, so it is encoded whatever it holds.
 */
export function roomsListPath({ status, limit, cursor } = {}) {
  const statuses = checkStatuses(status);
  const n = checkListLimit(limit);
  if (cursor !== undefined && cursor !== null && (typeof cursor !== 'string' || cursor === '')) {
    throw new TypeError('cursor must be the nextCursor string of a previous page');
  }
  const q = [];
  if (statuses.length > 0) q.push(`status=${statuses.join(',')}`);
  if (n !== undefined) q.push(`limit=${n}`);
  if (cursor) q.push(`cursor=${encodeURIComponent(cursor)}`);
  return `/api/rooms${q.length ? `?${q.join('&')}` : ''}`;
}

/** /api/rooms/{roomId}/participants/{role}/{action}, role checked. */
export function participantPath(roomId, role, action) {
  checkRoomId(roomId);
  if (role === 'aiOrb') {
    throw new TypeError("role must be 'coach' or 'client': the AI Orb is switched off with updateRoomConfig(roomId, {aiOrb: {enabled: false}})");
  }
  if (!REMOVABLE_ROLES.includes(role)) throw new TypeError(`role must be 'coach' or 'client', not ${JSON.stringify(role)}`);
  return `/api/rooms/${encodeURIComponent(roomId)}/participants/${role}/${action}`;
}

/** The body of a removal: only the fields given, checked as the service checks them. */
export function removeBody({ reason, allowRejoin } = {}) {
  const body = {};
  if (reason !== undefined && reason !== null) {
    if (typeof reason !== 'string') throw new TypeError('reason must be a string (shown to the removed participant)');
    // One line of text on their page: the service refuses control characters, line breaks included.
    if (CONTROL.test(reason)) throw new RangeError('reason must not contain control characters (line breaks included)');
    // Characters as a person counts them (code points), not UTF-16 units.
    const length = [...reason].length;
    if (length > REMOVE_REASON_MAX) {
      throw new RangeError(`reason must be at most ${REMOVE_REASON_MAX} characters, not ${length}`);
    }
    body.reason = reason;
  }
  if (allowRejoin !== undefined && allowRejoin !== null) {
    if (typeof allowRejoin !== 'boolean') throw new TypeError('allowRejoin must be true or false');
    body.allowRejoin = allowRejoin;
  }
  return body;
}
