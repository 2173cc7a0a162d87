// SeatPresence against a recording PresenceSink: when stays open and close, the grace, and a takeover's
// seats.
#include "signaling/SeatPresence.h"

#include <gtest/gtest.h>

#include <vector>

namespace rooms::signaling {
namespace {

struct RecordingSink : PresenceSink {
  struct Call {
    std::string what;
    std::string role;
    std::string connectionId;
    std::string reason;
    int64_t atMs = 0;
  };
  std::vector<Call> calls;
  PresenceResult next = PresenceResult::Ok;
  PresenceResult participantConnected(const std::string&, const std::string& role,
                                      const std::string& connectionId) override {
    calls.push_back({"connected", role, connectionId, "", 0});
    return next;
  }
  PresenceResult participantDisconnected(const std::string&, const std::string& role,
                                         const std::string& connectionId, const std::string& reason,
                                         int64_t atMs) override {
    calls.push_back({"disconnected", role, connectionId, reason, atMs});
    return PresenceResult::Ok;
  }
};

Seat seatFor(const std::string& role) {
  Seat seat;
  seat.role = role;
  seat.userId = role + "-1";
  return seat;
}

TEST(SeatPresence, AStayOpensOnceAndGoesOnAcrossAReconnectWithinTheGrace) {
  RecordingSink sink;
  SeatPresence presence(sink, 5000);
  Seat seat = seatFor("coach");
  ASSERT_EQ(presence.arrive("room-1", seat), PresenceResult::Ok);
  EXPECT_TRUE(seat.present);
  EXPECT_TRUE(SeatPresence::lose(seat, 1000));
  EXPECT_FALSE(SeatPresence::lose(seat, 2000)) << "the grace runs from the first loss";
  EXPECT_FALSE(presence.graceOver(seat, 5999));
  EXPECT_TRUE(SeatPresence::resume(seat)) << "back within the grace: a reconnection";
  EXPECT_FALSE(SeatPresence::resume(seat));
  EXPECT_EQ(presence.arrive("room-1", seat), PresenceResult::Ok);
  ASSERT_EQ(sink.calls.size(), 1u) << "one stay";
  EXPECT_EQ(sink.calls[0].what, "connected");
}

TEST(SeatPresence, ARefusedArrivalLeavesTheSeatAbsent) {
  RecordingSink sink;
  sink.next = PresenceResult::Removed;
  SeatPresence presence(sink, 5000);
  Seat seat = seatFor("client");
  EXPECT_EQ(presence.arrive("room-1", seat), PresenceResult::Removed);
  EXPECT_FALSE(seat.present);
  presence.depart("room-1", seat, "left");
  EXPECT_EQ(sink.calls.size(), 1u) << "nothing to close";
}

TEST(SeatPresence, TakenOverStaysWaitInTheGraceAndEndAsNodeFailedWhenTheGraceRunsOut) {
  RecordingSink sink;
  SeatPresence presence(sink, 5000);
  RoomConfig cfg;
  Room model("room-1", "session-1", cfg, "coach-1", "client-1", "{}", {}, 0);
  model.coach().addConnection("stay_from_the_dead_node");
  SignalingRoom room;
  room.roomId = "room-1";
  SeatPresence::adoptStays(room, model, 10000);
  ASSERT_EQ(room.seats.count("coach"), 1u);
  EXPECT_EQ(room.seats.count("client"), 0u) << "the client was not there";
  Seat& seat = room.seats["coach"];
  EXPECT_TRUE(seat.present);
  EXPECT_EQ(seat.userId, "coach-1");
  EXPECT_FALSE(presence.graceOver(seat, 14999));
  ASSERT_TRUE(presence.graceOver(seat, 15000));
  // The reason handed over is the seat's own field, which departing resets: it must arrive as it was.
  presence.depart("room-1", seat, seat.lostReason, *seat.lostAtMs);
  ASSERT_EQ(sink.calls.size(), 1u);
  EXPECT_EQ(sink.calls[0].what, "disconnected");
  EXPECT_EQ(sink.calls[0].connectionId, "stay_from_the_dead_node");
  EXPECT_EQ(sink.calls[0].reason, "node_failed");
  EXPECT_EQ(sink.calls[0].atMs, 10000);
  EXPECT_FALSE(seat.present);
  EXPECT_EQ(seat.lostReason, "disconnected");
}

}  // namespace
}  // namespace rooms::signaling
