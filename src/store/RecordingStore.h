#pragma once
// Rows of the recordings table: one per file (a participant's camera, microphone or screen, or the room's
// composite). Plain records; the recording service owns their lifecycle.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/Database.h"

namespace rooms {

struct RecordingRecord {
  std::string id;
  std::string roomId;
  std::optional<std::string> participantId;  // null: the composite
  std::optional<std::string> role;
  std::string source;  // camera | microphone | screen | composite
  std::string kindsJson = "[]";
  std::string codecsJson = "[]";
  std::string format;  // webm | mkv
  std::string path;
  std::string status;     // recording | processing | ready | failed
  int64_t startedAt = 0;  // wall-clock ms of the file's time zero
  std::optional<int64_t> endedAt;
  std::optional<int64_t> durationMs;
  int64_t bytes = 0;
  std::optional<std::string> error;
  std::optional<double> progress;  // the composite's, 0..1, while processing
};

class RecordingStore {
 public:
  explicit RecordingStore(Database& db);

  void insert(const RecordingRecord& r);
  // Writes every mutable column (status, end, duration, bytes, error, progress, path, codecs).
  void update(const RecordingRecord& r);
  void remove(const std::string& id);
  std::optional<RecordingRecord> find(const std::string& id);
  std::vector<RecordingRecord> forRoom(const std::string& roomId);
  std::vector<RecordingRecord> withStatus(const std::string& status);
  // Finished files (ready or failed) whose end is before cutoff, for the retention sweep.
  std::vector<RecordingRecord> endedBefore(int64_t cutoffMs);

 private:
  Database& db_;
};

}  // namespace rooms
