export { RoomService } from './RoomService.js';
export { RoomEventSubscription } from './events.js';
export { CircuitBreaker } from './breaker.js';
export { FilePendingStore, MemoryPendingStore } from './store.js';
export { DEFAULT_PERMISSIONS, decodeToken, mintParticipantToken, tokenExpiry } from './tokens.js';
export { safeEqualHex, verifyWebhook, verifyWebhookSignature, webhookMiddleware } from './webhooks.js';
export { backoffDelay } from './backoff.js';
export {
  BadRequest, Conflict, RateLimited, RecordingNotFound, RecordingNotReady, RoomNotFound, RoomServiceError,
  ServiceUnavailable, SummaryNotReady, Unauthorized, WebhookVerificationError,
} from './errors.js';
