#include "ClientPeer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "SteadyClock.h"
#include "rtc/ice/StunMessage.h"
#include "rtc/ice/StunMessageBuilder.h"
#include "rtc/rtcp/GenericNack.h"
#include "rtc/rtcp/Pli.h"
#include "rtc/rtcp/RtcpCompoundPacket.h"
#include "rtc/rtcp/RtcpHeader.h"
#include "rtc/rtp/ByteIo.h"
#include "rtc/rtp/RtpPacket.h"

namespace rooms::loadgen {

namespace {

std::string randomToken(std::mt19937_64& random, size_t length) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string out(length, 'a');
  for (auto& c : out) {
    c = kAlphabet[random() % (sizeof kAlphabet - 1)];
  }
  return out;
}

// The socket buffer a burst of key frames from many peers needs; as root SO_*BUFFORCE passes rmem_max.
void enlargeBuffers(int fd) {
  const int size = 1 << 20;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0) {
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  }
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) != 0) {
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  }
}

}  // namespace

const char* toString(ClientPeer::State state) {
  switch (state) {
    case ClientPeer::State::New:
      return "new";
    case ClientPeer::State::Checking:
      return "checking";
    case ClientPeer::State::Handshaking:
      return "handshaking";
    case ClientPeer::State::Connected:
      return "connected";
    case ClientPeer::State::Failed:
      return "failed";
    case ClientPeer::State::Closed:
      return "closed";
  }
  return "?";
}

ClientPeer::ClientPeer(std::string name, const std::string& bindIp,
                       std::shared_ptr<const dtls::DtlsCertificate> cert)
    : name_(std::move(name)), certificate_(std::move(cert)), random_(std::random_device{}()) {
  tieBreaker_ = random_();
  rtcpSsrc_ = static_cast<uint32_t>(random_());
  localUfrag_ = randomToken(random_, 8);
  localPwd_ = randomToken(random_, 24);
  fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  }
  sockaddr_in local{};
  local.sin_family = AF_INET;
  if (inet_pton(AF_INET, bindIp.c_str(), &local.sin_addr) != 1) {
    ::close(fd_);
    throw std::runtime_error("invalid bind address " + bindIp);
  }
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
    const std::string error = std::strerror(errno);
    ::close(fd_);
    throw std::runtime_error("bind " + bindIp + ": " + error);
  }
  socklen_t length = sizeof local;
  getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &length);
  localPort_ = ntohs(local.sin_port);
  enlargeBuffers(fd_);
  for (size_t i = 0; i < kBatch; ++i) {
    iovecs_[i].iov_base = slots_[i].data();
    headers_[i].msg_hdr.msg_iov = &iovecs_[i];
    headers_[i].msg_hdr.msg_iovlen = 1;
  }
}

ClientPeer::~ClientPeer() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

void ClientPeer::addStream(const StreamSpec& spec, int subscribers) {
  Outgoing out;
  out.spec = spec;
  out.subscribers = subscribers;
  streams_.push_back(std::move(out));
}

void ClientPeer::expectStream(uint32_t streamId, StreamKind kind) {
  Incoming in;
  in.streamId = streamId;
  in.kind = kind;
  incoming_.push_back(std::move(in));
}

void ClientPeer::start(const RemoteParams& remote, int64_t nowNs) {
  if (state_ != State::New) {
    return;
  }
  remote_ = remote;
  sockaddr_in peer{};
  peer.sin_family = AF_INET;
  peer.sin_port = htons(remote.port);
  if (inet_pton(AF_INET, remote.ip.c_str(), &peer.sin_addr) != 1) {
    fail("the remote candidate " + remote.ip + " is not an IPv4 address");
    return;
  }
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&peer), sizeof peer) != 0) {
    fail(std::string("connect: ") + std::strerror(errno));
    return;
  }
  std::array<uint8_t, 4> ip{};
  std::memcpy(ip.data(), &peer.sin_addr, 4);
  remoteAddress_ = ice::StunAddress::v4(ip, remote.port);
  checkUsername_ = remote.iceUfrag + ":" + localUfrag_;
  dtls_.emplace(
      static_cast<dtls::DtlsTransport::Listener&>(*this), certificate_,
      remote.weAreDtlsClient ? dtls::DtlsTransport::Role::Client : dtls::DtlsTransport::Role::Server);
  dtls_->setRemoteFingerprint(remote.fingerprintAlgorithm, remote.fingerprint);
  dtls_->setInitialRetransmitTimeoutMs(400);
  startedMs_ = nowNs / 1'000'000;
  nextCheckMs_ = startedMs_;
  state_ = State::Checking;
}

void ClientPeer::close() {
  if (dtls_) {
    dtls_->close();
  }
  if (state_ != State::Failed) {
    state_ = State::Closed;
  }
}

void ClientPeer::fail(std::string reason) {
  if (state_ == State::Failed || state_ == State::Closed) {
    return;
  }
  failure_ = std::move(reason);
  state_ = State::Failed;
}

int64_t ClientPeer::poll(int64_t nowNs, WindowStats& window, TotalStats& totals) {
  const int64_t nowMs = nowNs / 1'000'000;
  int64_t next = nowNs + 50'000'000;
  if (state_ == State::New || state_ == State::Failed || state_ == State::Closed) {
    return next;
  }
  if (nowMs >= nextCheckMs_) {
    sendCheck();
    nextCheckMs_ = nowMs + (iceAnswered_ ? kCheckIntervalConnectedMs : kCheckIntervalConnectingMs);
  }
  if (state_ == State::Checking && !iceAnswered_ && nowMs - startedMs_ > 20000) {
    fail("no answer to ICE checks for 20 s");
    return next;
  }
  if (state_ == State::Handshaking && dtls_) {
    dtls_->tick(nowMs);
  }
  if (state_ != State::Connected) {
    return std::min(next, nowNs + 10'000'000);
  }
  for (auto& out : streams_) {
    out.stream->produce(nowNs,
                        [&](uint8_t* rtp, size_t size) { queue(rtp, size, nowNs, window, totals, out); });
    next = std::min(next, out.stream->nextDueNs());
  }
  flush(totals);
  if (impairment_.active()) {
    if (nowMs >= nextNackMs_) {
      sendNacks(nowMs, totals);
      nextNackMs_ = nowMs + kNackIntervalMs;
    }
    const bool pending = std::any_of(incoming_.begin(), incoming_.end(),
                                     [](const Incoming& in) { return in.nack && in.nack->pending(); });
    if (pending) {
      next = std::min(next, nextNackMs_ * 1'000'000);
    }
  }
  return next;
}

void ClientPeer::queue(const uint8_t* rtp, size_t size, int64_t nowNs, WindowStats& window,
                       TotalStats& totals, Outgoing& out) {
  if (out.history) {
    out.history->store(rtc::read16(rtp + 2), rtp, size, nowNs / 1'000'000);
  }
  // A packet the link loses still counts as sent: its subscribers expect it, and only recovery gets it there.
  if (impairment_.dropSent()) {
    ++totals.droppedSent;
  } else if (!enqueue(rtp, size, totals)) {
    return;
  }
  ++totals.packetsSent;
  if (window.contains(nowNs)) {
    ++window.sent;
    window.expected += static_cast<uint64_t>(out.subscribers);
    if (out.spec.kind == StreamKind::Video) {
      window.videoExpected += static_cast<uint64_t>(out.subscribers);
    }
  }
}

bool ClientPeer::enqueue(const uint8_t* rtp, size_t size, TotalStats& totals) {
  if (queued_ == kBatch) {
    flush(totals);
  }
  auto& slot = slots_[queued_];
  std::memcpy(slot.data(), rtp, size);
  if (!srtpOut_->protectRtp(slot.data(), size, slot.size())) {
    ++totals.srtpErrors;
    return false;
  }
  iovecs_[queued_].iov_len = size;
  ++queued_;
  return true;
}

void ClientPeer::retransmit(Outgoing& out, uint16_t seq, int64_t nowMs, TotalStats& totals) {
  ++totals.nacksReceived;
  if (!out.history) {
    return;
  }
  // A second NACK within a round trip would only duplicate the copy already on its way.
  const auto stored = out.history->findForResend(seq, nowMs, kLoopbackRttMs);
  if (stored.empty()) {
    return;
  }
  ++totals.retransmissionsSent;
  if (impairment_.dropSent()) {
    ++totals.droppedSent;
    return;
  }
  enqueue(stored.data(), stored.size(), totals);
}

void ClientPeer::sendNacks(int64_t nowMs, TotalStats& totals) {
  std::array<uint8_t, 512 + srtp::SrtpSession::kMaxRtcpOverhead> buffer{};
  const size_t capacity = buffer.size();
  for (auto& in : incoming_) {
    if (!in.nack) {
      continue;
    }
    if (in.nack->pending()) {
      const size_t n = in.nack->collect(nowMs, kLoopbackRttMs, nackScratch_);
      if (n) {
        totals.nacksSent += n;
        const std::span<uint8_t> room(buffer.data(), capacity - srtp::SrtpSession::kMaxRtcpOverhead);
        const size_t size = rtc::GenericNack::write(room, rtcpSsrc_, in.ssrc,
                                                    std::span<const uint16_t>(nackScratch_.data(), n));
        if (size) {
          sendRtcp(buffer.data(), size, capacity, totals);
        }
      }
    }
    if (in.nack->takeKeyFrameNeeded()) {
      ++totals.keyFrameRequestsSent;
      const std::span<uint8_t> room(buffer.data(), capacity - srtp::SrtpSession::kMaxRtcpOverhead);
      const size_t size = rtc::Pli::write(room, rtcpSsrc_, in.ssrc);
      if (size) {
        sendRtcp(buffer.data(), size, capacity, totals);
      }
    }
  }
}

void ClientPeer::sendRtcp(uint8_t* data, size_t size, size_t capacity, TotalStats& totals) {
  if (impairment_.dropSent()) {
    ++totals.droppedSent;
    return;
  }
  if (!srtpOut_->protectRtcp(data, size, capacity)) {
    ++totals.srtpErrors;
    return;
  }
  sendNow(data, size);
}

void ClientPeer::flush(TotalStats& totals) {
  size_t done = 0;
  while (done < queued_) {
    const int sent = sendmmsg(fd_, headers_.data() + done, static_cast<unsigned>(queued_ - done), 0);
    if (sent <= 0) {
      // A full socket buffer drops the rest, as a congested network would; the window counts them lost.
      totals.sendErrors += queued_ - done;
      break;
    }
    done += static_cast<size_t>(sent);
  }
  queued_ = 0;
}

void ClientPeer::sendNow(const uint8_t* data, size_t size) {
  (void)::send(fd_, data, size, 0);
}

void ClientPeer::sendCheck() {
  std::array<uint8_t, 256> buffer{};
  ice::TransactionId tx{};
  for (auto& b : tx) {
    b = static_cast<uint8_t>(random_());
  }
  ice::StunMessageBuilder builder(buffer, ice::stun::kMethodBinding, ice::StunClass::Request, tx);
  builder.addUsername(checkUsername_)
      .addPriority(0x6E7F1EFF)
      .addIceControlling(tieBreaker_)
      .addUseCandidate()
      .addMessageIntegrity(remote_.icePwd)
      .addFingerprint();
  if (const size_t size = builder.finish()) {
    sendNow(buffer.data(), size);
  }
}

void ClientPeer::answerCheck(const ice::StunMessage& request) {
  std::array<uint8_t, 256> buffer{};
  const size_t n =
      ice::StunMessageBuilder::bindingSuccess(buffer, request.transactionId(), remoteAddress_, localPwd_);
  if (n) {
    sendNow(buffer.data(), n);
  }
}

void ClientPeer::onDatagram(uint8_t* data, size_t size, int64_t nowNs, WindowStats& window,
                            TotalStats& totals) {
  if (state_ == State::New || state_ == State::Closed) {
    return;
  }
  if (ice::StunMessage::looksLikeStun(data, size)) {
    ice::StunMessage message;
    if (ice::StunMessage::parse(data, size, message) != ice::StunError::None) {
      return;
    }
    if (message.messageClass() == ice::StunClass::Request) {
      answerCheck(message);
    } else if (message.messageClass() == ice::StunClass::SuccessResponse && !iceAnswered_) {
      iceAnswered_ = true;
      if (state_ == State::Checking) {
        state_ = State::Handshaking;
        dtls_->start(nowNs / 1'000'000);
      }
    }
    return;
  }
  if (dtls::DtlsTransport::looksLikeDtls(data, size)) {
    if (dtls_) {
      // A DTLS server learns ICE worked from the client's hello, which may beat our check's answer.
      if (state_ == State::Checking && !remote_.weAreDtlsClient) {
        state_ = State::Handshaking;
        dtls_->start(nowNs / 1'000'000);
      }
      dtls_->handleDatagram(data, size, nowNs / 1'000'000);
    }
    return;
  }
  if (state_ != State::Connected) {
    return;
  }
  if (rtc::RtpPacket::looksLikeRtcp(data, size)) {
    handleRtcp(data, size, nowNs, totals);
  } else if (impairment_.dropReceived()) {
    ++totals.droppedReceived;
  } else {
    handleRtp(data, size, nowNs, window, totals);
  }
}

void ClientPeer::handleRtp(uint8_t* data, size_t size, int64_t nowNs, WindowStats& window,
                           TotalStats& totals) {
  if (!srtpIn_->unprotectRtp(data, size)) {
    ++totals.srtpErrors;
    return;
  }
  auto packet = rtc::RtpPacket::parse(data, size);
  if (!packet) {
    return;
  }
  const auto payload = packet->payload();
  const auto stamp = PayloadStamp::find(payload.data(), payload.size());
  if (!stamp) {
    return;  // not ours: the AI Orb's voice, say
  }
  ++totals.packetsReceived;
  Incoming* in = nullptr;
  for (auto& candidate : incoming_) {
    if (candidate.streamId == stamp->streamId) {
      in = &candidate;
      break;
    }
  }
  const bool counted = window.contains(stamp->sentNs);
  if (!in) {
    if (counted) {
      ++window.misrouted;
    }
    return;
  }
  if (impairment_.active() && in->kind == StreamKind::Video) {
    if (!in->nack) {
      in->nack = std::make_unique<rtc::NackGenerator>();
    }
    in->ssrc = packet->ssrc();
    // A copy of what already arrived (a retransmission that crossed the original) is not received twice.
    if (in->nack->onPacket(packet->sequenceNumber(), nowNs / 1'000'000) ==
        rtc::NackGenerator::Arrival::Duplicate) {
      return;
    }
  }
  const int64_t transit = nowNs - stamp->sentNs;
  if (in->seen) {
    const int64_t d = transit > in->lastTransitNs ? transit - in->lastTransitNs : in->lastTransitNs - transit;
    in->jitterNs += (static_cast<double>(d) - in->jitterNs) / 16.0;
    if (static_cast<int32_t>(stamp->sequence - in->highestSequence) <= 0) {
      if (counted) {
        ++window.reordered;
      }
    } else {
      in->highestSequence = stamp->sequence;
    }
  } else {
    in->seen = true;
    in->highestSequence = stamp->sequence;
  }
  in->lastTransitNs = transit;
  ++in->packets;
  if (counted) {
    ++window.received;
    if (in->kind == StreamKind::Video) {
      ++window.videoReceived;
    }
    window.receivedBytes += size;
    window.latency.record(transit);
  }
}

void ClientPeer::handleRtcp(uint8_t* data, size_t size, int64_t nowNs, TotalStats& totals) {
  if (!srtpIn_->unprotectRtcp(data, size)) {
    ++totals.srtpErrors;
    return;
  }
  const auto compound = rtc::RtcpCompoundPacket::parse(data, size);
  if (!compound) {
    return;
  }
  bool retransmitted = false;
  for (const auto& p : *compound) {
    if (p.rtcpType() == rtc::RtcpType::kRtpFeedback && p.count == rtc::kFmtGenericNack) {
      const auto nack = rtc::GenericNack::parse(p);
      if (!nack) {
        continue;
      }
      for (auto& out : streams_) {
        if (out.spec.ssrc != nack->mediaSsrc()) {
          continue;
        }
        nack->forEachLost([&](uint16_t seq) { retransmit(out, seq, nowNs / 1'000'000, totals); });
        retransmitted = true;
      }
      continue;
    }
    if (p.rtcpType() != rtc::RtcpType::kPayloadFeedback) {
      continue;
    }
    if (p.count != rtc::kFmtPli && p.count != rtc::kFmtFir) {
      continue;
    }
    ++totals.keyFrameRequests;
    for (auto& out : streams_) {
      if (out.spec.kind == StreamKind::Video) {
        out.stream->requestKeyFrame();
      }
    }
  }
  if (retransmitted) {
    flush(totals);
  }
}

std::vector<uint32_t> ClientPeer::silentStreams() const {
  std::vector<uint32_t> out;
  for (const auto& in : incoming_) {
    if (in.packets == 0) {
      out.push_back(in.streamId);
    }
  }
  return out;
}

double ClientPeer::meanJitterMs() const {
  double sum = 0;
  size_t n = 0;
  for (const auto& in : incoming_) {
    if (!in.seen) {
      continue;
    }
    sum += in.jitterNs;
    ++n;
  }
  return n ? sum / static_cast<double>(n) / 1e6 : 0;
}

void ClientPeer::onDtlsSend(dtls::DtlsTransport&, const uint8_t* data, size_t size) {
  sendNow(data, size);
}

void ClientPeer::onDtlsConnected(dtls::DtlsTransport&, dtls::SrtpProfile profile,
                                 std::span<const uint8_t> localKeyMaterial,
                                 std::span<const uint8_t> remoteKeyMaterial) {
  try {
    srtpOut_ = std::make_unique<srtp::SrtpSession>(srtp::SrtpSession::Direction::Outbound, profile,
                                                   localKeyMaterial);
    srtpIn_ = std::make_unique<srtp::SrtpSession>(srtp::SrtpSession::Direction::Inbound, profile,
                                                  remoteKeyMaterial);
  } catch (const std::exception& e) {
    fail(std::string("SRTP: ") + e.what());
    return;
  }
  const int64_t nowNs = steadyNowNs();
  for (auto& out : streams_) {
    out.stream = std::make_unique<SyntheticStream>(out.spec, nowNs);
    if (impairment_.active() && out.spec.kind == StreamKind::Video) {
      out.history = std::make_unique<rtc::RtpRetransmissionBuffer>();
    }
  }
  state_ = State::Connected;
}

void ClientPeer::onDtlsFailed(dtls::DtlsTransport&, const std::string& reason) {
  fail("DTLS: " + reason);
}

void ClientPeer::onDtlsClosed(dtls::DtlsTransport&) {
  fail("the server closed DTLS");
}

}  // namespace rooms::loadgen
