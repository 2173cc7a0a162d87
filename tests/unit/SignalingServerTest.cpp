// SignalingServer's seat rules against the real room model and database: presence, the reconnect grace
// period, replaced connections, leave, and the end of the room. The media worker is real but not started, so
// plans are only queued; channels are recorded in memory.
#include "signaling/SignalingServer.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/Clock.h"
#include "events/EventLog.h"
#include "rooms/RoomManager.h"
#include "store/EventStore.h"
#include "store/Schema.h"
#include "store/WebhookStore.h"

namespace rooms::signaling {
namespace {

struct RecordingChannel : SignalingChannel {
  std::vector<nlohmann::json> frames;
  std::optional<uint16_t> closedWith;
  void send(std::string frame) override { frames.push_back(nlohmann::json::parse(frame)); }
  void close(uint16_t code, std::string) override {
    if (!closedWith) closedWith = code;
  }
  std::vector<std::string> types() const {
    std::vector<std::string> out;
    for (const auto& f : frames) out.push_back(f["type"].get<std::string>());
    return out;
  }
  const nlohmann::json* last(const std::string& type) const {
    for (auto it = frames.rbegin(); it != frames.rend(); ++it) {
      if ((*it)["type"] == type) return &*it;
    }
    return nullptr;
  }
};

class SignalingServerTest : public ::testing::Test {
 protected:
  SignalingServerTest()
      : dir_(std::filesystem::temp_directory_path() /
             ("rooms-signaling-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++))),
        db_((std::filesystem::create_directories(dir_), (dir_ / "rooms.db").string()), "NORMAL"),
        migrated_((migrateSchema(db_), true)),
        roomStore_(db_),
        eventStore_(db_),
        webhookStore_(db_),
        events_(eventStore_, webhookStore_, metrics_),
        manager_(db_, roomStore_, events_, metrics_, RoomManagerOptions{3600 * 1000}),
        media_(rtc::MediaWorkerPool::Options{}),
        server_(io_, manager_, manager_, roomStore_, media_, options()) {
    manager_.addObserver(&server_);
    RoomConfig cfg;
    cfg.scheduledStartMs = nowMs();
    cfg.maxDurationSeconds = 3600;
    manager_.create(Room("room-1", "session-1", cfg, "coach-1", "client-1", "{}",
                         {{"coach", "t1"}, {"client", "t2"}}, nowMs()));
  }
  ~SignalingServerTest() override { std::filesystem::remove_all(dir_); }

  static SignalingServer::Options options() {
    SignalingServer::Options o;
    o.reconnectGraceMs = 5000;
    return o;
  }

  ParticipantIdentity identity(const std::string& role) {
    ParticipantIdentity id;
    id.roomId = "room-1";
    id.userId = role + "-1";
    id.role = role;
    id.name = role == "coach" ? "Casey" : "Charlie";
    id.permissions = {true, true, true};
    return id;
  }

  std::vector<std::string> eventTypes() {
    std::vector<std::string> out;
    for (const auto& e : eventStore_.since("room-1", 0, 1000)) out.push_back(e.type);
    return out;
  }

  static inline int counter_ = 0;
  std::filesystem::path dir_;
  Database db_;
  bool migrated_;
  RoomStore roomStore_;
  EventStore eventStore_;
  WebhookStore webhookStore_;
  MetricsRegistry metrics_;
  EventLog events_;
  RoomManager manager_;
  boost::asio::io_context io_;
  rtc::MediaWorkerPool media_;
  SignalingServer server_;
};

TEST_F(SignalingServerTest, WelcomeAndPresence) {
  auto coachChannel = std::make_shared<RecordingChannel>();
  auto coach = server_.connect(identity("coach"), coachChannel);
  ASSERT_TRUE(coach);
  ASSERT_EQ(coachChannel->types(), std::vector<std::string>{"welcome"});
  const auto& welcome = coachChannel->frames[0]["data"];
  EXPECT_EQ(welcome["role"], "coach");
  EXPECT_EQ(welcome["reconnected"], false);
  EXPECT_EQ(welcome["recv"]["video"], 0);
  EXPECT_EQ(eventTypes(), (std::vector<std::string>{"room-started", "participant-joined"}));

  auto clientChannel = std::make_shared<RecordingChannel>();
  ASSERT_TRUE(server_.connect(identity("client"), clientChannel));
  ASSERT_TRUE(coachChannel->last("participant-joined"));
  EXPECT_EQ((*coachChannel->last("participant-joined"))["data"]["participantId"], "client-1");
  EXPECT_EQ(server_.connectedPeers(), 2u);
  EXPECT_TRUE(manager_.find("room-1")->seat("client")->connected());
}

TEST_F(SignalingServerTest, ABriefDropIsAReconnectionNotALeave) {
  auto coachChannel = std::make_shared<RecordingChannel>();
  server_.connect(identity("coach"), coachChannel);
  auto clientChannel = std::make_shared<RecordingChannel>();
  auto client = server_.connect(identity("client"), clientChannel);

  server_.onClosed(client);
  EXPECT_TRUE(coachChannel->last("reconnecting"));
  server_.tick(nowMs() + 1000);
  EXPECT_FALSE(coachChannel->last("participant-left"));

  auto again = std::make_shared<RecordingChannel>();
  ASSERT_TRUE(server_.connect(identity("client"), again));
  EXPECT_EQ(again->frames[0]["data"]["reconnected"], true);
  EXPECT_TRUE(coachChannel->last("reconnected"));
  server_.tick(nowMs() + 60000);
  const auto types = eventTypes();
  EXPECT_EQ(std::count(types.begin(), types.end(), "participant-left"), 0);
  EXPECT_EQ(std::count(types.begin(), types.end(), "participant-joined"), 2);
  EXPECT_TRUE(manager_.find("room-1")->seat("client")->connected());

  const auto stored = roomStore_.findAnalytics("room-1");
  ASSERT_TRUE(stored);
  EXPECT_EQ(ConnectionAnalytics::fromJson(nlohmann::json::parse(*stored)).reconnections(), 1);
}

TEST_F(SignalingServerTest, NoReturnWithinTheGraceIsALeaveDatedWhenTheConnectionWasLost) {
  auto coachChannel = std::make_shared<RecordingChannel>();
  server_.connect(identity("coach"), coachChannel);
  auto client = server_.connect(identity("client"), std::make_shared<RecordingChannel>());
  const int64_t lostAt = nowMs();
  server_.onClosed(client);
  server_.tick(lostAt + 4000);
  EXPECT_FALSE(coachChannel->last("participant-left"));
  server_.tick(lostAt + 6000);
  ASSERT_TRUE(coachChannel->last("participant-left"));
  EXPECT_EQ((*coachChannel->last("participant-left"))["data"]["reason"], "disconnected");
  const auto room = manager_.find("room-1");
  EXPECT_FALSE(room->seat("client")->connected());
  const auto status = room->statusJson(nowMs());
  // leftAt is when the socket went away, not when the grace period ran out.
  const auto leftAt = parseIso8601(status["participants"]["client"]["leftAt"].get<std::string>());
  ASSERT_TRUE(leftAt);
  EXPECT_LE(*leftAt, lostAt + 1000);
}

// A cluster node that holds every room it is asked for: the test's second node, after the first died.
struct TakeoverOwnership : cluster::RoomOwnership {
  std::string id = "node-b";
  bool clustered() const override { return true; }
  const std::string& nodeId() const override { return id; }
  bool acquire(const std::string&) override { return true; }
  std::vector<std::string> renew(const std::vector<std::string>&) override { return {}; }
  void release(const std::string&) override {}
  std::optional<std::string> owner(const std::string&) override { return std::nullopt; }
  std::vector<std::string> unheld(const std::vector<std::string>& roomIds) override { return roomIds; }
};

TEST_F(SignalingServerTest, ARoomTakenOverFromADeadNodeGetsItsPagesBackAsReconnections) {
  server_.connect(identity("coach"), std::make_shared<RecordingChannel>());
  server_.connect(identity("client"), std::make_shared<RecordingChannel>());
  // The first node dies here: nothing closes its stays. A second node, with its own manager and signaling
  // on the same store, takes the room when the coach's page comes back through it.
  TakeoverOwnership leases;
  RoomManagerOptions managerOptions{3600 * 1000};
  managerOptions.ownership = &leases;
  MetricsRegistry otherMetrics;
  RoomManager other(db_, roomStore_, events_, otherMetrics, managerOptions);
  boost::asio::io_context otherIo;
  rtc::MediaWorkerPool otherMedia(rtc::MediaWorkerPool::Options{});
  SignalingServer otherServer(otherIo, other, other, roomStore_, otherMedia, options());
  other.addObserver(&otherServer);

  const int64_t takenAt = nowMs();
  auto coach = std::make_shared<RecordingChannel>();
  auto peer = otherServer.connect(identity("coach"), coach);
  ASSERT_TRUE(peer);
  EXPECT_TRUE(other.holds("room-1"));
  EXPECT_EQ(coach->frames[0]["data"]["reconnected"], true);
  EXPECT_TRUE(other.find("room-1")->seat("client")->connected()) << "the client is expected back";

  // The client never comes back: its stay ends when its connection died with the node, once the grace ran
  // out.
  otherServer.tick(takenAt + 4000);
  EXPECT_FALSE(coach->last("participant-left"));
  otherServer.tick(takenAt + 6000);
  ASSERT_TRUE(coach->last("participant-left"));
  EXPECT_EQ((*coach->last("participant-left"))["data"]["reason"], "node_failed");
  EXPECT_FALSE(other.find("room-1")->seat("client")->connected());
  EXPECT_TRUE(other.find("room-1")->seat("coach")->connected());

  // The coach's stay, opened on the dead node, is closed by leaving on this one.
  otherServer.onMessage(peer, R"({"type":"leave","data":{}})");
  EXPECT_FALSE(other.find("room-1")->seat("coach")->connected());
  const auto types = eventTypes();
  EXPECT_EQ(std::count(types.begin(), types.end(), "participant-joined"), 2);
  EXPECT_EQ(std::count(types.begin(), types.end(), "participant-left"), 2);
  EXPECT_EQ(std::count(types.begin(), types.end(), "room-started"), 1);
}

TEST_F(SignalingServerTest, ASecondTabReplacesTheFirstAndLeaveIsImmediate) {
  auto first = std::make_shared<RecordingChannel>();
  server_.connect(identity("coach"), first);
  auto second = std::make_shared<RecordingChannel>();
  auto peer = server_.connect(identity("coach"), second);
  EXPECT_EQ(first->closedWith, close_code::kReplaced);
  EXPECT_FALSE(second->closedWith);

  server_.onMessage(peer, R"({"type":"leave","data":{}})");
  EXPECT_EQ(second->closedWith, close_code::kNormal);
  const auto types = eventTypes();
  EXPECT_EQ(types.back(), "participant-left");
  EXPECT_FALSE(manager_.find("room-1")->seat("coach")->connected());
}

TEST_F(SignalingServerTest, BadFramesGetErrorsAndTheSocketStays) {
  auto channel = std::make_shared<RecordingChannel>();
  auto peer = server_.connect(identity("coach"), channel);
  server_.onMessage(peer, "not json");
  server_.onMessage(peer, R"({"type":"offer","data":{"sdp":"v=0 garbage"}})");
  server_.onMessage(peer, R"({"type":"offer","data":{}})");
  server_.onMessage(peer, R"({"type":"teleport","data":{}})");
  const auto types = channel->types();
  EXPECT_EQ(std::count(types.begin(), types.end(), "error"), 4);
  EXPECT_EQ((*channel->last("error"))["data"]["code"], "unknown_type");
  EXPECT_FALSE(channel->closedWith);
}

TEST_F(SignalingServerTest, EndingTheRoomClosesEveryPageWithTheEndedCode) {
  auto coach = std::make_shared<RecordingChannel>();
  auto client = std::make_shared<RecordingChannel>();
  server_.connect(identity("coach"), coach);
  server_.connect(identity("client"), client);
  manager_.end("room-1", "session_completed", "system");
  for (const auto& c : {coach, client}) {
    ASSERT_TRUE(c->last("room-ended"));
    EXPECT_EQ((*c->last("room-ended"))["data"]["reason"], "session_completed");
    EXPECT_EQ(c->closedWith, close_code::kRoomEnded);
  }
  auto late = std::make_shared<RecordingChannel>();
  EXPECT_FALSE(server_.connect(identity("client"), late));
  EXPECT_EQ(late->closedWith, close_code::kRoomEnded);
}

}  // namespace
}  // namespace rooms::signaling
