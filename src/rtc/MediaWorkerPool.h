#pragma once
// The media plane of the process: one MediaWorker per core (ROOMS_MEDIA_WORKERS), each with its own thread,
// UDP port and ICE-TCP listener (the base port + its index), sharing one DTLS certificate. A room is placed
// on one worker when its first media arrives (WorkerPlacement) and stays there until it closes, so every
// media object of a room lives on one thread and the hot path needs no lock. Everything above the media plane
// talks to the pool by room id; the pool forwards to the room's worker. Thread-safe.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "rtc/MediaWorker.h"
#include "rtc/dtls/DtlsCertificate.h"
#include "rtc/router/RtpPacketRing.h"
#include "rtc/router/TrackSpec.h"

namespace rooms::rtc {

class MediaWorkerPool {
 public:
  struct Options {
    MediaWorker::Options worker;  // port is the first worker's; worker i binds port + i (or any, for 0)
    size_t workers = 1;
    bool pinToCores = false;  // worker i's thread on core i modulo the cores there are
  };

  // Makes the workers (not yet started) and the process's DTLS certificate; workers must be at least 1.
  explicit MediaWorkerPool(const Options& options);
  ~MediaWorkerPool();
  MediaWorkerPool(const MediaWorkerPool&) = delete;
  MediaWorkerPool& operator=(const MediaWorkerPool&) = delete;

  // Binds every worker's port and starts its thread; throws (naming the port) when one cannot bind, after
  // stopping the ones already started. listener must outlive stop().
  void start(MediaWorker::Listener& listener);
  void stop();

  size_t size() const { return workers_.size(); }
  const MediaWorker& worker(size_t index) const { return *workers_.at(index); }
  const std::shared_ptr<const dtls::DtlsCertificate>& certificate() const { return certificate_; }

  // Closed room ids remembered, so that work arriving late for an ended room cannot place it again.
  static constexpr size_t kClosedRemembered = 4096;

  // The room's worker, placing the room now if it has none. Its port is what the room's candidates announce.
  // A closed room is not placed again: its old worker's index is not known any more, so 0 stands in (work
  // for it is dropped by the calls below).
  size_t workerOf(const std::string& roomId);
  uint16_t portOf(const std::string& roomId) { return workers_[workerOf(roomId)]->port(); }
  // Rooms placed on each worker, by index.
  std::vector<size_t> roomsPerWorker() const;
  // Every worker's counters, added up.
  MediaWorker::Totals totals() const;

  // MediaWorker's control-plane calls, sent to the room's worker. Calls for a room that has closed are
  // dropped: ended rooms never come back, and a router made again on some worker would never be closed, and
  // would give the room's single-producer rings a second producer.
  void applyPlan(TransportPlan plan);
  void removeTransport(std::string roomId, std::string transportId);
  // Ends the room's placement for good.
  void closeRoom(std::string roomId);
  void setTap(std::string roomId, std::string trackId, TapKind kind, std::shared_ptr<RtpPacketRing> tap);
  void requestKeyFrame(std::string roomId, std::string trackId);
  void addLocalTrack(std::string roomId, ProducerSpec spec, std::shared_ptr<RtpPacketRing> source);
  void removeLocalTrack(std::string roomId, std::string trackId);

 private:
  // With mutex_ held. Null for a room that has closed.
  MediaWorker* placeLocked(const std::string& roomId);
  // The room's worker, placing it if it has none; null for a room that has closed.
  MediaWorker* place(const std::string& roomId);
  // The room's worker if it has one (no placement): removals for a room never placed have nothing to do.
  MediaWorker* placedWorker(const std::string& roomId);

  std::shared_ptr<const dtls::DtlsCertificate> certificate_;
  std::vector<std::unique_ptr<MediaWorker>> workers_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, size_t> placement_;
  std::vector<size_t> rooms_;  // per worker: placement_'s entries for it
  struct Placed {
    int64_t atMs;
    std::string roomId;
  };
  std::vector<std::deque<Placed>> recent_;  // per worker: the rooms placed within WorkerPlacement::kRecentMs
  std::unordered_set<std::string> closed_;
  std::deque<std::string> closedOrder_;  // closed_'s ids, oldest first, for the bound
};

}  // namespace rooms::rtc
