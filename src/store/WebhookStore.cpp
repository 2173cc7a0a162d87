#include "store/WebhookStore.h"

namespace rooms {

WebhookStore::WebhookStore(Database& db) : db_(db) {}

void WebhookStore::insert(const WebhookRecord& w) {
  auto st = db_.prepare("INSERT INTO webhooks (id, url, events_json, secret, created_at) VALUES (?,?,?,?,?)");
  st.bind(1, w.id).bind(2, w.url).bind(3, w.eventsJson);
  if (w.secret.empty()) {
    st.bindNull(4);
  } else {
    st.bind(4, w.secret);
  }
  st.bind(5, w.createdAt);
  st.run();
}

std::vector<WebhookRecord> WebhookStore::list() {
  auto st = db_.prepare(
      "SELECT id, url, events_json, COALESCE(secret, ''), created_at FROM webhooks WHERE deleted_at IS NULL "
      "ORDER BY created_at, id");
  std::vector<WebhookRecord> out;
  while (st.step()) {
    out.push_back({st.getText(0), st.getText(1), st.getText(2), st.getText(3), st.getInt(4)});
  }
  return out;
}

std::optional<WebhookRecord> WebhookStore::find(const std::string& id) {
  auto st = db_.prepare(
      "SELECT id, url, events_json, COALESCE(secret, ''), created_at FROM webhooks WHERE id=? AND deleted_at "
      "IS NULL");
  st.bind(1, id);
  if (!st.step()) {
    return std::nullopt;
  }
  return WebhookRecord{st.getText(0), st.getText(1), st.getText(2), st.getText(3), st.getInt(4)};
}

bool WebhookStore::remove(const std::string& id, int64_t now) {
  auto st = db_.prepare("UPDATE webhooks SET deleted_at=? WHERE id=? AND deleted_at IS NULL");
  st.bind(1, now).bind(2, id);
  st.run();
  if (db_.changes() == 0) {
    return false;
  }
  auto cancel = db_.prepare(
      "UPDATE webhook_deliveries SET state='cancelled', last_error='webhook deleted' WHERE webhook_id=? AND "
      "state='pending'");
  cancel.bind(1, id);
  cancel.run();
  return true;
}

void WebhookStore::enqueue(const std::string& deliveryId, const std::string& webhookId, int64_t eventId,
                           int64_t now) {
  auto st = db_.prepare(
      "INSERT INTO webhook_deliveries (id, webhook_id, event_id, state, created_at, next_attempt_at) "
      "VALUES (?,?,?,'pending',?,?)");
  st.bind(1, deliveryId).bind(2, webhookId).bind(3, eventId).bind(4, now).bind(5, now);
  st.run();
}

namespace {
// The columns both due queries select, in order.
std::vector<DueDelivery> readDue(Statement& st) {
  std::vector<DueDelivery> out;
  while (st.step()) {
    DueDelivery d;
    d.deliveryId = st.getText(0);
    d.webhookId = st.getText(1);
    d.url = st.getText(2);
    d.secret = st.getText(3);
    d.attempts = static_cast<int>(st.getInt(4));
    d.createdAt = st.getInt(5);
    d.eventId = st.getInt(6);
    d.eventType = st.getText(7);
    d.roomId = st.getText(8);
    d.dataJson = st.getText(9);
    out.push_back(std::move(d));
  }
  return out;
}
}  // namespace

std::vector<DueDelivery> WebhookStore::due(int64_t now, size_t limit) {
  auto st = db_.prepare(
      "SELECT d.id, d.webhook_id, w.url, COALESCE(w.secret, ''), d.attempts, d.created_at, e.id, e.type, "
      "e.room_id, "
      "e.data_json FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id JOIN events e ON e.id = "
      "d.event_id "
      "WHERE d.state='pending' AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at, e.id LIMIT ?");
  st.bind(1, now).bind(2, static_cast<int64_t>(limit));
  return readDue(st);
}

std::vector<DueDelivery> WebhookStore::claimDue(int64_t now, size_t limit, int64_t claimUntil) {
  if (std::string_view(db_.engine()) != "postgresql") {
    return due(now, limit);
  }
  auto st = db_.prepare(
      "WITH claimed AS (UPDATE webhook_deliveries SET next_attempt_at = ?3 WHERE id IN (SELECT id FROM "
      "webhook_deliveries WHERE state='pending' AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT "
      "?2 "
      "FOR UPDATE SKIP LOCKED) AND state='pending' AND next_attempt_at <= ?1 RETURNING id, webhook_id, "
      "attempts, "
      "created_at, event_id) "
      "SELECT c.id, c.webhook_id, w.url, COALESCE(w.secret, ''), c.attempts, c.created_at, e.id, e.type, "
      "e.room_id, e.data_json FROM claimed c JOIN webhooks w ON w.id = c.webhook_id JOIN events e ON e.id = "
      "c.event_id ORDER BY e.id");
  st.bind(1, now).bind(2, static_cast<int64_t>(limit)).bind(3, claimUntil);
  return readDue(st);
}

std::optional<int64_t> WebhookStore::nextDueAt() {
  auto st = db_.prepare("SELECT MIN(next_attempt_at) FROM webhook_deliveries WHERE state='pending'");
  st.step();
  return st.getOptInt(0);
}

void WebhookStore::recordAttempt(const std::string& deliveryId, int64_t at, long status,
                                 const std::string& error, long elapsedMs, const std::string& newState,
                                 int64_t nextAttemptAt) {
  auto tx = db_.transaction();
  auto a = db_.prepare(
      "INSERT INTO webhook_attempts (delivery_id, attempted_at, status, error, elapsed_ms) VALUES "
      "(?,?,?,?,?)");
  a.bind(1, deliveryId).bind(2, at);
  if (status > 0) {
    a.bind(3, static_cast<int64_t>(status));
  } else {
    a.bindNull(3);
  }
  if (error.empty()) {
    a.bindNull(4);
  } else {
    a.bind(4, error);
  }
  a.bind(5, static_cast<int64_t>(elapsedMs));
  a.run();
  auto d = db_.prepare(
      "UPDATE webhook_deliveries SET attempts=attempts+1, last_attempt_at=?2, last_status=?3, last_error=?4, "
      "state=?5, next_attempt_at=?6, delivered_at=CASE WHEN ?5='delivered' THEN ?2 ELSE delivered_at END "
      "WHERE id=?1");
  d.bind(1, deliveryId).bind(2, at);
  if (status > 0) {
    d.bind(3, static_cast<int64_t>(status));
  } else {
    d.bindNull(3);
  }
  if (error.empty()) {
    d.bindNull(4);
  } else {
    d.bind(4, error);
  }
  d.bind(5, newState).bind(6, nextAttemptAt);
  d.run();
  tx.commit();
}

std::vector<DeliveryRecord> WebhookStore::deliveries(const std::string& webhookId, size_t limit) {
  auto st = db_.prepare(
      "SELECT d.id, d.webhook_id, d.event_id, e.type, d.state, d.attempts, d.created_at, d.next_attempt_at, "
      "d.last_attempt_at, d.last_status, d.last_error, d.delivered_at FROM webhook_deliveries d "
      "JOIN events e ON e.id = d.event_id WHERE d.webhook_id=? ORDER BY d.created_at DESC, e.id DESC LIMIT "
      "?");
  st.bind(1, webhookId).bind(2, static_cast<int64_t>(limit));
  std::vector<DeliveryRecord> out;
  while (st.step()) {
    DeliveryRecord r;
    r.id = st.getText(0);
    r.webhookId = st.getText(1);
    r.eventId = st.getInt(2);
    r.eventType = st.getText(3);
    r.state = st.getText(4);
    r.attempts = static_cast<int>(st.getInt(5));
    r.createdAt = st.getInt(6);
    r.nextAttemptAt = st.getInt(7);
    r.lastAttemptAt = st.getOptInt(8);
    r.lastStatus = st.getOptInt(9);
    r.lastError = st.getOptText(10);
    r.deliveredAt = st.getOptInt(11);
    out.push_back(std::move(r));
  }
  return out;
}

int64_t WebhookStore::pendingCount() {
  auto st = db_.prepare("SELECT COUNT(*) FROM webhook_deliveries WHERE state='pending'");
  st.step();
  return st.getInt(0);
}

}  // namespace rooms
