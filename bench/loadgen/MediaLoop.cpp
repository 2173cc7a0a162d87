#include "MediaLoop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <future>
#include <stdexcept>

namespace rooms::loadgen {

MediaLoop::MediaLoop() {
  epoll_ = epoll_create1(EPOLL_CLOEXEC);
  wake_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_ < 0 || wake_ < 0) throw std::runtime_error("epoll/eventfd unavailable");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = nullptr;
  epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &ev);
  for (size_t i = 0; i < kReceiveBatch; ++i) {
    iovecs_[i].iov_base = buffers_[i].data();
    iovecs_[i].iov_len = buffers_[i].size();
    headers_[i].msg_hdr.msg_iov = &iovecs_[i];
    headers_[i].msg_hdr.msg_iovlen = 1;
  }
}

MediaLoop::~MediaLoop() {
  stop();
  peers_.clear();
  ::close(epoll_);
  ::close(wake_);
}

void MediaLoop::start() {
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void MediaLoop::stop() {
  if (!thread_.joinable()) return;
  running_ = false;
  const uint64_t one = 1;
  (void)::write(wake_, &one, sizeof one);
  thread_.join();
}

void MediaLoop::post(std::function<void(MediaLoop&)> fn) {
  {
    std::lock_guard lock(mutex_);
    posted_.push_back(std::move(fn));
  }
  const uint64_t one = 1;
  (void)::write(wake_, &one, sizeof one);
}

void MediaLoop::call(const std::function<void(MediaLoop&)>& fn) {
  std::promise<void> done;
  post([&](MediaLoop& loop) {
    fn(loop);
    done.set_value();
  });
  done.get_future().wait();
}

ClientPeer& MediaLoop::add(std::unique_ptr<ClientPeer> peer) {
  if (impairment_.any()) peer->setImpairment(LinkImpairment(impairment_, added_));
  ++added_;
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = peer.get();
  epoll_ctl(epoll_, EPOLL_CTL_ADD, peer->fd(), &ev);
  peers_.push_back(std::move(peer));
  return *peers_.back();
}

void MediaLoop::remove(const ClientPeer* peer) {
  auto it = std::find_if(peers_.begin(), peers_.end(), [&](const auto& p) { return p.get() == peer; });
  if (it == peers_.end()) return;
  epoll_ctl(epoll_, EPOLL_CTL_DEL, (*it)->fd(), nullptr);
  peers_.erase(it);
}

void MediaLoop::drain(ClientPeer& peer, int64_t& nowNs) {
  // Bounded: a peer flooded faster than we read cannot starve the others or the send clock.
  for (int round = 0; round < 8; ++round) {
    const int n = recvmmsg(peer.fd(), headers_.data(), kReceiveBatch, MSG_DONTWAIT, nullptr);
    if (n <= 0) return;
    nowNs = steadyNowNs();
    for (int i = 0; i < n; ++i) {
      peer.onDatagram(buffers_[static_cast<size_t>(i)].data(), headers_[static_cast<size_t>(i)].msg_len,
                      nowNs, window_, totals_);
    }
    if (static_cast<size_t>(n) < kReceiveBatch) return;
  }
}

void MediaLoop::run() {
  std::array<epoll_event, 256> events{};
  std::vector<std::function<void(MediaLoop&)>> work;
  int64_t nextDueNs = 0;
  while (running_) {
    int64_t nowNs = steadyNowNs();
    if (nowNs >= nextDueNs) {
      nextDueNs = nowNs + 50'000'000;
      for (auto& peer : peers_) nextDueNs = std::min(nextDueNs, peer->poll(nowNs, window_, totals_));
    }
    nowNs = steadyNowNs();
    const int64_t waitNs = std::max<int64_t>(0, nextDueNs - nowNs);
    const int timeoutMs = static_cast<int>(std::min<int64_t>((waitNs + 999'999) / 1'000'000, 50));
    const int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), timeoutMs);
    bool woken = false;
    for (int i = 0; i < n; ++i) {
      auto* peer = static_cast<ClientPeer*>(events[static_cast<size_t>(i)].data.ptr);
      if (peer) {
        drain(*peer, nowNs);
      } else {
        woken = true;
      }
    }
    // Posted work runs after the events of this round, since it may remove a peer that one of them names.
    if (woken) {
      uint64_t count;
      (void)::read(wake_, &count, sizeof count);
      {
        std::lock_guard lock(mutex_);
        work.swap(posted_);
      }
      for (auto& fn : work) fn(*this);
      work.clear();
      nextDueNs = 0;  // a posted function may have started peers
    }
  }
}

}  // namespace rooms::loadgen
