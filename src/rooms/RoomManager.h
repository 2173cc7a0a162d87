#pragma once
// Owns the live rooms and every change to them. Each change is one database transaction that also appends
// the events it causes, so an acknowledged change and its events are durable together; events reach
// subscribers after the commit. Runs on the control-plane thread only.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/Metrics.h"
#include "events/EventSink.h"
#include "rooms/PresenceSink.h"
#include "rooms/Room.h"
#include "rooms/RoomDirectory.h"
#include "rooms/RoomObserver.h"
#include "store/Database.h"
#include "store/RoomStore.h"

namespace rooms {

enum class RoomError { None, NotFound, Conflict, Ended, Invalid };

struct RoomManagerOptions {
  int64_t noShowGraceMs = 3600 * 1000;
};

class RoomManager : public PresenceSink, public RoomDirectory {
 public:
  RoomManager(Database& db, RoomStore& store, EventSink& events, MetricsRegistry& metrics,
              RoomManagerOptions options);

  // Loads rooms that were open at the last stop. Presence that was open then is closed at the last
  // heartbeat (when the process was last known alive) and reported as participant-left.
  void recover(int64_t now);

  struct CreateResult {
    std::shared_ptr<Room> room;
    bool created = false;
    RoomError error = RoomError::None;
  };
  // Same roomId and same request: returns the existing room (created=false). Different request: Conflict.
  CreateResult create(Room draft);

  std::shared_ptr<const Room> find(const std::string& roomId) override;

  struct Result {
    std::shared_ptr<const Room> room;
    RoomError error = RoomError::None;
    std::string message;
  };
  Result prewarm(const std::string& roomId, std::optional<int64_t> scheduledStartMs);
  // Ending an ended room returns it unchanged (callers report the first end).
  Result end(const std::string& roomId, const std::string& reason, const std::string& requestedBy);
  Result patchConfig(const std::string& roomId, const nlohmann::json& patch);

  // The main app takes a coach or client out of the room: an open stay ends with reason "removed" and,
  // unless allowRejoin, the seat stays closed to every token until readmit(). Removing again updates the
  // reason. wasConnected says whether a stay was open.
  struct RemoveResult : Result {
    bool wasConnected = false;
  };
  RemoveResult removeParticipant(const std::string& roomId, const std::string& role,
                                 const std::string& reason, bool allowRejoin);
  Result readmitParticipant(const std::string& roomId, const std::string& role);

  // GET /api/rooms: rooms in the given stored states, newest created first, from after the cursor.
  struct ListQuery {
    std::vector<RoomState> states;  // empty: all
    size_t limit = 50;
    std::optional<RoomListCursor> after;
  };
  struct ListPage {
    std::vector<std::shared_ptr<const Room>> rooms;
    std::optional<RoomListCursor> next;
  };
  ListPage list(const ListQuery& query);

  PresenceResult participantConnected(const std::string& roomId, const std::string& role,
                                      const std::string& connectionId) override;
  PresenceResult participantDisconnected(const std::string& roomId, const std::string& role,
                                         const std::string& connectionId, const std::string& reason,
                                         int64_t atMs = 0) override;

  // Stores a transcript segment (talk time, and text when recognised) with its `transcript` event in one
  // transaction, and updates the orb's participationPercentage. Returns the segment id (0: no such room).
  int64_t recordTranscript(TranscriptSegmentRecord segment);
  // Stores the session summary with its summary-ready event in one transaction.
  bool recordSummary(const std::string& roomId, const std::string& summaryJson, int64_t generatedAt);

  // Once a second: ends rooms past maxDuration or never joined, and records the heartbeat.
  void tick(int64_t now);

  // Counts a create request refused for bad input, for the rooms created/failed metric.
  void recordCreateFailure() { createFailed_.Increment(); }

  size_t activeRooms() const;
  size_t openRooms() const { return rooms_.size(); }
  void addObserver(RoomObserver* o) { observers_.push_back(o); }

 private:
  std::shared_ptr<Room> load(const std::string& roomId);
  void endRoom(const std::shared_ptr<Room>& room, const std::string& reason, const std::string& requestedBy,
               const std::string& detail);
  void endLocked(Room& room, const std::string& reason, const std::string& requestedBy,
                 const std::string& detail, std::vector<Event>& out);
  void closeSeat(Room& room, Participant& p, int64_t at, const std::string& reason, std::vector<Event>& out);
  void publishAll(const std::vector<Event>& events);
  void refreshGauges();

  Database& db_;
  RoomStore& store_;
  EventSink& events_;
  RoomManagerOptions options_;
  Counter& created_;
  Counter& createFailed_;
  Counter& ended_;
  Gauge& activeGauge_;
  Gauge& openGauge_;
  // Open rooms (not ended) live here; ended rooms are read from the store on demand, with a small cache.
  std::unordered_map<std::string, std::shared_ptr<Room>> rooms_;
  std::unordered_map<std::string, std::shared_ptr<Room>> endedCache_;
  std::vector<RoomObserver*> observers_;
  int64_t lastHeartbeat_ = 0;
};

}  // namespace rooms
