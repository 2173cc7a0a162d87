#pragma once
// The recorder thread: every few milliseconds it drains the recording rings of every file being recorded
// and writes what is ready (SourceRecorder). Commands come from the control plane through a locked queue;
// results go back through the Listener, called on this thread. Nothing here touches the media thread but
// the rings' reading ends, or the database at all.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "recording/SourceRecorder.h"

namespace rooms::recording {

// How a file ended.
struct RecordingFinished {
  bool written = false;  // false: nothing was ever recorded, so no file exists
  int64_t durationMs = 0;
  uint64_t ringDropped = 0;    // packets the media thread could not hand over: a ring was full
  uint64_t framesDropped = 0;  // video frames skipped while waiting for a key frame
  std::string error;           // non-empty: writing failed; the file holds what was written before
};

class Recorder {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    // The file exists: its first frame is at zeroSteadyMs on the steady clock.
    virtual void onRecordingOpened(const std::string& id, const SourceRecorder::Opened& opened) = 0;
    virtual void onRecordingFinished(const std::string& id, const RecordingFinished& finished) = 0;
    virtual void onKeyFrameWanted(const std::string& roomId, const std::string& trackId) = 0;
  };

  static constexpr int64_t kPollIntervalMs = 20;

  explicit Recorder(Listener& listener);
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  void start();
  // Finishes every open file, then stops the thread.
  void stop();

  void startFile(RecordingFileSpec spec);
  void stopFile(const std::string& id);

 private:
  struct Command {
    bool start = false;
    RecordingFileSpec spec;  // start
    std::string id;          // stop
  };
  void run();
  void apply(std::deque<Command>& commands, int64_t nowMs);
  void finish(const std::string& id, SourceRecorder& file, int64_t nowMs, std::string error);

  Listener& listener_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Command> commands_;
  bool stopping_ = false;
  std::thread thread_;
  std::map<std::string, std::unique_ptr<SourceRecorder>> files_;
};

}  // namespace rooms::recording
