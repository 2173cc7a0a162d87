#pragma once
// Owns the live rooms and every change to them. Each change is one database transaction that also appends
// the events it causes, so an acknowledged change and its events are durable together; events reach
// subscribers after the commit. Runs on the control-plane thread only.
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "cluster/RoomOwnership.h"
#include "cluster/SoleOwnership.h"
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

// A change asked of a room that another node of the cluster holds (the API forwards such requests to the
// owner first, so this is a race with a move of the room): the caller answers 503 and the client retries.
class RoomHeldElsewhere : public std::runtime_error {
 public:
  explicit RoomHeldElsewhere(const std::string& roomId)
      : std::runtime_error("room " + roomId + " is held by another node of the cluster") {}
};

struct RoomManagerOptions {
  int64_t noShowGraceMs = 3600 * 1000;
  // Which rooms this node holds (cluster mode, docs/cluster.md); null: a lone node holds every room.
  cluster::RoomOwnership* ownership = nullptr;
};

class RoomManager : public PresenceSink, public RoomDirectory {
 public:
  RoomManager(Database& db, RoomStore& store, EventSink& events, MetricsRegistry& metrics,
              RoomManagerOptions options);

  // Loads rooms that were open at the last stop. Presence that was open then is closed at the last
  // heartbeat (when the process was last known alive) and reported as participant-left. In a cluster, only
  // the open rooms no live node holds are taken (takeOverOrphans).
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

  // Once a second: ends rooms past maxDuration or never joined, and records the heartbeat. In a cluster,
  // also renews this node's room leases (a room whose lease was lost is dropped: another node holds it) and
  // every few seconds takes over open rooms that no node holds.
  void tick(int64_t now);
  // Cluster mode: takes every open room of the store that no node holds (its owner died). The presence that
  // was open there stays open (RoomObserver::onRoomTakenOver). Returns how many were taken.
  size_t takeOverOrphans(int64_t now);
  // A draining node takes no new rooms, orphans included (the API sends creates elsewhere).
  void setTakingOrphans(bool taking) { takingOrphans_ = taking; }
  // Whether this node holds the room's live state (always, on a lone node).
  bool holds(const std::string& roomId) const override { return rooms_.count(roomId) > 0; }
  const std::string& nodeId() const { return ownership_->nodeId(); }

  // Counts a create request refused for bad input, for the rooms created/failed metric.
  void recordCreateFailure() { createFailed_.Increment(); }

  size_t activeRooms() const;
  size_t openRooms() const { return rooms_.size(); }
  size_t connectedParticipants() const;
  // Cluster mode, on a clean stop: gives up every room's lease so another node takes the rooms at once.
  void releaseAll();
  void addObserver(RoomObserver* o) { observers_.push_back(o); }

 private:
  std::shared_ptr<Room> load(const std::string& roomId);
  // load() for a change: throws RoomHeldElsewhere when another node holds the open room.
  std::shared_ptr<Room> loadHeld(const std::string& roomId);
  std::shared_ptr<Room> restore(const RoomRecord& rec);
  // Holds a room taken over from a dead node and tells the observers (signaling waits for its pages).
  void adopt(const std::shared_ptr<Room>& room);
  void renewLeases(int64_t now);
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
  cluster::SoleOwnership sole_;
  cluster::RoomOwnership* ownership_;
  int64_t lastRenewedAt_ = 0;
  int64_t lastOrphanScan_ = 0;
  bool takingOrphans_ = true;
  Counter& created_;
  Counter& createFailed_;
  Counter& ended_;
  Counter& takenOver_;
  Counter& leasesLost_;
  Gauge& activeGauge_;
  Gauge& openGauge_;
  // Open rooms (not ended) live here; ended rooms are read from the store on demand, with a small cache.
  std::unordered_map<std::string, std::shared_ptr<Room>> rooms_;
  std::unordered_map<std::string, std::shared_ptr<Room>> endedCache_;
  std::vector<RoomObserver*> observers_;
  int64_t lastHeartbeat_ = 0;
};

}  // namespace rooms
