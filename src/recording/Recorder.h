#pragma once
// The recorder thread: every few milliseconds it drains the recording rings of every file being recorded
// and writes what is ready (SourceRecorder). Commands come from the control plane through a locked queue;
// results go back through the Listener, called on this thread. Nothing here touches the media thread but
// the rings' reading ends, or the database at all.
#include <atomic>
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

class Recorder {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    // The file exists: its first frame is at zeroSteadyMs on the steady clock.
    virtual void onRecordingOpened(const std::string& id, const SourceRecorder::Opened& opened) = 0;
    // Finished: written == false when nothing was ever recorded (no file); error non-empty when writing
    // failed (the file holds what was written before).
    virtual void onRecordingFinished(const std::string& id, bool written, int64_t durationMs,
                                     const std::string& error) = 0;
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

  // Counters for /metrics (any thread).
  uint64_t filesOpen() const { return filesOpen_.load(); }
  uint64_t ringDrops() const { return ringDrops_.load(); }
  // CPU time of the recorder thread, for the benchmark.
  double cpuSeconds() const;

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
  std::atomic<uint64_t> filesOpen_{0};
  std::atomic<uint64_t> ringDrops_{0};
  std::atomic<int64_t> cpuNs_{0};
};

}  // namespace rooms::recording
