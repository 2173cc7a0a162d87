#include "rtc/MediaWorkerPool.h"

#include <stdexcept>
#include <thread>

#include "core/Clock.h"
#include "core/Log.h"
#include "rtc/WorkerPlacement.h"

namespace rooms::rtc {

MediaWorkerPool::MediaWorkerPool(const Options& options) : certificate_(dtls::DtlsCertificate::generate()) {
  if (options.workers == 0) {
    throw std::invalid_argument("the media plane needs at least one worker");
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  for (size_t i = 0; i < options.workers; ++i) {
    MediaWorker::Options w = options.worker;
    w.index = i;
    // Port 0 asks each worker's socket for any free port; a fixed base gives a documented, contiguous range.
    if (w.port != 0) {
      const size_t port = size_t{w.port} + i;
      if (port > 65535) {
        throw std::invalid_argument("media port " + std::to_string(port) + " is out of range");
      }
      w.port = static_cast<uint16_t>(port);
    }
    w.cpu = options.pinToCores ? static_cast<int>(i % cores) : -1;
    workers_.push_back(std::make_unique<MediaWorker>(w, certificate_));
  }
  rooms_.assign(workers_.size(), 0);
  recent_.resize(workers_.size());
}

MediaWorkerPool::~MediaWorkerPool() {
  stop();
}

void MediaWorkerPool::start(MediaWorker::Listener& listener) {
  try {
    for (auto& worker : workers_) {
      worker->start(listener);
    }
  } catch (...) {
    stop();
    throw;
  }
}

void MediaWorkerPool::stop() {
  for (auto& worker : workers_) {
    worker->stop();
  }
}

size_t MediaWorkerPool::workerOf(const std::string& roomId) {
  std::lock_guard lock(mutex_);
  MediaWorker* worker = placeLocked(roomId);
  return worker ? worker->index() : 0;
}

MediaWorker* MediaWorkerPool::place(const std::string& roomId) {
  std::lock_guard lock(mutex_);
  MediaWorker* worker = placeLocked(roomId);
  if (!worker) {
    log::warn("media_closed_room_refused", {{"roomId", roomId}});
  }
  return worker;
}

MediaWorker* MediaWorkerPool::placeLocked(const std::string& roomId) {
  auto it = placement_.find(roomId);
  if (it != placement_.end()) {
    return workers_[it->second].get();
  }
  if (closed_.contains(roomId)) {
    return nullptr;
  }
  const int64_t now = steadyNowMs();
  std::vector<WorkerLoad> loads;
  loads.reserve(workers_.size());
  for (size_t i = 0; i < workers_.size(); ++i) {
    auto& placed = recent_[i];
    while (!placed.empty() && now - placed.front().atMs >= WorkerPlacement::kRecentMs) {
      placed.pop_front();
    }
    loads.push_back(
        {workers_[i]->counters().packetsPerSecond.load(std::memory_order_relaxed), rooms_[i], placed.size()});
  }
  const size_t chosen = WorkerPlacement::choose(loads);
  placement_.emplace(roomId, chosen);
  ++rooms_[chosen];
  recent_[chosen].push_back({now, roomId});
  if (workers_.size() > 1) {
    log::debug("media_room_placed", {{"roomId", roomId},
                                     {"worker", chosen},
                                     {"rooms", rooms_[chosen]},
                                     {"packetsPerSecond", loads[chosen].packetsPerSecond}});
  }
  return workers_[chosen].get();
}

MediaWorker* MediaWorkerPool::placedWorker(const std::string& roomId) {
  std::lock_guard lock(mutex_);
  auto it = placement_.find(roomId);
  return it == placement_.end() ? nullptr : workers_[it->second].get();
}

std::vector<size_t> MediaWorkerPool::roomsPerWorker() const {
  std::lock_guard lock(mutex_);
  return rooms_;
}

MediaWorker::Totals MediaWorkerPool::totals() const {
  MediaWorker::Totals sum;
  for (const auto& worker : workers_) {
    sum.zip(worker->totals(), [](uint64_t& total, uint64_t value) { total += value; });
  }
  return sum;
}

void MediaWorkerPool::applyPlan(TransportPlan plan) {
  if (MediaWorker* worker = place(plan.roomId)) {
    worker->applyPlan(std::move(plan));
  }
}

void MediaWorkerPool::removeTransport(std::string roomId, std::string transportId) {
  if (MediaWorker* worker = placedWorker(roomId)) {
    worker->removeTransport(std::move(roomId), std::move(transportId));
  }
}

void MediaWorkerPool::closeRoom(std::string roomId) {
  MediaWorker* worker = nullptr;
  {
    std::lock_guard lock(mutex_);
    // Remembered even when it was never placed (a room that ended before any media): late work stays out.
    if (closed_.insert(roomId).second) {
      closedOrder_.push_back(roomId);
      if (closedOrder_.size() > kClosedRemembered) {
        closed_.erase(closedOrder_.front());
        closedOrder_.pop_front();
      }
    }
    auto it = placement_.find(roomId);
    if (it == placement_.end()) {
      return;
    }
    worker = workers_[it->second].get();
    --rooms_[it->second];
    std::erase_if(recent_[it->second], [&](const Placed& p) { return p.roomId == roomId; });
    placement_.erase(it);
  }
  worker->closeRoom(std::move(roomId));
}

void MediaWorkerPool::setTap(std::string roomId, std::string trackId, TapKind kind,
                             std::shared_ptr<RtpPacketRing> tap) {
  // Stopping a tap must not place a room that has closed meanwhile.
  MediaWorker* worker = tap ? place(roomId) : placedWorker(roomId);
  if (worker) {
    worker->setTap(std::move(roomId), std::move(trackId), kind, std::move(tap));
  }
}

void MediaWorkerPool::requestKeyFrame(std::string roomId, std::string trackId) {
  if (MediaWorker* worker = placedWorker(roomId)) {
    worker->requestKeyFrame(std::move(roomId), std::move(trackId));
  }
}

void MediaWorkerPool::addLocalTrack(std::string roomId, ProducerSpec spec,
                                    std::shared_ptr<RtpPacketRing> source) {
  if (MediaWorker* worker = place(roomId)) {
    worker->addLocalTrack(std::move(roomId), std::move(spec), std::move(source));
  }
}

void MediaWorkerPool::removeLocalTrack(std::string roomId, std::string trackId) {
  if (MediaWorker* worker = placedWorker(roomId)) {
    worker->removeLocalTrack(std::move(roomId), std::move(trackId));
  }
}

}  // namespace rooms::rtc
