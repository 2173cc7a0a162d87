#include "rtc/MediaWorker.h"

#include <pthread.h>
#include <sched.h>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cstring>

#include "core/Clock.h"
#include "core/IoLoop.h"
#include "core/Log.h"
#include "rtc/dtls/DtlsTransport.h"
#include "rtc/srtp/SrtpSession.h"

namespace rooms::rtc {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

constexpr int64_t kTickMs = 20;

// On the worker's own thread. A failure (a core the container does not grant) leaves it unpinned.
void pinToCpu(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  const int rc = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
  if (rc != 0) {
    log::warn("media_pin_failed", {{"cpu", cpu}, {"error", std::strerror(rc)}});
  }
}
// A paced subscriber at 500 kbit/s is owed a packet about every 15 ms; 5 ms keeps the spacing even without
// waking the thread for every packet.
constexpr int64_t kPaceMs = 5;

}  // namespace

size_t MediaWorker::TupleHash::operator()(const ice::StunAddress& a) const {
  uint64_t h = 1469598103934665603ull;
  const auto mix = [&h](uint8_t b) { h = (h ^ b) * 1099511628211ull; };
  for (size_t i = 0; i < a.ipLength(); ++i) mix(a.ip[i]);
  mix(static_cast<uint8_t>(a.port >> 8));
  mix(static_cast<uint8_t>(a.port));
  return h;
}

MediaWorker::MediaWorker(Options options, std::shared_ptr<const dtls::DtlsCertificate> certificate)
    : options_(std::move(options)), certificate_(std::move(certificate)) {}

MediaWorker::~MediaWorker() {
  stop();
}

void MediaWorker::start(Listener& listener) {
  listener_ = &listener;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(options_.bindAddress, ec);
  if (ec) throw std::runtime_error("invalid media bind address " + options_.bindAddress);
  udp::endpoint endpoint(address, options_.port);
  socket_.open(endpoint.protocol(), ec);
  if (!ec) socket_.bind(endpoint, ec);
  if (ec) {
    throw std::runtime_error("cannot bind the media port " + std::to_string(options_.port) +
                             "/udp: " + ec.message());
  }
  socket_.non_blocking(true, ec);
  // Bursts of video key frames from several publishers arrive faster than one thread drains them.
  socket_.set_option(asio::socket_base::receive_buffer_size(4 << 20), ec);
  socket_.set_option(asio::socket_base::send_buffer_size(4 << 20), ec);
  port_ = socket_.local_endpoint().port();
  udp_->setIpv6Socket(endpoint.protocol() == udp::v6());
  udp_->setSegmentation(UdpBatchIo::kernelSegments(socket_.native_handle()));
  if (!UdpBatchIo::enableArrivalTimes(socket_.native_handle())) {
    log::warn("media_arrival_times_unavailable", {{"worker", options_.index}});
  }
  // ICE-TCP (passive) on the same port number, for networks that block UDP. Without it calls still work
  // wherever UDP or TURN does, so a failure here is a warning, not a reason not to start.
  const asio::ip::tcp::endpoint tcpEndpoint(address, port_);
  acceptor_.open(tcpEndpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(tcpEndpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    log::warn("ice_tcp_unavailable", {{"port", port_}, {"error", ec.message()}});
    acceptor_.close(ec);
  } else {
    accept();
  }
  receive();
  scheduleTick();
  // A bug in one packet's handling must not take every room down with it.
  thread_ = std::thread([this] {
    if (options_.cpu >= 0) {
      pinToCpu(options_.cpu);
    }
    runResilient(io_, "media_thread_exception");
  });
  // Which AES-GCM protects media: OpenSSL's, unless libsrtp refused it (then NSS's, at about twice the CPU).
  const char* aesGcm = srtp::SrtpSession::aesGcmImplementation();
  if (std::string_view(aesGcm) != "openssl") {
    log::warn("srtp_openssl_gcm_refused",
              {{"error", srtp::SrtpSession::errorString(srtp::SrtpSession::aesGcmInstallStatus())}});
  }
  log::info("media_listening", {{"worker", options_.index},
                                {"port", port_},
                                {"fingerprint", certificate_->fingerprintSha256()},
                                {"srtpAesGcm", aesGcm}});
}

MediaWorker::Totals MediaWorker::totals() const {
  Totals t;
  t.zip(counters_,
        [](uint64_t& mine, const std::atomic<uint64_t>& c) { mine = c.load(std::memory_order_relaxed); });
  return t;
}

void MediaWorker::stop() {
  if (!thread_.joinable()) return;
  asio::post(io_, [this] {
    // A tick whose timer had already fired is queued with success, past the cancel below; without this it
    // would re-arm the timer and io_.run() would never return.
    stopping_ = true;
    routers_.clear();
    boost::system::error_code ec;
    timer_.cancel();
    paceTimer_.cancel();
    acceptBackoff_.cancel();
    socket_.close(ec);
    acceptor_.close(ec);
    for (auto& [tuple, entry] : tcp_) entry.connection->close();
    tcp_.clear();
  });
  thread_.join();
}

void MediaWorker::post(std::function<void()> fn) {
  asio::post(io_, std::move(fn));
}

void MediaWorker::applyPlan(TransportPlan plan) {
  asio::post(io_, [this, plan = std::move(plan)] {
    WebRtcTransport& transport = routerFor(plan.roomId).applyPlan(plan, steadyNowMs());
    // An ICE restart adds the new ufrag; the old one keeps working until the browser switches.
    byUfrag_[transport.params().localUfrag] = &transport;
    if (known_.insert(&transport).second) ++counters_.transports;
  });
}

void MediaWorker::removeTransport(std::string roomId, std::string transportId) {
  asio::post(io_, [this, roomId = std::move(roomId), transportId = std::move(transportId)] {
    auto it = routers_.find(roomId);
    if (it == routers_.end()) return;
    it->second->removeTransport(transportId);
    if (it->second->empty()) routers_.erase(it);
    counters_.routers.store(routers_.size(), std::memory_order_relaxed);
  });
}

void MediaWorker::closeRoom(std::string roomId) {
  asio::post(io_, [this, roomId = std::move(roomId)] {
    routers_.erase(roomId);
    counters_.routers.store(routers_.size(), std::memory_order_relaxed);
  });
}

Router& MediaWorker::routerFor(const std::string& roomId) {
  ROOMS_CHECK_THREAD(affinity_);
  auto& router = routers_[roomId];
  if (!router) {
    router =
        std::make_unique<Router>(roomId, *this, *this, certificate_, options_.maxVideoBitrate, recovery_);
    counters_.routers.store(routers_.size(), std::memory_order_relaxed);
  }
  return *router;
}

void MediaWorker::setTap(std::string roomId, std::string trackId, TapKind kind,
                         std::shared_ptr<RtpPacketRing> tap) {
  asio::post(io_,
             [this, roomId = std::move(roomId), trackId = std::move(trackId), kind, tap = std::move(tap)] {
               auto it = routers_.find(roomId);
               if (it != routers_.end()) it->second->setTap(trackId, kind, tap);
             });
}

void MediaWorker::requestKeyFrame(std::string roomId, std::string trackId) {
  asio::post(io_, [this, roomId = std::move(roomId), trackId = std::move(trackId)] {
    auto it = routers_.find(roomId);
    if (it != routers_.end()) it->second->requestKeyFrame(trackId, steadyNowMs());
  });
}

void MediaWorker::addLocalTrack(std::string roomId, ProducerSpec spec,
                                std::shared_ptr<RtpPacketRing> source) {
  asio::post(io_, [this, roomId = std::move(roomId), spec = std::move(spec), source = std::move(source)] {
    routerFor(roomId).addLocalProducer(spec, source, steadyNowMs());
  });
}

void MediaWorker::removeLocalTrack(std::string roomId, std::string trackId) {
  asio::post(io_, [this, roomId = std::move(roomId), trackId = std::move(trackId)] {
    auto it = routers_.find(roomId);
    if (it == routers_.end()) return;
    it->second->removeLocalProducer(trackId, steadyNowMs());
    if (it->second->empty()) routers_.erase(it);
    counters_.routers.store(routers_.size(), std::memory_order_relaxed);
  });
}

void MediaWorker::receive() {
  socket_.async_wait(udp::socket::wait_read, [this](const boost::system::error_code& ec) {
    if (ec == asio::error::operation_aborted || !socket_.is_open() || stopping_) return;
    if (!ec) receiveBatches();
    receive();
  });
}

void MediaWorker::receiveBatches() {
  // Bounded, so that timers and posted control-plane work still get their turn under a flood.
  constexpr int kMaxBatches = 16;
  inReceiveBatch_ = true;
  const int fd = socket_.native_handle();
  for (int round = 0; round < kMaxBatches; ++round) {
    const size_t n = udp_->receive(fd);
    if (n == 0) break;
    counters_.datagramsIn.fetch_add(n, std::memory_order_relaxed);
    const int64_t now = steadyNowMs();
    for (size_t i = 0; i < n; ++i) {
      dispatch(udp_->data(i), udp_->size(i), udp_->from(i), now, udp_->arrivalUs(i));
    }
    flushSends();
    if (n < UdpBatchIo::kReceiveBatch) break;
  }
  inReceiveBatch_ = false;
}

void MediaWorker::flushSends() {
  flushPosted_ = false;
  if (udp_->queued() == 0 || !socket_.is_open()) return;
  const size_t sent = udp_->flush(socket_.native_handle());
  counters_.datagramsOut.fetch_add(sent, std::memory_order_relaxed);
}

void MediaWorker::accept() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, asio::ip::tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space ||
        ec == asio::error::no_memory || ec.value() == ENFILE) {
      onAcceptExhausted(ec);
      return;
    }
    if (!ec && tcp_.size() < kMaxTcpConnections) {
      auto connection = std::make_shared<IceTcpConnection>(std::move(socket), *this);
      tcp_[connection->remote()] = TcpEntry{connection, steadyNowMs(), false};
      ++counters_.tcpConnections;
      connection->start();
    }
    accept();
  });
}

void MediaWorker::onAcceptExhausted(const boost::system::error_code& ec) {
  // The oldest connection no ICE check has claimed goes first: a scan or a stale peer, never a call.
  auto oldest = tcp_.end();
  for (auto it = tcp_.begin(); it != tcp_.end(); ++it) {
    if (!it->second.claimed && (oldest == tcp_.end() || it->second.acceptedMs < oldest->second.acceptedMs)) {
      oldest = it;
    }
  }
  if (oldest != tcp_.end()) {
    oldest->second.connection->close();
    --counters_.tcpConnections;
    tcp_.erase(oldest);
  }
  if (exhaustedLog_.allow(steadyNowMs())) {
    log::warn("media_tcp_accept_exhausted",
              {{"worker", options_.index}, {"error", ec.message()}, {"times", exhaustedLog_.times()}});
  }
  // Retrying at once spun a core while the backlog stayed full; a short pause lets descriptors free up.
  acceptBackoff_.expires_after(std::chrono::milliseconds(kAcceptBackoffMs));
  acceptBackoff_.async_wait([this](const boost::system::error_code& waitEc) {
    if (!waitEc && acceptor_.is_open()) accept();
  });
}

void MediaWorker::onTcpFrame(IceTcpConnection& connection, uint8_t* data, size_t size) {
  ++counters_.datagramsIn;
  // A TCP stream has no per-datagram kernel time; the frame is read as soon as it is whole.
  const int64_t nowUs = steadyNowUs();
  const bool taken = dispatch(data, size, connection.remote(), nowUs / 1000, nowUs);
  if (taken && ice::StunMessage::looksLikeStun(data, size)) {
    auto it = tcp_.find(connection.remote());
    if (it != tcp_.end()) it->second.claimed = true;
  }
}

void MediaWorker::onTcpClosed(IceTcpConnection& connection) {
  const ice::StunAddress tuple = connection.remote();
  byTuple_.erase(tuple);
  lastTransport_ = nullptr;
  if (tcp_.erase(tuple)) --counters_.tcpConnections;
}

bool MediaWorker::dispatch(uint8_t* data, size_t size, const ice::StunAddress& from, int64_t nowMs,
                           int64_t arrivalUs) {
  if (ice::StunMessage::looksLikeStun(data, size)) {
    // The USERNAME is "ourUfrag:theirUfrag"; our half names the transport.
    if (ice::StunMessage::parse(data, size, stun_) == ice::StunError::None && stun_.username()) {
      const std::string_view username = *stun_.username();
      const auto colon = username.find(':');
      auto it = byUfrag_.find(username.substr(0, colon));
      if (it != byUfrag_.end()) {
        it->second->handleStun(data, size, from, nowMs);
        return true;
      }
    }
    ++counters_.datagramsDropped;
    return false;
  }
  if (!lastTransport_ || from != lastTuple_) {
    auto it = byTuple_.find(from);
    if (it == byTuple_.end()) {
      ++counters_.datagramsDropped;
      return false;
    }
    lastTuple_ = from;
    lastTransport_ = it->second;
  }
  if (dtls::DtlsTransport::looksLikeDtls(data, size)) {
    lastTransport_->handleDtls(data, size, from, nowMs);
  } else {
    lastTransport_->handleSrtp(data, size, from, nowMs, arrivalUs);
  }
  return true;
}

void MediaWorker::sendDatagram(const ice::StunAddress& to, const uint8_t* data, size_t size) {
  if (!tcp_.empty()) {
    auto it = tcp_.find(to);
    if (it != tcp_.end()) {
      it->second.connection->send(data, size);
      ++counters_.datagramsOut;
      return;
    }
  }
  // A full send buffer drops the datagram, as the network would; RTP and its feedback cope with loss.
  udp_->queue(socket_.native_handle(), to, data, size);
  // Sent at the end of the receive batch; anything sent from a timer or posted work goes out right after it.
  if (!inReceiveBatch_ && !flushPosted_) {
    flushPosted_ = true;
    asio::post(io_, [this] { flushSends(); });
  }
}

void MediaWorker::onRouterTransportTuple(WebRtcTransport& transport, const ice::StunAddress& tuple) {
  byTuple_[tuple] = &transport;
  lastTransport_ = nullptr;
}

void MediaWorker::onRouterTransportState(Router& router, WebRtcTransport& transport,
                                         WebRtcTransport::State state) {
  listener_->onMediaTransportState(router.roomId(), transport.id(), state);
}

void MediaWorker::onRouterTransportRemoved(WebRtcTransport& transport) {
  for (auto it = byUfrag_.begin(); it != byUfrag_.end();) {
    it = it->second == &transport ? byUfrag_.erase(it) : std::next(it);
  }
  for (auto it = byTuple_.begin(); it != byTuple_.end();) {
    it = it->second == &transport ? byTuple_.erase(it) : std::next(it);
  }
  lastTransport_ = nullptr;
  if (known_.erase(&transport)) --counters_.transports;
}

void MediaWorker::onRouterPacing(Router&) {
  if (pacing_) return;
  pacing_ = true;
  schedulePace();
}

void MediaWorker::schedulePace() {
  paceTimer_.expires_after(std::chrono::milliseconds(kPaceMs));
  paceTimer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopping_) {
      pacing_ = false;
      return;
    }
    const int64_t now = steadyNowMs();
    bool pending = false;
    for (auto& [roomId, router] : routers_) pending = router->pace(now) || pending;
    if (pending) {
      schedulePace();
    } else {
      pacing_ = false;
    }
  });
}

void MediaWorker::scheduleTick() {
  timer_.expires_after(std::chrono::milliseconds(kTickMs));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopping_) return;
    tick();
    scheduleTick();
  });
}

void MediaWorker::tick() {
  const int64_t now = steadyNowMs();
  // A TCP connection nobody's ICE check claimed is a scan or a stale peer: it holds a socket, so it goes.
  for (auto it = tcp_.begin(); it != tcp_.end();) {
    if (!it->second.claimed && now - it->second.acceptedMs > kTcpClaimTimeoutMs) {
      it->second.connection->close();
      --counters_.tcpConnections;
      it = tcp_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& [roomId, router] : routers_) router->tick(now);
  const auto publish = [](std::atomic<uint64_t>& to, uint64_t value) {
    to.store(value, std::memory_order_relaxed);
  };
  publish(counters_.nacksSent, recovery_.nacksSent);
  publish(counters_.rtxReceived, recovery_.rtxReceived);
  publish(counters_.packetsRecovered, recovery_.packetsRecovered);
  publish(counters_.keyFramesForLoss, recovery_.keyFramesForLoss);
  publish(counters_.retransmissionsSent, recovery_.retransmissionsSent);
  publish(counters_.retransmissionsRefused, recovery_.retransmissionsRefused);
  publish(counters_.redundantResends, recovery_.redundantResends);
  publish(counters_.audioRecovered, recovery_.audioRecovered);
  publish(counters_.pacedPackets, recovery_.pacedPackets);
  publish(counters_.pacedExpired, recovery_.pacedExpired);
  publish(counters_.probePackets, recovery_.probePackets);
  if (now - rateSinceMs_ >= 1000) {
    const uint64_t out = counters_.datagramsOut.load(std::memory_order_relaxed);
    if (rateSinceMs_ > 0)
      publish(counters_.packetsPerSecond, (out - rateSinceOut_) * 1000 / (now - rateSinceMs_));
    rateSinceMs_ = now;
    rateSinceOut_ = out;
  }
  if (now >= nextStatsMs_) {
    nextStatsMs_ = now + options_.statsIntervalMs;
    for (auto& [roomId, router] : routers_) {
      std::vector<TransportStats> stats;
      router->collectStats(now, stats);
      if (!stats.empty()) listener_->onMediaStats(roomId, std::move(stats));
    }
  }
}

}  // namespace rooms::rtc
