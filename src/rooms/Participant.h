#pragma once
// One seat of a room (coach, client or the AI Orb) and its presence over time. A seat is "connected" while
// at least one of its connections is open; each connected span is one interval, and total duration sums
// every interval, so leaving and coming back counts both stays.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace rooms {

// The main app removed this seat and has not readmitted it: its joins are refused with the reason.
struct SeatRemoval {
  int64_t at = 0;
  std::string reason;
};

struct PresenceInterval {
  int64_t storeId = 0;
  int64_t joinedAt = 0;
  std::optional<int64_t> leftAt;
};

class Participant {
 public:
  Participant() = default;
  Participant(std::string role, std::string id) : role_(std::move(role)), id_(std::move(id)) {}

  const std::string& role() const { return role_; }
  const std::string& id() const { return id_; }
  bool connected() const { return !connections_.empty(); }
  const std::vector<PresenceInterval>& intervals() const { return intervals_; }

  std::optional<int64_t> joinedAt() const;  // first join
  std::optional<int64_t> leftAt() const;    // last leave, nullopt while connected
  // Milliseconds present, counting an open interval up to `until`.
  int64_t totalMs(int64_t until) const;

  // Returns true when this connection opened a new interval (the seat was empty).
  bool addConnection(const std::string& connectionId);
  // Returns true when the seat became empty (the open interval must close).
  bool removeConnection(const std::string& connectionId);
  bool hasConnection(const std::string& connectionId) const { return connections_.count(connectionId) > 0; }
  std::set<std::string> connectionIds() const { return connections_; }

  void openInterval(int64_t storeId, int64_t at) { intervals_.push_back({storeId, at, std::nullopt}); }
  // Closes the open interval; returns it.
  std::optional<PresenceInterval> closeInterval(int64_t at);
  void restoreInterval(const PresenceInterval& i) { intervals_.push_back(i); }
  void dropConnections() { connections_.clear(); }

  const std::optional<SeatRemoval>& removal() const { return removal_; }
  void setRemoval(std::optional<SeatRemoval> r) { removal_ = std::move(r); }

 private:
  std::string role_;
  std::string id_;
  std::set<std::string> connections_;
  std::vector<PresenceInterval> intervals_;
  std::optional<SeatRemoval> removal_;
};

}  // namespace rooms
