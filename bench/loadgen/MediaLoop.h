#pragma once
// The load generator's media thread: every ClientPeer, one epoll set over their sockets, recvmmsg in
// batches, and the clock that paces the synthetic streams. Other threads reach it only through post(),
// whose functions run between two rounds of I/O; the peers and the statistics belong to this thread.
#include <sys/socket.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "ClientPeer.h"
#include "SteadyClock.h"
#include "WindowStats.h"

namespace rooms::loadgen {

class MediaLoop {
 public:
  static constexpr size_t kReceiveBatch = 32;

  MediaLoop();
  ~MediaLoop();
  MediaLoop(const MediaLoop&) = delete;
  MediaLoop& operator=(const MediaLoop&) = delete;

  void start();
  void stop();

  // Runs fn on the media thread.
  void post(std::function<void(MediaLoop&)> fn);
  // Runs fn on the media thread and waits for it.
  void call(const std::function<void(MediaLoop&)>& fn);

  // Loss on every peer's own link from now on (LinkImpairment). Before the first add().
  void setImpairment(const ImpairmentSpec& spec) { impairment_ = spec; }

  // Media thread only.
  ClientPeer& add(std::unique_ptr<ClientPeer> peer);
  void remove(const ClientPeer* peer);
  std::vector<std::unique_ptr<ClientPeer>>& peers() { return peers_; }
  WindowStats& window() { return window_; }
  TotalStats& totals() { return totals_; }

 private:
  void run();
  void drain(ClientPeer& peer, int64_t& nowNs);

  int epoll_ = -1;
  int wake_ = -1;  // eventfd: post() wakes the loop
  std::thread thread_;
  std::atomic<bool> running_{false};
  std::mutex mutex_;
  std::vector<std::function<void(MediaLoop&)>> posted_;
  std::vector<std::unique_ptr<ClientPeer>> peers_;
  WindowStats window_;
  TotalStats totals_;
  ImpairmentSpec impairment_;
  uint64_t added_ = 0;
  std::array<std::array<uint8_t, 2048>, kReceiveBatch> buffers_{};
  std::array<mmsghdr, kReceiveBatch> headers_{};
  std::array<iovec, kReceiveBatch> iovecs_{};
};

}  // namespace rooms::loadgen
