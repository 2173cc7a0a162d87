#pragma once
// Webhook registrations and the delivery outbox. A delivery row is written in the same transaction as the
// event it carries, so an acknowledged event always has its deliveries; the delivery thread works the
// outbox with its own connection.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/Database.h"

namespace rooms {

struct WebhookRecord {
  std::string id;
  std::string url;
  std::string eventsJson;  // JSON array of event types
  std::string secret;      // empty: the service-wide ROOM_WEBHOOK_SECRET signs
  int64_t createdAt = 0;
};

struct DueDelivery {
  std::string deliveryId;
  std::string webhookId;
  std::string url;
  std::string secret;
  int attempts = 0;
  int64_t createdAt = 0;
  int64_t eventId = 0;
  std::string eventType;
  std::string roomId;
  std::string dataJson;
};

struct DeliveryRecord {
  std::string id;
  std::string webhookId;
  int64_t eventId = 0;
  std::string eventType;
  std::string state;
  int attempts = 0;
  int64_t createdAt = 0;
  int64_t nextAttemptAt = 0;
  std::optional<int64_t> lastAttemptAt;
  std::optional<int64_t> lastStatus;
  std::optional<std::string> lastError;
  std::optional<int64_t> deliveredAt;
};

class WebhookStore {
 public:
  explicit WebhookStore(Database& db);

  void insert(const WebhookRecord& w);
  std::vector<WebhookRecord> list();
  std::optional<WebhookRecord> find(const std::string& id);
  // Marks it deleted and cancels its pending deliveries. False when no such live webhook.
  bool remove(const std::string& id, int64_t now);

  void enqueue(const std::string& deliveryId, const std::string& webhookId, int64_t eventId, int64_t now);
  std::vector<DueDelivery> due(int64_t now, size_t limit);
  // due() for a store several nodes share: on PostgreSQL the rows are claimed in the same statement
  // (FOR UPDATE SKIP LOCKED) by moving their next attempt to claimUntil, so each delivery is attempted by one
  // node; recordAttempt then sets the real next attempt. A node that dies holding a claim delays those
  // deliveries until claimUntil, then another node sends them. On SQLite (one node) it is due().
  std::vector<DueDelivery> claimDue(int64_t now, size_t limit, int64_t claimUntil);
  // Earliest next_attempt_at of a pending delivery, if any.
  std::optional<int64_t> nextDueAt();
  // Records one attempt and the delivery's new state ("pending" with nextAttemptAt, "delivered", "failed").
  void recordAttempt(const std::string& deliveryId, int64_t at, long status, const std::string& error,
                     long elapsedMs, const std::string& newState, int64_t nextAttemptAt);
  std::vector<DeliveryRecord> deliveries(const std::string& webhookId, size_t limit);
  int64_t pendingCount();

 private:
  Database& db_;
};

}  // namespace rooms
