#include "ai/speech/RecognitionWorkers.h"

#include <chrono>

#include "core/Log.h"

namespace rooms::ai {

RecognitionWorkers::RecognitionWorkers(int threads, Factory factory, Done done)
    : factory_(std::move(factory)), done_(std::move(done)) {
  for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { run(); });
}

RecognitionWorkers::~RecognitionWorkers() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

void RecognitionWorkers::submit(Utterance utterance) {
  std::optional<Utterance> overflow;
  {
    std::lock_guard lock(mutex_);
    ++pending_[utterance.speaker.roomId];
    queue_.push_back(std::move(utterance));
    if (queue_.size() > kMaxQueued) {
      overflow = std::move(queue_.front());
      queue_.pop_front();
      ++dropped_;
    }
  }
  wake_.notify_one();
  if (overflow) {
    log::warn("asr_overloaded", {{"roomId", overflow->speaker.roomId}, {"queued", kMaxQueued}});
    done_({overflow->speaker, overflow->startMs, overflow->endMs, overflow->speechMs, Recognition{}});
    finished(overflow->speaker.roomId);
  }
}

void RecognitionWorkers::whenRoomDone(const std::string& roomId, std::function<void()> fn) {
  {
    std::lock_guard lock(mutex_);
    auto it = pending_.find(roomId);
    if (it != pending_.end() && it->second > 0) {
      waiters_[roomId].push_back(std::move(fn));
      return;
    }
  }
  fn();
}

void RecognitionWorkers::finished(const std::string& roomId) {
  std::vector<std::function<void()>> ready;
  {
    std::lock_guard lock(mutex_);
    auto it = pending_.find(roomId);
    if (it == pending_.end()) return;
    if (--it->second > 0) return;
    pending_.erase(it);
    auto w = waiters_.find(roomId);
    if (w != waiters_.end()) {
      ready = std::move(w->second);
      waiters_.erase(w);
    }
  }
  for (auto& fn : ready) fn();
}

void RecognitionWorkers::run() {
  std::unique_ptr<SpeechRecognizer> recognizer;
  try {
    recognizer = factory_();
  } catch (const std::exception& e) {
    // Without a recognizer utterances are still reported (talk time), only without text.
    log::error("asr_unavailable", {{"error", e.what()}});
  }
  for (;;) {
    Utterance u;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      u = std::move(queue_.front());
      queue_.pop_front();
    }
    RecognizedUtterance r{u.speaker, u.startMs, u.endMs, u.speechMs, Recognition{}};
    const auto started = std::chrono::steady_clock::now();
    if (recognizer) {
      try {
        r.recognition = recognizer->recognize(u.pcm);
      } catch (const std::exception& e) {
        log::warn("asr_failed", {{"roomId", u.speaker.roomId}, {"error", e.what()}});
      }
    }
    const double busy = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    {
      std::lock_guard lock(mutex_);
      ++recognized_;
      audioSeconds_ += static_cast<double>(u.pcm.size()) / 16000.0;
      busySeconds_ += busy;
    }
    try {
      done_(std::move(r));
    } catch (const std::exception& e) {
      log::error("asr_result_failed", {{"error", e.what()}});
    }
    finished(u.speaker.roomId);
  }
}

size_t RecognitionWorkers::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}
uint64_t RecognitionWorkers::recognized() const {
  std::lock_guard lock(mutex_);
  return recognized_;
}
uint64_t RecognitionWorkers::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}
double RecognitionWorkers::audioSeconds() const {
  std::lock_guard lock(mutex_);
  return audioSeconds_;
}
double RecognitionWorkers::busySeconds() const {
  std::lock_guard lock(mutex_);
  return busySeconds_;
}

}  // namespace rooms::ai
