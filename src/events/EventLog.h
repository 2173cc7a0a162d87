#pragma once
// The event log: stores every event (EventStore), queues its webhook deliveries (WebhookStore) in the same
// transaction, and fans committed events out to the room's live subscribers. Control-plane thread only.
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/Metrics.h"
#include "events/EventSink.h"
#include "events/EventSubscriber.h"
#include "store/EventStore.h"
#include "store/WebhookStore.h"

namespace rooms {

class EventLog : public EventSink {
 public:
  EventLog(EventStore& events, WebhookStore& webhooks, MetricsRegistry& metrics);

  Event append(const std::string& roomId, const std::string& type,
               const nlohmann::ordered_json& data) override;
  void publish(const Event& event) override;

  // Events of a room after afterId (for ?since= replays), oldest first.
  std::vector<Event> history(const std::string& roomId, int64_t afterId, size_t limit);

  void subscribe(const std::string& roomId, const std::shared_ptr<EventSubscriber>& s);
  void unsubscribe(const std::string& roomId, const EventSubscriber* s);
  size_t subscriberCount() const { return subscriberCount_; }
  // Tells every subscriber the service is going away.
  void shutdown(const std::string& reason);

  // Called after each commit that queued deliveries, to wake the webhook worker.
  void setDeliveryWakeup(std::function<void()> wake) { wake_ = std::move(wake); }
  // Re-reads the webhook registrations after they change.
  void reloadWebhooks();

  // Cluster mode: relay sees every event this node commits (to publish it to the other nodes), and
  // deliverRemote hands this node's subscribers an event another node committed (docs/cluster.md).
  void setRelay(std::function<void(const Event&)> relay) { relay_ = std::move(relay); }
  void deliverRemote(const Event& event);

 private:
  EventStore& events_;
  WebhookStore& webhooks_;
  Gauge& subscribersGauge_;
  Counter& eventsCounter_;
  std::vector<WebhookRecord> hooks_;
  std::vector<std::vector<std::string>> hookTypes_;
  std::unordered_map<std::string, std::vector<std::weak_ptr<EventSubscriber>>> subscribers_;
  size_t subscriberCount_ = 0;
  bool pendingDeliveries_ = false;
  std::function<void()> wake_;
  std::function<void(const Event&)> relay_;

  void fanOut(const Event& event);
};

}  // namespace rooms
