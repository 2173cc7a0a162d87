#include "store/RoomStore.h"

namespace rooms {
namespace {
constexpr const char* kRoomColumns =
    "room_id, session_id, state, request_json, config_json, participants_json, created_at, prewarmed_at, "
    "started_at, ended_at, end_reason, ended_by, final_duration";

IntervalRecord readInterval(Statement& st) {
  IntervalRecord r;
  r.id = st.getInt(0);
  r.roomId = st.getText(1);
  r.role = st.getText(2);
  r.participantId = st.getText(3);
  r.connectionId = st.getText(4);
  r.joinedAt = st.getInt(5);
  r.leftAt = st.getOptInt(6);
  r.leftReason = st.getText(7);
  return r;
}
constexpr const char* kIntervalColumns =
    "id, room_id, role, participant_id, connection_id, joined_at, left_at, COALESCE(left_reason, '')";
}  // namespace

RoomStore::RoomStore(Database& db)
    : db_(db),
      insertRoom_(db.prepare(std::string("INSERT INTO rooms (") + kRoomColumns +
                             ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")),
      updateRoom_(db.prepare("UPDATE rooms SET state=?2, config_json=?3, prewarmed_at=?4, started_at=?5, "
                             "ended_at=?6, end_reason=?7, "
                             "ended_by=?8, final_duration=?9, participants_json=?10 WHERE room_id=?1")),
      findRoom_(db.prepare(std::string("SELECT ") + kRoomColumns + " FROM rooms WHERE room_id=?")),
      openInterval_(db.prepare(
          "INSERT INTO connection_intervals (room_id, role, participant_id, connection_id, joined_at) "
          "VALUES (?,?,?,?,?) RETURNING id")),
      closeInterval_(db.prepare("UPDATE connection_intervals SET left_at=?2, left_reason=?3 WHERE id=?1")) {}

RoomRecord RoomStore::readRoom(Statement& st) {
  RoomRecord r;
  r.roomId = st.getText(0);
  r.sessionId = st.getText(1);
  r.state = st.getText(2);
  r.requestJson = st.getText(3);
  r.configJson = st.getText(4);
  r.participantsJson = st.getText(5);
  r.createdAt = st.getInt(6);
  r.prewarmedAt = st.getOptInt(7);
  r.startedAt = st.getOptInt(8);
  r.endedAt = st.getOptInt(9);
  r.endReason = st.getOptText(10);
  r.endedBy = st.getOptText(11);
  r.finalDuration = st.getOptInt(12);
  return r;
}

void RoomStore::insertRoom(const RoomRecord& r) {
  auto& st = insertRoom_;
  st.bind(1, r.roomId).bind(2, r.sessionId).bind(3, r.state).bind(4, r.requestJson).bind(5, r.configJson);
  st.bind(6, r.participantsJson).bind(7, r.createdAt).bind(8, r.prewarmedAt).bind(9, r.startedAt);
  st.bind(10, r.endedAt);
  if (r.endReason)
    st.bind(11, *r.endReason);
  else
    st.bindNull(11);
  if (r.endedBy)
    st.bind(12, *r.endedBy);
  else
    st.bindNull(12);
  st.bind(13, r.finalDuration);
  st.run();
}

void RoomStore::updateRoom(const RoomRecord& r) {
  auto& st = updateRoom_;
  st.bind(1, r.roomId).bind(2, r.state).bind(3, r.configJson).bind(4, r.prewarmedAt).bind(5, r.startedAt);
  st.bind(6, r.endedAt);
  if (r.endReason)
    st.bind(7, *r.endReason);
  else
    st.bindNull(7);
  if (r.endedBy)
    st.bind(8, *r.endedBy);
  else
    st.bindNull(8);
  st.bind(9, r.finalDuration);
  st.bind(10, r.participantsJson);
  st.run();
}

std::optional<RoomRecord> RoomStore::findRoom(const std::string& roomId) {
  findRoom_.bind(1, roomId);
  std::optional<RoomRecord> out;
  if (findRoom_.step()) out = readRoom(findRoom_);
  findRoom_.reset();
  return out;
}

std::vector<RoomRecord> RoomStore::openRooms() {
  auto st = db_.prepare(std::string("SELECT ") + kRoomColumns + " FROM rooms WHERE state <> 'ended'");
  std::vector<RoomRecord> out;
  while (st.step()) out.push_back(readRoom(st));
  return out;
}

std::vector<RoomRecord> RoomStore::listRooms(const std::vector<std::string>& states, size_t limit,
                                             const std::optional<RoomListCursor>& after) {
  // Keyset paging on (created_at, room_id), both descending, so a page is stable while rooms are created.
  std::string sql = std::string("SELECT ") + kRoomColumns + " FROM rooms WHERE 1=1";
  if (!states.empty()) {
    sql += " AND state IN (";
    for (size_t i = 0; i < states.size(); ++i) sql += i ? ",?" : "?";
    sql += ")";
  }
  if (after) sql += " AND (created_at < ? OR (created_at = ? AND room_id < ?))";
  sql += " ORDER BY created_at DESC, room_id DESC LIMIT ?";
  auto st = db_.prepare(sql);
  int i = 1;
  for (const auto& s : states) st.bind(i++, s);
  if (after) {
    st.bind(i++, after->createdAt);
    st.bind(i++, after->createdAt);
    st.bind(i++, after->roomId);
  }
  st.bind(i, static_cast<int64_t>(limit));
  std::vector<RoomRecord> out;
  while (st.step()) out.push_back(readRoom(st));
  return out;
}

int64_t RoomStore::openInterval(const std::string& roomId, const std::string& role,
                                const std::string& participantId, const std::string& connectionId,
                                int64_t joinedAt) {
  openInterval_.bind(1, roomId).bind(2, role).bind(3, participantId).bind(4, connectionId).bind(5, joinedAt);
  if (!openInterval_.step()) throw StoreError("interval insert returned no id");
  const int64_t id = openInterval_.getInt(0);
  openInterval_.reset();
  return id;
}

void RoomStore::closeInterval(int64_t id, int64_t leftAt, const std::string& reason) {
  closeInterval_.bind(1, id).bind(2, leftAt).bind(3, reason);
  closeInterval_.run();
}

std::vector<IntervalRecord> RoomStore::intervals(const std::string& roomId) {
  auto st = db_.prepare(std::string("SELECT ") + kIntervalColumns +
                        " FROM connection_intervals WHERE room_id=? ORDER BY joined_at, id");
  st.bind(1, roomId);
  std::vector<IntervalRecord> out;
  while (st.step()) out.push_back(readInterval(st));
  return out;
}

std::vector<IntervalRecord> RoomStore::closeAllOpenIntervals(int64_t leftAt, const std::string& reason) {
  auto st = db_.prepare(std::string("SELECT ") + kIntervalColumns +
                        " FROM connection_intervals WHERE left_at IS NULL ORDER BY id");
  std::vector<IntervalRecord> out;
  while (st.step()) out.push_back(readInterval(st));
  for (const auto& r : out) closeInterval(r.id, std::max(leftAt, r.joinedAt), reason);
  return out;
}

int64_t RoomStore::appendSegment(const TranscriptSegmentRecord& s) {
  auto st = db_.prepare(
      "INSERT INTO transcript_segments (room_id, participant_id, role, name, start_ms, end_ms, text, "
      "confidence, speech_ms) "
      "VALUES (?,?,?,?,?,?,?,?,?) RETURNING id");
  st.bind(1, s.roomId).bind(2, s.participantId).bind(3, s.role).bind(4, s.name).bind(5, s.startMs);
  st.bind(6, s.endMs).bind(7, s.text).bind(8, s.confidence).bind(9, s.speechMs);
  if (!st.step()) throw StoreError("segment insert returned no id");
  return st.getInt(0);
}

std::vector<TranscriptSegmentRecord> RoomStore::segments(const std::string& roomId) {
  auto st = db_.prepare(
      "SELECT id, room_id, participant_id, role, name, start_ms, end_ms, text, confidence, speech_ms FROM "
      "transcript_segments "
      "WHERE room_id=? ORDER BY start_ms, id");
  st.bind(1, roomId);
  std::vector<TranscriptSegmentRecord> out;
  while (st.step()) {
    TranscriptSegmentRecord s;
    s.id = st.getInt(0);
    s.roomId = st.getText(1);
    s.participantId = st.getText(2);
    s.role = st.getText(3);
    s.name = st.getText(4);
    s.startMs = st.getInt(5);
    s.endMs = st.getInt(6);
    s.text = st.getText(7);
    s.confidence = st.getDouble(8);
    s.speechMs = st.getInt(9);
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<std::pair<std::string, int64_t>> RoomStore::talkTimeByRole(const std::string& roomId) {
  auto st = db_.prepare("SELECT role, SUM(speech_ms) FROM transcript_segments WHERE room_id=? GROUP BY role");
  st.bind(1, roomId);
  std::vector<std::pair<std::string, int64_t>> out;
  while (st.step()) out.emplace_back(st.getText(0), st.getInt(1));
  return out;
}

std::vector<std::string> RoomStore::endedRoomsWithoutSummary(int64_t endedAfterMs) {
  auto st = db_.prepare(
      "SELECT r.room_id FROM rooms r LEFT JOIN summaries s ON s.room_id = r.room_id "
      "WHERE r.state = 'ended' AND r.ended_at >= ? AND s.room_id IS NULL ORDER BY r.ended_at");
  st.bind(1, endedAfterMs);
  std::vector<std::string> out;
  while (st.step()) out.push_back(st.getText(0));
  return out;
}

void RoomStore::saveSummary(const std::string& roomId, const std::string& summaryJson, int64_t generatedAt) {
  auto st = db_.prepare(
      "INSERT INTO summaries (room_id, summary_json, generated_at) VALUES (?,?,?) "
      "ON CONFLICT(room_id) DO UPDATE SET summary_json=excluded.summary_json, "
      "generated_at=excluded.generated_at");
  st.bind(1, roomId).bind(2, summaryJson).bind(3, generatedAt);
  st.run();
}

void RoomStore::saveAnalytics(const std::string& roomId, const std::string& analyticsJson,
                              int64_t updatedAt) {
  auto st = db_.prepare(
      "INSERT INTO room_analytics (room_id, analytics_json, updated_at) VALUES (?,?,?) "
      "ON CONFLICT(room_id) DO UPDATE SET analytics_json=excluded.analytics_json, "
      "updated_at=excluded.updated_at");
  st.bind(1, roomId).bind(2, analyticsJson).bind(3, updatedAt);
  st.run();
}

std::optional<std::string> RoomStore::findAnalytics(const std::string& roomId) {
  auto st = db_.prepare("SELECT analytics_json FROM room_analytics WHERE room_id=?");
  st.bind(1, roomId);
  if (st.step()) return st.getText(0);
  return std::nullopt;
}

std::optional<std::string> RoomStore::findSummary(const std::string& roomId) {
  auto st = db_.prepare("SELECT summary_json FROM summaries WHERE room_id=?");
  st.bind(1, roomId);
  if (st.step()) return st.getText(0);
  return std::nullopt;
}

void RoomStore::setMeta(const std::string& key, const std::string& value) {
  auto st = db_.prepare(
      "INSERT INTO meta (key, value) VALUES (?,?) ON CONFLICT(key) DO UPDATE SET value=excluded.value");
  st.bind(1, key).bind(2, value);
  st.run();
}

std::optional<std::string> RoomStore::getMeta(const std::string& key) {
  auto st = db_.prepare("SELECT value FROM meta WHERE key=?");
  st.bind(1, key);
  if (st.step()) return st.getText(0);
  return std::nullopt;
}

}  // namespace rooms
