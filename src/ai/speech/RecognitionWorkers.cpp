#include "ai/speech/RecognitionWorkers.h"

#include <algorithm>
#include <chrono>

#include "core/Log.h"

namespace rooms::ai {

namespace {
using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}
}  // namespace

RecognitionWorkers::RecognitionWorkers(int threads, int recognizers, Factory factory, Done done,
                                       Partial partial)
    : factory_(std::move(factory)),
      done_(std::move(done)),
      partial_(std::move(partial)),
      maxRecognizers_(static_cast<size_t>(std::max({1, threads, recognizers}))) {
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

void RecognitionWorkers::makeReady(const std::string& key, Stream& stream) {
  if (stream.busy || stream.ready) return;
  stream.ready = true;
  ready_.push_back(key);
  wake_.notify_one();
}

void RecognitionWorkers::feed(UtteranceAudio audio) {
  std::lock_guard lock(mutex_);
  const std::string key = utteranceId(audio.speaker, audio.startMs);
  auto [it, opened] = streams_.try_emplace(key);
  Stream& s = it->second;
  if (opened) {
    s.speaker = audio.speaker;
    s.startMs = audio.startMs;
    ++pending_[audio.speaker.roomId];
  }
  if (s.end || s.discarded) return;  // late audio of an utterance already over
  if (s.whole) return;               // its audio comes whole with its end
  s.pending.push_back(std::move(audio));
  makeReady(key, s);
}

void RecognitionWorkers::submit(Utterance utterance) {
  std::optional<Utterance> overflow;
  {
    std::lock_guard lock(mutex_);
    const std::string key = utteranceId(utterance.speaker, utterance.startMs);
    if (auto it = streams_.find(key); it != streams_.end() && !it->second.end) {
      it->second.end = std::move(utterance);
      makeReady(key, it->second);
      return;
    }
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

void RecognitionWorkers::discard(const Speaker& speaker, int64_t startMs) {
  std::lock_guard lock(mutex_);
  const std::string key = utteranceId(speaker, startMs);
  auto it = streams_.find(key);
  if (it == streams_.end() || it->second.end) return;
  it->second.discarded = true;
  makeReady(key, it->second);
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

bool RecognitionWorkers::canServeWhole() const {
  // With no recognizer to be had at all, utterances are still reported (talk time), without text.
  return !idle_.empty() || (made_ < maxRecognizers_ && !factoryFailed_) || (factoryFailed_ && made_ == 0);
}

std::unique_ptr<SpeechRecognizer> RecognitionWorkers::acquire(std::unique_lock<std::mutex>& lock) {
  if (!idle_.empty()) {
    auto r = std::move(idle_.back());
    idle_.pop_back();
    return r;
  }
  if (made_ >= maxRecognizers_ || factoryFailed_) return nullptr;
  // Made on first need: a model is ~30 MB, and a roomsd nobody talks in needs none.
  ++made_;
  lock.unlock();
  std::unique_ptr<SpeechRecognizer> r;
  std::string error;
  try {
    r = factory_();
  } catch (const std::exception& e) {
    error = e.what();
  }
  lock.lock();
  if (!r) {
    --made_;
    if (!factoryFailed_) log::error("asr_unavailable", {{"error", error.empty() ? "no recognizer" : error}});
    factoryFailed_ = true;
  }
  return r;
}

void RecognitionWorkers::account(double audioSeconds, double busySeconds, bool utterance) {
  std::lock_guard lock(mutex_);
  if (utterance) ++recognized_;
  audioSeconds_ += audioSeconds;
  busySeconds_ += busySeconds;
}

void RecognitionWorkers::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    // Stopping, a whole utterance with no recognizer to be had is reported without text.
    const auto wholeReady = [&] { return !queue_.empty() && (canServeWhole() || stopping_); };
    wake_.wait(lock, [&] { return !ready_.empty() || wholeReady() || stopping_; });
    if (!ready_.empty()) {
      // Utterances being spoken first: someone is waiting for their words.
      const std::string key = std::move(ready_.front());
      ready_.pop_front();
      runStream(lock, key);
    } else if (wholeReady()) {
      runWhole(lock);
    } else if (stopping_) {
      return;  // drained (streams never ended are dropped with their recognizers)
    }
  }
}

void RecognitionWorkers::runStream(std::unique_lock<std::mutex>& lock, const std::string& key) {
  auto it = streams_.find(key);
  if (it == streams_.end()) return;
  Stream& s = it->second;
  s.ready = false;
  s.busy = true;
  if (!s.recognizer && !s.whole) {
    s.recognizer = acquire(lock);
    if (!s.recognizer) {
      s.whole = true;
      s.pending.clear();
    }
  }
  std::deque<UtteranceAudio> audio = std::move(s.pending);
  s.pending.clear();
  // What other threads write (pending, end, discarded) is read under the lock only; the recognizer and
  // what it was fed belong to the worker that marked the stream busy.
  const bool discarded = s.discarded;
  std::optional<Utterance> end;
  if (s.end) end = std::move(*s.end);
  const bool ended = end.has_value() || discarded;
  lock.unlock();

  const auto started = Clock::now();
  double fedSeconds = 0;
  std::optional<PartialRecognition> partial;
  std::optional<RecognizedUtterance> result;
  try {
    if (s.recognizer && !discarded) {
      int64_t untilMs = 0;
      for (auto& a : audio) {
        if (s.fedSamples == 0) s.recognizer->begin();
        s.recognizer->feed(a.pcm);
        s.fedSamples += a.pcm.size();
        fedSeconds += static_cast<double>(a.pcm.size()) / 16000.0;
        untilMs = a.untilMs;
      }
      // After every piece, changed or not: how far the words reach matters to the orb's turn detection as
      // much as the words do.
      if (!ended && !audio.empty() && partial_) {
        Recognition r = s.recognizer->partial();
        if (!r.text.empty()) partial = PartialRecognition{s.speaker, s.startMs, untilMs, std::move(r)};
      }
    }
    if (end && !discarded && s.recognizer) {
      const Utterance& u = *end;
      if (s.fedSamples == 0) s.recognizer->begin();
      if (u.pcm.size() > s.fedSamples) {
        const std::span<const int16_t> rest(u.pcm.data() + s.fedSamples, u.pcm.size() - s.fedSamples);
        s.recognizer->feed(rest);
        fedSeconds += static_cast<double>(rest.size()) / 16000.0;
      }
      result = RecognizedUtterance{u.speaker, u.startMs, u.endMs, u.speechMs, s.recognizer->finish()};
    } else if (discarded && s.recognizer && s.fedSamples > 0) {
      s.recognizer->finish();  // closes the decoder's utterance; the words are not wanted
    }
  } catch (const std::exception& e) {
    log::warn("asr_failed", {{"roomId", s.speaker.roomId}, {"error", e.what()}});
    if (end && !discarded)
      result = RecognizedUtterance{end->speaker, end->startMs, end->endMs, end->speechMs, {}};
  }
  account(fedSeconds, since(started), result.has_value());
  if (partial) {
    try {
      partial_(std::move(*partial));
    } catch (const std::exception& e) {
      log::error("asr_partial_failed", {{"error", e.what()}});
    }
  }
  if (result) {
    try {
      done_(std::move(*result));
    } catch (const std::exception& e) {
      log::error("asr_result_failed", {{"error", e.what()}});
    }
  }

  lock.lock();
  s.busy = false;
  if (!ended) {
    if (!s.pending.empty() || s.end || s.discarded) makeReady(key, s);
    return;
  }
  const std::string roomId = s.speaker.roomId;
  if (s.recognizer) {
    idle_.push_back(std::move(s.recognizer));
    wake_.notify_one();  // a whole utterance may be waiting for it
  }
  if (s.whole && !discarded && end) {
    // Still pending for its room: it moves from the streams to the queue.
    queue_.push_back(std::move(*end));
    streams_.erase(it);
    wake_.notify_one();
    return;
  }
  streams_.erase(it);
  lock.unlock();
  finished(roomId);
  lock.lock();
}

void RecognitionWorkers::runWhole(std::unique_lock<std::mutex>& lock) {
  Utterance u = std::move(queue_.front());
  queue_.pop_front();
  std::unique_ptr<SpeechRecognizer> recognizer = acquire(lock);
  lock.unlock();
  RecognizedUtterance r{u.speaker, u.startMs, u.endMs, u.speechMs, Recognition{}};
  const auto started = Clock::now();
  if (recognizer) {
    try {
      r.recognition = recognizer->recognize(u.pcm);
    } catch (const std::exception& e) {
      log::warn("asr_failed", {{"roomId", u.speaker.roomId}, {"error", e.what()}});
    }
  }
  account(static_cast<double>(u.pcm.size()) / 16000.0, since(started), true);
  try {
    done_(std::move(r));
  } catch (const std::exception& e) {
    log::error("asr_result_failed", {{"error", e.what()}});
  }
  finished(u.speaker.roomId);
  lock.lock();
  if (recognizer) {
    idle_.push_back(std::move(recognizer));
    wake_.notify_one();
  }
}

size_t RecognitionWorkers::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size() + streams_.size();
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
