#include "events/WebhookOutbox.h"

#include <openssl/rand.h>

#include <algorithm>

#include "core/Clock.h"
#include "core/Log.h"
#include "events/Event.h"
#include "events/WebhookHttpClient.h"
#include "events/WebhookSigner.h"
#include "store/Database.h"
#include "store/WebhookStore.h"

namespace rooms {
namespace {
// Deliveries taken per look at the outbox. Small, because on a shared store a node that dies holding a
// claim delays the claimed deliveries by the batch's whole attempt time.
constexpr size_t kBatch = 8;
}  // namespace

WebhookOutbox::WebhookOutbox(WebhookOutboxOptions options, MetricsRegistry& metrics)
    : options_(std::move(options)),
      delivered_(metrics.counter("rooms_webhook_deliveries_total", "Webhook deliveries by outcome",
                                 {{"outcome", "delivered"}})),
      failedAttempts_(metrics.counter("rooms_webhook_deliveries_total", "Webhook deliveries by outcome",
                                      {{"outcome", "attempt_failed"}})),
      abandoned_(metrics.counter("rooms_webhook_deliveries_total", "Webhook deliveries by outcome",
                                 {{"outcome", "abandoned"}})) {}

WebhookOutbox::~WebhookOutbox() {
  stop();
}

void WebhookOutbox::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void WebhookOutbox::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  cv_.notify_one();
}

void WebhookOutbox::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

int64_t WebhookOutbox::backoffMs(int attempts, int64_t baseMs, int64_t maxMs) {
  int shift = std::clamp(attempts - 1, 0, 30);
  int64_t delay = std::min(maxMs, baseMs << shift);
  uint16_t r = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&r), sizeof r);
  double jitter = 0.8 + 0.4 * (static_cast<double>(r) / 65535.0);
  return std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(delay) * jitter));
}

void WebhookOutbox::run() {
  std::unique_ptr<Database> db;
  std::unique_ptr<WebhookStore> store;
  WebhookHttpClient http(options_.targets);
  while (true) {
    try {
      if (!db) {
        db = Database::open(options_.databaseLocation, options_.synchronous);
        store = std::make_unique<WebhookStore>(*db);
      }
      // Claimed, not just read: other nodes of a cluster share the outbox (docs/cluster.md). The claim lasts
      // as long as the batch can take.
      const int64_t claimAt = nowMs();
      auto due = store->claimDue(claimAt, kBatch,
                                 claimAt + static_cast<int64_t>(kBatch) * options_.attemptTimeoutMs + 5000);
      for (auto& d : due) {
        {
          std::lock_guard lock(mutex_);
          if (stopping_) return;
        }
        Event e{d.eventId, d.roomId, d.eventType, d.dataJson, d.createdAt};
        std::string body = e.frame();
        const std::string& secret = d.secret.empty() ? options_.defaultSecret : d.secret;
        int64_t attemptAt = nowMs();
        std::string ts = std::to_string(attemptAt / 1000);
        std::vector<std::string> headers = {
            "Content-Type: application/json",
            "User-Agent: " + options_.userAgent,
            "X-Room-Event: " + d.eventType,
            "X-Room-Delivery: " + d.deliveryId,
            "X-Room-Timestamp: " + ts,
            "X-Room-Signature: " + hmacSha256Hex(secret, body),
            // Covers the timestamp too, so a receiver can refuse replays of an old, validly signed body.
            "X-Room-Signature-Timestamped: " + hmacSha256Hex(secret, ts + "." + body),
        };
        auto result = http.post(d.url, headers, body, options_.attemptTimeoutMs);
        int attempts = d.attempts + 1;
        std::string state = "pending";
        int64_t next = attemptAt;
        std::string error = result.error;
        if (result.status >= 200 && result.status < 300) {
          state = "delivered";
          delivered_.Increment();
        } else {
          failedAttempts_.Increment();
          if (error.empty()) error = "HTTP " + std::to_string(result.status);
          next = attemptAt + backoffMs(attempts, options_.backoffBaseMs, options_.backoffMaxMs);
          if (next - d.createdAt > options_.retryWindowMs) {
            state = "failed";
            abandoned_.Increment();
          }
        }
        store->recordAttempt(d.deliveryId, attemptAt, result.status, error, result.elapsedMs, state, next);
        log::info("webhook_attempt", {{"delivery", d.deliveryId},
                                      {"webhook", d.webhookId},
                                      {"event", d.eventType},
                                      {"status", result.status},
                                      {"state", state},
                                      {"attempt", attempts},
                                      {"error", error}});
      }
      int64_t waitMs = 60000;
      if (due.size() == kBatch) {
        waitMs = 0;
      } else if (auto nextAt = store->nextDueAt()) {
        waitMs = std::clamp<int64_t>(*nextAt - nowMs(), 0, 60000);
      }
      std::unique_lock lock(mutex_);
      cv_.wait_for(lock, std::chrono::milliseconds(waitMs), [this] { return woken_ || stopping_; });
      if (stopping_) return;
      woken_ = false;
    } catch (const std::exception& ex) {
      log::error("webhook_outbox_error", {{"error", ex.what()}});
      db.reset();
      store.reset();
      std::unique_lock lock(mutex_);
      cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
      if (stopping_) return;
    }
  }
}

}  // namespace rooms
