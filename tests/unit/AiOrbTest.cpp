// The AI Orb's decisions: when it is addressed, its checked states, when it speaks, pacing, waiting for
// silence, being interrupted, and staying silent without aiAssistance.
#include <gtest/gtest.h>

#include <stdexcept>

#include "ai/orb/AiOrb.h"
#include "ai/orb/OrbAddress.h"

namespace rooms::ai {
namespace {

TEST(OrbAddress, NameAndRecognizerVariants) {
  EXPECT_EQ(orbAddressedRequest("Orb, what should I focus on?"), "what should i focus on");
  EXPECT_EQ(orbAddressedRequest("hey orange what should i focus on this week"), "what should i focus on this week");
  EXPECT_EQ(orbAddressedRequest("org can you recap"), "can you recap");
  EXPECT_EQ(orbAddressedRequest("or b are you there"), "are you there");
  EXPECT_EQ(orbAddressedRequest("what do you think orb"), "what do you think");
  EXPECT_FALSE(orbAddressedRequest("I ate an orange for lunch"));
  EXPECT_FALSE(orbAddressedRequest("or maybe next week"));
  EXPECT_FALSE(orbAddressedRequest(""));
}

TEST(OrbState, CheckedTransitions) {
  EXPECT_TRUE(isAllowed(OrbState::Listening, OrbState::Thinking));
  EXPECT_TRUE(isAllowed(OrbState::Thinking, OrbState::WaitingForSilence));
  EXPECT_TRUE(isAllowed(OrbState::WaitingForSilence, OrbState::Speaking));
  EXPECT_TRUE(isAllowed(OrbState::Speaking, OrbState::Listening));
  EXPECT_FALSE(isAllowed(OrbState::Listening, OrbState::Speaking));
  EXPECT_FALSE(isAllowed(OrbState::Speaking, OrbState::Thinking));
}

struct Recorder : AiOrb::Listener {
  std::vector<OrbPrompt> prompts;
  struct Spoken {
    std::string text;
    int64_t startMs, endMs, speechMs;
  };
  std::vector<Spoken> spoken;
  std::vector<OrbState> states;
  void onOrbPrompt(OrbPrompt p) override { prompts.push_back(std::move(p)); }
  void onOrbSpoke(const std::string&, const std::string& text, int64_t s, int64_t e, int64_t ms) override {
    spoken.push_back({text, s, e, ms});
  }
  void onOrbStateChanged(const std::string&, OrbState s) override { states.push_back(s); }
};

TranscriptSegmentRecord said(const std::string& role, const std::string& text, int64_t speechMs = 2000) {
  TranscriptSegmentRecord s;
  s.roomId = "r";
  s.role = role;
  s.name = role;
  s.text = text;
  s.speechMs = speechMs;
  return s;
}

OrbReply replyOf(uint64_t generation, size_t frames) {
  OrbReply r;
  r.generation = generation;
  r.text = "Let's look at what matters most this week.";
  r.frames.assign(frames, std::vector<uint8_t>{0xF8, 0xFF, 0xFE});
  r.levels.assign(frames, 30);
  return r;
}

struct OrbFixture : ::testing::Test {
  Recorder rec;
  std::shared_ptr<rtc::RtpPacketRing> ring = std::make_shared<rtc::RtpPacketRing>(64);
  OrbTiming timing;
  int64_t now = 1'000'000;
  int64_t steady = 50'000;
  std::unique_ptr<AiOrb> orb;
  void make(bool assistance) {
    OrbSettings s;
    s.assistance = assistance;
    orb = std::make_unique<AiOrb>("r", s, timing, ring, rec, now);
  }
  // Runs ticks for ms, draining the ring like the media thread; returns packets sent.
  int run(int64_t ms, bool humanSpeaking = false, int64_t lastVoice = 0) {
    int sent = 0;
    for (int64_t t = 0; t < ms; t += 20) {
      now += 20;
      steady += 20;
      orb->tick(now, steady, humanSpeaking, humanSpeaking ? now : lastVoice);
      while (auto* slot = ring->front()) {
        if (slot->atMs > steady) break;
        ring->pop();
        ++sent;
      }
    }
    return sent;
  }
};

TEST_F(OrbFixture, AnswersWhenAddressedAndPacesItsSpeech) {
  make(true);
  orb->onTranscript(said("client", "orb what should i focus on"), now);
  ASSERT_EQ(rec.prompts.size(), 1u);
  EXPECT_EQ(rec.prompts[0].trigger, OrbTrigger::Addressed);
  EXPECT_EQ(rec.prompts[0].utterance, "what should i focus on");
  EXPECT_EQ(orb->state(), OrbState::Thinking);
  orb->replyReady(replyOf(rec.prompts[0].generation, 100), now);  // 2 s of audio
  EXPECT_EQ(orb->state(), OrbState::WaitingForSilence);
  const int sent = run(2500);
  EXPECT_EQ(sent, 100);
  ASSERT_EQ(rec.spoken.size(), 1u);
  EXPECT_EQ(rec.spoken[0].speechMs, 2000);
  EXPECT_EQ(rec.spoken[0].endMs - rec.spoken[0].startMs, 2000);
  EXPECT_EQ(orb->state(), OrbState::Listening);
}

TEST_F(OrbFixture, WaitsForSilenceAndStopsWhenInterrupted) {
  make(true);
  orb->onTranscript(said("coach", "orb can you recap"), now);
  orb->replyReady(replyOf(rec.prompts.at(0).generation, 250), now);
  EXPECT_EQ(run(3000, /*humanSpeaking=*/true), 0);  // never over a human
  EXPECT_EQ(orb->state(), OrbState::WaitingForSilence);
  const int64_t lastVoice = now;
  EXPECT_GT(run(1000, false, lastVoice), 0);
  EXPECT_EQ(orb->state(), OrbState::Speaking);
  run(400, true);  // the coach talks over it: it yields
  EXPECT_EQ(orb->state(), OrbState::Listening);
  ASSERT_EQ(rec.spoken.size(), 1u);
  EXPECT_LT(rec.spoken[0].speechMs, 5000);
}

TEST_F(OrbFixture, SilentListenerWithoutAssistance) {
  make(false);
  orb->onTranscript(said("client", "orb are you there"), now);
  run(600000);
  EXPECT_TRUE(rec.prompts.empty());
  EXPECT_EQ(orb->state(), OrbState::Listening);
}

TEST_F(OrbFixture, ChecksInAtANaturalPause) {
  timing.checkInIntervalMs = 120000;
  timing.firstCheckInMs = 60000;
  make(true);
  orb->onTranscript(said("client", "i have been thinking about my goals"), now);
  run(30000);
  EXPECT_TRUE(rec.prompts.empty());  // too early in the session
  run(100000);
  ASSERT_EQ(rec.prompts.size(), 1u);
  EXPECT_EQ(rec.prompts[0].trigger, OrbTrigger::CheckIn);
  EXPECT_EQ(rec.prompts[0].personality, "supportive");
  // A stale reply (older generation) is ignored; an empty one returns it to listening.
  orb->replyReady(replyOf(99, 10), now);
  EXPECT_EQ(orb->state(), OrbState::Thinking);
  orb->replyReady(OrbReply{rec.prompts[0].generation, "", {}, {}}, now);
  EXPECT_EQ(orb->state(), OrbState::Listening);
  // No new human speech since: no second check-in.
  run(300000);
  EXPECT_EQ(rec.prompts.size(), 1u);
}

}  // namespace
}  // namespace rooms::ai
