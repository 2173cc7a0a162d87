#pragma once
// The client end of one WebRTC peer connection, built for load: a full ICE agent in the controlling role
// (it sends the checks and nominates, as a browser does against an ICE-lite server), DTLS-SRTP through the
// project's own DtlsTransport and SrtpSession, and synthetic media. One connected UDP socket per peer, so
// the server sees each peer on its own tuple. Single-threaded: everything runs on the MediaLoop's thread.
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "LinkImpairment.h"
#include "SyntheticStream.h"
#include "WindowStats.h"
#include "rtc/dtls/DtlsCertificate.h"
#include "rtc/dtls/DtlsTransport.h"
#include "rtc/ice/StunAddress.h"
#include "rtc/ice/StunMessage.h"
#include "rtc/rtp/NackGenerator.h"
#include "rtc/rtp/RtpRetransmissionBuffer.h"
#include "rtc/srtp/SrtpSession.h"

namespace rooms::loadgen {

// What the other side's SDP said.
struct RemoteParams {
  std::string iceUfrag;
  std::string icePwd;
  std::string fingerprintAlgorithm;
  std::string fingerprint;
  std::string ip;  // its host candidate
  uint16_t port = 0;
  bool weAreDtlsClient = true;  // the peer said a=setup:passive (or actpass to our answer)
};

class ClientPeer : private dtls::DtlsTransport::Listener {
 public:
  enum class State { New, Checking, Handshaking, Connected, Failed, Closed };

  static constexpr int64_t kCheckIntervalConnectingMs = 200;
  static constexpr int64_t kCheckIntervalConnectedMs = 2000;  // consent freshness, RFC 7675
  static constexpr size_t kBatch = 64;                        // datagrams per sendmmsg
  // How often a peer with receive loss looks for NACKs due. On loopback the round trip is well under a
  // millisecond, so retries go at the NACK generator's floor.
  static constexpr int64_t kNackIntervalMs = 10;
  static constexpr int64_t kLoopbackRttMs = rtc::NackGenerator::kMinRetryMs;

  // Binds a UDP socket on bindIp, port 0. Throws std::runtime_error if it cannot.
  ClientPeer(std::string name, const std::string& bindIp, std::shared_ptr<const dtls::DtlsCertificate> cert);
  ~ClientPeer() override;
  ClientPeer(const ClientPeer&) = delete;
  ClientPeer& operator=(const ClientPeer&) = delete;

  const std::string& name() const { return name_; }
  int fd() const { return fd_; }
  uint16_t localPort() const { return localPort_; }
  const std::string& localUfrag() const { return localUfrag_; }
  const std::string& localPwd() const { return localPwd_; }
  State state() const { return state_; }
  const std::string& failure() const { return failure_; }

  // Streams this peer publishes once connected, and how many subscribers each one has (for the expected
  // count of a window). Before start().
  void addStream(const StreamSpec& spec, int subscribers);
  // Streams this peer should receive; anything else it receives is misrouted.
  void expectStream(uint32_t streamId, StreamKind kind);
  // Loss on this peer's own link, and the recovery a browser would do about it. Before start().
  void setImpairment(const LinkImpairment& impairment) { impairment_ = impairment; }

  // The remote description arrived: connect the socket, start checks and, once ICE answers, DTLS.
  void start(const RemoteParams& remote, int64_t nowNs);
  // Sends close_notify and stops sending; the socket stays until destruction.
  void close();

  // Timers (ICE checks, DTLS retransmission) and the media due at nowNs; returns when it next wants to run.
  int64_t poll(int64_t nowNs, WindowStats& window, TotalStats& totals);
  // One datagram from the socket.
  void onDatagram(uint8_t* data, size_t size, int64_t nowNs, WindowStats& window, TotalStats& totals);

  // Streams expected here that delivered nothing yet (the smoke test's forwarding check).
  std::vector<uint32_t> silentStreams() const;
  // Mean RFC 3550 interarrival jitter over the streams received, in milliseconds.
  double meanJitterMs() const;

 private:
  struct Outgoing {
    std::unique_ptr<SyntheticStream> stream;
    StreamSpec spec;
    int subscribers = 0;
    // What it sent, to answer the server's NACKs: video on an impaired link only.
    std::unique_ptr<rtc::RtpRetransmissionBuffer> history;
  };
  struct Incoming {
    uint32_t streamId = 0;
    StreamKind kind = StreamKind::Audio;
    uint32_t ssrc = 0;  // as the server sends it, for our NACKs
    // Video on an impaired link: the gaps we ask the server to fill.
    std::unique_ptr<rtc::NackGenerator> nack;
    bool seen = false;
    uint32_t highestSequence = 0;
    int64_t lastTransitNs = 0;
    double jitterNs = 0;
    uint64_t packets = 0;
  };

  void onDtlsSend(dtls::DtlsTransport& transport, const uint8_t* data, size_t size) override;
  void onDtlsConnected(dtls::DtlsTransport& transport, dtls::SrtpProfile profile,
                       std::span<const uint8_t> localKeyMaterial,
                       std::span<const uint8_t> remoteKeyMaterial) override;
  void onDtlsFailed(dtls::DtlsTransport& transport, const std::string& reason) override;
  void onDtlsClosed(dtls::DtlsTransport& transport) override;

  void fail(std::string reason);
  void sendCheck();
  // Our answer to the peer's own check (a full-ICE server checks too); the peer is the connected address.
  void answerCheck(const ice::StunMessage& request);
  void handleRtp(uint8_t* data, size_t size, int64_t nowNs, WindowStats& window, TotalStats& totals);
  void handleRtcp(uint8_t* data, size_t size, int64_t nowNs, TotalStats& totals);
  // Answers a NACK of the server from the stream's history.
  void retransmit(Outgoing& out, uint16_t seq, int64_t nowMs, TotalStats& totals);
  // NACKs (and, after a give-up, a PLI) for what the impaired downlink lost.
  void sendNacks(int64_t nowMs, TotalStats& totals);
  void sendRtcp(uint8_t* data, size_t size, size_t capacity, TotalStats& totals);
  void sendNow(const uint8_t* data, size_t size);
  void queue(const uint8_t* rtp, size_t size, int64_t nowNs, WindowStats& window, TotalStats& totals,
             Outgoing& out);
  // Protects a copy into the next batch slot; false on an SRTP error.
  bool enqueue(const uint8_t* rtp, size_t size, TotalStats& totals);
  void flush(TotalStats& totals);

  std::string name_;
  int fd_ = -1;
  uint16_t localPort_ = 0;
  std::shared_ptr<const dtls::DtlsCertificate> certificate_;
  std::string localUfrag_;
  std::string localPwd_;
  RemoteParams remote_;
  ice::StunAddress remoteAddress_;
  std::string checkUsername_;
  State state_ = State::New;
  std::string failure_;
  std::mt19937_64 random_;
  uint64_t tieBreaker_;
  std::optional<dtls::DtlsTransport> dtls_;
  std::unique_ptr<srtp::SrtpSession> srtpOut_;
  std::unique_ptr<srtp::SrtpSession> srtpIn_;
  bool iceAnswered_ = false;
  int64_t nextCheckMs_ = 0;
  int64_t startedMs_ = 0;
  std::vector<Outgoing> streams_;
  std::vector<Incoming> incoming_;
  LinkImpairment impairment_;
  uint32_t rtcpSsrc_ = 0;  // the sender SSRC of our feedback
  int64_t nextNackMs_ = 0;
  std::array<uint16_t, 128> nackScratch_{};
  // sendmmsg batch: payloads protected in place here.
  std::array<std::array<uint8_t, SyntheticStream::kBufferSize + srtp::SrtpSession::kMaxRtpOverhead>, kBatch>
      slots_{};
  std::array<mmsghdr, kBatch> headers_{};
  std::array<iovec, kBatch> iovecs_{};
  size_t queued_ = 0;
};

const char* toString(ClientPeer::State state);

}  // namespace rooms::loadgen
