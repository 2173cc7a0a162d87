// Recognition workers: utterances stream into recognizers of their own while spoken (words so far reported),
// fall back to whole recognition when every recognizer is busy, let go of an utterance that is discarded,
// and tell a room when everything it said has been reported.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "ai/speech/RecognitionWorkers.h"

namespace rooms::ai {
namespace {

// Hears each sample's value as a word: 1 -> "one", anything else -> "x"; counts what it was fed.
class CountingRecognizer : public SpeechRecognizer {
 public:
  explicit CountingRecognizer(std::atomic<int>& streamed) : streamed_(streamed) {}
  Recognition recognize(std::span<const int16_t> pcm) override {
    Recognition r;
    r.text = "whole " + std::to_string(pcm.size());
    return r;
  }
  void begin() override { fed_ = 0; }
  void feed(std::span<const int16_t> pcm) override {
    fed_ += pcm.size();
    streamed_ += static_cast<int>(pcm.size());
  }
  Recognition partial() override {
    Recognition r;
    r.text = "so far " + std::to_string(fed_);
    return r;
  }
  Recognition finish() override {
    Recognition r;
    r.text = "streamed " + std::to_string(fed_);
    return r;
  }

 private:
  std::atomic<int>& streamed_;
  size_t fed_ = 0;
};

struct Collected {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<RecognizedUtterance> done;
  std::vector<PartialRecognition> partials;
  bool waitFor(size_t n) {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, std::chrono::seconds(5), [&] { return done.size() >= n; });
  }
  bool waitForPartial(const std::string& participantId) {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, std::chrono::seconds(5), [&] {
      return std::any_of(partials.begin(), partials.end(), [&](const PartialRecognition& p) {
        return p.speaker.participantId == participantId;
      });
    });
  }
};

Speaker speaker(const std::string& id) {
  return {"room", id, "client", id};
}

UtteranceAudio piece(const Speaker& s, int64_t startMs, size_t samples, int64_t untilMs) {
  return {s, startMs, untilMs, std::vector<int16_t>(samples, 1)};
}

Utterance ending(const Speaker& s, int64_t startMs, size_t samples) {
  Utterance u;
  u.speaker = s;
  u.startMs = startMs;
  u.endMs = startMs + 1000;
  u.speechMs = 900;
  u.pcm.assign(samples, 1);
  return u;
}

struct WorkersFixture : ::testing::Test {
  std::atomic<int> streamed{0};
  std::atomic<int> made{0};
  Collected got;
  std::unique_ptr<RecognitionWorkers> make(int threads, int recognizers) {
    return std::make_unique<RecognitionWorkers>(
        threads, recognizers,
        [this] {
          ++made;
          return std::make_unique<CountingRecognizer>(streamed);
        },
        [this](RecognizedUtterance r) {
          std::lock_guard lock(got.mutex);
          got.done.push_back(std::move(r));
          got.cv.notify_all();
        },
        [this](PartialRecognition p) {
          std::lock_guard lock(got.mutex);
          got.partials.push_back(std::move(p));
          got.cv.notify_all();
        });
  }
};

TEST_F(WorkersFixture, AnUtteranceIsRecognisedWhileSpokenAndFinishedWithItsRest) {
  auto workers = make(1, 2);
  const Speaker s = speaker("a");
  workers->feed(piece(s, 100, 1600, 300));
  workers->feed(piece(s, 100, 1600, 400));
  ASSERT_TRUE(got.waitForPartial("a")) << "words so far while it is spoken";
  // The utterance's audio holds what was streamed and 800 samples more (its end).
  workers->submit(ending(s, 100, 4000));
  ASSERT_TRUE(got.waitFor(1));
  EXPECT_EQ(got.done[0].recognition.text, "streamed 4000");
  EXPECT_EQ(streamed.load(), 4000);
  std::lock_guard lock(got.mutex);
  ASSERT_FALSE(got.partials.empty());
  EXPECT_EQ(got.partials.back().startMs, 100);
  EXPECT_LE(got.partials.back().untilMs, 400);
  EXPECT_EQ(workers->recognized(), 1u);
}

TEST_F(WorkersFixture, WithEveryRecognizerBusyAnUtteranceIsRecognisedWhole) {
  auto workers = make(1, 1);
  const Speaker a = speaker("a");
  const Speaker b = speaker("b");
  workers->feed(piece(a, 100, 1600, 200));
  ASSERT_TRUE(got.waitForPartial("a"));
  workers->feed(piece(b, 150, 1600, 250));  // a holds the only recognizer
  workers->feed(piece(b, 150, 1600, 350));
  workers->submit(ending(b, 150, 5000));
  workers->submit(ending(a, 100, 2000));
  ASSERT_TRUE(got.waitFor(2));
  std::lock_guard lock(got.mutex);
  std::map<std::string, std::string> texts;
  for (const auto& r : got.done) texts[r.speaker.participantId] = r.recognition.text;
  EXPECT_EQ(texts["a"], "streamed 2000");
  EXPECT_EQ(texts["b"], "whole 5000");
  EXPECT_EQ(made.load(), 1);
}

TEST_F(WorkersFixture, ADiscardedUtteranceFreesItsRecognizerAndItsRoom) {
  auto workers = make(1, 1);
  const Speaker a = speaker("a");
  workers->feed(piece(a, 100, 1600, 200));
  std::atomic<bool> roomDone{false};
  workers->whenRoomDone("room", [&] { roomDone = true; });
  EXPECT_FALSE(roomDone) << "an utterance is being spoken";
  workers->discard(a, 100);
  // The recognizer is free for the next one, which streams.
  const Speaker b = speaker("b");
  workers->feed(piece(b, 900, 1600, 1000));
  workers->submit(ending(b, 900, 1600));
  ASSERT_TRUE(got.waitFor(1));
  EXPECT_EQ(got.done[0].recognition.text, "streamed 1600");
  for (int i = 0; i < 100 && !roomDone; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(roomDone);
  EXPECT_EQ(made.load(), 1);
}

TEST_F(WorkersFixture, WithoutAnyRecognizerUtterancesStillEndWithoutText) {
  auto workers = std::make_unique<RecognitionWorkers>(
      1, 2, []() -> std::unique_ptr<SpeechRecognizer> { throw std::runtime_error("no model"); },
      [this](RecognizedUtterance r) {
        std::lock_guard lock(got.mutex);
        got.done.push_back(std::move(r));
        got.cv.notify_all();
      });
  const Speaker a = speaker("a");
  workers->feed(piece(a, 100, 1600, 200));
  workers->submit(ending(a, 100, 3200));
  workers->submit(ending(speaker("b"), 500, 3200));
  ASSERT_TRUE(got.waitFor(2));
  EXPECT_EQ(got.done[0].recognition.text, "");
  EXPECT_EQ(got.done[0].speechMs, 900);
}

}  // namespace
}  // namespace rooms::ai
