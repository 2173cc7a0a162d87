// Rooms spread over the media workers: placement by load, then by rooms; a room stays on its worker until it
// closes; one certificate for all; each worker on its own port, and a room's plan reaching only its worker.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <set>
#include <thread>

#include "core/ThreadChecker.h"
#include "rtc/MediaWorkerPool.h"
#include "rtc/WorkerPlacement.h"

namespace rooms::rtc {
namespace {

TEST(WorkerPlacementTest, RoomsDecideBetweenIdleWorkers) {
  const std::array<WorkerLoad, 3> loads{WorkerLoad{0, 2}, WorkerLoad{0, 1}, WorkerLoad{0, 1}};
  EXPECT_EQ(WorkerPlacement::choose(loads), 1u);  // the fewest rooms, the lowest index among them
}

TEST(WorkerPlacementTest, TrafficBeatsRoomCount) {
  // Worker 0 holds one busy call (five 1 Mbit/s calls' worth of packets); worker 1 three quiet rooms.
  const std::array<WorkerLoad, 2> loads{WorkerLoad{1500, 1}, WorkerLoad{0, 3}};
  EXPECT_EQ(WorkerPlacement::choose(loads), 1u);
}

TEST(WorkerPlacementTest, RoomsPlacedRecentlyCountAsACallEach) {
  // Rates just either side of a quantum's edge: without the recent rooms, every new room would go to worker 0
  // until the rates caught up a second later.
  std::array<WorkerLoad, 2> loads{WorkerLoad{3590, 10, 0}, WorkerLoad{3610, 10, 0}};
  EXPECT_EQ(WorkerPlacement::choose(loads), 0u);
  loads[0] = WorkerLoad{3590, 11, 1};
  EXPECT_EQ(WorkerPlacement::choose(loads), 1u);
  loads[1] = WorkerLoad{3610, 11, 1};
  EXPECT_EQ(WorkerPlacement::choose(loads), 0u);
}

TEST(WorkerPlacementTest, RatesWithinAQuantumCountAsEqual) {
  // 250 and 40 packets/s are both "less than one call": rooms decide.
  const std::array<WorkerLoad, 2> loads{WorkerLoad{40, 3}, WorkerLoad{250, 1}};
  EXPECT_EQ(WorkerPlacement::choose(loads), 1u);
}

MediaWorkerPool::Options poolOptions(size_t workers, uint16_t port = 0) {
  MediaWorkerPool::Options o;
  o.worker.bindAddress = "127.0.0.1";
  o.worker.port = port;
  o.workers = workers;
  return o;
}

TEST(MediaWorkerPoolTest, RoomsSpreadOverWorkersAndStayPut) {
  MediaWorkerPool pool(poolOptions(2));
  EXPECT_EQ(pool.workerOf("a"), 0u);
  EXPECT_EQ(pool.workerOf("b"), 1u);
  EXPECT_EQ(pool.workerOf("c"), 0u);
  EXPECT_EQ(pool.workerOf("d"), 1u);
  EXPECT_EQ(pool.workerOf("a"), 0u);  // placed once, for the room's life
  EXPECT_EQ(pool.roomsPerWorker(), (std::vector<size_t>{2, 2}));
  pool.closeRoom("b");
  pool.closeRoom("d");
  pool.closeRoom("d");  // twice is harmless
  EXPECT_EQ(pool.roomsPerWorker(), (std::vector<size_t>{2, 0}));
  EXPECT_EQ(pool.workerOf("e"), 1u);
  EXPECT_EQ(pool.workerOf("f"), 1u);
  EXPECT_EQ(pool.workerOf("g"), 0u);
}

TEST(MediaWorkerPoolTest, RemovalsDoNotPlaceARoom) {
  MediaWorkerPool pool(poolOptions(2));
  pool.removeTransport("gone", "t1");
  pool.removeLocalTrack("gone", "orb");
  pool.setTap("gone", "mic", TapKind::Speech, nullptr);
  EXPECT_EQ(pool.roomsPerWorker(), (std::vector<size_t>{0, 0}));
}

TEST(MediaWorkerPoolTest, AClosedRoomIsNeverPlacedAgain) {
  MediaWorkerPool pool(poolOptions(2));
  EXPECT_EQ(pool.workerOf("a"), 0u);
  pool.closeRoom("a");
  pool.closeRoom("never-placed");
  // Late work for ended rooms: a plan, the orb's track, a microphone tap. None of it places the room.
  TransportPlan late;
  late.roomId = "a";
  pool.applyPlan(late);
  pool.addLocalTrack("never-placed", ProducerSpec{}, nullptr);
  pool.setTap("a", "mic", TapKind::Speech, std::make_shared<RtpPacketRing>(8));
  EXPECT_EQ(pool.roomsPerWorker(), (std::vector<size_t>{0, 0}));
  EXPECT_EQ(pool.workerOf("b"), 0u);  // worker 0 is free again
}

TEST(MediaWorkerPoolTest, OneCertificateForEveryWorker) {
  MediaWorkerPool pool(poolOptions(3));
  ASSERT_EQ(pool.size(), 3u);
  for (size_t i = 0; i < pool.size(); ++i) {
    EXPECT_EQ(pool.worker(i).certificate(), pool.certificate());
    EXPECT_EQ(pool.worker(i).index(), i);
  }
}

TEST(MediaWorkerPoolTest, RefusesNoWorkersAndPortsPast65535) {
  EXPECT_THROW(MediaWorkerPool(poolOptions(0)), std::invalid_argument);
  EXPECT_THROW(MediaWorkerPool(poolOptions(2, 65535)), std::invalid_argument);
}

class NullListener : public MediaWorker::Listener {
 public:
  void onMediaTransportState(const std::string&, const std::string&, WebRtcTransport::State) override {}
  void onMediaStats(const std::string&, std::vector<TransportStats>) override {}
};

TransportPlan planFor(const std::string& roomId, const std::string& transportId) {
  TransportPlan p;
  p.roomId = roomId;
  p.params.id = transportId;
  p.params.localUfrag = "srv" + transportId;
  p.params.localPwd = "server-password-" + transportId + "-0123456789";
  p.params.remoteUfrag = "cli" + transportId;
  p.params.remoteFingerprintAlgorithm = "sha-256";
  p.params.remoteFingerprint = dtls::DtlsCertificate::generate()->fingerprintSha256();
  p.rtcpSsrc = 0xABC0;
  p.cname = transportId;
  return p;
}

bool waitFor(const std::function<bool()>& done) {
  for (int i = 0; i < 200 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return done();
}

TEST(MediaWorkerPoolTest, EachWorkerHasItsPortAndOnlyItsRooms) {
  MediaWorkerPool pool(poolOptions(2));
  NullListener listener;
  pool.start(listener);
  EXPECT_NE(pool.worker(0).port(), 0);
  EXPECT_NE(pool.worker(1).port(), 0);
  EXPECT_NE(pool.worker(0).port(), pool.worker(1).port());

  pool.applyPlan(planFor("room-a", "a1"));
  pool.applyPlan(planFor("room-b", "b1"));
  pool.applyPlan(planFor("room-b", "b2"));
  EXPECT_EQ(pool.portOf("room-a"), pool.worker(0).port());
  EXPECT_EQ(pool.portOf("room-b"), pool.worker(1).port());
  ASSERT_TRUE(waitFor([&] { return pool.totals().transports == 3; }));
  EXPECT_EQ(pool.worker(0).totals().transports, 1u);
  EXPECT_EQ(pool.worker(1).totals().transports, 2u);
  EXPECT_EQ(pool.worker(0).totals().routers, 1u);
  EXPECT_EQ(pool.worker(1).totals().routers, 1u);

  pool.closeRoom("room-b");
  ASSERT_TRUE(waitFor([&] { return pool.worker(1).totals().routers == 0; }));
  EXPECT_EQ(pool.worker(0).totals().routers, 1u);
  pool.stop();
}

TEST(MediaWorkerPoolTest, ConsecutivePortsFromAFixedBase) {
  NullListener listener;
  // Some base in the dynamic range with three free ports; retried, since another process may hold one.
  for (uint16_t base = 47310; base < 47400; base += 7) {
    MediaWorkerPool pool(poolOptions(3, base));
    try {
      pool.start(listener);
    } catch (const std::runtime_error&) {
      continue;
    }
    for (size_t i = 0; i < 3; ++i) EXPECT_EQ(pool.worker(i).port(), base + i);
    pool.stop();
    return;
  }
  FAIL() << "no three consecutive free ports found";
}

#if !defined(NDEBUG) || defined(ROOMS_THREAD_CHECKS)
TEST(ThreadCheckerDeathTest, TouchingFromAnotherThreadAborts) {
  ThreadChecker checker;
  ROOMS_CHECK_THREAD(checker);  // binds this thread
  EXPECT_DEATH(
      {
        std::thread other([&] { ROOMS_CHECK_THREAD(checker); });
        other.join();
      },
      "touched off its owning thread");
}
#endif

}  // namespace
}  // namespace rooms::rtc
