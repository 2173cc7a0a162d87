#pragma once
// A media thread: one UDP socket shared by every peer of the rooms placed on this worker, those rooms'
// Routers, and the timers that drive ICE consent, DTLS retransmission and RTCP. MediaWorkerPool holds one per
// core and places each room on one of them for its whole life. Datagrams are demultiplexed as RFC 7983 says:
// STUN by the ICE username (our ufrag), DTLS and SRTP by the tuple ICE validated. The control plane talks to
// it only through the thread-safe methods below, which post work here; it reports back through Listener,
// called on this thread.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/LogThrottle.h"
#include "core/ThreadChecker.h"
#include "rtc/IceTcpConnection.h"
#include "rtc/UdpBatchIo.h"
#include "rtc/WebRtcTransport.h"
#include "rtc/dtls/DtlsCertificate.h"
#include "rtc/ice/StunMessage.h"
#include "rtc/router/Router.h"
#include "rtc/router/TrackSpec.h"

namespace rooms::rtc {

class MediaWorker : public WebRtcTransport::Sender,
                    public Router::Listener,
                    public IceTcpConnection::Listener {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    // Both run on a media thread (any worker's: one listener serves the pool), so hand the values to your
    // own thread and return.
    virtual void onMediaTransportState(const std::string& roomId, const std::string& transportId,
                                       WebRtcTransport::State state) = 0;
    virtual void onMediaStats(const std::string& roomId, std::vector<TransportStats> stats) = 0;
  };

  struct Options {
    std::string bindAddress = "0.0.0.0";
    uint16_t port = 40000;  // 0: any free port
    uint64_t maxVideoBitrate = 2500000;
    int64_t statsIntervalMs = 2000;
    size_t index = 0;  // in the pool: names the worker in logs and metrics
    int cpu = -1;      // >= 0: the thread is pinned to this core
  };

  // The worker's counters. T is std::atomic<uint64_t> in the worker (written on its thread, read by
  // /metrics) and uint64_t in snapshots (Totals), which add up over the pool's workers.
  template <typename T>
  struct CounterSet {
    T datagramsIn{0};
    T datagramsOut{0};
    T datagramsDropped{0};  // no transport wants them: junk, stale peers, scans
    T transports{0};
    T tcpConnections{0};
    // Loss repair (RecoveryCounters), published from the media thread every tick.
    T nacksSent{0};
    T rtxReceived{0};
    T packetsRecovered{0};
    T keyFramesForLoss{0};
    T retransmissionsSent{0};
    T retransmissionsRefused{0};
    T redundantResends{0};
    T pacedPackets{0};
    T pacedExpired{0};
    T probePackets{0};
    T audioRecovered{0};
    // Routers alive on the worker (rooms with media objects here), and datagrams sent over the last second
    // (WorkerPlacement's input).
    T routers{0};
    T packetsPerSecond{0};

    // f(mine, theirs) for every counter: the one list a new counter is added to besides the fields above.
    template <typename U, typename F>
    void zip(const CounterSet<U>& o, F&& f) {
      f(datagramsIn, o.datagramsIn);
      f(datagramsOut, o.datagramsOut);
      f(datagramsDropped, o.datagramsDropped);
      f(transports, o.transports);
      f(tcpConnections, o.tcpConnections);
      f(nacksSent, o.nacksSent);
      f(rtxReceived, o.rtxReceived);
      f(packetsRecovered, o.packetsRecovered);
      f(keyFramesForLoss, o.keyFramesForLoss);
      f(retransmissionsSent, o.retransmissionsSent);
      f(retransmissionsRefused, o.retransmissionsRefused);
      f(redundantResends, o.redundantResends);
      f(pacedPackets, o.pacedPackets);
      f(pacedExpired, o.pacedExpired);
      f(probePackets, o.probePackets);
      f(audioRecovered, o.audioRecovered);
      f(routers, o.routers);
      f(packetsPerSecond, o.packetsPerSecond);
    }
  };
  using Counters = CounterSet<std::atomic<uint64_t>>;
  using Totals = CounterSet<uint64_t>;

  // ICE-TCP connections that have not carried a valid STUN check for us within this long are closed.
  static constexpr int64_t kTcpClaimTimeoutMs = 10000;
  static constexpr size_t kMaxTcpConnections = 4096;
  static constexpr int64_t kAcceptBackoffMs = 50;
  static constexpr int64_t kExhaustedLogIntervalMs = 10000;

  // certificate: the process's one DTLS certificate, shared by every worker (one fingerprint in every
  // answer).
  MediaWorker(Options options, std::shared_ptr<const dtls::DtlsCertificate> certificate);
  ~MediaWorker() override;
  MediaWorker(const MediaWorker&) = delete;
  MediaWorker& operator=(const MediaWorker&) = delete;

  // Binds the socket (throws std::runtime_error naming the port when it cannot) and starts the thread.
  // listener must outlive stop().
  void start(Listener& listener);
  void stop();

  uint16_t port() const { return port_; }
  const std::shared_ptr<const dtls::DtlsCertificate>& certificate() const { return certificate_; }
  size_t index() const { return options_.index; }
  const Counters& counters() const { return counters_; }
  Totals totals() const;

  // Thread-safe.
  void applyPlan(TransportPlan plan);
  void removeTransport(std::string roomId, std::string transportId);
  void closeRoom(std::string roomId);
  // A copy of every payload of an audio track goes to tap (null stops it); see RtpPacketRing.
  void setTap(std::string roomId, std::string trackId, TapKind kind, std::shared_ptr<RtpPacketRing> tap);
  // Asks the publisher of a video track for a key frame (the recorder, after a gap it cannot repair).
  void requestKeyFrame(std::string roomId, std::string trackId);
  // A server-side participant's track (the AI Orb): packets read from source when due.
  void addLocalTrack(std::string roomId, ProducerSpec spec, std::shared_ptr<RtpPacketRing> source);
  void removeLocalTrack(std::string roomId, std::string trackId);
  // Runs fn on the media thread (tests and shutdown).
  void post(std::function<void()> fn);

  // WebRtcTransport::Sender
  void sendDatagram(const ice::StunAddress& to, const uint8_t* data, size_t size) override;
  // Router::Listener
  void onRouterTransportTuple(WebRtcTransport& transport, const ice::StunAddress& tuple) override;
  void onRouterTransportState(Router& router, WebRtcTransport& transport,
                              WebRtcTransport::State state) override;
  void onRouterTransportRemoved(WebRtcTransport& transport) override;
  void onRouterPacing(Router& router) override;
  // IceTcpConnection::Listener
  void onTcpFrame(IceTcpConnection& connection, uint8_t* data, size_t size) override;
  void onTcpClosed(IceTcpConnection& connection) override;

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct TupleHash {
    size_t operator()(const ice::StunAddress& a) const;
  };

  // The room's router, made on first use.
  Router& routerFor(const std::string& roomId);
  // Waits until the socket is readable, then reads and dispatches batches (receiveBatches).
  void receive();
  void receiveBatches();
  // Writes what sendDatagram queued; posted once when something is queued outside a receive batch.
  void flushSends();
  void accept();
  // accept() ran out of descriptors: close the oldest unclaimed connection and retry after a pause.
  void onAcceptExhausted(const boost::system::error_code& ec);
  // One datagram (UDP) or frame (ICE-TCP) from `from`; true when a transport took it.
  // arrivalUs: when the datagram reached us (UdpBatchIo::arrivalUs), for transport-wide feedback.
  bool dispatch(uint8_t* data, size_t size, const ice::StunAddress& from, int64_t nowMs, int64_t arrivalUs);
  void scheduleTick();
  void tick();
  // Every kPaceMs while any router's pacers hold packets.
  void schedulePace();

  Options options_;
  Listener* listener_ = nullptr;
  std::shared_ptr<const dtls::DtlsCertificate> certificate_;
  boost::asio::io_context io_{1};
  boost::asio::ip::udp::socket socket_{io_};
  boost::asio::ip::tcp::acceptor acceptor_{io_};
  boost::asio::steady_timer timer_{io_};
  boost::asio::steady_timer paceTimer_{io_};
  boost::asio::steady_timer acceptBackoff_{io_};
  LogThrottle exhaustedLog_{kExhaustedLogIntervalMs};
  bool pacing_ = false;
  std::thread thread_;
  uint16_t port_ = 0;
  Counters counters_;
  RecoveryCounters recovery_;

  std::unordered_map<std::string, std::unique_ptr<Router>> routers_;
  std::unordered_map<std::string, WebRtcTransport*, StringHash, std::equal_to<>> byUfrag_;
  std::unordered_map<ice::StunAddress, WebRtcTransport*, TupleHash> byTuple_;
  // byTuple_'s answer for the last datagram: a peer's packets arrive in runs (a frame's packets leave in one
  // sendmmsg), so most datagrams skip the hash lookup. Reset whenever byTuple_ changes.
  ice::StunAddress lastTuple_{};
  WebRtcTransport* lastTransport_ = nullptr;
  std::unordered_set<const WebRtcTransport*> known_;  // what the transports gauge counts
  int64_t nextStatsMs_ = 0;
  int64_t rateSinceMs_ = 0;
  uint64_t rateSinceOut_ = 0;
  ThreadChecker affinity_;
  struct TcpEntry {
    std::shared_ptr<IceTcpConnection> connection;
    int64_t acceptedMs = 0;
    bool claimed = false;
  };
  std::unordered_map<ice::StunAddress, TcpEntry, TupleHash> tcp_;

  // Large (two fixed arrays of datagram slots), hence held by pointer to keep MediaWorker itself small.
  std::unique_ptr<UdpBatchIo> udp_ = std::make_unique<UdpBatchIo>();
  bool inReceiveBatch_ = false;
  bool stopping_ = false;  // media thread only
  bool flushPosted_ = false;
  ice::StunMessage stun_;
};

}  // namespace rooms::rtc
