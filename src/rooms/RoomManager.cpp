#include "rooms/RoomManager.h"

#include <cmath>

#include "core/Clock.h"
#include "core/Log.h"

namespace rooms {
namespace {
constexpr size_t kEndedCacheSize = 1024;
constexpr int64_t kHeartbeatEveryMs = 5000;
// How often a cluster node looks for open rooms whose owner died. Together with the lease (6 s) this bounds
// how long a dead node's room goes unheld.
constexpr int64_t kOrphanScanEveryMs = 2000;
// A node that cannot renew its leases drops its rooms after this long: 2 s before the leases (6 s) can
// expire, a margin for the renewal's round trip and for the two clocks' rates.
constexpr int64_t kStopWithoutRenewalMs = 4000;

bool isHuman(const std::string& role) {
  return role == "coach" || role == "client";
}
}  // namespace

RoomManager::RoomManager(Database& db, RoomStore& store, EventSink& events, MetricsRegistry& metrics,
                         RoomManagerOptions options)
    : db_(db),
      store_(store),
      events_(events),
      options_(options),
      sole_("local"),
      ownership_(options.ownership != nullptr ? options.ownership : &sole_),
      created_(metrics.counter("rooms_created_total", "Rooms created")),
      createFailed_(
          metrics.counter("rooms_create_failed_total", "Room creations refused (invalid or conflicting)")),
      ended_(metrics.counter("rooms_ended_total", "Rooms ended")),
      takenOver_(
          metrics.counter("rooms_cluster_takeovers_total",
                          "Open rooms this node took over because no node held them (their owner died)")),
      leasesLost_(metrics.counter("rooms_cluster_leases_lost_total",
                                  "Rooms this node dropped because it lost their lease to another node")),
      activeGauge_(metrics.gauge("rooms_active", "Rooms with a session in progress")),
      openGauge_(metrics.gauge("rooms_open", "Rooms not yet ended (waiting, ready or active)")) {}

void RoomManager::refreshGauges() {
  activeGauge_.Set(static_cast<double>(activeRooms()));
  openGauge_.Set(static_cast<double>(rooms_.size()));
}

size_t RoomManager::activeRooms() const {
  size_t n = 0;
  for (const auto& [id, r] : rooms_) {
    n += r->state() == RoomState::Active ? 1 : 0;
  }
  return n;
}

size_t RoomManager::connectedParticipants() const {
  size_t n = 0;
  for (const auto& [id, r] : rooms_) {
    n += static_cast<size_t>(r->connectedCount());
  }
  return n;
}

void RoomManager::releaseAll() {
  for (const auto& [id, room] : rooms_) {
    ownership_->release(id);
  }
}

void RoomManager::publishAll(const std::vector<Event>& events) {
  for (const auto& e : events) {
    events_.publish(e);
  }
}

void RoomManager::recover(int64_t now) {
  if (ownership_->clustered()) {
    // Other nodes' presence is theirs: only rooms nobody holds are taken, one by one.
    const size_t taken = takeOverOrphans(now);
    lastHeartbeat_ = now;
    lastRenewedAt_ = now;
    log::info("rooms_recovered", {{"openRooms", rooms_.size()}, {"takenOver", taken}, {"node", nodeId()}});
    return;
  }
  auto hb = store_.getMeta("heartbeat_ms");
  int64_t lastAlive = hb ? std::stoll(*hb) : now;
  std::vector<Event> out;
  {
    auto tx = db_.transaction();
    auto closed = store_.closeAllOpenIntervals(lastAlive, "server_restart");
    for (const auto& iv : closed) {
      int64_t leftAt = std::max(lastAlive, iv.joinedAt);
      nlohmann::ordered_json data = {{"roomId", iv.roomId},
                                     {"participantId", iv.participantId},
                                     {"participantType", iv.role},
                                     {"timestamp", formatIso8601(leftAt)},
                                     {"duration", (leftAt - iv.joinedAt) / 1000},
                                     {"reason", "server_restart"}};
      out.push_back(events_.append(iv.roomId, "participant-left", data));
    }
    store_.setMeta("heartbeat_ms", std::to_string(now));
    tx.commit();
  }
  for (const auto& rec : store_.openRooms()) {
    rooms_[rec.roomId] = restore(rec);  // every stay was closed above
  }
  lastHeartbeat_ = now;
  publishAll(out);
  refreshGauges();
  log::info("rooms_recovered", {{"openRooms", rooms_.size()}, {"presenceClosed", out.size()}});
}

std::shared_ptr<Room> RoomManager::restore(const RoomRecord& rec) {
  auto room = std::make_shared<Room>(Room::fromRecord(rec));
  for (const auto& iv : store_.intervals(rec.roomId)) {
    if (auto* seat = room->seat(iv.role)) {
      seat->restoreInterval({iv.id, iv.joinedAt, iv.leftAt});
      if (!iv.leftAt) {
        // The stay that is open (on another node, or on the one that died) is known by its connection id,
        // so whoever ends it later closes that interval.
        seat->addConnection(iv.connectionId);
      }
    }
  }
  return room;
}

std::shared_ptr<Room> RoomManager::load(const std::string& roomId) {
  if (auto it = rooms_.find(roomId); it != rooms_.end()) {
    return it->second;
  }
  if (auto it = endedCache_.find(roomId); it != endedCache_.end()) {
    return it->second;
  }
  auto rec = store_.findRoom(roomId);
  if (!rec) {
    return nullptr;
  }
  auto room = restore(*rec);
  if (room->state() != RoomState::Ended && ownership_->clustered()) {
    // An open room this node does not hold: a snapshot when another node holds it; taken over when nobody
    // does (its owner died and the orphan scan has not come round yet).
    // A draining node takes none (it is about to go away): the snapshot, until a node that takes rooms does.
    if (!takingOrphans_ || !ownership_->acquire(roomId)) {
      return room;
    }
    adopt(room);
    refreshGauges();
    return room;
  }
  if (room->state() != RoomState::Ended) {
    rooms_[roomId] = room;  // only reachable if the map and the store disagree; trust the store
  } else {
    if (endedCache_.size() >= kEndedCacheSize) {
      endedCache_.clear();
    }
    endedCache_[roomId] = room;
  }
  return room;
}

std::shared_ptr<const Room> RoomManager::find(const std::string& roomId) {
  return load(roomId);
}

std::shared_ptr<Room> RoomManager::loadHeld(const std::string& roomId) {
  auto room = load(roomId);
  if (room && room->state() != RoomState::Ended && !holds(roomId)) {
    throw RoomHeldElsewhere(roomId);
  }
  return room;
}

void RoomManager::adopt(const std::shared_ptr<Room>& room) {
  // The presence that was open on the dead node stays open: its pages reconnect here (any node relays them
  // to this one) and come back as reconnections; signaling closes a stay whose page does not come back
  // within the reconnect grace. Closing them here would tell the main app that both people left.
  rooms_[room->id()] = room;
  takenOver_.Increment();
  log::info("room_taken_over", {{"roomId", room->id()},
                                {"node", nodeId()},
                                {"openStays", room->connectedCount()},
                                {"state", std::string(toString(room->state()))}});
  for (auto* o : observers_) {
    o->onRoomTakenOver(*room);
  }
}

size_t RoomManager::takeOverOrphans(int64_t now) {
  lastOrphanScan_ = now;
  std::unordered_map<std::string, RoomRecord> candidates;
  std::vector<std::string> ids;
  for (auto& rec : store_.openRooms()) {
    if (!holds(rec.roomId)) {
      ids.push_back(rec.roomId);
      candidates.emplace(rec.roomId, std::move(rec));
    }
  }
  // One look at every lease first: trying to take each room other nodes hold would cost two round trips per
  // room every scan, stalling this thread's requests.
  std::vector<std::string> orphans;
  try {
    orphans = ownership_->unheld(ids);
  } catch (const std::exception& e) {
    log::warn("cluster_orphan_scan_failed", {{"error", e.what()}});
    return 0;
  }
  size_t taken = 0;
  for (const auto& id : orphans) {
    if (!ownership_->acquire(id)) {
      continue;  // another node was quicker
    }
    adopt(restore(candidates.at(id)));
    ++taken;
  }
  if (taken > 0) {
    refreshGauges();
  }
  return taken;
}

void RoomManager::renewLeases(int64_t now) {
  std::vector<std::string> held;
  held.reserve(rooms_.size());
  for (const auto& [id, room] : rooms_) {
    held.push_back(id);
  }
  std::vector<std::string> lost;
  try {
    lost = ownership_->renew(held);
    lastRenewedAt_ = now;
  } catch (const std::exception& e) {
    log::warn("cluster_lease_renewal_failed", {{"error", e.what()}, {"rooms", held.size()}});
    // Stop acting on the rooms well before their leases can run out (6 s after the last renewal) and another
    // node take them: two owners committing for one room at once could commit its event ids out of order.
    if (now - lastRenewedAt_ < kStopWithoutRenewalMs) {
      return;
    }
    lost = held;
  }
  for (const auto& id : lost) {
    rooms_.erase(id);
    leasesLost_.Increment();
    log::warn("room_lease_lost", {{"roomId", id}, {"node", nodeId()}});
  }
  if (!lost.empty()) {
    refreshGauges();
  }
}

RoomManager::CreateResult RoomManager::create(Room draft) {
  if (auto existing = load(draft.id())) {
    if (existing->requestJson() == draft.requestJson()) {
      return {existing, false, RoomError::None};
    }
    createFailed_.Increment();
    return {existing, false, RoomError::Conflict};
  }
  // The lease first: a node scanning for orphans must never see the new row without an owner.
  if (!ownership_->acquire(draft.id())) {
    throw RoomHeldElsewhere(draft.id());
  }
  {
    auto tx = db_.transaction();
    store_.insertRoom(draft.toRecord());
    tx.commit();
  }
  auto room = std::make_shared<Room>(std::move(draft));
  rooms_[room->id()] = room;
  created_.Increment();
  refreshGauges();
  log::info("room_created", {{"roomId", room->id()}, {"sessionId", room->sessionId()}});
  return {room, true, RoomError::None};
}

RoomManager::Result RoomManager::prewarm(const std::string& roomId, std::optional<int64_t> scheduledStartMs) {
  auto room = loadHeld(roomId);
  if (!room) {
    return {nullptr, RoomError::NotFound, "room not found"};
  }
  if (room->state() == RoomState::Ended) {
    return {room, RoomError::Ended, "room has ended"};
  }
  Room next = *room;
  bool changed = false;
  if (scheduledStartMs && *scheduledStartMs != next.config().scheduledStartMs) {
    next.mutableConfig().scheduledStartMs = *scheduledStartMs;
    changed = true;
  }
  if (next.state() == RoomState::Waiting) {
    next.transition(RoomState::Ready);
    next.markPrewarmed(nowMs());
    changed = true;
  }
  if (changed) {
    auto tx = db_.transaction();
    store_.updateRoom(next.toRecord());
    tx.commit();
    *room = std::move(next);
  }
  return {room, RoomError::None, ""};
}

void RoomManager::closeSeat(Room& room, Participant& p, int64_t at, const std::string& reason,
                            std::vector<Event>& out) {
  p.dropConnections();
  auto iv = p.closeInterval(at);
  if (!iv) {
    return;
  }
  store_.closeInterval(iv->storeId, *iv->leftAt, reason);
  nlohmann::ordered_json data = {{"roomId", room.id()},
                                 {"participantId", p.id()},
                                 {"participantType", p.role()},
                                 {"timestamp", formatIso8601(*iv->leftAt)},
                                 {"duration", (*iv->leftAt - iv->joinedAt) / 1000},
                                 {"reason", reason}};
  out.push_back(events_.append(room.id(), "participant-left", data));
}

void RoomManager::endLocked(Room& room, const std::string& reason, const std::string& requestedBy,
                            const std::string& detail, std::vector<Event>& out) {
  int64_t now = nowMs();
  for (auto* p : {&room.coach(), &room.client(), &room.aiOrb()}) {
    if (p->connected()) {
      closeSeat(room, *p, now, "room_ended", out);
    }
  }
  room.transition(RoomState::Ended);
  room.markEnded(now, reason, requestedBy);
  store_.updateRoom(room.toRecord());
  nlohmann::ordered_json data = {{"roomId", room.id()},        {"timestamp", formatIso8601(now)},
                                 {"reason", reason},           {"summaryReady", false},
                                 {"requestedBy", requestedBy}, {"finalDuration", room.finalDuration()}};
  if (!detail.empty()) {
    data["detail"] = detail;
  }
  out.push_back(events_.append(room.id(), "room-ended", data));
}

RoomManager::Result RoomManager::end(const std::string& roomId, const std::string& reason,
                                     const std::string& requestedBy) {
  auto room = loadHeld(roomId);
  if (!room) {
    return {nullptr, RoomError::NotFound, "room not found"};
  }
  if (room->state() != RoomState::Ended) {
    endRoom(room, reason, requestedBy, "");
  }
  return {room, RoomError::None, ""};
}

void RoomManager::endRoom(const std::shared_ptr<Room>& room, const std::string& reason,
                          const std::string& requestedBy, const std::string& detail) {
  Room next = *room;
  std::vector<Event> out;
  {
    auto tx = db_.transaction();
    endLocked(next, reason, requestedBy, detail, out);
    tx.commit();
  }
  *room = std::move(next);
  rooms_.erase(room->id());
  ownership_->release(room->id());
  if (endedCache_.size() >= kEndedCacheSize) {
    endedCache_.clear();
  }
  endedCache_[room->id()] = room;
  ended_.Increment();
  refreshGauges();
  log::info("room_ended", {{"roomId", room->id()}, {"reason", reason}, {"detail", detail}});
  publishAll(out);
  for (auto* o : observers_) {
    o->onRoomEnded(*room);
  }
}

RoomManager::Result RoomManager::patchConfig(const std::string& roomId, const nlohmann::json& patch) {
  auto room = loadHeld(roomId);
  if (!room) {
    return {nullptr, RoomError::NotFound, "room not found"};
  }
  if (room->state() == RoomState::Ended) {
    return {room, RoomError::Ended, "room has ended"};
  }
  Room next = *room;
  try {
    next.mutableConfig().applyPatch(patch);
  } catch (const ValidationError& e) {
    return {room, RoomError::Invalid, e.what()};
  }
  {
    auto tx = db_.transaction();
    store_.updateRoom(next.toRecord());
    tx.commit();
  }
  *room = std::move(next);
  for (auto* o : observers_) {
    o->onRoomConfigChanged(*room);
  }
  return {room, RoomError::None, ""};
}

RoomManager::RemoveResult RoomManager::removeParticipant(const std::string& roomId, const std::string& role,
                                                         const std::string& reason, bool allowRejoin) {
  RemoveResult r;
  auto room = loadHeld(roomId);
  if (!room) {
    r.error = RoomError::NotFound;
    r.message = "room not found";
    return r;
  }
  r.room = room;
  if (room->state() == RoomState::Ended) {
    r.error = RoomError::Ended;
    r.message = "room has ended";
    return r;
  }
  if (!isHuman(role)) {
    r.error = RoomError::Invalid;
    r.message = "only the coach or the client can be removed";
    return r;
  }
  Room next = *room;
  Participant& p = *next.seat(role);
  r.wasConnected = p.connected();
  const int64_t now = nowMs();
  std::vector<Event> out;
  {
    auto tx = db_.transaction();
    if (r.wasConnected) {
      closeSeat(next, p, now, "removed", out);
    }
    p.setRemoval(allowRejoin ? std::nullopt : std::optional<SeatRemoval>(SeatRemoval{now, reason}));
    store_.updateRoom(next.toRecord());
    out.push_back(events_.append(roomId, "participant-removed",
                                 {{"roomId", roomId},
                                  {"participantId", p.id()},
                                  {"participantType", role},
                                  {"reason", reason},
                                  {"allowRejoin", allowRejoin},
                                  {"timestamp", formatIso8601(now)}}));
    tx.commit();
  }
  *room = std::move(next);
  refreshGauges();
  log::info(
      "participant_removed",
      {{"roomId", roomId}, {"role", role}, {"allowRejoin", allowRejoin}, {"wasConnected", r.wasConnected}});
  publishAll(out);
  for (auto* o : observers_) {
    o->onParticipantRemoved(*room, role, reason, allowRejoin);
  }
  return r;
}

RoomManager::Result RoomManager::readmitParticipant(const std::string& roomId, const std::string& role) {
  auto room = loadHeld(roomId);
  if (!room) {
    return {nullptr, RoomError::NotFound, "room not found"};
  }
  if (room->state() == RoomState::Ended) {
    return {room, RoomError::Ended, "room has ended"};
  }
  if (!isHuman(role)) {
    return {room, RoomError::Invalid, "only the coach or the client can be readmitted"};
  }
  if (!room->seat(role)->removal()) {
    return {room, RoomError::None, ""};  // nothing to lift
  }
  Room next = *room;
  Participant& p = *next.seat(role);
  p.setRemoval(std::nullopt);
  const int64_t now = nowMs();
  std::vector<Event> out;
  {
    auto tx = db_.transaction();
    store_.updateRoom(next.toRecord());
    out.push_back(events_.append(roomId, "participant-readmitted",
                                 {{"roomId", roomId},
                                  {"participantId", p.id()},
                                  {"participantType", role},
                                  {"timestamp", formatIso8601(now)}}));
    tx.commit();
  }
  *room = std::move(next);
  log::info("participant_readmitted", {{"roomId", roomId}, {"role", role}});
  publishAll(out);
  return {room, RoomError::None, ""};
}

RoomManager::ListPage RoomManager::list(const ListQuery& query) {
  std::vector<std::string> states;
  for (auto s : query.states) {
    states.emplace_back(toString(s));
  }
  // One row more than asked tells whether another page follows.
  auto records = store_.listRooms(states, query.limit + 1, query.after);
  ListPage page;
  for (size_t i = 0; i < records.size() && i < query.limit; ++i) {
    const auto& rec = records[i];
    // Open rooms are answered from memory (live presence); ended ones from their row.
    if (auto it = rooms_.find(rec.roomId); it != rooms_.end()) {
      page.rooms.push_back(it->second);
    } else {
      page.rooms.push_back(std::make_shared<Room>(Room::fromRecord(rec)));
    }
  }
  if (records.size() > query.limit) {
    const auto& last = records[query.limit - 1];
    page.next = RoomListCursor{last.createdAt, last.roomId};
  }
  return page;
}

PresenceResult RoomManager::participantConnected(const std::string& roomId, const std::string& role,
                                                 const std::string& connectionId) {
  auto room = loadHeld(roomId);
  if (!room) {
    return PresenceResult::RoomNotFound;
  }
  if (room->state() == RoomState::Ended) {
    return PresenceResult::RoomEnded;
  }
  if (!room->seat(role)) {
    return PresenceResult::UnknownRole;
  }
  if (room->seat(role)->removal()) {
    return PresenceResult::Removed;
  }
  if (room->seat(role)->hasConnection(connectionId)) {
    return PresenceResult::Ok;
  }
  Room next = *room;
  Participant& p = *next.seat(role);
  std::vector<Event> out;
  bool starts = false;
  if (p.addConnection(connectionId)) {
    int64_t now = nowMs();
    auto tx = db_.transaction();
    starts = isHuman(role) && next.state() != RoomState::Active;
    if (starts) {
      next.transition(RoomState::Active);
      next.markStarted(now);
      store_.updateRoom(next.toRecord());
      out.push_back(
          events_.append(roomId, "room-started", {{"roomId", roomId}, {"timestamp", formatIso8601(now)}}));
    }
    p.openInterval(store_.openInterval(roomId, role, p.id(), connectionId, now), now);
    out.push_back(events_.append(roomId, "participant-joined",
                                 {{"roomId", roomId},
                                  {"participantId", p.id()},
                                  {"participantType", role},
                                  {"timestamp", formatIso8601(now)}}));
    tx.commit();
  }
  *room = std::move(next);
  refreshGauges();
  publishAll(out);
  if (starts) {
    for (auto* o : observers_) {
      o->onRoomStarted(*room);
    }
  }
  return PresenceResult::Ok;
}

int64_t RoomManager::recordTranscript(TranscriptSegmentRecord segment) {
  auto room = load(segment.roomId);
  if (!room) {
    return 0;
  }
  std::vector<Event> out;
  {
    auto tx = db_.transaction();
    segment.id = store_.appendSegment(segment);
    // Speech with no recognised text is talk time only: stored, but not an event.
    if (!segment.text.empty()) {
      out.push_back(events_.append(segment.roomId, "transcript",
                                   {{"roomId", segment.roomId},
                                    {"participantId", segment.participantId},
                                    {"participantType", segment.role},
                                    {"name", segment.name},
                                    {"text", segment.text},
                                    {"startTime", formatIso8601(segment.startMs)},
                                    {"endTime", formatIso8601(segment.endMs)},
                                    {"confidence", std::round(segment.confidence * 1000) / 1000},
                                    {"timestamp", formatIso8601(nowMs())}}));
    }
    tx.commit();
  }
  if (room->state() != RoomState::Ended) {
    const auto talk = store_.talkTimeByRole(segment.roomId);
    int64_t total = 0;
    int64_t orb = 0;
    for (const auto& [role, ms] : talk) {
      total += ms;
      if (role == "aiOrb") {
        orb = ms;
      }
    }
    room->setParticipationPercentage(total > 0 ? static_cast<int>(std::lround(100.0 * orb / total)) : 0);
  }
  publishAll(out);
  return segment.id;
}

bool RoomManager::recordSummary(const std::string& roomId, const std::string& summaryJson,
                                int64_t generatedAt) {
  auto room = loadHeld(roomId);
  if (!room) {
    return false;
  }
  std::vector<Event> out;
  {
    auto tx = db_.transaction();
    store_.saveSummary(roomId, summaryJson, generatedAt);
    out.push_back(events_.append(roomId, "summary-ready",
                                 {{"roomId", roomId}, {"timestamp", formatIso8601(generatedAt)}}));
    tx.commit();
  }
  publishAll(out);
  return true;
}

PresenceResult RoomManager::participantDisconnected(const std::string& roomId, const std::string& role,
                                                    const std::string& connectionId,
                                                    const std::string& reason, int64_t atMs) {
  auto room = loadHeld(roomId);
  if (!room) {
    return PresenceResult::RoomNotFound;
  }
  if (!room->seat(role)) {
    return PresenceResult::UnknownRole;
  }
  if (!room->seat(role)->hasConnection(connectionId)) {
    return PresenceResult::UnknownConnection;
  }
  Room next = *room;
  Participant& p = *next.seat(role);
  std::vector<Event> out;
  if (p.removeConnection(connectionId)) {
    auto tx = db_.transaction();
    closeSeat(next, p, atMs > 0 ? std::min(atMs, nowMs()) : nowMs(), reason, out);
    tx.commit();
  }
  *room = std::move(next);
  publishAll(out);
  return PresenceResult::Ok;
}

void RoomManager::tick(int64_t now) {
  if (ownership_->clustered()) {
    renewLeases(now);
    if (takingOrphans_ && now - lastOrphanScan_ >= kOrphanScanEveryMs) {
      takeOverOrphans(now);
    }
  } else if (now - lastHeartbeat_ >= kHeartbeatEveryMs) {
    store_.setMeta("heartbeat_ms", std::to_string(now));
    lastHeartbeat_ = now;
  }
  std::vector<std::pair<std::string, std::string>> due;  // roomId, detail
  for (const auto& [id, room] : rooms_) {
    const auto& cfg = room->config();
    if (room->state() == RoomState::Active && room->startedAt() &&
        now >= *room->startedAt() + cfg.maxDurationSeconds * 1000) {
      due.emplace_back(id, "max_duration");
    } else if ((room->state() == RoomState::Waiting || room->state() == RoomState::Ready) &&
               now >= cfg.scheduledStartMs + options_.noShowGraceMs) {
      due.emplace_back(id, "no_show");
    }
  }
  for (const auto& [id, detail] : due) {
    if (auto room = loadHeld(id)) {
      endRoom(room, "timeout", "system", detail);
    }
  }
}

}  // namespace rooms
