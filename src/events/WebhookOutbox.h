#pragma once
// Delivers queued webhook deliveries on its own thread with its own database connection, so a slow or dead
// receiver never stalls the control plane. Each delivery is retried with exponential backoff and jitter until
// it gets a 2xx or its retry window (default 24 h) has passed; the outbox lives in SQLite, so deliveries
// survive restarts and resume where they were.
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "core/Metrics.h"
#include "events/WebhookTargetPolicy.h"

namespace rooms {

struct WebhookOutboxOptions {
  std::string databaseLocation;  // a SQLite path or a PostgreSQL URL (Database::open)
  std::string synchronous = "NORMAL";
  std::string defaultSecret;  // ROOM_WEBHOOK_SECRET, for webhooks registered without their own
  int64_t retryWindowMs = 24LL * 3600 * 1000;
  int64_t backoffBaseMs = 1000;
  int64_t backoffMaxMs = 10LL * 60 * 1000;
  int64_t attemptTimeoutMs = 10000;
  std::string userAgent = "roomsd";
  WebhookTargetPolicy targets;
};

class WebhookOutbox {
 public:
  WebhookOutbox(WebhookOutboxOptions options, MetricsRegistry& metrics);
  ~WebhookOutbox();
  WebhookOutbox(const WebhookOutbox&) = delete;
  WebhookOutbox& operator=(const WebhookOutbox&) = delete;

  void start();
  // Something new was queued: look now instead of at the next due time.
  void wake();
  // Finishes the attempt in flight and stops; pending deliveries stay queued for the next start.
  void stop();

  // The delay before attempt n+1 after n failed attempts (n >= 1), jittered to 80..120%.
  static int64_t backoffMs(int attempts, int64_t baseMs, int64_t maxMs);

 private:
  void run();
  WebhookOutboxOptions options_;
  Counter& delivered_;
  Counter& failedAttempts_;
  Counter& abandoned_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool woken_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace rooms
