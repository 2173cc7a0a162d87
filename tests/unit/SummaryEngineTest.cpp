#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "FakeOpenAiProcess.h"
#include "TestTranscript.h"
#include "ai/summary/ExtractiveSummaryEngine.h"
#include "ai/summary/LlmSummaryEngine.h"
#include "ai/summary/SummaryEngineFactory.h"
#include "ai/text/ActionItemExtractor.h"
#include "ai/text/KeyPhraseExtractor.h"
#include "ai/text/Sentences.h"
#include "ai/text/SentimentAnalyzer.h"
#include "ai/text/Words.h"

namespace rooms::ai {
namespace {

using rooms::testing::FakeOpenAiProcess;
using rooms::testing::TestTranscript;

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

SummaryInput inputWith(const TestTranscript& t, int64_t minutes = 30) {
  SummaryInput in;
  in.roomId = "room-1";
  in.sessionId = "session-1";
  in.startedAtMs = 1751295600000;
  in.endedAtMs = in.startedAtMs + minutes * 60000;
  in.finalDurationSeconds = minutes * 60;
  in.segments = t.segments();
  in.personality = "supportive";
  return in;
}

// A short session about work-life balance with three commitments planted among ordinary talk.
TestTranscript coachingSession() {
  TestTranscript t;
  t.coach("Welcome back Jordan. How have things been since our last session?")
      .client("Honestly it has been a hard couple of weeks. My work-life balance is a mess again.")
      .coach("What makes work-life balance so hard right now?")
      .client(
          "I answer email late at night and I never switch off. My manager keeps sending requests at ten.")
      .coach("It sounds like boundaries with your manager are part of this.")
      .client("Yes, boundaries are the real problem. I want a proper morning routine too.")
      .coach("What would a good morning routine look like for you?")
      .client(
          "Quiet coffee, a short walk and the breathing exercises we practiced. That morning routine helped.")
      .client("I'll send the project plan to my manager by Friday so the late requests stop.")
      .coach("That's a great step. Let's schedule weekly check-ins for accountability.")
      .client("Okay. The next step is to practice the breathing exercises every morning before work.")
      .coach("How do you feel about your work-life balance now?")
      .client("Better, more hopeful. I feel more confident about setting boundaries.")
      .orb("You've made good progress on boundaries and your morning routine.");
  return t;
}

TEST(SummaryEngineTest, FindsPlantedActionItemsAsShortImperatives) {
  ExtractiveSummaryEngine engine;
  const auto out = engine.summarize(inputWith(coachingSession()));
  EXPECT_EQ(out.engine, "embedded");
  EXPECT_TRUE(contains(out.actionItems, "Send the project plan to my manager by Friday"))
      << ::testing::PrintToString(out.actionItems);
  EXPECT_TRUE(contains(out.actionItems, "Schedule weekly check-ins for accountability"));
  EXPECT_TRUE(contains(out.actionItems, "Practice the breathing exercises every morning before work"));
  EXPECT_EQ(out.actionItems.size(), 3u) << ::testing::PrintToString(out.actionItems);
  EXPECT_TRUE(has(out.textSummary, "Action items: 1) Send the project plan to my manager by Friday, 2) "))
      << out.textSummary;
}

TEST(SummaryEngineTest, ConversationalPhrasesAreNotActionItems) {
  const auto items = extractActionItems(
      {"I'll be honest with you, it was a tough week.", "Let's see what comes up.",
       "What will I do about it?", "I will not call him again.", "Let's talk about your goals.",
       "I'll do it.", "I'm going to think about it.", "We'll see how it goes."});
  EXPECT_TRUE(items.empty()) << ::testing::PrintToString(items);
}

TEST(SummaryEngineTest, ActionItemsStopAtTheClauseAndDropFillers) {
  const auto items = extractActionItems(
      {"um so I'm going to, uh, definitely call my sister on Sunday because she asked twice",
       "I will talk to my team about delegation and then we can see",
       "We need to update the budget spreadsheet",
       "I'll call my sister on Sunday.",  // the same commitment again
       "you know I will go to the gym three times a week but honestly it's hard"});
  ASSERT_EQ(items.size(), 4u) << ::testing::PrintToString(items);
  EXPECT_EQ(items[0], "Call my sister on Sunday");
  EXPECT_EQ(items[1], "Talk to my team about delegation");
  EXPECT_EQ(items[2], "Update the budget spreadsheet");
  EXPECT_EQ(items[3], "Go to the gym three times a week");
}

TEST(SummaryEngineTest, KeepsAtMostEightActionItemsPreferringCommitments) {
  std::vector<std::string> sentences;
  for (const std::string thing : {"garden", "garage", "attic", "basement", "kitchen"}) {
    sentences.push_back("Remember to photograph the " + thing + " carefully.");
  }
  for (const std::string thing : {"invoice", "contract", "proposal", "report", "budget", "roadmap"}) {
    sentences.push_back("I will finish the " + thing + " draft.");
  }
  const auto items = extractActionItems(sentences);
  ASSERT_EQ(items.size(), 8u);
  EXPECT_EQ(std::count_if(items.begin(), items.end(), [](const auto& i) { return has(i, "Finish"); }), 6);
  EXPECT_EQ(items[0], "Photograph the garden carefully");  // still in the order said
}

TEST(SummaryEngineTest, KeyTopicsAreTheRecurringPhrases) {
  ExtractiveSummaryEngine engine;
  const auto out = engine.summarize(inputWith(coachingSession()));
  ASSERT_GE(out.keyTopics.size(), 3u);
  ASSERT_LE(out.keyTopics.size(), 6u);
  EXPECT_TRUE(out.keyTopics[0] == "work-life balance" || out.keyTopics[0] == "morning routine")
      << ::testing::PrintToString(out.keyTopics);
  EXPECT_TRUE(contains(out.keyTopics, "work-life balance")) << ::testing::PrintToString(out.keyTopics);
  EXPECT_TRUE(contains(out.keyTopics, "morning routine")) << ::testing::PrintToString(out.keyTopics);
  EXPECT_TRUE(contains(out.keyTopics, "breathing exercises")) << ::testing::PrintToString(out.keyTopics);
  // No topic is part of another, and all are lowercase.
  for (const auto& a : out.keyTopics) {
    EXPECT_EQ(a, [&] {
      std::string l = a;
      for (char& c : l) c = static_cast<char>(std::tolower(c));
      return l;
    }());
    for (const auto& b : out.keyTopics) {
      if (&a != &b) EXPECT_FALSE(has(a, b)) << a << " contains " << b;
    }
  }
  EXPECT_TRUE(has(out.textSummary, "Key topics included " + out.keyTopics[0])) << out.textSummary;
}

TEST(SummaryEngineTest, KeyPhrasesPreferMultiWordPhrasesOverTheirWords) {
  const auto topics =
      extractKeyPhrases({"The quarterly review went badly.", "My quarterly review is next month.",
                         "I fear the quarterly review.", "Review the slides.", "Slides again."});
  ASSERT_FALSE(topics.empty());
  EXPECT_EQ(topics[0], "quarterly review");
  EXPECT_FALSE(contains(topics, "review"));
}

TEST(SummaryEngineTest, SentimentFollowsTheWords) {
  auto sentiment = [](std::vector<std::string> s) { return classifySentiment(scoreSentiment(s)); };
  EXPECT_EQ(
      sentiment({"I feel great about this.", "The new routine is wonderful and I am proud of my progress.",
                 "Thank you, this was really helpful."}),
      "positive");
  EXPECT_EQ(sentiment({"I am exhausted and overwhelmed.", "Work is terrible and I feel stuck.",
                       "I am worried this will fail."}),
            "negative");
  EXPECT_EQ(sentiment({"We met on Tuesday.", "The report has three sections.", "I will send it tomorrow."}),
            "neutral");
  EXPECT_EQ(
      sentiment({"I was stressed and anxious all week.", "But the walk made me happy and more confident.",
                 "Still frustrated with my manager.", "The progress is encouraging."}),
      "mixed");
}

TEST(SummaryEngineTest, NegationFlipsSentiment) {
  EXPECT_EQ(
      classifySentiment(scoreSentiment({"I am not happy.", "This is not good.", "Not helpful at all."})),
      "negative");
  EXPECT_EQ(
      classifySentiment(scoreSentiment({"No problem at all.", "It's not bad.", "I'm not worried anymore."})),
      "positive");
}

TEST(SummaryEngineTest, SessionSentimentComesFromWhatPeopleSaid) {
  ExtractiveSummaryEngine engine;
  EXPECT_EQ(engine.summarize(inputWith(coachingSession())).sentiment, "mixed");
  TestTranscript sad;
  sad.client("I feel terrible and exhausted, the project failed.")
      .coach("That sounds painful and frustrating.")
      .client("I am anxious and stuck, everything is a mess.");
  EXPECT_EQ(engine.summarize(inputWith(sad)).sentiment, "negative");
}

TEST(SummaryEngineTest, SilentSessionSaysSo) {
  ExtractiveSummaryEngine engine;
  const auto out = engine.summarize(inputWith(TestTranscript(), 12));
  EXPECT_EQ(out.textSummary, "No speech was transcribed during this 12-minute session.");
  EXPECT_TRUE(out.keyTopics.empty());
  EXPECT_TRUE(out.actionItems.empty());
  EXPECT_EQ(out.sentiment, "neutral");
  EXPECT_EQ(out.engine, "embedded");
}

TEST(SummaryEngineTest, SpeechWithoutTextAndTranscriptionOff) {
  ExtractiveSummaryEngine engine;
  TestTranscript unrecognised;
  unrecognised.say("coach", "", 90000).say("client", "", 60000);
  auto in = inputWith(unrecognised, 20);
  EXPECT_EQ(
      engine.summarize(in).textSummary,
      "The coach and the client spoke for about 3 minutes in total during this 20-minute session, but none "
      "of the speech could be transcribed.");
  in.transcriptionEnabled = false;
  in.segments.clear();
  EXPECT_EQ(
      engine.summarize(in).textSummary,
      "Transcription was turned off for this 20-minute session, so there is no transcript to summarize.");
}

TEST(SummaryEngineTest, OneSidedSessionNamesTheOnlySpeaker) {
  TestTranscript t;
  t.coach("I will wait a few more minutes for Jordan to join the call.")
      .coach("Jordan has not joined yet, so I will send a reschedule email after this session.");
  ExtractiveSummaryEngine engine;
  const auto out = engine.summarize(inputWith(t, 15));
  EXPECT_TRUE(has(out.textSummary, "During this 15-minute session, only the coach spoke."))
      << out.textSummary;
  EXPECT_TRUE(contains(out.actionItems, "Send a reschedule email after this session"))
      << ::testing::PrintToString(out.actionItems);
}

TEST(SummaryEngineTest, SummaryStatesLengthAndTalkShare) {
  ExtractiveSummaryEngine engine;
  const auto out = engine.summarize(inputWith(coachingSession(), 45));
  EXPECT_TRUE(has(out.textSummary, "During this 45-minute coaching session, the coach spoke for "))
      << out.textSummary;
  EXPECT_TRUE(has(out.textSummary, "The AI Orb took part with")) << out.textSummary;
  EXPECT_TRUE(has(out.textSummary, "The client said: \"")) << out.textSummary;
}

TEST(SummaryEngineTest, IsDeterministic) {
  ExtractiveSummaryEngine a, b;
  const auto in = inputWith(coachingSession());
  const auto x = a.summarize(in);
  const auto y = b.summarize(in);
  EXPECT_EQ(x.textSummary, y.textSummary);
  EXPECT_EQ(x.keyTopics, y.keyTopics);
  EXPECT_EQ(x.actionItems, y.actionItems);
  EXPECT_EQ(x.sentiment, y.sentiment);
}

TEST(SummaryEngineTest, SummarizesAnHourOfTalkQuickly) {
  // 900 segments of varied sentences, about 9,000 words.
  const std::vector<std::string> subjects = {"my manager",   "the team",    "my partner",
                                             "the budget",   "the launch",  "my sleep",
                                             "the new role", "our clients", "the deadline"};
  const std::vector<std::string> frames = {
      "I keep thinking about {} and how it affects the rest of my week at work.",
      "What would change if {} was no longer the thing that drains your energy every day?",
      "Honestly {} has been on my mind since Monday and I feel a bit overwhelmed by it.",
      "Let's look at {} from another angle and notice what is actually in your control here."};
  TestTranscript t;
  for (int i = 0; i < 900; ++i) {
    std::string text = frames[static_cast<size_t>(i * 7) % frames.size()];
    text.replace(text.find("{}"), 2, subjects[static_cast<size_t>(i * 5 + i / 9) % subjects.size()]);
    t.say(i % 2 ? "client" : "coach", text);
  }
  ExtractiveSummaryEngine engine;
  const auto start = std::chrono::steady_clock::now();
  const auto out = engine.summarize(inputWith(t, 60));
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  EXPECT_LT(ms.count(), 1000);
  EXPECT_FALSE(out.keyTopics.empty());
  EXPECT_TRUE(has(out.textSummary, "60-minute coaching session"));
}

TEST(SummaryEngineTest, SentencesSplitAtEndsButNotAtAbbreviationsOrNumbers) {
  EXPECT_EQ(splitSentences("I met Dr. Smith at 3.30 today. Was it good? Yes!"),
            (std::vector<std::string>{"I met Dr. Smith at 3.30 today.", "Was it good?", "Yes!"}));
  EXPECT_EQ(splitSentences("no punctuation from the recogniser"),
            (std::vector<std::string>{"no punctuation from the recogniser"}));
  const auto words = tokenize("Don\xE2\x80\x99t stop\xE2\x80\x94work-life, ok");
  ASSERT_EQ(words.size(), 4u);
  EXPECT_EQ(words[0].lower, "don't");
  EXPECT_TRUE(words[2].breakBefore);
  EXPECT_EQ(words[2].lower, "work-life");
  EXPECT_TRUE(words[3].breakBefore);
}

// The LLM engine against a real HTTP server (tests/integration/helpers/fake-openai.mjs).
class LlmSummaryEngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = std::make_unique<FakeOpenAiProcess>(); }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override {
    server_->configure({{"mode", "ok"},
                        {"delayMs", 3000},
                        {"summary",
                         {{"textSummary", "The client worked on boundaries."},
                          {"keyTopics", {"boundaries", "morning routine", "email"}},
                          {"actionItems", {"Send the project plan by Friday"}},
                          {"sentiment", "positive"}}}});
    server_->clearRequests();
  }
  static OpenAiEndpoint endpoint(int64_t timeoutMs = 5000) {
    return {server_->url(), "k", "summary-model", timeoutMs};
  }

  static std::unique_ptr<FakeOpenAiProcess> server_;
  ExtractiveSummaryEngine embedded_;
};

std::unique_ptr<FakeOpenAiProcess> LlmSummaryEngineTest::server_;

TEST_F(LlmSummaryEngineTest, UsesTheModelsValidatedAnswer) {
  server_->configure({{"summary",
                       {{"textSummary", "  The client set boundaries.  "},
                        {"keyTopics", {"boundaries", "email"}},
                        {"actionItems", {"Send the plan by Friday."}},
                        {"sentiment", "positive"}}}});
  LlmSummaryEngine engine(endpoint(), embedded_);
  const auto out = engine.summarize(inputWith(coachingSession()));
  EXPECT_EQ(out.engine, "llm");
  EXPECT_EQ(out.textSummary, "The client set boundaries.");
  EXPECT_EQ(out.keyTopics, (std::vector<std::string>{"boundaries", "email"}));
  EXPECT_EQ(out.actionItems, (std::vector<std::string>{"Send the plan by Friday"}));
  EXPECT_EQ(out.sentiment, "positive");

  const auto request = server_->requests().at(0)["json"];
  EXPECT_EQ(request["model"], "summary-model");
  EXPECT_EQ(request["response_format"]["type"], "json_object");
  EXPECT_EQ(request["messages"][0]["role"], "system");
  const std::string user = request["messages"][1]["content"];
  EXPECT_TRUE(has(user, "Jordan (client): I'll send the project plan to my manager by Friday")) << user;
  EXPECT_TRUE(has(user, "AI Orb (aiOrb): ")) << user;
  EXPECT_TRUE(has(user, "- length: 30-minute")) << user;
}

TEST_F(LlmSummaryEngineTest, FallsBackOnTimeoutMalformedWrongTypesErrorAndRefusal) {
  const auto in = inputWith(coachingSession());
  const auto expected = embedded_.summarize(in);
  for (const std::string mode : {"slow", "malformed", "wrong-types", "error"}) {
    server_->configure({{"mode", mode}});
    LlmSummaryEngine engine(endpoint(300), embedded_);
    const auto start = std::chrono::steady_clock::now();
    const auto out = engine.summarize(in);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2500)) << mode;
    EXPECT_EQ(out.engine, "embedded") << mode;
    EXPECT_EQ(out.textSummary, expected.textSummary) << mode;
    EXPECT_EQ(out.actionItems, expected.actionItems) << mode;
  }
  LlmSummaryEngine refused({rooms::testing::refusedUrl(), "", "m", 1000}, embedded_);
  EXPECT_EQ(refused.summarize(in).engine, "embedded");
}

TEST_F(LlmSummaryEngineTest, AnswerOfTheWrongShapeFallsBack) {
  server_->configure({{"summary",
                       {{"textSummary", "Fine."},
                        {"keyTopics", {"a"}},
                        {"actionItems", nlohmann::json::array()},
                        {"sentiment", "ecstatic"}}}});
  LlmSummaryEngine engine(endpoint(), embedded_);
  EXPECT_EQ(engine.summarize(inputWith(coachingSession())).engine, "embedded");
}

TEST_F(LlmSummaryEngineTest, SilentSessionNeedsNoModel) {
  LlmSummaryEngine engine(endpoint(), embedded_);
  const auto out = engine.summarize(inputWith(TestTranscript(), 5));
  EXPECT_EQ(out.engine, "embedded");
  EXPECT_EQ(out.textSummary, "No speech was transcribed during this 5-minute session.");
  EXPECT_TRUE(server_->requests().empty());
}

TEST_F(LlmSummaryEngineTest, LongTranscriptsKeepTheirEnd) {
  TestTranscript t;
  t.client("The very first thing said in this session.");
  for (int i = 0; i < 400; ++i)
    t.coach("Another fairly long line of coaching talk number " + std::to_string(i) + ".");
  t.client("The very last thing said in this session.");
  LlmSummaryEngine engine(endpoint(), embedded_);
  engine.summarize(inputWith(t));
  const std::string user = server_->requests().at(0)["json"]["messages"][1]["content"];
  EXPECT_LE(user.size(), 12500u);
  EXPECT_TRUE(has(user, "[earlier part of the transcript omitted]"));
  EXPECT_TRUE(has(user, "The very last thing said"));
  EXPECT_FALSE(has(user, "The very first thing said"));
}

TEST(LlmSummaryReplyTest, AcceptsOnlyTheRequestedObject) {
  const auto ok = LlmSummaryEngine::parseReply(
      R"({"textSummary":"S.","keyTopics":["a","b","c","d","e","f","g"],"actionItems":[],"sentiment":"mixed"})");
  EXPECT_EQ(ok.keyTopics.size(), 6u);
  EXPECT_EQ(ok.engine, "llm");
  for (
      const char* bad : {
          "not json",
          "[1,2]",
          R"({"keyTopics":[],"actionItems":[],"sentiment":"neutral"})",
          R"({"textSummary":"","keyTopics":[],"actionItems":[],"sentiment":"neutral"})",
          R"({"textSummary":"S","keyTopics":"a","actionItems":[],"sentiment":"neutral"})",
          R"({"textSummary":"S","keyTopics":[1],"actionItems":[],"sentiment":"neutral"})",
          R"({"textSummary":"S","keyTopics":[""],"actionItems":[],"sentiment":"neutral"})",
          R"({"textSummary":"S","keyTopics":[],"actionItems":[],"sentiment":"Positive"})",
          R"({"textSummary":"S","keyTopics":[],"actionItems":[],"sentiment":null})",
          R"({"textSummary":"S","keyTopics":[],"sentiment":"neutral"})",
          R"({"textSummary":"S","keyTopics":["1","2","3","4","5","6","7","8","9","10","11"],"actionItems":[],"sentiment":"neutral"})",
      }) {
    EXPECT_THROW(LlmSummaryEngine::parseReply(bad), std::invalid_argument) << bad;
  }
}

TEST_F(LlmSummaryEngineTest, FactoryPicksTheEngineFromConfig) {
  Config config;
  const auto in = inputWith(coachingSession());
  EXPECT_EQ(makeSummaryEngine(config)->summarize(in).engine, "embedded");
  config.llmUrl = server_->url();
  config.llmTimeoutMs = 5000;
  EXPECT_EQ(makeSummaryEngine(config)->summarize(in).engine, "llm");
  config.llmUrl = rooms::testing::refusedUrl();
  EXPECT_EQ(makeSummaryEngine(config)->summarize(in).engine, "embedded");
}

}  // namespace
}  // namespace rooms::ai
