#include "rooms/Participant.h"

#include <algorithm>

namespace rooms {

std::optional<int64_t> Participant::joinedAt() const {
  if (intervals_.empty()) return std::nullopt;
  return intervals_.front().joinedAt;
}

std::optional<int64_t> Participant::leftAt() const {
  if (intervals_.empty() || connected()) return std::nullopt;
  return intervals_.back().leftAt;
}

int64_t Participant::totalMs(int64_t until) const {
  int64_t total = 0;
  for (const auto& i : intervals_) {
    int64_t end = i.leftAt.value_or(until);
    total += std::max<int64_t>(0, end - i.joinedAt);
  }
  return total;
}

bool Participant::addConnection(const std::string& connectionId) {
  bool wasEmpty = connections_.empty();
  connections_.insert(connectionId);
  return wasEmpty;
}

bool Participant::removeConnection(const std::string& connectionId) {
  if (connections_.erase(connectionId) == 0) return false;
  return connections_.empty();
}

std::optional<PresenceInterval> Participant::closeInterval(int64_t at) {
  if (intervals_.empty() || intervals_.back().leftAt) return std::nullopt;
  intervals_.back().leftAt = std::max(at, intervals_.back().joinedAt);
  return intervals_.back();
}

}  // namespace rooms
