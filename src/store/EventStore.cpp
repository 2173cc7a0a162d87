#include "store/EventStore.h"

namespace rooms {

EventStore::EventStore(Database& db)
    : db_(db),
      append_(db.prepare(
          "INSERT INTO events (room_id, type, data_json, created_at) VALUES (?,?,?,?) RETURNING id")),
      since_(
          db.prepare("SELECT id, room_id, type, data_json, created_at FROM events WHERE room_id=? AND id>? "
                     "ORDER BY id LIMIT ?")) {}

int64_t EventStore::append(const std::string& roomId, const std::string& type, const std::string& dataJson,
                           int64_t createdAt) {
  append_.bind(1, roomId).bind(2, type).bind(3, dataJson).bind(4, createdAt);
  if (!append_.step()) throw StoreError("event insert returned no id");
  const int64_t id = append_.getInt(0);
  append_.reset();
  return id;
}

std::vector<EventRecord> EventStore::since(const std::string& roomId, int64_t afterId, size_t limit) {
  since_.bind(1, roomId).bind(2, afterId).bind(3, static_cast<int64_t>(limit));
  std::vector<EventRecord> out;
  while (since_.step()) {
    out.push_back(
        {since_.getInt(0), since_.getText(1), since_.getText(2), since_.getText(3), since_.getInt(4)});
  }
  since_.reset();
  return out;
}

std::optional<EventRecord> EventStore::find(int64_t id) {
  auto st = db_.prepare("SELECT id, room_id, type, data_json, created_at FROM events WHERE id=?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return EventRecord{st.getInt(0), st.getText(1), st.getText(2), st.getText(3), st.getInt(4)};
}

int64_t EventStore::lastId() {
  auto st = db_.prepare("SELECT COALESCE(MAX(id), 0) FROM events");
  st.step();
  return st.getInt(0);
}

}  // namespace rooms
