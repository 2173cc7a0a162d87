#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "FakeOpenAiProcess.h"
#include "TestTranscript.h"
#include "ai/dialog/DialogEngineFactory.h"
#include "ai/dialog/LlmDialogEngine.h"
#include "ai/dialog/RuleDialogEngine.h"
#include "ai/dialog/SpokenReply.h"

namespace rooms::ai {
namespace {

using rooms::testing::FakeOpenAiProcess;
using rooms::testing::TestTranscript;

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

size_t sentenceCount(const std::string& text) {
  size_t n = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((text[i] == '.' || text[i] == '!' || text[i] == '?') && (i + 1 == text.size() || text[i + 1] == ' '))
      ++n;
  }
  return n;
}

// Speakable: one to three sentences, no markup, no lists.
void expectSpeakable(const std::string& reply) {
  EXPECT_FALSE(reply.empty());
  EXPECT_GE(sentenceCount(reply), 1u) << reply;
  EXPECT_LE(sentenceCount(reply), 3u) << reply;
  EXPECT_LE(reply.size(), 400u) << reply;
  for (char c : std::string("*#`[]{}<>_\n")) EXPECT_EQ(reply.find(c), std::string::npos) << reply;
}

TestTranscript recentTalk() {
  TestTranscript t;
  t.coach("Let's talk about your morning routine and how it affects your stress levels.")
      .client("My morning routine is chaotic. I check email in bed and my stress starts early.")
      .coach("What would a calmer morning routine look like?")
      .client("No email before nine. I'll put my phone in the kitchen every night before bed.")
      .client("I feel stuck between my manager's expectations and my own needs.");
  return t;
}

DialogRequest addressed(const std::string& utterance, const std::string& personality = "supportive") {
  DialogRequest r;
  r.trigger = DialogTrigger::Addressed;
  r.personality = personality;
  r.utterance = utterance;
  r.speakerName = "Jordan";
  r.speakerRole = "client";
  r.recent = recentTalk().segments();
  r.elapsedSeconds = 900;
  return r;
}

DialogRequest checkIn(const std::string& personality, int64_t elapsedSeconds) {
  DialogRequest r;
  r.trigger = DialogTrigger::CheckIn;
  r.personality = personality;
  r.recent = recentTalk().segments();
  r.elapsedSeconds = elapsedSeconds;
  return r;
}

TEST(DialogEngineTest, RecapNamesTheTopicsOfTheConversation) {
  RuleDialogEngine engine;
  const auto reply = engine.reply(addressed("can you summarize what we talked about"));
  expectSpeakable(reply);
  EXPECT_TRUE(has(reply, "So far we've talked about morning routine")) << reply;
}

TEST(DialogEngineTest, NextStepsListTheActionItemsInTheSecondPerson) {
  RuleDialogEngine engine;
  const auto reply = engine.reply(addressed("what are my action items?"));
  expectSpeakable(reply);
  EXPECT_TRUE(has(reply, "put your phone in the kitchen every night before bed")) << reply;

  DialogRequest none = addressed("what are my next steps?", "direct");
  none.recent = TestTranscript().coach("Welcome, how was your week?").segments();
  EXPECT_EQ(engine.reply(none), "I haven't heard a firm commitment yet. What will you do, and by when?");
}

TEST(DialogEngineTest, FocusAdviceGreetingThanksAndTime) {
  RuleDialogEngine engine;
  const auto focus = engine.reply(addressed("what should I focus on?", "direct"));
  EXPECT_EQ(focus, "Focus on morning routine. Pick one action on it and set a deadline.");
  const auto advice = engine.reply(addressed("any advice?"));
  expectSpeakable(advice);
  EXPECT_TRUE(has(advice, "morning routine")) << advice;
  EXPECT_EQ(engine.reply(addressed("are you there?")),
            "I'm here, Jordan, listening and happy to help. Just say my name whenever you'd like my input.");
  EXPECT_EQ(engine.reply(addressed("thank you", "reflective")),
            "You're welcome, Jordan. What's standing out to you so far?");
  EXPECT_EQ(engine.reply(addressed("how long have we been talking")),
            "We're about 15 minutes into the session.");
}

TEST(DialogEngineTest, ReflectiveMirrorsWhatWasSaid) {
  RuleDialogEngine engine;
  const auto reply = engine.reply(addressed("hmm I'm not sure", "reflective"));
  EXPECT_EQ(reply,
            "It sounds like you feel stuck between your manager's expectations and your own needs. Tell me "
            "more about that.");
}

TEST(DialogEngineTest, CheckInsFollowThePersonalityAndAreSpeakable) {
  RuleDialogEngine engine;
  std::set<std::string> all;
  for (const std::string p : {"supportive", "direct", "reflective", "unknown"}) {
    for (int64_t t = 60; t <= 3600; t += 300) {
      const auto reply = engine.reply(checkIn(p, t));
      expectSpeakable(reply);
      all.insert(reply);
    }
  }
  EXPECT_GE(all.size(), 10u);
  // Tone: direct check-ins push for a decision, reflective ones ask an open question.
  for (int64_t t = 60; t <= 3600; t += 300) {
    const auto direct = engine.reply(checkIn("direct", t));
    EXPECT_TRUE(has(direct, "commit") || has(direct, "decision") || has(direct, "next action") ||
                has(direct, "By when") || has(direct, "commitment"))
        << direct;
    EXPECT_TRUE(has(engine.reply(checkIn("reflective", t)), "?"));
    EXPECT_EQ(engine.reply(checkIn("unknown", t)), engine.reply(checkIn("supportive", t)));
  }
}

TEST(DialogEngineTest, ConsecutiveCheckInsDiffer) {
  RuleDialogEngine engine;
  for (const std::string p : {"supportive", "direct", "reflective"}) {
    TestTranscript t = recentTalk();
    std::string previous;
    for (int64_t elapsed = 300; elapsed <= 3000; elapsed += 300) {
      DialogRequest r = checkIn(p, elapsed);
      r.recent = t.segments();
      const auto reply = engine.reply(r);
      EXPECT_NE(reply, previous) << p << " at " << elapsed;
      previous = reply;
      t.orb(reply);  // what the orb said becomes part of the transcript, as in a session
      t.client("Okay, that helps me think about my morning routine.");
    }
  }
}

TEST(DialogEngineTest, IsDeterministicAndWorksWithoutATranscript) {
  RuleDialogEngine a, b;
  EXPECT_EQ(a.reply(checkIn("direct", 1234)), b.reply(checkIn("direct", 1234)));
  EXPECT_EQ(a.reply(addressed("what do you think?")), b.reply(addressed("what do you think?")));
  DialogRequest empty;
  empty.trigger = DialogTrigger::CheckIn;
  expectSpeakable(a.reply(empty));
  empty.trigger = DialogTrigger::Addressed;
  expectSpeakable(a.reply(empty));
  empty.utterance = "summarize please";
  EXPECT_EQ(a.reply(empty), "We're just getting started, and that's fine. What would you like to focus on?");
}

TEST(SpokenReplyTest, StripsMarkupListsAndLabels) {
  EXPECT_EQ(speakableReply("**Great** progress!\n- Keep going\n- Rest well"),
            "Great progress! Keep going. Rest well.");
  EXPECT_EQ(speakableReply("AI Orb: \"You did well.\""), "You did well.");
  EXPECT_EQ(speakableReply("## Plan\n1. Sleep early\n2) Walk daily"), "Plan. Sleep early. Walk daily.");
  EXPECT_EQ(speakableReply("See [the guide](http://x.y) and `relax`"), "See the guide and relax.");
  EXPECT_EQ(speakableReply("  \n ** \n"), "");
}

TEST(SpokenReplyTest, KeepsAtMostThreeSentencesAndAboutFourHundredCharacters) {
  EXPECT_EQ(speakableReply("One. Two! Three? Four. Five."), "One. Two! Three?");
  std::string longSentence;
  for (int i = 0; i < 100; ++i) longSentence += "word ";
  const auto cut = speakableReply(longSentence);
  EXPECT_LE(cut.size(), 401u);
  EXPECT_EQ(cut.back(), '.');
  const std::string first(150, 'a'), second(300, 'b');
  EXPECT_EQ(speakableReply(first + ". " + second + "."), first + ".");
}

// The LLM engine against a real HTTP server (tests/integration/helpers/fake-openai.mjs).
class LlmDialogEngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = std::make_unique<FakeOpenAiProcess>(); }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override {
    server_->configure({{"mode", "ok"}, {"delayMs", 3000}, {"chatReply", "You're doing well. Keep going."}});
    server_->clearRequests();
  }
  static OpenAiEndpoint endpoint(int64_t timeoutMs = 5000) {
    return {server_->url(), "k", "dialog-model", timeoutMs};
  }

  static std::unique_ptr<FakeOpenAiProcess> server_;
  RuleDialogEngine rules_;
};

std::unique_ptr<FakeOpenAiProcess> LlmDialogEngineTest::server_;

TEST_F(LlmDialogEngineTest, AsksTheModelWithPersonaAndTranscript) {
  server_->configure(
      {{"chatReply", "**Nice work**, Jordan!\n- Put the phone away.\n- Sleep.\n- Walk. Extra."}});
  LlmDialogEngine engine(endpoint(), rules_);
  EXPECT_EQ(engine.reply(addressed("what do you think?", "direct")),
            "Nice work, Jordan! Put the phone away. Sleep.");
  const auto request = server_->requests().at(0)["json"];
  EXPECT_EQ(request["model"], "dialog-model");
  EXPECT_FALSE(request.contains("response_format"));
  const std::string system = request["messages"][0]["content"];
  EXPECT_TRUE(has(system, "AI Orb")) << system;
  EXPECT_TRUE(has(system, "direct")) << system;
  EXPECT_TRUE(has(system, "one to three short sentences")) << system;
  const std::string user = request["messages"][1]["content"];
  EXPECT_TRUE(has(user, "Jordan (client): I feel stuck between")) << user;
  EXPECT_TRUE(has(user, "Jordan (client) said to you: \"what do you think?\"")) << user;
  EXPECT_TRUE(has(user, "running for 15 minutes")) << user;
}

TEST_F(LlmDialogEngineTest, CheckInPromptSaysNobodyAsked) {
  LlmDialogEngine engine(endpoint(), rules_);
  EXPECT_EQ(engine.reply(checkIn("reflective", 600)), "You're doing well. Keep going.");
  const std::string user = server_->requests().at(0)["json"]["messages"][1]["content"];
  EXPECT_TRUE(has(user, "Nobody has addressed you")) << user;
}

TEST_F(LlmDialogEngineTest, FallsBackToTheRulesOnAnyFailure) {
  const auto request = addressed("what should I focus on?", "direct");
  const auto expected = rules_.reply(request);
  for (const std::string mode : {"slow", "malformed", "wrong-types", "error"}) {
    server_->configure({{"mode", mode}});
    LlmDialogEngine engine(endpoint(300), rules_);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(engine.reply(request), expected) << mode;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2500)) << mode;
  }
  server_->configure({{"mode", "ok"}, {"chatReply", " ** \n - "}});
  LlmDialogEngine engine(endpoint(), rules_);
  EXPECT_EQ(engine.reply(request), expected);  // nothing speakable in the answer
  LlmDialogEngine refused({rooms::testing::refusedUrl(), "", "m", 1000}, rules_);
  EXPECT_EQ(refused.reply(request), expected);
}

TEST_F(LlmDialogEngineTest, FactoryPicksTheEngineFromConfig) {
  Config config;
  const auto request = addressed("thanks");
  EXPECT_EQ(makeDialogEngine(config)->reply(request), rules_.reply(request));
  config.llmUrl = server_->url();
  config.llmTimeoutMs = 5000;
  EXPECT_EQ(makeDialogEngine(config)->reply(request), "You're doing well. Keep going.");
  config.llmUrl = rooms::testing::refusedUrl();
  EXPECT_EQ(makeDialogEngine(config)->reply(request), rules_.reply(request));
}

}  // namespace
}  // namespace rooms::ai
