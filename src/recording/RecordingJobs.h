#pragma once
// The thread that does recordings' slow work off the media and control threads, one job at a time: the
// composite of an ended room, and the repair of files a crash left without their index (remuxed, so they
// seek and report a duration). Results go back through the Listener, called on this thread.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "recording/CompositeLayout.h"

namespace rooms::recording {

class RecordingJobs {
 public:
  struct Job {
    enum class Kind { Composite, Repair };
    Kind kind = Kind::Composite;
    std::string recordingId;
    std::string output;                  // final path
    std::vector<CompositeInput> inputs;  // Composite
    std::string input;                   // Repair: the damaged file (replaced by the repaired one)
  };

  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void onJobProgress(const std::string& recordingId, double fraction) = 0;
    // ok: output exists (durationMs and bytes of it). cancelled: roomsd is stopping; the job is redone at
    // the next start.
    virtual void onJobFinished(const std::string& recordingId, bool ok, bool cancelled, int64_t durationMs,
                               int64_t bytes, const std::string& error) = 0;
  };

  RecordingJobs(Listener& listener, std::string ffmpeg = "ffmpeg");
  ~RecordingJobs();
  RecordingJobs(const RecordingJobs&) = delete;
  RecordingJobs& operator=(const RecordingJobs&) = delete;

  void start();
  // Cancels the running job (its recording stays processing) and stops.
  void stop();
  void submit(Job job);

 private:
  void run();
  void execute(const Job& job);

  Listener& listener_;
  std::string ffmpeg_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::atomic<bool> cancel_{false};
  std::thread thread_;
};

}  // namespace rooms::recording
