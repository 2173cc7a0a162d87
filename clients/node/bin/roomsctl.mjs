#!/usr/bin/env node
// roomsctl: the rooms service from a terminal. Run `roomsctl --help` (text below) for commands and exit codes.
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';

import {
  BadRequest, Conflict, RateLimited, RecordingNotFound, RoomNotFound, RoomService, ServiceUnavailable, Unauthorized,
} from '../src/index.js';
import {
  CONTROL, LIST_LIMIT_MAX, LIST_LIMIT_MIN, REMOVABLE_ROLES, REMOVE_REASON_MAX, ROOM_STATUSES,
} from '../src/admin.js';
import { LINK_EXPIRES_MAX, LINK_EXPIRES_MIN } from '../src/recordings.js';

export const EXIT = Object.freeze({
  OK: 0, USAGE: 1, NOT_FOUND: 2, AUTH: 3, UNAVAILABLE: 4, CONFLICT: 5, INVALID: 6, RATE_LIMITED: 7, TIMEOUT: 8,
});

const HELP = `roomsctl: operate the rooms service

Usage: roomsctl [options] <command> [arguments]

Commands:
  create                      create a room (participant tokens minted from JWT_SIGNING_SECRET)
      [--coach ID] [--client ID] [--coach-name NAME] [--client-name NAME]
      [--start ISO|now] [--duration MINUTES | --max-duration SECONDS]
      [--ai] [--personality supportive|direct|reflective] [--no-summary]
      [--room-id UUID] [--session-id UUID] [--token-buffer SECONDS]
  status ROOM_ID              a room's status and participants
  bulk-status ROOM_ID...      the status of up to 100 rooms
  end ROOM_ID [--reason R] [--by USER_ID]
                              end a room (reason: session_completed|timeout|error|cancelled)
  pre-warm ROOM_ID [--start ISO]
                              pre-warm (and optionally reschedule) a room
  events [tail] ROOM_ID [--since ID] [--count N] [--timeout SECONDS] [--until TYPE]
                              print a room's events as they happen (from the start of the room with
                              --since 0); stops after room-ended (--until summary-ready: follow on to
                              the summary; any event type), after N events, or after the timeout.
                              Reconnects by itself; gives up (exit 4) after --retries failed attempts
                              in a row before the first connection, 30 once it was connected
  webhooks list
  webhooks add URL [--events a,b|*] [--secret S]
  webhooks remove WEBHOOK_ID
  webhooks deliveries WEBHOOK_ID [--limit N]
  analytics ROOM_ID           connection quality, bandwidth, reconnections, fallbacks
  summary ROOM_ID             the session summary and attendance
  transcript ROOM_ID [--format text|vtt|json]
  recordings ROOM_ID          a room's recordings (one file per participant and source, and the
                              composite), and whether it is recording now
  recordings ROOM_ID --download REC_ID [--out PATH|-]
                              save a ready recording (default ./REC_ID.FORMAT; - writes it to stdout);
                              written to a temporary file first, so PATH only ever holds a whole file
  recordings ROOM_ID --link REC_ID [--expires-in SECONDS]
                              a signed URL that plays without the API key (60 to 604800 s; default 3600)
  recordings ROOM_ID --delete REC_ID
                              delete a recording (not while it is still recording or processing)
  rooms list [--status waiting,active,ended] [--limit N] [--cursor C] [--all]
                              the service's rooms, newest first: one page of --limit (1 to 200,
                              default 50; the next page's --cursor is printed under the table), or
                              every page with --all
  participants remove ROOM_ID coach|client [--reason TEXT] [--allow-rejoin]
                              disconnect a participant (their page says they were removed, with the
                              reason, at most 200 characters); the seat stays blocked until readmitted,
                              unless --allow-rejoin
  participants readmit ROOM_ID coach|client
                              lift a removal's block: the participant may join again
  health                      the service's health (needs no key)

Options:
  --url URL            the service (env ROOMS_URL, then ROOM_SERVICE_URL; default http://localhost:3001)
  --api-key KEY        API key (env ROOM_SERVICE_API_KEY)
  --jwt-secret SECRET  participant token secret, for create (env JWT_SIGNING_SECRET)
  --json               machine-readable output (events: one JSON frame per line); errors too, as
                       {"error": {"code", "message", "exitCode", ...}} on stderr
  --timeout-ms MS      timeout of one HTTP request (default 10000)
  --retries N          retries of idempotent requests when the service is unavailable (default 2)
  -h, --help           this text

Exit codes:
  0 ok                 1 usage error              2 not found (room, webhook or recording)
  3 unauthorized (401/403: API key)               4 service unavailable (unreachable, 5xx, timeout,
                                                    a download cut off and not resumable)
  5 conflict (409/410: room exists with another body, room ended, summary not ready, recording not
    ready, still recording, or failed)
  6 invalid request (400, 413, 415)               7 rate limited (429)
  8 events: the --timeout passed before room-ended (or --until's event) or --count
`;

class UsageError extends Error {}

// An error with its exit code (events: refused subscription, service unreachable).
class CliError extends Error {
  constructor(message, exitCode, details = {}) {
    super(message);
    this.exitCode = exitCode;
    Object.assign(this, details);
  }
}

export const EVENT_TYPES = Object.freeze([
  'room-started', 'participant-joined', 'participant-left', 'transcript', 'error', 'room-ended', 'summary-ready',
  'recording-started', 'recording-ready', 'participant-removed', 'participant-readmitted',
]);
const RECONNECTS_ONCE_CONNECTED = 30;

const OPTIONS = {
  url: { type: 'string' },
  'api-key': { type: 'string' },
  'jwt-secret': { type: 'string' },
  json: { type: 'boolean' },
  'timeout-ms': { type: 'string' },
  retries: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  coach: { type: 'string' },
  client: { type: 'string' },
  'coach-name': { type: 'string' },
  'client-name': { type: 'string' },
  start: { type: 'string' },
  duration: { type: 'string' },
  'max-duration': { type: 'string' },
  ai: { type: 'boolean' },
  personality: { type: 'string' },
  'no-summary': { type: 'boolean' },
  'room-id': { type: 'string' },
  'session-id': { type: 'string' },
  'token-buffer': { type: 'string' },
  reason: { type: 'string' },
  by: { type: 'string' },
  since: { type: 'string' },
  count: { type: 'string' },
  timeout: { type: 'string' },
  until: { type: 'string' },
  events: { type: 'string' },
  secret: { type: 'string' },
  limit: { type: 'string' },
  format: { type: 'string' },
  download: { type: 'string' },
  out: { type: 'string' },
  link: { type: 'string' },
  'expires-in': { type: 'string' },
  delete: { type: 'string' },
  status: { type: 'string' },
  cursor: { type: 'string' },
  all: { type: 'boolean' },
  'allow-rejoin': { type: 'boolean' },
};

// ------------------------------------------------------------------------------------------------------
// Output

const fmt = (v) => {
  if (v === null || v === undefined) return '-';
  if (Array.isArray(v)) return v.length ? v.join(', ') : '-';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
};

export function table(headers, rows) {
  const cells = rows.map((r) => r.map(fmt));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

const keyValues = (pairs) => {
  const w = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(w)}  ${fmt(v)}`).join('\n');
};

// ------------------------------------------------------------------------------------------------------

const int = (v, name, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) => {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}`);
  return Number(v);
};

function need(positionals, n, what) {
  if (positionals.length < n) throw new UsageError(`missing ${what}`);
  return positionals;
}

async function main(argv, out, err) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(e.message);
  }
  const { values: o, positionals } = parsed;
  if (o.help || positionals.length === 0) {
    out(HELP);
    return o.help ? EXIT.OK : EXIT.USAGE;
  }
  const [command, ...args] = positionals;
  const json = Boolean(o.json);
  const print = (data, human) => out(json ? JSON.stringify(data, null, 2) : human(data));
  const apiKey = o['api-key'] ?? process.env.ROOM_SERVICE_API_KEY;
  let rooms;
  try {
    rooms = new RoomService({
      baseUrl: o.url ?? process.env.ROOMS_URL ?? process.env.ROOM_SERVICE_URL ?? 'http://localhost:3001',
      apiKey: apiKey || undefined,
      requireApiKey: false, // health needs none; the other commands check below

    jwtSecret: o['jwt-secret'] ?? process.env.JWT_SIGNING_SECRET,
      timeoutMs: int(o['timeout-ms'], 'timeout-ms', { min: 1 }) ?? 10000,
      deadlineMs: 0, // an operator's command waits as long as --timeout-ms x --retries say
      retry: { retries: int(o.retries, 'retries', { max: 20 }) ?? 2, baseDelayMs: 200, maxDelayMs: 2000 },
      breaker: { failureThreshold: 1000 },
      probeIntervalMs: 0,
      degrade: false,
      preWarmLeadMs: 0,
      tokenBufferSeconds: int(o['token-buffer'], 'token-buffer') ?? 3600,
    });
  } catch (e) {
    if (e instanceof TypeError) throw new UsageError(e.message.replace(/^RoomService: /, ''));
    throw e;
  }
  const requireKey = () => {
    if (!apiKey) throw new UsageError('no API key: set ROOM_SERVICE_API_KEY or pass --api-key');
  };
  try {
    switch (command) {
      case 'create': {
        requireKey();
        if (!rooms.jwtSecret) throw new UsageError('create mints participant tokens: set JWT_SIGNING_SECRET or pass --jwt-secret');
        const start = !o.start || o.start === 'now' ? new Date() : new Date(o.start);
        if (Number.isNaN(start.getTime())) throw new UsageError(`--start is not a date: ${o.start}`);
        if (o.personality && !['supportive', 'direct', 'reflective'].includes(o.personality)) {
          throw new UsageError('--personality must be supportive, direct or reflective');
        }
        const appointment = {
          roomId: o['room-id'],
          sessionId: o['session-id'],
          coachId: o.coach ?? `coach-${crypto.randomBytes(4).toString('hex')}`,
          clientId: o.client ?? `client-${crypto.randomBytes(4).toString('hex')}`,
          coach: { name: o['coach-name'] ?? 'Coach' },
          client: { name: o['client-name'] ?? 'Client' },
          startTime: start,
          duration: int(o.duration, 'duration', { min: 1, max: 1440 }) ?? 60,
          maxDuration: int(o['max-duration'], 'max-duration', { min: 1 }),
          includeAI: Boolean(o.ai || o.personality),
          personality: o.personality,
          features: o['no-summary'] ? { generateSummary: false } : undefined,
        };
        const room = await rooms.createRoom(appointment);
        print(room, (r) => keyValues([
          ['roomId', r.roomId], ['sessionId', r.sessionId], ['status', r.status + (r.existing ? ' (existing)' : '')],
          ['coach', r.connectionUrls.coach], ['client', r.connectionUrls.client], ['events', r.connectionUrls.websocket],
        ]));
        return EXIT.OK;
      }
      case 'status': {
        requireKey();
        const [roomId] = need(args, 1, 'ROOM_ID');
        print(await rooms.getRoomStatus(roomId), (s) => [
          keyValues([
            ['roomId', s.roomId], ['sessionId', s.sessionId], ['status', s.status],
            ['scheduledStart', s.scheduledStartTime], ['actualStart', s.actualStartTime],
            ['duration', `${s.currentDuration} s`], ['ended', s.endedAt], ['endReason', s.endReason],
          ].filter(([, v]) => v !== undefined)),
          '',
          table(['role', 'id', 'connected', 'joinedAt', 'leftAt', 'total'], [
            ['coach', s.participants.coach.id, s.participants.coach.connected, s.participants.coach.joinedAt,
              s.participants.coach.leftAt, `${s.participants.coach.totalDuration} s`],
            ['client', s.participants.client.id, s.participants.client.connected, s.participants.client.joinedAt,
              s.participants.client.leftAt, `${s.participants.client.totalDuration} s`],
            ['aiOrb', s.participants.aiOrb.enabled === false ? '(off)' : 'ai-orb', s.participants.aiOrb.connected,
              s.participants.aiOrb.joinedAt, s.participants.aiOrb.leftAt, `${s.participants.aiOrb.participationPercentage}%`],
          ]),
        ].join('\n'));
        return EXIT.OK;
      }
      case 'bulk-status': {
        requireKey();
        need(args, 1, 'ROOM_ID...');
        if (args.length > 100) throw new UsageError('at most 100 room ids');
        const res = await rooms.getBulkRoomStatus(args);
        print(res, (r) => table(['room', 'status', 'participants'],
          Object.entries(r.rooms).map(([id, s]) => [id, s.status, s.participants])));
        // Scripts asking about one room can rely on the exit code too.
        return Object.values(res.rooms).every((s) => s.status === 'not_found') ? EXIT.NOT_FOUND : EXIT.OK;
      }
      case 'end': {
        requireKey();
        const [roomId] = need(args, 1, 'ROOM_ID');
        const reason = o.reason ?? 'session_completed';
        if (!['session_completed', 'timeout', 'error', 'cancelled'].includes(reason)) {
          throw new UsageError('--reason must be session_completed, timeout, error or cancelled');
        }
        print(await rooms.endRoom(roomId, o.by ?? 'system', reason), (r) => keyValues([
          ['roomId', r.roomId], ['endedAt', r.endedAt], ['finalDuration', `${r.finalDuration} s`],
          ['reason', r.reason], ['requestedBy', r.requestedBy],
        ]));
        return EXIT.OK;
      }
      case 'pre-warm': {
        requireKey();
        const [roomId] = need(args, 1, 'ROOM_ID');
        let start;
        if (o.start) {
          const d = new Date(o.start);
          if (Number.isNaN(d.getTime())) throw new UsageError(`--start is not a date: ${o.start}`);
          start = d.toISOString().replace(/\.\d{3}Z$/, 'Z');
        }
        print(await rooms.preWarmRoom(roomId, start), (r) => keyValues([
          ['roomId', r.roomId], ['resourcesAllocated', r.resourcesAllocated],
        ]));
        return EXIT.OK;
      }
      case 'events':
        requireKey();
        return await tail(rooms, args[0] === 'tail' ? args.slice(1) : args, o, out, err);
      case 'webhooks':
        requireKey();
        return await webhooks(rooms, args, o, print);
      case 'analytics': {
        requireKey();
        const [roomId] = need(args, 1, 'ROOM_ID');
        print(await rooms.getRoomAnalytics(roomId), (a) => {
          const m = a.metrics;
          return [
            table(['role', 'averageRTT (ms)', 'packetLoss (%)'],
              Object.entries(m.connectionQuality).map(([role, q]) => [role, q.averageRTT, q.packetLoss])),
            '',
            keyValues([
              ['peakUpload', `${m.bandwidth.peakUpload} bit/s`], ['peakDownload', `${m.bandwidth.peakDownload} bit/s`],
              ['averageUpload', `${m.bandwidth.averageUpload} bit/s`],
              ['averageDownload', `${m.bandwidth.averageDownload} bit/s`],
              ['reconnections', m.reconnections], ['fallbacksUsed', m.fallbacksUsed],
            ]),
          ].join('\n');
        });
        return EXIT.OK;
      }
      case 'summary': {
        requireKey();
        const [roomId] = need(args, 1, 'ROOM_ID');
        print(await rooms.getSessionSummary(roomId), (s) => {
          const sum = s.summary ?? {};
          return [
            keyValues([['roomId', s.roomId], ['sessionId', s.sessionId], ['generatedAt', sum.generatedAt],
              ['sentiment', sum.sentiment], ['keyTopics', sum.keyTopics]]),
            '',
            sum.textSummary ?? '',
            '',
            'Action items:',
            ...(sum.actionItems?.length ? sum.actionItems.map((a, i) => `  ${i + 1}. ${a}`) : ['  (none)']),
            '',
            table(['role', 'talkTime (s)', 'talk %'],
              Object.entries(sum.participantStats ?? {}).map(([r, v]) => [r, v.talkTime, v.talkPercentage])),
            '',
            table(['role', 'attended', 'duration (s)', 'joinTime', 'leaveTime'],
              Object.entries(s.attendance ?? {}).map(([r, v]) => [r, v.attended, v.duration, v.joinTime, v.leaveTime])),
          ].join('\n');
        });
        return EXIT.OK;
      }
      case 'transcript': {
        requireKey();
        const [roomId] = need(args, 1, 'ROOM_ID');
        const format = o.format ?? 'text';
        if (!['text', 'vtt', 'json'].includes(format)) throw new UsageError('--format must be text, vtt or json');
        const t = await rooms.getRoomTranscription(roomId, format);
        print(t, (r) => {
          const c = r.transcription.content;
          if (typeof c === 'string') return c.length ? c.replace(/\n$/, '') : '(no transcript yet)';
          if (!c.length) return '(no transcript yet)';
          return table(Object.keys(c[0]), c.map((seg) => Object.values(seg)));
        });
        return EXIT.OK;
      }
      case 'recordings':
        requireKey();
        return await recordings(rooms, args, o, print, out, err);
      case 'rooms':
        requireKey();
        return await roomsCommand(rooms, args, o, print);
      case 'participants':
        requireKey();
        return await participants(rooms, args, o, print);
      case 'health': {
        print(await rooms.getHealth(), (h) => keyValues([
          ['status', h.status], ['version', h.version], ['uptime', `${h.uptime} s`], ['activeRooms', h.activeRooms],
          ['cpu', `${h.resources.cpu}%`], ['memory', `${h.resources.memory}%`], ['connections', h.resources.connections],
        ]));
        return EXIT.OK;
      }
      default:
        throw new UsageError(`unknown command: ${command}`);
    }
  } finally {
    await rooms.close();
  }
}

async function webhooks(rooms, args, o, print) {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'list':
      print(await rooms.listWebhooks(), (r) => (r.webhooks.length === 0 ? '(no webhooks)' : table(
        ['id', 'url', 'events', 'secret', 'createdAt'],
        r.webhooks.map((w) => [w.id, w.url, w.events, w.hasSecret ? 'own' : 'default', w.createdAt]),
      )));
      return EXIT.OK;
    case 'add': {
      const [url] = need(rest, 1, 'URL');
      const events = (o.events ?? '*').split(',').map((s) => s.trim()).filter(Boolean);
      const r = await rooms.configureWebhook({ url, events, secret: o.secret });
      print(r, (x) => keyValues([['id', x.webhook.id], ['url', x.webhook.url], ['events', x.webhook.events],
        ['secret', x.webhook.hasSecret ? 'own' : 'default (ROOM_WEBHOOK_SECRET)']]));
      return EXIT.OK;
    }
    case 'remove': {
      const [id] = need(rest, 1, 'WEBHOOK_ID');
      print(await rooms.deleteWebhook(id), (r) => `removed ${r.id}`);
      return EXIT.OK;
    }
    case 'deliveries': {
      const [id] = need(rest, 1, 'WEBHOOK_ID');
      const limit = int(o.limit, 'limit', { min: 1, max: 1000 });
      print(await rooms.getWebhookDeliveries(id, { limit }), (r) => (r.deliveries.length === 0 ? '(no deliveries)' : table(
        ['id', 'event', 'type', 'state', 'attempts', 'lastStatus', 'lastError', 'createdAt'],
        r.deliveries.map((d) => [d.id, d.eventId, d.eventType, d.state, d.attempts, d.lastStatus, d.lastError, d.createdAt]),
      )));
      return EXIT.OK;
    }
    default:
      throw new UsageError(sub ? `unknown webhooks command: ${sub}` : 'webhooks needs list, add, remove or deliveries');
  }
}

// ------------------------------------------------------------------------------------------------------
// rooms list, participants remove / readmit

async function roomsCommand(rooms, args, o, print) {
  const [sub, ...rest] = args;
  if (sub !== 'list') throw new UsageError(sub ? `unknown rooms command: ${sub}` : 'rooms needs list');
  if (rest.length > 0) throw new UsageError(`unexpected argument: ${rest[0]}`);
  const status = o.status === undefined ? undefined : o.status.split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of status ?? []) {
    if (!ROOM_STATUSES.includes(s)) throw new UsageError(`--status must be a comma-separated list of ${ROOM_STATUSES.join(', ')}`);
  }
  const limit = int(o.limit, 'limit', { min: LIST_LIMIT_MIN, max: LIST_LIMIT_MAX });
  if (o.all && o.cursor !== undefined) throw new UsageError('--all starts at the first page: no --cursor');
  if (o.cursor === '') throw new UsageError('--cursor needs the nextCursor of a previous page');
  let page;
  if (o.all) {
    // --limit is the page size here: the whole list is printed either way.
    const all = [];
    for await (const r of rooms.iterateRooms({ status, pageSize: limit })) all.push(r);
    page = { rooms: all, nextCursor: null };
  } else {
    page = await rooms.listRooms({ status, limit, cursor: o.cursor });
  }
  print(page, (p) => [
    p.rooms.length === 0 ? '(no rooms)' : table(
      ['roomId', 'status', 'createdAt', 'scheduledStart', 'actualStart', 'endedAt', 'participants', 'recording'],
      p.rooms.map((r) => [r.roomId, r.status, r.createdAt, r.scheduledStartTime, r.actualStartTime, r.endedAt,
        r.participants, r.recording ? 'on' : 'off']),
    ),
    ...(p.nextCursor ? ['', `more: --cursor ${p.nextCursor}`] : []),
  ].join('\n'));
  return EXIT.OK;
}

async function participants(rooms, args, o, print) {
  const [sub, ...rest] = args;
  if (sub !== 'remove' && sub !== 'readmit') {
    throw new UsageError(sub ? `unknown participants command: ${sub}` : 'participants needs remove or readmit');
  }
  const [roomId, role] = need(rest, 2, 'ROOM_ID and ROLE (coach or client)');
  if (rest.length > 2) throw new UsageError(`unexpected argument: ${rest[2]}`);
  if (!REMOVABLE_ROLES.includes(role)) {
    throw new UsageError(role === 'aiOrb'
      ? 'the AI Orb is not removed but switched off (PATCH /config: aiOrb.enabled false)'
      : `the role must be coach or client, not ${role}`);
  }
  if (sub === 'readmit') {
    if (o.reason !== undefined || o['allow-rejoin']) throw new UsageError('--reason and --allow-rejoin go with remove');
    print(await rooms.readmitParticipant(roomId, role), (r) => `readmitted ${r.role} ${r.participantId}: may join again`);
    return EXIT.OK;
  }
  if (o.reason !== undefined && [...o.reason].length > REMOVE_REASON_MAX) {
    throw new UsageError(`--reason must be at most ${REMOVE_REASON_MAX} characters`);
  }
  if (o.reason !== undefined && CONTROL.test(o.reason)) throw new UsageError('--reason must be one line, without control characters');
  const r = await rooms.removeParticipant(roomId, role, { reason: o.reason, allowRejoin: Boolean(o['allow-rejoin']) });
  print(r, (x) => keyValues([
    ['roomId', x.roomId], ['role', x.role], ['participantId', x.participantId],
    ['wasConnected', x.wasConnected], ['reason', x.reason === '' ? null : x.reason],
    ['rejoin', x.allowRejoin ? 'allowed' : 'blocked until readmitted'],
  ]));
  return EXIT.OK;
}

// ------------------------------------------------------------------------------------------------------
// recordings

const seconds = (d) => (typeof d === 'number' ? `${Number.isInteger(d) ? d : d.toFixed(1)} s` : d);

async function recordings(rooms, args, o, print, out, err) {
  const [roomId] = need(args, 1, 'ROOM_ID');
  if (args.length > 1) throw new UsageError(`unexpected argument: ${args[1]}`);
  const actions = ['download', 'link', 'delete'].filter((k) => o[k] !== undefined);
  if (actions.length > 1) throw new UsageError(`--${actions.join(', --')}: one at a time`);
  const action = actions[0];
  for (const id of actions.map((k) => o[k])) if (id === '') throw new UsageError(`--${action} needs a recording id`);
  if (o.out !== undefined && action !== 'download') throw new UsageError('--out goes with --download');
  if (o['expires-in'] !== undefined && action !== 'link') throw new UsageError('--expires-in goes with --link');
  const json = Boolean(o.json);

  if (action === 'link') {
    const expiresIn = int(o['expires-in'], 'expires-in', { min: LINK_EXPIRES_MIN, max: LINK_EXPIRES_MAX });
    print(await rooms.createRecordingLink(roomId, o.link, { expiresIn }), (l) => keyValues([
      ['url', l.url], ['expiresAt', l.expiresAt],
    ]));
    return EXIT.OK;
  }
  if (action === 'delete') {
    print(await rooms.deleteRecording(roomId, o.delete), (r) => `deleted ${r.recordingId}`);
    return EXIT.OK;
  }
  if (action === 'download') {
    const id = o.download;
    let target = o.out;
    if (target === undefined) {
      // ./<id>.<format>, the service's own file name: the format comes from the list.
      const list = await rooms.listRecordings(roomId);
      const rec = list.recordings.find((r) => r.id === id);
      if (!rec) {
        throw new RecordingNotFound(`download recording: no recording ${id} in room ${roomId}`,
          { status: 404, code: 'recording_not_found' });
      }
      target = `${id}.${rec.format}`.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
    }
    const toStdout = target === '-';
    const info = await rooms.downloadRecording(roomId, id, { to: toStdout ? process.stdout : target });
    const summary = { recordingId: id, ...info }; // path: absolute, for a file
    if (toStdout) {
      // stdout holds the file; what was saved goes to stderr.
      err(json ? JSON.stringify(summary) : `roomsctl: ${id}: ${info.bytes} bytes of ${info.contentType} written to stdout`);
    } else {
      print(summary, (s) => keyValues([
        ['recordingId', s.recordingId], ['path', s.path], ['contentType', s.contentType], ['bytes', s.bytes],
        ...(s.resumed ? [['resumed', `${s.resumed} time${s.resumed === 1 ? '' : 's'}`]] : []),
      ]));
    }
    return EXIT.OK;
  }

  print(await rooms.listRecordings(roomId), (l) => [
    keyValues([['roomId', l.roomId], ['recording', l.recording ? 'on (recording now)' : 'off']]),
    '',
    l.recordings.length === 0 ? '(no recordings)' : table(
      ['id', 'role', 'source', 'kinds', 'codecs', 'format', 'status', 'startedAt', 'duration', 'bytes'],
      l.recordings.map((r) => [r.id, r.role ?? (r.source === 'composite' ? '(all)' : null), r.source, r.kinds, r.codecs,
        r.format, r.status === 'failed' && r.error ? `failed: ${r.error}` : r.status, r.startedAt, seconds(r.duration),
        r.bytes]),
    ),
  ].join('\n'));
  return EXIT.OK;
}

const eventLine = (f) => {
  const d = f.data ?? {};
  const details = [];
  if (d.participantType) details.push(`${d.participantType} ${d.participantId ?? ''}`.trim());
  else if (d.role) details.push(`${d.role} ${d.participantId ?? ''}`.trim());
  if (d.recordingId) details.push(`${d.recordingId} source=${d.source ?? '-'}`);
  // A removal's reason is free text: quoted when it has spaces, so the line still splits into columns.
  if (d.reason) details.push(`reason=${/\s/.test(d.reason) ? JSON.stringify(d.reason) : d.reason}`);
  if (d.allowRejoin !== undefined) details.push(`allowRejoin=${d.allowRejoin}`);
  if (d.duration !== undefined) details.push(`duration=${d.duration}s`);
  if (d.finalDuration !== undefined) details.push(`finalDuration=${d.finalDuration}s`);
  if (d.bytes !== undefined) details.push(`bytes=${d.bytes}`);
  if (d.error) details.push(`${d.error}: ${d.message ?? ''}`);
  return `${String(f.id).padStart(6)}  ${d.timestamp ?? '-'}  ${f.type.padEnd(18)}  ${details.join(' ')}`.trimEnd();
};

async function tail(rooms, args, o, out, err) {
  const [roomId] = need(args, 1, 'ROOM_ID');
  const since = o.since === undefined ? null : int(o.since, 'since');
  const count = int(o.count, 'count', { min: 1 });
  const timeout = int(o.timeout, 'timeout', { min: 1 });
  const until = o.until ?? 'room-ended';
  if (!EVENT_TYPES.includes(until)) throw new UsageError(`--until must be one of ${EVENT_TYPES.join(', ')}`);
  const retries = int(o.retries, 'retries', { max: 20 }) ?? 2;
  const json = Boolean(o.json);
  let seen = 0;
  let outcome = EXIT.OK;
  let refused = null;
  let unreachable = null;
  let lastError = null;
  let everOpen = false;
  const sub = rooms.subscribeToRoomEvents(roomId, {}, {
    since,
    onEvent: (f) => {
      out(json ? JSON.stringify({ id: f.id, type: f.type, data: f.data }) : eventLine(f));
      seen += 1;
      if (f.type === until || (count !== undefined && seen >= count)) sub.close();
    },
  });
  sub.on('open', () => {
    everOpen = true;
  });
  sub.on('error', (e) => {
    if (e.status && [400, 401, 403, 404].includes(e.status)) refused = e; // the subscription closes itself
    else lastError = e;
  });
  sub.on('reconnecting', ({ attempt, delayMs }) => {
    // attempt counts failures in a row (an open connection resets it): bounded, never forever.
    const limit = everOpen ? Math.max(retries, RECONNECTS_ONCE_CONNECTED) : retries;
    if (attempt > limit) {
      const why = lastError?.code ?? lastError?.message ?? 'connection lost';
      unreachable = new CliError(`events: rooms service at ${rooms.baseUrl} unreachable (${why}; ${attempt} ` +
        `attempt${attempt === 1 ? '' : 's'} in a row)`, EXIT.UNAVAILABLE, { code: 'unreachable', url: rooms.baseUrl });
      sub.close();
      return;
    }
    if (attempt === 1 || attempt % 10 === 0) {
      if (json) err(JSON.stringify({ reconnecting: { attempt, delayMs } }));
      else err(`roomsctl: events connection lost; reconnecting (attempt ${attempt}, ${delayMs} ms)`);
    }
  });
  let timer;
  if (timeout) {
    timer = setTimeout(() => {
      outcome = EXIT.TIMEOUT;
      sub.close();
    }, timeout * 1000);
  }
  const stop = () => sub.close();
  process.once('SIGINT', stop);
  await sub.closed();
  clearTimeout(timer);
  process.removeListener('SIGINT', stop);
  if (refused) {
    const code = refused.status === 404 ? EXIT.NOT_FOUND : refused.status === 401 || refused.status === 403 ? EXIT.AUTH : EXIT.INVALID;
    throw new CliError(refused.message, code, { status: refused.status, code: refused.code ?? `http_${refused.status}` });
  }
  if (unreachable) throw unreachable;
  return outcome;
}

export function exitCodeFor(e) {
  if (e instanceof UsageError) return EXIT.USAGE;
  if (e instanceof CliError) return e.exitCode;
  if (e instanceof RoomNotFound) return EXIT.NOT_FOUND;
  if (e instanceof Unauthorized) return EXIT.AUTH;
  if (e instanceof RateLimited) return EXIT.RATE_LIMITED;
  if (e instanceof ServiceUnavailable) return EXIT.UNAVAILABLE;
  if (e instanceof Conflict) return EXIT.CONFLICT;
  if (e instanceof BadRequest) return EXIT.INVALID;
  return EXIT.UNAVAILABLE;
}

const out = (s) => process.stdout.write(`${s}\n`);
const err = (s) => process.stderr.write(`${s}\n`);
// An error as JSON (with --json): what scripts need to tell failures apart, beside the exit code.
export function errorJson(e) {
  const error = { code: e instanceof UsageError ? 'usage' : e.code ?? 'error', message: e.message, exitCode: exitCodeFor(e) };
  for (const k of ['status', 'requestId', 'retryAfter', 'url']) if (e[k] !== undefined && e[k] !== 0) error[k] = e[k];
  return { error };
}

const argv = process.argv.slice(2);
try {
  process.exitCode = await main(argv, out, err);
} catch (e) {
  if (argv.includes('--json')) {
    err(JSON.stringify(errorJson(e)));
  } else {
    err(`roomsctl: ${e.message}`);
    if (e instanceof UsageError) err('run roomsctl --help for usage');
  }
  process.exitCode = exitCodeFor(e);
}
