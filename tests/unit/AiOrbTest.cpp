// The AI Orb's decisions: when it is addressed, its checked states, when it speaks, pacing, waiting for
// silence, being interrupted, and staying silent without aiAssistance.
#include <gtest/gtest.h>

#include <stdexcept>

#include "ai/orb/AiOrb.h"
#include "ai/orb/OrbAddress.h"
#include "ai/orb/TurnEnd.h"

namespace rooms::ai {
namespace {

TEST(OrbAddress, TheNameItself) {
  EXPECT_EQ(orbAddressedRequest("Orb, what should I focus on?"), "what should i focus on");
  EXPECT_EQ(orbAddressedRequest("hey orb can you recap"), "can you recap");
  EXPECT_EQ(orbAddressedRequest("what do you think orb"), "what do you think");
  // What the language model writes for the name is no longer taken for it: the keyword pass decides.
  EXPECT_FALSE(orbAddressedRequest("hey orange what should i focus on this week"));
  EXPECT_FALSE(orbAddressedRequest("org can you recap"));
  EXPECT_FALSE(orbAddressedRequest("I ate an orange for lunch"));
  EXPECT_FALSE(orbAddressedRequest(""));
}

// Words with times as the recognizer gives them: each word 300 ms, one after the other.
Recognition heard(const std::string& text, std::vector<KeywordHit> hits) {
  Recognition r;
  r.text = text;
  int64_t at = 100;
  std::string w;
  for (char c : text + " ") {
    if (c != ' ') {
      w += c;
    } else if (!w.empty()) {
      r.words.push_back({w, at, at + 300});
      at += 300;
      w.clear();
    }
  }
  r.keywordHits = std::move(hits);
  return r;
}

TEST(OrbAddress, KeywordPassNamesTheSlotTheLanguageModelMisheard) {
  // Cases from bench/speech/orb_bench (flite voices): the name at the start, after a greeting, as two words.
  Recognition a = heard("orange what should i focus on this week", {{120, 380}});
  EXPECT_TRUE(markOrbAddress(a));
  EXPECT_EQ(a.text, "orb what should i focus on this week");
  EXPECT_EQ(orbAddressedRequest(a.text), "what should i focus on this week");
  Recognition b = heard("hey aren't can you summarize what we said", {{420, 650}});
  EXPECT_TRUE(markOrbAddress(b));
  EXPECT_EQ(b.text, "hey orb can you summarize what we said");
  Recognition c = heard("okay horror but what do you think about my plan", {{400, 700}});
  EXPECT_TRUE(markOrbAddress(c));
  EXPECT_EQ(c.text, "okay orb what do you think about my plan");
  // A spelling of the name that rarely starts a sentence, with the hit on it: no request needs to follow.
  Recognition e = heard("org and you summarize what we said", {{150, 380}});
  EXPECT_TRUE(markOrbAddress(e));
  EXPECT_EQ(e.text, "orb and you summarize what we said");
  // At the end of a question.
  Recognition d = heard("what do you think board", {{1320, 1560}});
  EXPECT_TRUE(markOrbAddress(d));
  EXPECT_EQ(orbAddressedRequest(d.text), "what do you think");
}

TEST(OrbAddress, NeitherTheKeywordNorTheSlotAloneIsEnough) {
  // The keyword pass hears "orb" in "or", but no request follows within two words.
  Recognition a = heard("or maybe we can talk about the budget", {{100, 350}});
  EXPECT_FALSE(markOrbAddress(a));
  EXPECT_EQ(a.text, "or maybe we can talk about the budget");
  // A slot and a request, but the keyword pass heard nothing there.
  Recognition b = heard("org what should i focus on", {});
  EXPECT_FALSE(markOrbAddress(b));
  Recognition c = heard("org what should i focus on", {{1500, 1700}});
  EXPECT_FALSE(markOrbAddress(c));
  // A short hit inside a question's last word is a piece of that word ("manager"), not the name.
  Recognition m = heard("what should i say to my manager", {{1900, 2060}});
  EXPECT_FALSE(markOrbAddress(m));
  // Such a spelling without the keyword pass's hit is the word it is.
  Recognition o = heard("orange juice is my favorite", {});
  EXPECT_FALSE(markOrbAddress(o));
  // "board" inside a statement is no slot.
  Recognition d = heard("i bought a new board for the office", {{1300, 1500}});
  EXPECT_FALSE(markOrbAddress(d));
  Recognition e;
  EXPECT_FALSE(markOrbAddress(e));
}

TEST(TurnEnd, FinishedRequests) {
  EXPECT_TRUE(isFinishedRequest("what should i focus on this week"));
  EXPECT_TRUE(isFinishedRequest("what should i focus on"));
  EXPECT_TRUE(isFinishedRequest("can you summarize what we said"));
  EXPECT_TRUE(isFinishedRequest("what do you think"));
  EXPECT_FALSE(isFinishedRequest("what should i"));
  EXPECT_FALSE(isFinishedRequest("can you tell me about my"));
  EXPECT_FALSE(isFinishedRequest("how do i deal with um"));
  EXPECT_FALSE(isFinishedRequest("what and"));
  EXPECT_FALSE(isFinishedRequest("recap"));  // one word: wait for more
  EXPECT_FALSE(isFinishedRequest(""));
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
  int silent = 0;  // frames of encoded silence sent (level 127) since the fixture began
  // Runs ticks for ms, draining the ring like the media thread; returns the reply's packets sent.
  int run(int64_t ms, bool humanSpeaking = false, int64_t lastVoice = 0) {
    int sent = 0;
    for (int64_t t = 0; t < ms; t += 20) {
      now += 20;
      steady += 20;
      orb->tick(now, steady, humanSpeaking, humanSpeaking ? now : lastVoice);
      while (auto* slot = ring->front()) {
        if (slot->atMs > steady) break;
        EXPECT_TRUE(lastSequence < 0 || static_cast<uint16_t>(lastSequence + 1) == slot->sequence);
        EXPECT_GT(slot->atMs, lastDue) << "frames are due one after the other";
        lastSequence = slot->sequence;
        lastDue = slot->atMs;
        (slot->audioLevel == 127 ? silent : sent) += 1;
        ring->pop();
      }
    }
    return sent;
  }
  int lastSequence = -1;
  int64_t lastDue = 0;

  // Addressed by the coach, the orb starts a reply whose first sentence (1 s) came alone and whose second
  // (the text) is still being synthesised; 100 ms of it have played.
  void startTwoPartReply(const std::string& second) {
    make(true);
    orb->onTranscript(said("coach", "orb can you recap"), now);
    OrbReply first = replyOf(rec.prompts.at(0).generation, 50);
    first.text = "Here is what I heard. " + second;
    first.parts = {{"Here is what I heard.", 50}};
    first.complete = false;
    orb->replyReady(std::move(first), now);
    run(100, false, now - 1000);
    ASSERT_EQ(orb->state(), OrbState::Speaking);
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

TEST_F(OrbFixture, AFinishedRequestEndsTheTurnAfterAShortPause) {
  make(true);
  const int64_t lastVoice = now;
  // Words so far, covering all that was said: a finished question to the orb.
  orb->onPartial({"client-1-500", "client", "Client", "orb what should i focus on this week", lastVoice});
  run(timing.finishedTurnPauseMs - 40, false, lastVoice);
  EXPECT_TRUE(rec.prompts.empty()) << "not before the pause";
  run(60, false, lastVoice);
  ASSERT_EQ(rec.prompts.size(), 1u);
  EXPECT_EQ(rec.prompts[0].utterance, "what should i focus on this week");
  // Its final transcript does not ask again.
  TranscriptSegmentRecord fin = said("client", "orb what should i focus on this week");
  fin.participantId = "client-1";
  fin.startMs = 500;
  orb->onTranscript(fin, now);
  EXPECT_EQ(rec.prompts.size(), 1u);
  // The reply goes out after the short silence, not the check-in's.
  orb->replyReady(replyOf(rec.prompts[0].generation, 50), now);
  run(20, false, lastVoice);
  EXPECT_EQ(orb->state(), OrbState::Speaking);
}

TEST_F(OrbFixture, AnOpenRequestOrWordsThatDoNotCoverTheSpeechWait) {
  make(true);
  const int64_t lastVoice = now;
  orb->onPartial({"client-1-500", "client", "Client", "orb what should i", lastVoice});
  run(1000, false, lastVoice);
  EXPECT_TRUE(rec.prompts.empty()) << "a pause after an open request is thinking";
  // Finished words, but the speaker said more after them: wait for the words that cover it.
  orb->onPartial({"client-1-500", "client", "Client", "orb what should i focus on", lastVoice + 1000});
  run(1000, false, lastVoice + 1500);
  EXPECT_TRUE(rec.prompts.empty());
}

TEST_F(OrbFixture, TheSpeakerWentOnAfterTheEarlyTurn) {
  make(true);
  const int64_t lastVoice = now;
  orb->onPartial({"client-1-500", "client", "Client", "orb what should i focus on", lastVoice});
  run(400, false, lastVoice);
  ASSERT_EQ(rec.prompts.size(), 1u);
  TranscriptSegmentRecord fin = said("client", "orb what should i focus on with my new team at work");
  fin.participantId = "client-1";
  fin.startMs = 500;
  orb->onTranscript(fin, now);
  ASSERT_EQ(rec.prompts.size(), 2u);
  EXPECT_EQ(rec.prompts[1].utterance, "what should i focus on with my new team at work");
  EXPECT_GT(rec.prompts[1].generation, rec.prompts[0].generation);
  orb->replyReady(replyOf(rec.prompts[0].generation, 50), now);  // the old one is ignored
  EXPECT_EQ(orb->state(), OrbState::Thinking);
}

TEST_F(OrbFixture, AReplyInPartsStartsWithItsFirstSentenceAndPlaysToTheEnd) {
  make(true);
  orb->onTranscript(said("client", "orb what should i focus on"), now);
  OrbReply first = replyOf(rec.prompts.at(0).generation, 25);  // half a second
  first.complete = false;
  orb->replyReady(std::move(first), now);
  EXPECT_EQ(run(1000), 25) << "the first sentence plays while the rest is made";
  EXPECT_EQ(orb->state(), OrbState::Speaking) << "it has not finished: more is coming";
  orb->replyContinues(replyOf(rec.prompts[0].generation, 50));
  EXPECT_EQ(run(1200), 50);
  EXPECT_EQ(orb->state(), OrbState::Listening);
  ASSERT_EQ(rec.spoken.size(), 1u);
  EXPECT_EQ(rec.spoken[0].speechMs, 1500);
  EXPECT_GE(rec.spoken[0].endMs - rec.spoken[0].startMs, 1500);
  // A rest for an older reply is ignored.
  orb->replyContinues(replyOf(rec.prompts[0].generation, 10));
  EXPECT_EQ(run(400), 0);
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
  EXPECT_EQ(run(timing.pauseOnVoiceMs + 60, true) > 0, true) << "what was queued still goes";
  EXPECT_EQ(run(200, true), 0) << "paused while the coach talks over it";
  run(timing.bargeInMs, true);  // and the coach keeps talking: it yields the turn
  EXPECT_EQ(orb->state(), OrbState::Listening);
  ASSERT_EQ(rec.spoken.size(), 1u);
  EXPECT_LT(rec.spoken[0].speechMs, 5000);
}

TEST_F(OrbFixture, GivenUpItReportsOnlyWhatItSaid) {
  const std::string second = "You want more time for deep work and fewer meetings.";
  startTwoPartReply(second);
  // The rest (3 s) arrives while the first sentence plays.
  OrbReply rest = replyOf(rec.prompts.at(0).generation, 150);
  rest.parts = {{second, 150}};
  rest.complete = true;
  orb->replyContinues(std::move(rest));
  // The coach takes the turn about two seconds in: half way through the second sentence.
  run(1900, false, now - 1000);
  run(timing.bargeInMs + 100, true);
  ASSERT_EQ(orb->state(), OrbState::Listening);
  ASSERT_EQ(rec.spoken.size(), 1u);
  const std::string& text = rec.spoken[0].text;
  EXPECT_EQ(text.rfind("Here is what I heard. You want", 0), 0u) << text;
  EXPECT_EQ(text.find("meetings"), std::string::npos) << "never said: " << text;
}

TEST_F(OrbFixture, PlayedToTheEndItReportsAllOfIt) {
  make(true);
  orb->onTranscript(said("coach", "orb can you recap"), now);
  OrbReply reply = replyOf(rec.prompts.at(0).generation, 50);
  reply.parts = {{reply.text, 50}};
  orb->replyReady(std::move(reply), now);
  run(3000, false, now - 1000);
  ASSERT_EQ(rec.spoken.size(), 1u);
  EXPECT_EQ(rec.spoken[0].text, "Let's look at what matters most this week.");
}

TEST_F(OrbFixture, ARestThatFailedToSynthesiseIsNotInTheTranscript) {
  startTwoPartReply("You want more time for deep work.");
  OrbReply rest;  // the second sentence's synthesis failed: nothing more comes, and the reply ends
  rest.generation = rec.prompts.at(0).generation;
  rest.complete = true;
  orb->replyContinues(std::move(rest));
  run(3000, false, now - 1000);
  ASSERT_EQ(rec.spoken.size(), 1u);
  EXPECT_EQ(rec.spoken[0].text, "Here is what I heard.");
}

TEST_F(OrbFixture, ACoughPausesItAndItGoesOnWhereItStopped) {
  make(true);
  orb->onTranscript(said("client", "orb can you recap"), now);
  orb->replyReady(replyOf(rec.prompts.at(0).generation, 100), now);  // 2 s
  const int before = run(500, false, now - 1000);
  EXPECT_GT(before, 0);
  // 200 ms of someone else's voice: it falls silent within the pause threshold plus what was queued.
  int during = 0;
  int afterPause = 0;
  for (int64_t t = 0; t < 200; t += 20) {
    const int n = run(20, true);
    (t < timing.pauseOnVoiceMs + AiOrb::kLeadMs + 20 ? during : afterPause) += n;
  }
  EXPECT_EQ(afterPause, 0) << "no audio once paused";
  EXPECT_GE(silent, 1) << "silence, not a gap, once it pauses";
  EXPECT_EQ(orb->state(), OrbState::Speaking);
  // Silent again: it resumes and plays the rest of the reply, nothing skipped.
  const int rest = run(3000, false, now);
  EXPECT_EQ(before + during + rest, 100);
  EXPECT_EQ(silent, AiOrb::kSilenceFrames);
  EXPECT_EQ(orb->state(), OrbState::Listening);
  ASSERT_EQ(rec.spoken.size(), 1u);
  EXPECT_EQ(rec.spoken[0].speechMs, 2000);
  EXPECT_GT(rec.spoken[0].endMs - rec.spoken[0].startMs, 2000) << "the pause is inside its turn";
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
