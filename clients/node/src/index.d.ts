// Type declarations of @rooms/client (the sources are plain ES modules). They use Node's own types
// (node:events, node:http, Buffer): a TypeScript project needs @types/node and, when its tsconfig lists
// "types", "node" among them. Express's Request gets roomEvent & co. (below) when Express's types are used.
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';

// ------------------------------------------------------------------------------------------------------
// The spec's shapes (ROOM_HANDLER.md; docs/openapi.yaml has every field).

export type ParticipantRole = 'coach' | 'client';
export type Personality = 'supportive' | 'direct' | 'reflective';
export type EndReason = 'session_completed' | 'timeout' | 'error' | 'cancelled';
export type RoomEventType =
  | 'participant-joined' | 'participant-left' | 'room-started' | 'room-ended' | 'summary-ready' | 'error'
  | 'transcript' | 'recording-started' | 'recording-ready' | 'participant-removed' | 'participant-readmitted';

/** Each event's data (docs/api.md "Events"). */
export interface RoomEventPayloads {
  'room-started': { roomId: string; timestamp: string };
  'participant-joined': { roomId: string; participantId: string; participantType: ParticipantRole | 'aiOrb'; timestamp: string };
  'participant-left': {
    roomId: string; participantId: string; participantType: ParticipantRole | 'aiOrb'; timestamp: string;
    /** Seconds of the stay that ended. */
    duration: number;
    /** e.g. 'left', 'room_ended', 'server_restart', 'removed' (removeParticipant). */
    reason: string;
  };
  /** removeParticipant: the seat's page was closed (4012); unless allowRejoin the seat stays blocked. */
  'participant-removed': {
    roomId: string; participantId: string; participantType: ParticipantRole;
    /** Shown on the removed participant's page ('' when none was given). */
    reason: string;
    allowRejoin: boolean; timestamp: string;
  };
  /** readmitParticipant: the seat's block was lifted. */
  'participant-readmitted': { roomId: string; participantId: string; participantType: ParticipantRole; timestamp: string };
  'room-ended': {
    roomId: string; timestamp: string; reason: EndReason | string; summaryReady: boolean; requestedBy: string;
    finalDuration: number; detail?: string;
  };
  'summary-ready': { roomId: string; timestamp: string };
  /** error 'recording_failed' (with a message) when a recording stops on a fault (a full disk); the call goes on. */
  error: { roomId: string; error: string; message: string };
  /** A recording's file was started (features.recording on, a track published). */
  'recording-started': {
    roomId: string; recordingId: string; participantId: string | null; participantType: ParticipantRole | 'aiOrb' | null;
    source: RecordingSource; timestamp: string;
  };
  /** A recording can be downloaded; also for the composite (participantId and participantType null). */
  'recording-ready': {
    roomId: string; recordingId: string; participantId: string | null; participantType: ParticipantRole | 'aiOrb' | null;
    source: RecordingSource; duration: number; bytes: number; downloadPath: string; timestamp: string;
  };
  transcript: {
    roomId: string; participantId: string; participantType: ParticipantRole | 'aiOrb'; name: string; text: string;
    startTime: number | string; endTime: number | string; confidence: number; timestamp: string;
  };
}

/** One event frame, discriminated by type: narrowing on frame.type types frame.data. */
export type RoomEvent = { [K in RoomEventType]: { id: number; type: K; data: RoomEventPayloads[K] } }[RoomEventType];

// ------------------------------------------------------------------------------------------------------
// Recordings (docs/api.md "Recordings")

/**
 * camera: a participant's camera with its microphone; microphone: audio only (the AI Orb's voice, or a
 * participant without camera); screen: a screen share; composite: everyone side by side with every voice
 * mixed, made after the room ends.
 */
export type RecordingSource = 'camera' | 'screen' | 'microphone' | 'composite';
export type RecordingStatus = 'recording' | 'processing' | 'ready' | 'failed';

export interface Recording {
  /** rec_<hex> */
  id: string;
  roomId: string;
  /** null for the composite. */
  participantId: string | null;
  role: ParticipantRole | 'aiOrb' | null;
  source: RecordingSource;
  kinds: Array<'audio' | 'video'>;
  /** As negotiated: 'opus', 'VP8', 'VP9', 'H264'. */
  codecs: string[];
  format: 'webm' | 'mkv';
  contentType: 'video/webm' | 'audio/webm' | 'video/x-matroska' | string;
  status: RecordingStatus;
  startedAt: string;
  endedAt: string | null;
  /** Seconds (may be fractional); null until known. */
  duration: number | null;
  bytes: number;
  /** Why it failed; null otherwise. */
  error: string | null;
  /** /api/rooms/{roomId}/recordings/{id} (API key), or make a signed link with createRecordingLink. */
  downloadPath: string;
}

export interface RecordingList {
  roomId: string;
  /** Recording right now. */
  recording: boolean;
  /** Oldest first. */
  recordings: Recording[];
}

export interface RecordingLink {
  /** {ROOMS_PUBLIC_URL}/api/rooms/{roomId}/recordings/{id}?expires=...&signature=...: plays without the key. */
  url: string;
  expiresAt: string;
}

/** Bytes start..end of the file, end inclusive (to the end of the file without end). */
export interface ByteRange {
  start: number;
  end?: number;
}

export interface DownloadOptions {
  range?: ByteRange;
  /**
   * A file path (written to a temporary file beside it and renamed once complete), or a writable stream
   * (written with backpressure, never ended). Without it the file comes back as a Buffer.
   */
  to?: string | NodeJS.WritableStream;
  signal?: AbortSignal;
  /** The body may pause at most this long (default: the client's timeoutMs). */
  idleTimeoutMs?: number;
  /** Bounds reaching the answer (attempts and backoff included), not the transfer (default: the client's). */
  deadlineMs?: number;
  /** How often a cut transfer is resumed from the next byte (default retry.retries; 0: never). */
  maxResumes?: number;
}

export interface DownloadInfo {
  /** Of the first answer: 206 for a range, 200 for the whole file. */
  status: 200 | 206;
  contentType: string;
  /** Bytes delivered. */
  bytes: number;
  /** The whole file's size (null when the service did not say). */
  size: number | null;
  /** The part delivered (a 206), else null. */
  range: { start: number; end: number; size: number | null } | null;
  /** From Content-Disposition (<id>.<format>), a base name only. */
  filename: string | null;
  /** How often a cut transfer was resumed. */
  resumed: number;
}
export interface DownloadedRecording extends DownloadInfo {
  body: Buffer;
}
export interface SavedRecording extends DownloadInfo {
  /** The absolute path written. */
  path: string;
}

export interface Features {
  recording?: boolean;
  transcription?: boolean;
  aiAssistance?: boolean;
  generateSummary?: boolean;
}

export interface CreateRoomRequest {
  roomId: string;
  sessionId: string;
  participants: {
    coach: { id: string; token: string };
    client: { id: string; token: string };
    aiOrb?: { enabled?: boolean; personality?: Personality; voiceModel?: string };
  };
  config: { scheduledStartTime: string; maxDuration: number; features?: Features };
}

export interface ConnectionUrls {
  coach: string;
  client: string;
  websocket: string;
}

export interface CreateRoomResult {
  success: true;
  roomId: string;
  sessionId: string;
  status: 'ready' | 'active' | 'ended' | 'pending';
  connectionUrls: ConnectionUrls;
  /** true when the same roomId was created before with the same body. */
  existing?: boolean;
  /** true when the service was unavailable: the room will be created when it is back. */
  pending?: boolean;
}

export interface Appointment {
  coachId: string;
  clientId: string;
  coach?: { name?: string };
  client?: { name?: string };
  /** Scheduled start (Date or ISO string). */
  startTime: string | Date;
  /** Minutes (the spec's appointment.duration); maxDuration (seconds) wins when given. */
  duration?: number;
  maxDuration?: number;
  includeAI?: boolean;
  personality?: Personality;
  voiceModel?: string;
  features?: Features;
  roomId?: string;
  sessionId?: string;
}

export interface SeatStatus {
  id: string;
  connected: boolean;
  joinedAt: string | null;
  leftAt: string | null;
  totalDuration: number;
  /** While the seat is blocked by removeParticipant (without allowRejoin): when, and the reason given. */
  removed: { at: string; reason: string } | null;
}

export interface RoomStatus {
  roomId: string;
  sessionId: string;
  status: 'waiting' | 'active' | 'ended';
  participants: {
    coach: SeatStatus;
    client: SeatStatus;
    aiOrb: { enabled?: boolean; connected: boolean; joinedAt: string | null; leftAt: string | null; participationPercentage: number };
  };
  actualStartTime: string | null;
  currentDuration: number;
  scheduledStartTime?: string;
  endedAt?: string | null;
  endReason?: string | null;
  /** Recording right now (features.recording on and tracks being written). */
  recording: boolean;
}

/** The public statuses of a room (a pre-warmed room reads 'waiting'). */
export type RoomStatusName = 'waiting' | 'active' | 'ended';

/** One room of listRooms / iterateRooms. */
export interface RoomSummary {
  roomId: string;
  sessionId: string;
  status: RoomStatusName;
  createdAt: string;
  scheduledStartTime: string | null;
  actualStartTime: string | null;
  endedAt: string | null;
  /** Participants connected now (0 once ended). */
  participants: number;
  /** Recording right now. */
  recording: boolean;
}

export interface RoomList {
  /** Newest created first. */
  rooms: RoomSummary[];
  /** Pass as cursor for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface ListRoomsOptions {
  /** One status, several (an array or comma-separated); default all. */
  status?: RoomStatusName | RoomStatusName[] | string;
  /** 1..200, default 50. */
  limit?: number;
  /** nextCursor of the previous page. */
  cursor?: string;
}

export interface RemoveParticipantOptions {
  /** At most 200 characters; shown on the removed participant's page. */
  reason?: string;
  /** Let them join again at once (default false: the seat stays blocked until readmitParticipant). */
  allowRejoin?: boolean;
}

export interface RemoveParticipantResult {
  roomId: string;
  role: ParticipantRole;
  participantId: string;
  removed: true;
  /** Whether the seat had an open connection that was closed. */
  wasConnected: boolean;
  allowRejoin: boolean;
  reason: string;
}

export interface ReadmitParticipantResult {
  roomId: string;
  role: ParticipantRole;
  participantId: string;
  removed: false;
}

export interface SessionSummary {
  roomId: string;
  sessionId: string;
  summary: {
    generatedAt: string;
    textSummary: string;
    keyTopics: string[];
    actionItems: string[];
    sentiment: string;
    transcriptionAvailable: boolean;
    participantStats: Record<string, { talkTime: number; talkPercentage: number }>;
  };
  attendance: Record<string, { attended: boolean; duration: number; joinTime: string | null; leaveTime: string | null }>;
}

export interface EndRoomResult {
  success: true;
  roomId: string;
  endedAt: string;
  finalDuration: number;
  reason?: string;
  requestedBy?: string;
}

export interface Transcription {
  roomId: string;
  transcription: { format: 'text' | 'vtt' | 'json'; content: string | unknown[] };
}

export interface Health {
  status: 'healthy' | 'draining';
  version: string;
  uptime: number;
  activeRooms: number;
  resources: { cpu: number; memory: number; connections: number };
  [extra: string]: unknown;
}

export interface BulkStatus {
  rooms: Record<string, { status: 'waiting' | 'active' | 'ended' | 'not_found'; participants: number }>;
}

export interface Analytics {
  roomId: string;
  metrics: {
    connectionQuality: Record<string, { averageRTT: number; packetLoss: number }>;
    bandwidth: { peakUpload: number; peakDownload: number; averageUpload: number; averageDownload: number };
    reconnections: number;
    fallbacksUsed: string[];
  };
}

export interface Webhook {
  id: string;
  url: string;
  events: Array<RoomEventType | '*'>;
  hasSecret: boolean;
  createdAt: string;
}

export interface Delivery {
  id: string;
  eventId: number;
  eventType: RoomEventType;
  state: 'pending' | 'delivered' | 'failed' | 'cancelled';
  attempts: number;
  createdAt: string;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: string | null;
}

export interface EventFrame<T = any> {
  id: number;
  type: RoomEventType | string;
  data: T;
}

// ------------------------------------------------------------------------------------------------------
// Errors

export interface ErrorDetails {
  status?: number;
  code?: string;
  requestId?: string;
  body?: unknown;
  cause?: unknown;
  url?: string;
}
export class RoomServiceError extends Error {
  constructor(message: string, details?: ErrorDetails);
  status: number;
  code: string;
  requestId?: string;
  body?: unknown;
  /** The URL called, for errors of the network: 'unreachable', 'deadline_exceeded', 'circuit_open'. */
  url?: string;
  /** A 416 of downloadRecording: the file's size. */
  size?: number;
  /** A download that ended with code 'download_interrupted': the bytes delivered before it. */
  bytesReceived?: number;
}
export class BadRequest extends RoomServiceError {}
export class Unauthorized extends RoomServiceError {}
export class RoomNotFound extends RoomServiceError {}
/** 404 recording_not_found (the room exists). */
export class RecordingNotFound extends RoomNotFound {}
export class Conflict extends RoomServiceError {}
export class SummaryNotReady extends Conflict {}
/** 409 recording_not_ready: still recording or processing; recording-ready announces it. */
export class RecordingNotReady extends Conflict {}
export class RateLimited extends RoomServiceError {
  /** Seconds, from Retry-After. */
  retryAfter?: number;
}
export class ServiceUnavailable extends RoomServiceError {
  /** true when the circuit breaker refused the call without trying. */
  circuitOpen: boolean;
}
export type WebhookFailureReason =
  | 'missing_body' | 'missing_signature' | 'bad_signature' | 'missing_timestamp' | 'stale_timestamp'
  | 'invalid_json' | 'too_large';
export class WebhookVerificationError extends Error {
  reason: WebhookFailureReason;
}

// ------------------------------------------------------------------------------------------------------
// Building blocks

export type CircuitState = 'closed' | 'open' | 'half-open';
export interface CircuitBreakerOptions {
  failureThreshold?: number;
  resetTimeoutMs?: number;
  halfOpenMaxCalls?: number;
  now?: () => number;
}
export class CircuitBreaker extends EventEmitter {
  constructor(options?: CircuitBreakerOptions);
  readonly state: CircuitState;
  readonly retryInMs: number;
  consecutiveFailures: number;
  snapshot(): { state: CircuitState; consecutiveFailures: number; openedAt: number | null; retryInMs: number;
    successes: number; failures: number; rejected: number; opened: number };
  acquire(): CircuitState;
  success(): void;
  failure(): void;
  reset(): void;
  on(event: 'state', listener: (change: { from: CircuitState; to: CircuitState; at: string }) => void): this;
}

export interface PendingEntry {
  roomId: string;
  sessionId: string;
  request: CreateRoomRequest;
  createdAt: string;
  attempts: number;
  lastError?: string;
}
export interface PendingStore {
  list(): Promise<PendingEntry[]>;
  put(entry: PendingEntry): Promise<void>;
  delete(roomId: string): Promise<void>;
}
export class MemoryPendingStore implements PendingStore {
  list(): Promise<PendingEntry[]>;
  put(entry: PendingEntry): Promise<void>;
  delete(roomId: string): Promise<void>;
}
export class FilePendingStore implements PendingStore {
  constructor(file: string);
  readonly file: string;
  list(): Promise<PendingEntry[]>;
  put(entry: PendingEntry): Promise<void>;
  delete(roomId: string): Promise<void>;
}

export interface BackoffOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
  factor?: number;
  /** 0..1: the random share of each delay (default 0.5). */
  jitter?: number;
}
export function backoffDelay(attempt: number, options?: BackoffOptions, random?: () => number): number;

export type EventHandler = (data: any, frame: EventFrame) => void | Promise<void>;
/** Handlers by event type, each typed with its event's data; '*' gets every event. */
export type EventHandlers = {
  [K in RoomEventType]?: (data: RoomEventPayloads[K], frame: Extract<RoomEvent, { type: K }>) => void | Promise<void>;
} & { '*'?: (data: RoomEvent['data'], frame: RoomEvent) => void | Promise<void> };
export interface SubscriptionOptions {
  /** Last event id already handled: 0 (default) replays the room's history, null means live events only. */
  since?: number | null;
  /** Event types after which the subscription closes itself, e.g. ['summary-ready']. */
  stopOn?: string[];
  onEvent?: (frame: EventFrame) => void | Promise<void>;
  reconnect?: BackoffOptions;
  /** WebSocket ping interval; a connection without a pong for this long is dropped and reopened. */
  heartbeatMs?: number;
  connectTimeoutMs?: number;
}
export class RoomEventSubscription extends EventEmitter {
  constructor(options: SubscriptionOptions & { baseUrl: string; apiKey: string; roomId: string; handlers?: EventHandlers });
  readonly roomId: string;
  /** Id of the last event handed to the handlers (persist it to resume after a process restart). */
  lastEventId: number | null;
  state: 'connecting' | 'open' | 'reconnecting' | 'closed';
  /** How many times a connection opened (1 + reconnections). */
  connections: number;
  drain(): Promise<void>;
  close(): Promise<void>;
  closed(): Promise<void>;
  on(event: 'open', listener: (info: { reconnected: boolean; since: number | null }) => void): this;
  on(event: 'event', listener: (frame: EventFrame) => void): this;
  on(event: 'reconnecting', listener: (info: { attempt: number; delayMs: number; since: number | null }) => void): this;
  on(event: 'disconnect', listener: (info: { code: number; reason: string }) => void): this;
  on(event: 'handler-error', listener: (err: unknown, frame: EventFrame) => void): this;
  on(event: 'error', listener: (err: Error & { status?: number; code?: string }) => void): this;
  on(event: 'close', listener: () => void): this;
}

export interface ParticipantClaims {
  userId: string;
  roomId: string;
  sessionId?: string;
  role: ParticipantRole;
  name?: string;
  permissions?: string[];
  exp?: number;
}
export interface TokenOptions {
  exp?: number;
  scheduledStartTime?: string | Date;
  maxDuration?: number;
  bufferSeconds?: number;
}
export const DEFAULT_PERMISSIONS: readonly string[];
export function tokenExpiry(options: { scheduledStartTime?: string | Date; maxDuration: number; bufferSeconds?: number }): number;
export function mintParticipantToken(claims: ParticipantClaims, secret: string, options?: TokenOptions): string;
export function decodeToken(token: string): Record<string, unknown>;

type HeaderBag = Record<string, string | string[] | undefined> | { get(name: string): string | null };
export interface VerifyWebhookOptions {
  body: Buffer | Uint8Array | string | object;
  headers: HeaderBag;
  secret: string;
  /** Allowed distance of X-Room-Timestamp from now, seconds (default 300). */
  toleranceSeconds?: number;
  /** Refuse deliveries without X-Room-Timestamp / X-Room-Signature-Timestamped (default true). */
  requireTimestamp?: boolean;
  now?: number;
}
export interface VerifiedWebhook {
  event: EventFrame;
  deliveryId?: string;
  timestamp?: number;
}
export function safeEqualHex(expectedHex: string, givenHex: unknown): boolean;
export function verifyWebhookSignature(body: Buffer | string | object, signature: string | undefined, secret: string): boolean;
export function verifyWebhook(options: VerifyWebhookOptions): VerifiedWebhook;

export interface WebhookRequest extends IncomingMessage {
  body?: unknown;
  rawBody?: Buffer | string;
  roomEvent?: RoomEvent;
  roomDelivery?: string;
  roomTimestamp?: number;
}

// Express: req.roomEvent & co. on Express's Request, after webhookMiddleware (a no-op without Express's types).
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by webhookMiddleware: the verified event. */
      roomEvent?: RoomEvent;
      /** X-Room-Delivery: retries of one delivery share it (de-duplicate on it). */
      roomDelivery?: string;
      roomTimestamp?: number;
      /** The raw body verified (keep it with express.json({ verify: (req, res, buf) => { req.rawBody = buf } })). */
      rawBody?: Buffer | string;
    }
  }
}
export interface WebhookMiddlewareOptions {
  secret: string;
  toleranceSeconds?: number;
  requireTimestamp?: boolean;
  limitBytes?: number;
  onError?: (err: WebhookVerificationError, req: WebhookRequest) => void;
}
export type Middleware = (req: WebhookRequest, res: ServerResponse, next: (err?: unknown) => void) => Promise<void>;
export function webhookMiddleware(options: WebhookMiddlewareOptions): Middleware;

// ------------------------------------------------------------------------------------------------------
// RoomService

export interface RoomServiceOptions {
  /** Required (or ROOM_SERVICE_URL): an http(s) URL; checked at construction. */
  baseUrl?: string;
  /** Required (or ROOM_SERVICE_API_KEY) unless requireApiKey is false. */
  apiKey?: string;
  requireApiKey?: boolean;
  /** One call, every attempt and backoff included (default 5000; 0: none). */
  deadlineMs?: number;
  /** GET /health this often while the breaker is open (default 1000; 0: never). */
  probeIntervalMs?: number;
  webhookSecret?: string;
  jwtSecret?: string;
  publicUrl?: string;
  timeoutMs?: number;
  retry?: BackoffOptions & { retries?: number };
  breaker?: CircuitBreakerOptions | CircuitBreaker;
  pendingStore?: PendingStore;
  degrade?: boolean;
  pendingRetryMs?: number;
  tokenBufferSeconds?: number;
  preWarmLeadMs?: number;
  events?: SubscriptionOptions;
  userAgent?: string;
}

export class RoomService extends EventEmitter {
  constructor(options?: RoomServiceOptions);
  readonly baseUrl: string;
  readonly breaker: CircuitBreaker;
  readonly circuitState: CircuitState;
  readonly pendingStore: PendingStore;
  /** Resolves (with the number of entries found) once the pending store was read at start. */
  readonly ready: Promise<number>;

  request<T = any>(method: string, path: string, options?: { body?: unknown; idempotent?: boolean; what?: string; deadlineMs?: number }): Promise<T>;
  generateParticipantToken(payload: ParticipantClaims, options?: TokenOptions): string;
  buildCreateRequest(appointment: Appointment): CreateRoomRequest;
  createRoom(appointment: Appointment, options?: { request?: CreateRoomRequest }): Promise<CreateRoomResult>;
  pendingRooms(): Promise<PendingEntry[]>;
  flushPending(): Promise<number>;
  getRoomStatus(roomId: string): Promise<RoomStatus>;
  getSessionSummary(roomId: string): Promise<SessionSummary>;
  preWarmRoom(roomId: string, scheduledStartTime?: string): Promise<{ success: true; roomId: string; resourcesAllocated: boolean }>;
  endRoom(roomId: string, userId?: string, reason?: EndReason): Promise<EndRoomResult>;
  updateRoomConfig(roomId: string, patch: { aiOrb?: { enabled?: boolean; personality?: Personality; voiceModel?: string };
    features?: Features; maxDuration?: number }): Promise<{ success: true; roomId: string; config: unknown }>;
  getRoomTranscription(roomId: string, format?: 'text' | 'vtt' | 'json'): Promise<Transcription>;
  getHealth(): Promise<Health>;
  getBulkRoomStatus(roomIds: string[]): Promise<BulkStatus>;
  getRoomAnalytics(roomId: string): Promise<Analytics>;
  configureWebhook(webhook: { url: string; events: Array<RoomEventType | '*'>; secret?: string }): Promise<{ success: true; webhook: Webhook }>;
  listWebhooks(): Promise<{ webhooks: Webhook[] }>;
  deleteWebhook(id: string): Promise<{ success: true; id: string }>;
  getWebhookDeliveries(id: string, options?: { limit?: number }): Promise<{ deliveries: Delivery[]; [k: string]: unknown }>;
  /** One page, newest first; options checked before sending (TypeError, RangeError). */
  listRooms(options?: ListRoomsOptions): Promise<RoomList>;
  /** Every room, following nextCursor page by page (pageSize 1..200, default the service's 50). */
  iterateRooms(options?: { status?: ListRoomsOptions['status']; pageSize?: number }): AsyncGenerator<RoomSummary, void, undefined>;
  /** 'coach' or 'client' only (the AI Orb: updateRoomConfig). Retried (idempotent). */
  removeParticipant(roomId: string, role: ParticipantRole, options?: RemoveParticipantOptions): Promise<RemoveParticipantResult>;
  /** Lifts the block of a removal; a seat not blocked answers the same. Retried. */
  readmitParticipant(roomId: string, role: ParticipantRole): Promise<ReadmitParticipantResult>;
  listRecordings(roomId: string): Promise<RecordingList>;
  downloadRecording(roomId: string, recordingId: string, options?: DownloadOptions & { to?: undefined }): Promise<DownloadedRecording>;
  downloadRecording(roomId: string, recordingId: string, options: DownloadOptions & { to: string }): Promise<SavedRecording>;
  downloadRecording(roomId: string, recordingId: string, options: DownloadOptions & { to: NodeJS.WritableStream }): Promise<DownloadInfo>;
  /** expiresIn: 60..604800 seconds (default 3600); checked before sending (TypeError, RangeError). */
  createRecordingLink(roomId: string, recordingId: string, options?: { expiresIn?: number }): Promise<RecordingLink>;
  deleteRecording(roomId: string, recordingId: string): Promise<{ success: true; roomId: string; recordingId: string }>;
  subscribeToRoomEvents(roomId: string, handlers?: EventHandlers, options?: SubscriptionOptions): RoomEventSubscription;
  verifyWebhookSignature(payload: Buffer | string | object, signature: string | undefined): boolean;
  verifyWebhook(options: Omit<VerifyWebhookOptions, 'secret'> & { secret?: string }): VerifiedWebhook;
  webhookMiddleware(options?: Omit<WebhookMiddlewareOptions, 'secret'> & { secret?: string }): Middleware;
  close(): Promise<void>;

  on(event: 'circuit-state', listener: (change: { from: CircuitState; to: CircuitState; at: string }) => void): this;
  /** resumeAt: a download resumed from this byte after its transfer was cut. */
  on(event: 'retry', listener: (info: { method: string; path: string; attempt: number; delayMs: number; error: RoomServiceError; resumeAt?: number }) => void): this;
  on(event: 'pending', listener: (info: { roomId: string; sessionId: string; error: RoomServiceError }) => void): this;
  on(event: 'pending-created', listener: (info: { roomId: string; sessionId: string; roomData: CreateRoomResult }) => void): this;
  on(event: 'pending-failed', listener: (info: { roomId: string; sessionId: string; error: RoomServiceError }) => void): this;
  on(event: 'service-back', listener: (info: { via: 'health' | 'events' }) => void): this;
  on(event: 'warning', listener: (warning: Error & { code: 'never_reached'; url: string; cause: RoomServiceError }) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
}
