#pragma once
// How the room model emits events without knowing who listens. append() runs inside the caller's open
// database transaction, so the event and its webhook deliveries commit (or roll back) with the state change
// that caused them; publish() runs after the commit and reaches live subscribers and the webhook worker.
#include <nlohmann/json.hpp>
#include <string>

#include "events/Event.h"

namespace rooms {

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual Event append(const std::string& roomId, const std::string& type,
                       const nlohmann::ordered_json& data) = 0;
  virtual void publish(const Event& event) = 0;
};

}  // namespace rooms
