#pragma once
// Rows of rooms, their connection intervals, transcript segments and summaries. Plain records: the room
// model (src/rooms) builds on them, the store knows nothing of lifecycles.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/Database.h"

namespace rooms {

struct RoomRecord {
  std::string roomId;
  std::string sessionId;
  std::string state;
  std::string requestJson;
  std::string configJson;
  std::string participantsJson;
  int64_t createdAt = 0;
  std::optional<int64_t> prewarmedAt;
  std::optional<int64_t> startedAt;
  std::optional<int64_t> endedAt;
  std::optional<std::string> endReason;
  std::optional<std::string> endedBy;
  std::optional<int64_t> finalDuration;
};

struct IntervalRecord {
  int64_t id = 0;
  std::string roomId;
  std::string role;
  std::string participantId;
  std::string connectionId;
  int64_t joinedAt = 0;
  std::optional<int64_t> leftAt;
  std::string leftReason;
};

struct TranscriptSegmentRecord {
  int64_t id = 0;
  std::string roomId;
  std::string participantId;
  std::string role;
  std::string name;
  int64_t startMs = 0;
  int64_t endMs = 0;
  std::string text;  // may be empty: speech was heard (and counts as talk time) but nothing recognised
  double confidence = 0;
  int64_t speechMs = 0;  // voiced time inside [startMs, endMs], as the voice activity detector measured it
};

// Where a page of GET /api/rooms ended: the last room's creation time and id.
struct RoomListCursor {
  int64_t createdAt = 0;
  std::string roomId;
};

class RoomStore {
 public:
  explicit RoomStore(Database& db);

  void insertRoom(const RoomRecord& r);
  // Writes every mutable column of r (state, config, timestamps, end fields).
  void updateRoom(const RoomRecord& r);
  std::optional<RoomRecord> findRoom(const std::string& roomId);
  std::vector<RoomRecord> openRooms();
  // Rooms in the given states (all when empty), newest created first, strictly after the cursor.
  std::vector<RoomRecord> listRooms(const std::vector<std::string>& states, size_t limit,
                                    const std::optional<RoomListCursor>& after);

  int64_t openInterval(const std::string& roomId, const std::string& role, const std::string& participantId,
                       const std::string& connectionId, int64_t joinedAt);
  void closeInterval(int64_t id, int64_t leftAt, const std::string& reason);
  std::vector<IntervalRecord> intervals(const std::string& roomId);
  // Closes every interval still open (after a restart) at leftAt; returns them as they were before closing.
  std::vector<IntervalRecord> closeAllOpenIntervals(int64_t leftAt, const std::string& reason);

  int64_t appendSegment(const TranscriptSegmentRecord& s);
  std::vector<TranscriptSegmentRecord> segments(const std::string& roomId);
  // Sum of speech_ms per role.
  std::vector<std::pair<std::string, int64_t>> talkTimeByRole(const std::string& roomId);
  // Ended rooms with summaries enabled and none stored (a crash or stop came between the end and it).
  std::vector<std::string> endedRoomsWithoutSummary(int64_t endedAfterMs);

  void saveSummary(const std::string& roomId, const std::string& summaryJson, int64_t generatedAt);
  std::optional<std::string> findSummary(const std::string& roomId);

  void saveAnalytics(const std::string& roomId, const std::string& analyticsJson, int64_t updatedAt);
  std::optional<std::string> findAnalytics(const std::string& roomId);

  void setMeta(const std::string& key, const std::string& value);
  std::optional<std::string> getMeta(const std::string& key);

 private:
  static RoomRecord readRoom(Statement& st);
  Database& db_;
  Statement insertRoom_;
  Statement updateRoom_;
  Statement findRoom_;
  Statement openInterval_;
  Statement closeInterval_;
};

}  // namespace rooms
