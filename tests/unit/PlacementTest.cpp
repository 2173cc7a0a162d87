#include "cluster/Placement.h"

#include <gtest/gtest.h>

namespace rooms::cluster {
namespace {

NodeInfo node(const std::string& id, int64_t rooms, int64_t participants = 0, bool draining = false) {
  NodeInfo n;
  n.id = id;
  n.internalUrl = "http://" + id;
  n.rooms = rooms;
  n.participants = participants;
  n.draining = draining;
  return n;
}

TEST(PlacementTest, TheLeastLoadedNodeThatTakesRoomsWins) {
  auto chosen = choosePlacement({node("a", 3), node("b", 1, 2), node("c", 1, 0)});
  ASSERT_TRUE(chosen);
  EXPECT_EQ(chosen->id, "c");
}

TEST(PlacementTest, ADrainingNodeIsNeverChosen) {
  auto chosen = choosePlacement({node("a", 0, 0, true), node("b", 5)});
  ASSERT_TRUE(chosen);
  EXPECT_EQ(chosen->id, "b");
  EXPECT_FALSE(choosePlacement({node("a", 0, 0, true)}));
  EXPECT_FALSE(choosePlacement({}));
}

TEST(PlacementTest, TiesGoToTheNodeIdSoPlacementIsDeterministic) {
  auto chosen = choosePlacement({node("c", 1), node("a", 1), node("b", 1)});
  ASSERT_TRUE(chosen);
  EXPECT_EQ(chosen->id, "a");
}

TEST(PlacementTest, TheScoreWeighsRecognitionBacklogAndCpu) {
  NodeInfo busy = node("a", 0);
  busy.recognitionBacklog = 2;  // 8
  NodeInfo hot = node("b", 0);
  hot.cpu = 0.5;  // 5
  EXPECT_DOUBLE_EQ(loadScore(busy), 8.0);
  EXPECT_DOUBLE_EQ(loadScore(hot), 5.0);
  EXPECT_DOUBLE_EQ(loadScore(node("c", 2, 3)), 7.0);
  EXPECT_EQ(choosePlacement({busy, hot, node("c", 2, 3)})->id, "b");
}

TEST(PlacementTest, NodeInfoRoundTripsThroughItsHeartbeatJson) {
  NodeInfo n = node("a", 4, 7, true);
  n.cpu = 1.25;
  n.heartbeatAt = 123;
  auto back = NodeInfo::fromJson(nlohmann::json::parse(n.toJson().dump()));
  EXPECT_EQ(back.id, "a");
  EXPECT_EQ(back.internalUrl, "http://a");
  EXPECT_TRUE(back.draining);
  EXPECT_EQ(back.rooms, 4);
  EXPECT_EQ(back.participants, 7);
  EXPECT_DOUBLE_EQ(back.cpu, 1.25);
  EXPECT_EQ(back.heartbeatAt, 123);
  EXPECT_THROW(NodeInfo::fromJson(nlohmann::json::parse(R"({"id":"x"})")), nlohmann::json::exception);
}

}  // namespace
}  // namespace rooms::cluster
