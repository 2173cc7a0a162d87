// The room lifecycle against a real SQLite database in a temp directory, with the real event log.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "core/Clock.h"
#include "events/EventLog.h"
#include "rooms/RoomManager.h"
#include "store/EventStore.h"
#include "store/RoomStore.h"
#include "store/Schema.h"
#include "store/WebhookStore.h"

using namespace rooms;

namespace {

struct Fixture {
  explicit Fixture(const std::filesystem::path& dir, int64_t noShowGraceMs = 3600 * 1000)
      : db((dir / "rooms.db").string(), "NORMAL"),
        migrated((migrateSchema(db), true)),
        roomStore(db),
        eventStore(db),
        webhookStore(db),
        events(eventStore, webhookStore, metrics),
        manager(db, roomStore, events, metrics, RoomManagerOptions{noShowGraceMs}) {}
  Database db;
  bool migrated;
  RoomStore roomStore;
  EventStore eventStore;
  WebhookStore webhookStore;
  MetricsRegistry metrics;
  EventLog events;
  RoomManager manager;

  std::vector<std::string> types(const std::string& roomId) {
    std::vector<std::string> out;
    for (const auto& e : eventStore.since(roomId, 0, 1000)) out.push_back(e.type);
    return out;
  }
};

Room draft(const std::string& id, const std::string& request = "{}", int64_t start = nowMs()) {
  RoomConfig cfg;
  cfg.scheduledStartMs = start;
  cfg.maxDurationSeconds = 3600;
  return Room(id, "s-" + id, cfg, "coach-1", "client-1", request, {{"coach", "t1"}, {"client", "t2"}},
              nowMs());
}

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("rooms-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

}  // namespace

TEST(RoomManager, CreateIsIdempotentForTheSameRequestAndConflictsOtherwise) {
  TempDir dir;
  Fixture f(dir.path());
  auto a = f.manager.create(draft("r1", R"({"a":1})"));
  ASSERT_TRUE(a.created);
  auto again = f.manager.create(draft("r1", R"({"a":1})"));
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.error, RoomError::None);
  EXPECT_EQ(again.room.get(), a.room.get());
  auto other = f.manager.create(draft("r1", R"({"a":2})"));
  EXPECT_EQ(other.error, RoomError::Conflict);
}

TEST(RoomManager, FirstHumanStartsTheRoomAndPresenceIsRecorded) {
  TempDir dir;
  Fixture f(dir.path());
  f.manager.create(draft("r1"));
  EXPECT_EQ(f.manager.find("r1")->state(), RoomState::Waiting);
  ASSERT_EQ(f.manager.participantConnected("r1", "aiOrb", "orb"), PresenceResult::Ok);
  EXPECT_EQ(f.manager.find("r1")->state(), RoomState::Waiting) << "the orb alone does not start a session";
  ASSERT_EQ(f.manager.participantConnected("r1", "coach", "c1"), PresenceResult::Ok);
  EXPECT_EQ(f.manager.find("r1")->state(), RoomState::Active);
  EXPECT_TRUE(f.manager.find("r1")->startedAt().has_value());
  // A second tab of the same seat does not open a second interval.
  ASSERT_EQ(f.manager.participantConnected("r1", "coach", "c2"), PresenceResult::Ok);
  ASSERT_EQ(f.manager.participantDisconnected("r1", "coach", "c1", "left"), PresenceResult::Ok);
  EXPECT_TRUE(f.manager.find("r1")->coach().connected());
  ASSERT_EQ(f.manager.participantDisconnected("r1", "coach", "c2", "left"), PresenceResult::Ok);
  EXPECT_FALSE(f.manager.find("r1")->coach().connected());
  EXPECT_EQ(f.manager.participantDisconnected("r1", "coach", "c2", "left"),
            PresenceResult::UnknownConnection);
  EXPECT_EQ(f.manager.participantConnected("r1", "observer", "x"), PresenceResult::UnknownRole);
  EXPECT_EQ(f.manager.participantConnected("nope", "coach", "x"), PresenceResult::RoomNotFound);
  EXPECT_EQ(f.types("r1"), (std::vector<std::string>{"participant-joined", "room-started",
                                                     "participant-joined", "participant-left"}));
  EXPECT_EQ(f.roomStore.intervals("r1").size(), 2u);
}

TEST(RoomManager, TotalDurationSumsEveryInterval) {
  TempDir dir;
  Fixture f(dir.path());
  f.manager.create(draft("r1"));
  f.manager.participantConnected("r1", "client", "a");
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  f.manager.participantDisconnected("r1", "client", "a", "left");
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  f.manager.participantConnected("r1", "client", "b");
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  f.manager.participantDisconnected("r1", "client", "b", "left");
  const auto& p = f.manager.find("r1")->client();
  ASSERT_EQ(p.intervals().size(), 2u);
  int64_t total = p.totalMs(nowMs());
  EXPECT_GE(total, 55);
  EXPECT_LT(total, 85) << "the gap between the two stays must not count";
}

TEST(RoomManager, EndingClosesPresenceAndIsFinal) {
  TempDir dir;
  Fixture f(dir.path());
  f.manager.create(draft("r1"));
  f.manager.participantConnected("r1", "coach", "c1");
  auto ended = f.manager.end("r1", "session_completed", "coach-1");
  ASSERT_EQ(ended.error, RoomError::None);
  EXPECT_EQ(ended.room->state(), RoomState::Ended);
  EXPECT_FALSE(ended.room->coach().connected());
  auto endedAt = ended.room->endedAt();
  auto again = f.manager.end("r1", "cancelled", "system");
  EXPECT_EQ(again.room->endReason(), "session_completed");
  EXPECT_EQ(again.room->endedAt(), endedAt);
  EXPECT_EQ(f.manager.participantConnected("r1", "client", "x"), PresenceResult::RoomEnded);
  EXPECT_EQ(f.manager.prewarm("r1", std::nullopt).error, RoomError::Ended);
  EXPECT_EQ(f.manager.patchConfig("r1", {{"features", {{"recording", true}}}}).error, RoomError::Ended);
  auto t = f.types("r1");
  ASSERT_GE(t.size(), 2u);
  EXPECT_EQ(t[t.size() - 2], "participant-left");
  EXPECT_EQ(t.back(), "room-ended");
}

TEST(RoomManager, PrewarmMovesWaitingToReadyOnce) {
  TempDir dir;
  Fixture f(dir.path());
  f.manager.create(draft("r1"));
  EXPECT_EQ(f.manager.prewarm("r1", std::nullopt).room->state(), RoomState::Ready);
  EXPECT_EQ(f.manager.prewarm("r1", std::nullopt).room->state(), RoomState::Ready);
  EXPECT_EQ(f.manager.prewarm("missing", std::nullopt).error, RoomError::NotFound);
}

TEST(RoomManager, PatchConfigMergesAndRejectsUnknownFieldsAtomically) {
  TempDir dir;
  Fixture f(dir.path());
  f.manager.create(draft("r1"));
  auto r = f.manager.patchConfig("r1", {{"aiOrb", {{"enabled", true}}}, {"features", {{"recording", true}}}});
  ASSERT_EQ(r.error, RoomError::None);
  EXPECT_TRUE(r.room->config().aiOrb.enabled);
  EXPECT_EQ(r.room->config().aiOrb.personality, "supportive");
  EXPECT_TRUE(r.room->config().features.recording);
  EXPECT_TRUE(r.room->config().features.transcription);
  auto bad = f.manager.patchConfig("r1", {{"features", {{"recording", false}}}, {"bogus", 1}});
  EXPECT_EQ(bad.error, RoomError::Invalid);
  EXPECT_TRUE(f.manager.find("r1")->config().features.recording) << "a rejected patch changes nothing";
  EXPECT_EQ(f.manager.patchConfig("r1", {{"features", {{"recording", "yes"}}}}).error, RoomError::Invalid);
}

TEST(RoomManager, TickEndsUnjoinedRoomsAfterTheGrace) {
  TempDir dir;
  Fixture f(dir.path(), /*noShowGraceMs=*/1000);
  f.manager.create(draft("late", "{}", nowMs() - 5000));
  f.manager.create(draft("future", "{}", nowMs() + 60000));
  f.manager.tick(nowMs());
  EXPECT_EQ(f.manager.find("late")->state(), RoomState::Ended);
  EXPECT_EQ(f.manager.find("late")->endReason(), "timeout");
  EXPECT_EQ(f.manager.find("future")->state(), RoomState::Waiting);
}

TEST(RoomManager, RecoverClosesOpenPresenceAtTheLastHeartbeat) {
  TempDir dir;
  {
    Fixture f(dir.path());
    f.manager.create(draft("r1"));
    f.manager.participantConnected("r1", "coach", "c1");
    f.manager.tick(nowMs() + 10000);  // records a heartbeat
    // The process "dies" here: no disconnect is recorded.
  }
  Fixture g(dir.path());
  g.manager.recover(nowMs() + 60000);
  auto room = g.manager.find("r1");
  ASSERT_TRUE(room);
  EXPECT_EQ(room->state(), RoomState::Active);
  EXPECT_FALSE(room->coach().connected());
  ASSERT_TRUE(room->coach().leftAt().has_value());
  auto t = g.types("r1");
  EXPECT_EQ(t.back(), "participant-left");
  auto last = g.eventStore.since("r1", 0, 100).back();
  EXPECT_NE(last.dataJson.find("server_restart"), std::string::npos);
  // The coach can come back after the restart.
  EXPECT_EQ(g.manager.participantConnected("r1", "coach", "c9"), PresenceResult::Ok);
}

TEST(RoomManager, RemovedSeatIsClosedAndRefusedUntilReadmittedAcrossARestart) {
  TempDir dir;
  {
    Fixture f(dir.path());
    f.manager.create(draft("r1"));
    ASSERT_EQ(f.manager.participantConnected("r1", "client", "c1"), PresenceResult::Ok);
    auto removed = f.manager.removeParticipant("r1", "client", "Please reschedule", /*allowRejoin=*/false);
    ASSERT_EQ(removed.error, RoomError::None);
    EXPECT_TRUE(removed.wasConnected);
    EXPECT_FALSE(removed.room->client().connected());
    ASSERT_TRUE(removed.room->client().removal());
    EXPECT_EQ(removed.room->client().removal()->reason, "Please reschedule");
    EXPECT_EQ(f.manager.participantConnected("r1", "client", "c2"), PresenceResult::Removed);
    auto types = f.types("r1");
    ASSERT_GE(types.size(), 2u);
    EXPECT_EQ(types[types.size() - 2], "participant-left");
    EXPECT_EQ(types.back(), "participant-removed");
    const auto status = removed.room->statusJson(nowMs());
    EXPECT_EQ(status["participants"]["client"]["removed"]["reason"], "Please reschedule");
    EXPECT_TRUE(status["participants"]["coach"]["removed"].is_null());
    EXPECT_EQ(f.manager.removeParticipant("r1", "aiOrb", "", false).error, RoomError::Invalid);
  }
  {
    // The block is stored with the room: a restart keeps it.
    Fixture g(dir.path());
    g.manager.recover(nowMs());
    EXPECT_EQ(g.manager.participantConnected("r1", "client", "c3"), PresenceResult::Removed);
    auto readmitted = g.manager.readmitParticipant("r1", "client");
    ASSERT_EQ(readmitted.error, RoomError::None);
    EXPECT_FALSE(readmitted.room->client().removal());
    EXPECT_EQ(g.types("r1").back(), "participant-readmitted");
    EXPECT_EQ(g.manager.participantConnected("r1", "client", "c3"), PresenceResult::Ok);
    // Readmitting an open seat changes nothing and appends nothing.
    const auto before = g.types("r1").size();
    EXPECT_EQ(g.manager.readmitParticipant("r1", "client").error, RoomError::None);
    EXPECT_EQ(g.types("r1").size(), before);
  }
}

TEST(RoomManager, RemoveWithRejoinAllowedOnlyEndsTheStay) {
  TempDir dir;
  Fixture f(dir.path());
  f.manager.create(draft("r1"));
  auto removed = f.manager.removeParticipant("r1", "coach", "", /*allowRejoin=*/true);
  ASSERT_EQ(removed.error, RoomError::None);
  EXPECT_FALSE(removed.wasConnected);
  EXPECT_FALSE(removed.room->coach().removal());
  EXPECT_EQ(f.manager.participantConnected("r1", "coach", "c1"), PresenceResult::Ok);
  f.manager.end("r1", "session_completed", "system");
  EXPECT_EQ(f.manager.removeParticipant("r1", "coach", "", false).error, RoomError::Ended);
  EXPECT_EQ(f.manager.readmitParticipant("r1", "coach").error, RoomError::Ended);
  EXPECT_EQ(f.manager.removeParticipant("nope", "coach", "", false).error, RoomError::NotFound);
}

TEST(RoomManager, ListPagesNewestFirstAndFiltersByState) {
  TempDir dir;
  Fixture f(dir.path());
  // Same creation time for several rooms: the id breaks the tie, so pages neither skip nor repeat.
  const int64_t t = nowMs();
  for (const char* id : {"a", "b", "c", "d", "e"}) {
    RoomConfig cfg;
    cfg.scheduledStartMs = t;
    cfg.maxDurationSeconds = 3600;
    f.manager.create(Room(id, std::string("s-") + id, cfg, "coach-1", "client-1", "{}",
                          {{"coach", "t1"}, {"client", "t2"}}, std::string(id) < "c" ? t : t + 1));
  }
  f.manager.end("b", "session_completed", "system");
  std::vector<std::string> seen;
  RoomManager::ListQuery q;
  q.limit = 2;
  for (int page = 0; page < 10; ++page) {
    auto result = f.manager.list(q);
    for (const auto& room : result.rooms) seen.push_back(room->id());
    if (!result.next) break;
    q.after = result.next;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"e", "d", "c", "b", "a"}));

  RoomManager::ListQuery ended;
  ended.states = {RoomState::Ended};
  auto endedPage = f.manager.list(ended);
  ASSERT_EQ(endedPage.rooms.size(), 1u);
  EXPECT_EQ(endedPage.rooms[0]->id(), "b");
  EXPECT_FALSE(endedPage.next);

  RoomManager::ListQuery waiting;
  waiting.states = {RoomState::Waiting, RoomState::Ready};
  waiting.limit = 4;
  auto waitingPage = f.manager.list(waiting);
  EXPECT_EQ(waitingPage.rooms.size(), 4u);
  EXPECT_FALSE(waitingPage.next);
}

namespace {
// A cluster's leases whose store can be taken away: renewals then fail as an unreachable Redis's do.
struct UnreachableLeases : cluster::RoomOwnership {
  std::string id = "node-a";
  bool down = false;
  bool clustered() const override { return true; }
  const std::string& nodeId() const override { return id; }
  bool acquire(const std::string&) override { return !down; }
  std::vector<std::string> renew(const std::vector<std::string>&) override {
    if (down) throw std::runtime_error("redis unreachable");
    return {};
  }
  void release(const std::string&) override {}
  std::optional<std::string> owner(const std::string&) override { return id; }
  std::vector<std::string> unheld(const std::vector<std::string>&) override {
    if (down) throw std::runtime_error("redis unreachable");
    return {};
  }
};
}  // namespace

TEST(RoomManager, ANodeThatCannotRenewStopsActingOnItsRoomsBeforeTheLeasesCanRunOut) {
  TempDir dir;
  Database db((dir.path() / "rooms.db").string(), "NORMAL");
  migrateSchema(db);
  RoomStore roomStore(db);
  EventStore eventStore(db);
  WebhookStore webhookStore(db);
  MetricsRegistry metrics;
  EventLog events(eventStore, webhookStore, metrics);
  UnreachableLeases leases;
  RoomManagerOptions options{3600 * 1000};
  options.ownership = &leases;
  RoomManager manager(db, roomStore, events, metrics, options);
  ASSERT_TRUE(manager.create(draft("r1")).created);
  const int64_t t0 = nowMs();
  manager.tick(t0);  // renewed
  leases.down = true;
  manager.tick(t0 + 3000);
  EXPECT_TRUE(manager.holds("r1")) << "a short outage keeps the room";
  manager.tick(t0 + 4100);
  EXPECT_FALSE(manager.holds("r1")) << "the lease (6 s) could run out within 2 s: another node may take it";
}
