#pragma once
// Worker threads that turn speech into text. Recognizers come from a pool (a decoder is not shareable and
// loads ~30 MB, so they are made on first need, up to a bound). An utterance streams into a recognizer of its
// own while it is spoken (feed): the words so far go to `partial`, and when it ends (submit) little is left
// to decode. An utterance that found every recognizer busy, or whose audio was not streamed, is recognised
// whole when it ends; that queue is bounded, and beyond kMaxQueued the oldest is reported without text, so
// talk time is kept and memory is not. Results are handed to `done` and `partial` on the worker thread that
// produced them.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
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
  using Partial = std::function<void(PartialRecognition)>;

  // recognizers: how many may exist (at least threads): one per utterance being spoken at once.
  RecognitionWorkers(int threads, int recognizers, Factory factory, Done done, Partial partial = {});
  ~RecognitionWorkers();
  RecognitionWorkers(const RecognitionWorkers&) = delete;
  RecognitionWorkers& operator=(const RecognitionWorkers&) = delete;

  // Audio of an utterance in progress; the first piece opens it.
  void feed(UtteranceAudio audio);
  // The utterance has ended; its result follows through done.
  void submit(Utterance utterance);
  // The utterance ended and is not to be recognised (transcription was switched off mid-sentence).
  void discard(const Speaker& speaker, int64_t startMs);
  // Calls fn once every utterance of roomId fed or submitted before this call has been reported (at once
  // when none is pending). fn runs on a worker thread or the caller's.
  void whenRoomDone(const std::string& roomId, std::function<void()> fn);

  size_t queued() const;
  uint64_t recognized() const;
  uint64_t dropped() const;
  // Seconds of audio recognised and seconds spent on it, for the real-time factor.
  double audioSeconds() const;
  double busySeconds() const;

 private:
  struct Stream {
    Speaker speaker;
    int64_t startMs = 0;
    std::deque<UtteranceAudio> pending;
    std::optional<Utterance> end;
    bool discarded = false;
    std::unique_ptr<SpeechRecognizer> recognizer;
    bool whole = false;  // found no recognizer free: recognised whole when it ends
    bool busy = false;
    bool ready = false;  // in ready_
    size_t fedSamples = 0;
  };

  void run();
  void runStream(std::unique_lock<std::mutex>& lock, const std::string& key);
  void runWhole(std::unique_lock<std::mutex>& lock);
  // A free recognizer, made when fewer than the bound exist; nullptr when none can be had. Unlocks while
  // it loads a model.
  std::unique_ptr<SpeechRecognizer> acquire(std::unique_lock<std::mutex>& lock);
  bool canServeWhole() const;
  void makeReady(const std::string& key, Stream& stream);
  void account(double audioSeconds, double busySeconds, bool utterance);
  void finished(const std::string& roomId);

  Factory factory_;
  Done done_;
  Partial partial_;
  size_t maxRecognizers_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::string, Stream> streams_;  // by utteranceId
  std::deque<std::string> ready_;          // streams with work and no worker
  std::deque<Utterance> queue_;            // recognised whole
  std::vector<std::unique_ptr<SpeechRecognizer>> idle_;
  size_t made_ = 0;  // recognizers existing or being made
  bool factoryFailed_ = false;
  std::map<std::string, int> pending_;  // per room: utterances not yet reported
  std::map<std::string, std::vector<std::function<void()>>> waiters_;
  bool stopping_ = false;
  uint64_t recognized_ = 0;
  uint64_t dropped_ = 0;
  double audioSeconds_ = 0;
  double busySeconds_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace rooms::ai
