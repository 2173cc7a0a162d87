#include "events/EventLog.h"

#include <algorithm>

#include "core/Clock.h"
#include "core/Ids.h"
#include "core/Log.h"

namespace rooms {

EventLog::EventLog(EventStore& events, WebhookStore& webhooks, MetricsRegistry& metrics)
    : events_(events),
      webhooks_(webhooks),
      subscribersGauge_(metrics.gauge("rooms_event_subscribers", "Open events WebSocket subscriptions")),
      eventsCounter_(metrics.counter("rooms_events_total", "Events emitted")) {
  reloadWebhooks();
}

void EventLog::reloadWebhooks() {
  hooks_ = webhooks_.list();
  hookTypes_.clear();
  for (const auto& h : hooks_) {
    auto types = nlohmann::json::parse(h.eventsJson, nullptr, false);
    std::vector<std::string> list;
    if (types.is_array()) {
      for (const auto& t : types) {
        if (t.is_string()) {
          list.push_back(t.get<std::string>());
        }
      }
    }
    hookTypes_.push_back(std::move(list));
  }
}

Event EventLog::append(const std::string& roomId, const std::string& type,
                       const nlohmann::ordered_json& data) {
  Event e;
  e.roomId = roomId;
  e.type = type;
  e.dataJson = toJsCompatibleJson(data);
  e.createdAt = nowMs();
  e.id = events_.append(roomId, type, e.dataJson, e.createdAt);
  for (size_t i = 0; i < hooks_.size(); ++i) {
    const auto& types = hookTypes_[i];
    if (std::find(types.begin(), types.end(), type) == types.end()) {
      continue;
    }
    webhooks_.enqueue(randomId("dlv"), hooks_[i].id, e.id, e.createdAt);
    pendingDeliveries_ = true;
  }
  return e;
}

void EventLog::publish(const Event& event) {
  eventsCounter_.Increment();
  log::info("event", {{"roomId", event.roomId}, {"type", event.type}, {"eventId", event.id}});
  if (pendingDeliveries_ && wake_) {
    wake_();
  }
  pendingDeliveries_ = false;
  if (relay_) {
    relay_(event);
  }
  fanOut(event);
}

void EventLog::deliverRemote(const Event& event) {
  fanOut(event);
}

void EventLog::fanOut(const Event& event) {
  auto it = subscribers_.find(event.roomId);
  if (it == subscribers_.end()) {
    return;
  }
  std::string frame = event.frame();
  // Copy first: a subscriber may unsubscribe (close) from inside onEvent.
  auto list = it->second;
  for (auto& weak : list) {
    if (auto s = weak.lock()) {
      s->onEvent(event, frame);
    }
  }
}

std::vector<Event> EventLog::history(const std::string& roomId, int64_t afterId, size_t limit) {
  std::vector<Event> out;
  for (auto& r : events_.since(roomId, afterId, limit)) {
    out.push_back({r.id, r.roomId, r.type, r.dataJson, r.createdAt});
  }
  return out;
}

void EventLog::subscribe(const std::string& roomId, const std::shared_ptr<EventSubscriber>& s) {
  subscribers_[roomId].push_back(s);
  ++subscriberCount_;
  subscribersGauge_.Set(static_cast<double>(subscriberCount_));
}

void EventLog::unsubscribe(const std::string& roomId, const EventSubscriber* s) {
  auto it = subscribers_.find(roomId);
  if (it == subscribers_.end()) {
    return;
  }
  auto& list = it->second;
  auto before = list.size();
  list.erase(std::remove_if(list.begin(), list.end(),
                            [s](const std::weak_ptr<EventSubscriber>& w) {
                              auto p = w.lock();
                              return !p || p.get() == s;
                            }),
             list.end());
  subscriberCount_ -= std::min(subscriberCount_, before - list.size());
  if (list.empty()) {
    subscribers_.erase(it);
  }
  subscribersGauge_.Set(static_cast<double>(subscriberCount_));
}

void EventLog::shutdown(const std::string& reason) {
  auto all = subscribers_;
  for (auto& [room, list] : all) {
    for (auto& weak : list) {
      if (auto s = weak.lock()) {
        s->onShutdown(reason);
      }
    }
  }
}

}  // namespace rooms
