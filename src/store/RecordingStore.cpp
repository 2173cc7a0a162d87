#include "store/RecordingStore.h"

namespace rooms {
namespace {

constexpr const char* kColumns =
    "id, room_id, participant_id, role, source, kinds, codecs, format, path, status, started_at, ended_at, "
    "duration_ms, bytes, error, progress";

RecordingRecord read(const Statement& st) {
  RecordingRecord r;
  r.id = st.getText(0);
  r.roomId = st.getText(1);
  r.participantId = st.getOptText(2);
  r.role = st.getOptText(3);
  r.source = st.getText(4);
  r.kindsJson = st.getText(5);
  r.codecsJson = st.getText(6);
  r.format = st.getText(7);
  r.path = st.getText(8);
  r.status = st.getText(9);
  r.startedAt = st.getInt(10);
  r.endedAt = st.getOptInt(11);
  r.durationMs = st.getOptInt(12);
  r.bytes = st.getInt(13);
  r.error = st.getOptText(14);
  if (!st.isNull(15)) r.progress = st.getDouble(15);
  return r;
}

void bindOptText(Statement& st, int i, const std::optional<std::string>& v) {
  if (v) {
    st.bind(i, *v);
  } else {
    st.bindNull(i);
  }
}

}  // namespace

RecordingStore::RecordingStore(Database& db) : db_(db) {}

void RecordingStore::insert(const RecordingRecord& r) {
  auto st = db_.prepare(std::string("INSERT INTO recordings (") + kColumns +
                        ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  st.bind(1, r.id).bind(2, r.roomId);
  bindOptText(st, 3, r.participantId);
  bindOptText(st, 4, r.role);
  st.bind(5, r.source).bind(6, r.kindsJson).bind(7, r.codecsJson).bind(8, r.format).bind(9, r.path);
  st.bind(10, r.status).bind(11, r.startedAt).bind(12, r.endedAt).bind(13, r.durationMs).bind(14, r.bytes);
  bindOptText(st, 15, r.error);
  if (r.progress) {
    st.bind(16, *r.progress);
  } else {
    st.bindNull(16);
  }
  st.run();
}

void RecordingStore::update(const RecordingRecord& r) {
  auto st = db_.prepare(
      "UPDATE recordings SET status=?, ended_at=?, duration_ms=?, bytes=?, error=?, progress=?, path=?, "
      "codecs=?, kinds=? WHERE id=?");
  st.bind(1, r.status).bind(2, r.endedAt).bind(3, r.durationMs).bind(4, r.bytes);
  bindOptText(st, 5, r.error);
  if (r.progress) {
    st.bind(6, *r.progress);
  } else {
    st.bindNull(6);
  }
  st.bind(7, r.path).bind(8, r.codecsJson).bind(9, r.kindsJson).bind(10, r.id);
  st.run();
}

void RecordingStore::remove(const std::string& id) {
  auto st = db_.prepare("DELETE FROM recordings WHERE id=?");
  st.bind(1, id);
  st.run();
}

std::optional<RecordingRecord> RecordingStore::find(const std::string& id) {
  auto st = db_.prepare(std::string("SELECT ") + kColumns + " FROM recordings WHERE id=?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return read(st);
}

std::vector<RecordingRecord> RecordingStore::forRoom(const std::string& roomId) {
  auto st = db_.prepare(std::string("SELECT ") + kColumns +
                        " FROM recordings WHERE room_id=? ORDER BY started_at, rowid");
  st.bind(1, roomId);
  std::vector<RecordingRecord> out;
  while (st.step()) out.push_back(read(st));
  return out;
}

std::vector<RecordingRecord> RecordingStore::withStatus(const std::string& status) {
  auto st = db_.prepare(std::string("SELECT ") + kColumns + " FROM recordings WHERE status=? ORDER BY rowid");
  st.bind(1, status);
  std::vector<RecordingRecord> out;
  while (st.step()) out.push_back(read(st));
  return out;
}

std::vector<RecordingRecord> RecordingStore::endedBefore(int64_t cutoffMs) {
  auto st =
      db_.prepare(std::string("SELECT ") + kColumns +
                  " FROM recordings WHERE status IN ('ready','failed') AND ended_at < ? ORDER BY rowid");
  st.bind(1, cutoffMs);
  std::vector<RecordingRecord> out;
  while (st.step()) out.push_back(read(st));
  return out;
}

}  // namespace rooms
