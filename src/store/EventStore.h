#pragma once
// The durable event log: every event a room emits, with a global, monotonically increasing id.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/Database.h"

namespace rooms {

struct EventRecord {
  int64_t id = 0;
  std::string roomId;
  std::string type;
  std::string dataJson;
  int64_t createdAt = 0;
};

class EventStore {
 public:
  explicit EventStore(Database& db);
  // Returns the new event's id.
  int64_t append(const std::string& roomId, const std::string& type, const std::string& dataJson,
                 int64_t createdAt);
  // Events of roomId with id > afterId, oldest first, at most limit.
  std::vector<EventRecord> since(const std::string& roomId, int64_t afterId, size_t limit);
  std::optional<EventRecord> find(int64_t id);
  int64_t lastId();

 private:
  Database& db_;
  Statement append_;
  Statement since_;
};

}  // namespace rooms
