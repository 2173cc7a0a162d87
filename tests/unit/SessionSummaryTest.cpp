#include "ai/summary/SessionSummary.h"

#include <gtest/gtest.h>

#include "TestTranscript.h"
#include "ai/summary/ExtractiveSummaryEngine.h"
#include "ai/summary/TalkTime.h"

namespace rooms::ai {
namespace {

using rooms::testing::TestTranscript;

constexpr int64_t kStart = 1751295600000;  // 2025-06-30T15:00:00Z
constexpr int64_t kEnd = kStart + 3600000;

IntervalRecord stay(const std::string& role, int64_t joinedAt, std::optional<int64_t> leftAt) {
  IntervalRecord r;
  r.roomId = "room-1";
  r.role = role;
  r.participantId = role + "-id";
  r.joinedAt = joinedAt;
  r.leftAt = leftAt;
  return r;
}

SummaryInput endedSession() {
  SummaryInput in;
  in.roomId = "room-1";
  in.sessionId = "session-1";
  in.startedAtMs = kStart;
  in.endedAtMs = kEnd;
  in.finalDurationSeconds = 3600;
  TestTranscript t;
  t.say("coach", "How did the week go with your new morning routine?", 1200000)
      .say("client", "Great, I feel happy and more confident. I will send my manager the plan by Friday.",
           1500000)
      .say("aiOrb", "That sounds like a solid plan.", 300000);
  in.segments = t.segments();
  in.intervals = {stay("coach", kStart, kEnd), stay("client", kStart, kEnd),
                  stay("aiOrb", kStart + 5000, kEnd)};
  return in;
}

std::vector<std::string> keysOf(const nlohmann::ordered_json& object) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.push_back(key);
  return keys;
}

TEST(SessionSummaryTest, HasTheSpecShapeInTheSpecOrder) {
  ExtractiveSummaryEngine engine;
  const auto json = buildSessionSummary(endedSession(), engine, kEnd + 60000);
  EXPECT_EQ(keysOf(json), (std::vector<std::string>{"roomId", "sessionId", "summary", "attendance"}));
  EXPECT_EQ(json["roomId"], "room-1");
  EXPECT_EQ(json["sessionId"], "session-1");
  const auto& summary = json["summary"];
  EXPECT_EQ(keysOf(summary),
            (std::vector<std::string>{"generatedAt", "textSummary", "keyTopics", "actionItems", "sentiment",
                                      "transcriptionAvailable", "participantStats", "engine"}));
  EXPECT_EQ(summary["generatedAt"], "2025-06-30T16:01:00Z");
  EXPECT_TRUE(summary["textSummary"].is_string());
  EXPECT_TRUE(summary["keyTopics"].is_array());
  EXPECT_EQ(summary["actionItems"], nlohmann::ordered_json::array({"Send my manager the plan by Friday"}))
      << summary["actionItems"].dump();
  EXPECT_EQ(summary["sentiment"], "positive");
  EXPECT_EQ(summary["transcriptionAvailable"], true);
  EXPECT_EQ(summary["engine"], "embedded");
  EXPECT_EQ(
      summary["participantStats"].dump(),
      R"({"coach":{"talkTime":1200,"talkPercentage":40},"client":{"talkTime":1500,"talkPercentage":50},)"
      R"("aiOrb":{"talkTime":300,"talkPercentage":10}})");
  EXPECT_EQ(json["attendance"].dump(),
            R"({"coach":{"attended":true,"duration":3600,"joinTime":"2025-06-30T15:00:00Z",)"
            R"("leaveTime":"2025-06-30T16:00:00Z"},"client":{"attended":true,"duration":3600,)"
            R"("joinTime":"2025-06-30T15:00:00Z","leaveTime":"2025-06-30T16:00:00Z"}})");
}

TEST(SessionSummaryTest, PercentagesAlwaysAddUpToAHundred) {
  TestTranscript t;
  t.say("coach", "a", 1000).say("client", "b", 1000).say("aiOrb", "c", 1000);
  auto talk = talkTime(t.segments());
  EXPECT_EQ(talk[0].percentage + talk[1].percentage + talk[2].percentage, 100);
  EXPECT_EQ(talk[0].percentage, 34);  // the leftover point goes to the first of equal remainders

  TestTranscript skewed;
  skewed.say("coach", "a", 1).say("client", "b", 996).say("aiOrb", "c", 3);
  talk = talkTime(skewed.segments());
  EXPECT_EQ(talk[0].percentage + talk[1].percentage + talk[2].percentage, 100);
  EXPECT_EQ(talk[1].percentage, 100);
  EXPECT_EQ(talk[0].percentage, 0);

  TestTranscript twoSpeakers;
  twoSpeakers.say("coach", "", 2000).say("client", "", 1000);
  talk = talkTime(twoSpeakers.segments());
  EXPECT_EQ(talk[0].percentage, 67);
  EXPECT_EQ(talk[1].percentage, 33);
  EXPECT_EQ(talk[2].percentage, 0);
  EXPECT_EQ(talk[0].talkMs, 2000);
}

TEST(SessionSummaryTest, SilentSessionHasZerosAndNoTranscript) {
  SummaryInput in = endedSession();
  in.segments.clear();
  ExtractiveSummaryEngine engine;
  const auto json = buildSessionSummary(in, engine, kEnd);
  const auto& summary = json["summary"];
  EXPECT_EQ(summary["textSummary"], "No speech was transcribed during this 60-minute session.");
  EXPECT_EQ(summary["transcriptionAvailable"], false);
  EXPECT_EQ(summary["keyTopics"], nlohmann::ordered_json::array());
  EXPECT_EQ(summary["actionItems"], nlohmann::ordered_json::array());
  EXPECT_EQ(summary["sentiment"], "neutral");
  for (const char* role : {"coach", "client", "aiOrb"}) {
    EXPECT_EQ(summary["participantStats"][role]["talkTime"], 0);
    EXPECT_EQ(summary["participantStats"][role]["talkPercentage"], 0);
  }
}

TEST(SessionSummaryTest, SpeechWithoutTextIsTalkTimeButNoTranscript) {
  SummaryInput in = endedSession();
  for (auto& s : in.segments) s.text.clear();
  ExtractiveSummaryEngine engine;
  const auto summary = buildSessionSummary(in, engine, kEnd)["summary"];
  EXPECT_EQ(summary["transcriptionAvailable"], false);
  EXPECT_EQ(summary["participantStats"]["client"]["talkTime"], 1500);
}

TEST(SessionSummaryTest, AttendanceMergesOverlappingStaysAndClosesOpenOnesAtTheEnd) {
  SummaryInput in = endedSession();
  in.intervals = {
      stay("coach", kStart, kStart + 600000),            // 10 min
      stay("coach", kStart + 300000, kStart + 900000),   // overlaps: +5 min
      stay("coach", kStart + 1800000, std::nullopt),     // open: runs to the end, 30 min
      stay("client", kStart + 120000, kStart + 180000),  // 1 min
  };
  ExtractiveSummaryEngine engine;
  const auto attendance = buildSessionSummary(in, engine, kEnd + 1)["attendance"];
  EXPECT_EQ(attendance["coach"]["attended"], true);
  EXPECT_EQ(attendance["coach"]["duration"], 45 * 60);
  EXPECT_EQ(attendance["coach"]["joinTime"], "2025-06-30T15:00:00Z");
  EXPECT_EQ(attendance["coach"]["leaveTime"], "2025-06-30T16:00:00Z");
  EXPECT_EQ(attendance["client"]["duration"], 60);
  EXPECT_EQ(attendance["client"]["joinTime"], "2025-06-30T15:02:00Z");
  EXPECT_EQ(attendance["client"]["leaveTime"], "2025-06-30T15:03:00Z");
}

TEST(SessionSummaryTest, AbsentRoleAndRoomNotYetEnded) {
  SummaryInput in = endedSession();
  in.endedAtMs = 0;
  in.finalDurationSeconds = 0;
  in.intervals = {stay("coach", kStart, std::nullopt)};
  ExtractiveSummaryEngine engine;
  const auto attendance = buildSessionSummary(in, engine, kStart + 90000)["attendance"];
  EXPECT_EQ(attendance["coach"]["attended"], true);
  EXPECT_EQ(attendance["coach"]["duration"], 90);  // still there: counted up to now
  EXPECT_TRUE(attendance["coach"]["leaveTime"].is_null());
  EXPECT_EQ(attendance["client"].dump(),
            R"({"attended":false,"duration":0,"joinTime":null,"leaveTime":null})");
}

}  // namespace
}  // namespace rooms::ai
