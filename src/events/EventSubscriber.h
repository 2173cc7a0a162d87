#pragma once
#include <string>

#include "events/Event.h"

namespace rooms {

// Something that receives a room's events live (an events WebSocket session).
class EventSubscriber {
 public:
  virtual ~EventSubscriber() = default;
  virtual void onEvent(const Event& event, const std::string& frame) = 0;
  // The service is shutting down; close with this reason.
  virtual void onShutdown(const std::string& reason) = 0;
};

}  // namespace rooms
