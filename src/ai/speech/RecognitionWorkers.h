#pragma once
// Worker threads that turn utterances into text, each with its own recognizer (a decoder is not shareable).
// The queue is bounded: when recognition falls behind by more than kMaxQueued utterances the oldest is
// reported without text, so talk time is kept and memory is not. Results are handed to `done` on the worker
// thread that produced them.
#include <condition_variable>
#include <optional>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ai/speech/SpeechRecognizer.h"
#include "ai/speech/Utterance.h"

namespace rooms::ai {

class RecognitionWorkers {
 public:
  static constexpr size_t kMaxQueued = 256;
  using Factory = std::function<std::unique_ptr<SpeechRecognizer>()>;
  using Done = std::function<void(RecognizedUtterance)>;

  RecognitionWorkers(int threads, Factory factory, Done done);
  ~RecognitionWorkers();
  RecognitionWorkers(const RecognitionWorkers&) = delete;
  RecognitionWorkers& operator=(const RecognitionWorkers&) = delete;

  void submit(Utterance utterance);
  // Calls fn once every utterance of roomId submitted before this call has been reported (at once when
  // none is pending). fn runs on a worker thread or the caller's.
  void whenRoomDone(const std::string& roomId, std::function<void()> fn);

  size_t queued() const;
  uint64_t recognized() const;
  uint64_t dropped() const;
  // Seconds of audio recognised and seconds spent on it, for the real-time factor.
  double audioSeconds() const;
  double busySeconds() const;

 private:
  void run();
  void finished(const std::string& roomId);

  Factory factory_;
  Done done_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Utterance> queue_;
  std::map<std::string, int> pending_;  // per room: queued or being recognised
  std::map<std::string, std::vector<std::function<void()>>> waiters_;
  bool stopping_ = false;
  uint64_t recognized_ = 0;
  uint64_t dropped_ = 0;
  double audioSeconds_ = 0;
  double busySeconds_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace rooms::ai
