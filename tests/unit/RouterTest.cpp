// The Router with real transports: each participant is played by an in-memory endpoint that does what a
// browser does on the wire (an ICE check with USE-CANDIDATE, a DTLS client handshake checked against the
// router's fingerprint, SRTP both ways), so forwarding, NACK/RTX, key frame requests and transport-wide
// feedback are exercised through the same code paths as in a call.
#include "rtc/router/Router.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rtc/bwe/ProbeController.h"
#include "rtc/dtls/DtlsTransport.h"
#include "rtc/ice/StunMessageBuilder.h"
#include "rtc/rtcp/GenericNack.h"
#include "rtc/rtcp/Pli.h"
#include "rtc/rtcp/Remb.h"
#include "rtc/rtcp/RtcpCompoundPacket.h"
#include "rtc/rtcp/TransportFeedback.h"
#include "rtc/rtp/RedPacket.h"
#include "rtc/rtp/RtpPacket.h"
#include "rtc/rtp/RtxPacket.h"
#include "rtc/rtp/TransportCcFeedbackGenerator.h"
#include "rtc/srtp/SrtpSession.h"

namespace rooms::rtc {
namespace {

constexpr uint32_t kPublisherVideoSsrc = 0x1111;
constexpr uint32_t kPublisherRtxSsrc = 0x2222;
constexpr uint32_t kConsumerSsrc = 0x3333;
constexpr uint32_t kConsumerRtxSsrc = 0x4444;
constexpr uint8_t kVp8 = 96;
constexpr uint8_t kRtx = 97;
constexpr uint8_t kTwccId = 3;

// Datagrams the router sends, by destination.
class CapturingSender : public WebRtcTransport::Sender {
 public:
  void sendDatagram(const ice::StunAddress& to, const uint8_t* data, size_t size) override {
    sent[to.port].emplace_back(data, data + size);
  }
  std::map<uint16_t, std::vector<std::vector<uint8_t>>> sent;
};

class CountingListener : public Router::Listener {
 public:
  void onRouterTransportTuple(WebRtcTransport&, const ice::StunAddress&) override {}
  void onRouterTransportState(Router&, WebRtcTransport&, WebRtcTransport::State) override {}
  void onRouterTransportRemoved(WebRtcTransport&) override {}
  void onRouterPacing(Router&) override { ++pacingCalls; }
  int pacingCalls = 0;
};

// What the router sent one endpoint, decrypted.
struct Received {
  std::vector<std::vector<uint8_t>> rtp;
  std::vector<std::vector<uint8_t>> rtcp;
};

class BrowserEndpoint : private dtls::DtlsTransport::Listener {
 public:
  BrowserEndpoint(std::string id, uint16_t port, std::shared_ptr<const dtls::DtlsCertificate> routerCert)
      : id_(std::move(id)),
        address_(ice::StunAddress::v4({127, 0, 0, 1}, port)),
        cert_(dtls::DtlsCertificate::generate()),
        dtls_(*this, cert_, dtls::DtlsTransport::Role::Client) {
    dtls_.setRemoteFingerprint("sha-256", routerCert->fingerprintSha256());
  }

  TransportPlan plan() const {
    TransportPlan p;
    p.roomId = "room";
    p.params.id = id_;
    p.params.localUfrag = "srv" + id_;
    p.params.localPwd = "server-password-" + id_ + "-0123456789";
    p.params.remoteUfrag = "cli" + id_;
    p.params.remoteFingerprintAlgorithm = "sha-256";
    p.params.remoteFingerprint = cert_->fingerprintSha256();
    p.rtcpSsrc = 0xABC0 + address_.port;
    p.cname = id_;
    return p;
  }

  // ICE then DTLS, pumping the sender's captured datagrams back, until SRTP is up.
  void connect(Router& router, CapturingSender& sender, int64_t nowMs) {
    WebRtcTransport* transport = router.findTransport(id_);
    ASSERT_NE(transport, nullptr);
    const TransportPlan p = plan();
    std::array<uint8_t, 256> check{};
    ice::TransactionId tx{};
    tx[0] = static_cast<uint8_t>(address_.port);
    ice::StunMessageBuilder b(check, ice::stun::kMethodBinding, ice::StunClass::Request, tx);
    b.addUsername(p.params.localUfrag + ":" + p.params.remoteUfrag)
        .addPriority(0x6E7F1EFF)
        .addIceControlling(42)
        .addUseCandidate()
        .addMessageIntegrity(p.params.localPwd)
        .addFingerprint();
    const size_t n = b.finish();
    ASSERT_GT(n, 0u);
    transport->handleStun(check.data(), n, address_, nowMs);
    dtls_.start(nowMs);
    for (int round = 0; round < 50 && !srtpIn_; ++round) {
      for (auto& d : std::exchange(outbox_, {})) transport->handleDtls(d.data(), d.size(), address_, nowMs);
      for (auto& d : std::exchange(sender.sent[address_.port], {})) {
        if (d.size() > 0 && d[0] >= 20 && d[0] <= 63) dtls_.handleDatagram(d.data(), d.size(), nowMs);
      }
    }
    ASSERT_TRUE(srtpIn_) << "DTLS did not connect";
    ASSERT_TRUE(transport->connected());
  }

  void sendRtp(Router& router, std::vector<uint8_t> packet, int64_t nowMs) {
    size_t size = packet.size();
    packet.resize(size + srtp::SrtpSession::kMaxRtpOverhead);
    ASSERT_TRUE(srtpOut_->protectRtp(packet.data(), size, packet.size()));
    router.findTransport(id_)->handleSrtp(packet.data(), size, address_, nowMs, nowMs * 1000);
  }
  void sendRtcp(Router& router, std::vector<uint8_t> packet, int64_t nowMs) {
    size_t size = packet.size();
    packet.resize(size + srtp::SrtpSession::kMaxRtcpOverhead);
    ASSERT_TRUE(srtpOut_->protectRtcp(packet.data(), size, packet.size()));
    router.findTransport(id_)->handleSrtp(packet.data(), size, address_, nowMs, nowMs * 1000);
  }

  // Everything the router sent here since the last call.
  Received take(CapturingSender& sender) {
    Received r;
    for (auto& d : std::exchange(sender.sent[address_.port], {})) {
      size_t size = d.size();
      if (RtpPacket::looksLikeRtcp(d.data(), size)) {
        if (srtpIn_->unprotectRtcp(d.data(), size)) r.rtcp.emplace_back(d.begin(), d.begin() + size);
      } else if (RtpPacket::looksLikeRtp(d.data(), size)) {
        if (srtpIn_->unprotectRtp(d.data(), size)) r.rtp.emplace_back(d.begin(), d.begin() + size);
      }
    }
    return r;
  }

 private:
  void onDtlsSend(dtls::DtlsTransport&, const uint8_t* data, size_t size) override {
    outbox_.emplace_back(data, data + size);
  }
  void onDtlsConnected(dtls::DtlsTransport&, dtls::SrtpProfile profile, std::span<const uint8_t> local,
                       std::span<const uint8_t> remote) override {
    srtpOut_ = std::make_unique<srtp::SrtpSession>(srtp::SrtpSession::Direction::Outbound, profile, local);
    srtpIn_ = std::make_unique<srtp::SrtpSession>(srtp::SrtpSession::Direction::Inbound, profile, remote);
  }
  void onDtlsFailed(dtls::DtlsTransport&, const std::string& reason) override { ADD_FAILURE() << reason; }
  void onDtlsClosed(dtls::DtlsTransport&) override {}

  std::string id_;
  ice::StunAddress address_;
  std::shared_ptr<const dtls::DtlsCertificate> cert_;
  dtls::DtlsTransport dtls_;
  std::vector<std::vector<uint8_t>> outbox_;
  std::unique_ptr<srtp::SrtpSession> srtpOut_;
  std::unique_ptr<srtp::SrtpSession> srtpIn_;
};

// A VP8-like packet of the publisher: 100 payload bytes stamped with seq, the transport-wide sequence
// number as extension kTwccId.
std::vector<uint8_t> videoPacket(uint16_t seq, uint16_t twcc, uint32_t ssrc = kPublisherVideoSsrc,
                                 uint8_t pt = kVp8) {
  std::vector<uint8_t> p = {0x90,
                            pt,
                            static_cast<uint8_t>(seq >> 8),
                            static_cast<uint8_t>(seq),
                            0,
                            0,
                            0x10,
                            0,
                            static_cast<uint8_t>(ssrc >> 24),
                            static_cast<uint8_t>(ssrc >> 16),
                            static_cast<uint8_t>(ssrc >> 8),
                            static_cast<uint8_t>(ssrc),
                            0xBE,
                            0xDE,
                            0x00,
                            0x01,
                            static_cast<uint8_t>(kTwccId << 4 | 1),
                            static_cast<uint8_t>(twcc >> 8),
                            static_cast<uint8_t>(twcc),
                            0};
  for (int i = 0; i < 100; ++i) p.push_back(static_cast<uint8_t>(seq + i));
  return p;
}

template <typename T, typename Parse>
std::vector<T> rtcpOf(const Received& r, Parse parse) {
  std::vector<T> out;
  for (const auto& bytes : r.rtcp) {
    auto compound = RtcpCompoundPacket::parse(bytes.data(), bytes.size());
    if (!compound) continue;
    for (const RtcpPacketView& view : *compound) {
      if (auto p = parse(view)) out.push_back(*p);
    }
  }
  return out;
}

// The parsed packets are views into r: keep r alive while they are used.
std::vector<uint16_t> nackedSeqs(const Received& r) {
  std::vector<uint16_t> seqs;
  for (const auto& nack :
       rtcpOf<GenericNack>(r, [](const RtcpPacketView& v) { return GenericNack::parse(v); }))
    nack.forEachLost([&](uint16_t s) { seqs.push_back(s); });
  return seqs;
}

// The publisher's RTX packet carrying its packet seq again (as a retransmission or a probe does).
std::vector<uint8_t> rtxCopy(uint16_t seq, uint16_t rtxSeq) {
  std::array<uint8_t, 1500> buf{};
  const auto original = videoPacket(seq, 0);
  const size_t n = RtxPacket::wrap(original, kPublisherRtxSsrc, kRtx, rtxSeq, buf.data(), buf.size());
  return {buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n)};
}

// The subscriber's view of the publisher's video; SetUp adds RTX to it.
ConsumerSpec videoConsumer() {
  ConsumerSpec consumer;
  consumer.trackId = "pub:1";
  consumer.kind = MediaKind::Video;
  consumer.mid = "3";
  consumer.ssrc = kConsumerSsrc;
  consumer.payloadType = 100;
  consumer.clockRate = 90000;
  return consumer;
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cert_ = dtls::DtlsCertificate::generate();
    router_ = std::make_unique<Router>("room", listener_, sender_, cert_, 2'500'000, recovery_);
    publisher_ = std::make_unique<BrowserEndpoint>("pub", 5001, cert_);
    subscriber_ = std::make_unique<BrowserEndpoint>("sub", 5002, cert_);

    TransportPlan pub = publisher_->plan();
    ProducerSpec video;
    video.trackId = "pub:1";
    video.kind = MediaKind::Video;
    video.mid = "1";
    video.ssrc = kPublisherVideoSsrc;
    video.rtxSsrc = kPublisherRtxSsrc;
    video.payloadType = kVp8;
    video.rtxPayloadType = kRtx;
    video.clockRate = 90000;
    video.extensions.transportWideCc = kTwccId;
    pub.producers.push_back(video);
    router_->applyPlan(pub, now_);

    TransportPlan sub = subscriber_->plan();
    ConsumerSpec consumer = videoConsumer();
    consumer.rtxSsrc = kConsumerRtxSsrc;
    consumer.rtxPayloadType = 101;
    sub.consumers.push_back(consumer);
    router_->applyPlan(sub, now_);

    publisher_->connect(*router_, sender_, now_);
    subscriber_->connect(*router_, sender_, now_);
    // Drop the key frame requests a new subscription causes (rate-limited: the last one within 500 ms).
    tickFor(600);
    publisher_->take(sender_);
    subscriber_->take(sender_);
  }

  void publish(uint16_t seq) { publisher_->sendRtp(*router_, videoPacket(seq, twcc_++), now_); }
  // The subscriber renegotiates its video with transport-cc (as extension 5) and RTX: the router numbers
  // what it sends it, estimates its link from its feedback, and may probe it.
  void subscribeWithTransportCc() {
    TransportPlan sub = subscriber_->plan();
    ConsumerSpec consumer = videoConsumer();
    consumer.rtxSsrc = kConsumerRtxSsrc;
    consumer.rtxPayloadType = 101;
    consumer.extensions.transportWideCc = 5;
    sub.consumers.push_back(consumer);
    router_->applyPlan(sub, now_);
  }
  void tickFor(int64_t ms) {
    for (int64_t end = now_ + ms; now_ < end;) {
      now_ += 20;
      router_->tick(now_);
      router_->pace(now_);
    }
  }

  CapturingSender sender_;
  CountingListener listener_;
  RecoveryCounters recovery_;
  std::shared_ptr<const dtls::DtlsCertificate> cert_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<BrowserEndpoint> publisher_;
  std::unique_ptr<BrowserEndpoint> subscriber_;
  int64_t now_ = 1000;
  uint16_t twcc_ = 1;
};

TEST_F(RouterTest, ForwardsWithTheSubscribersSsrcAndPayloadType) {
  for (uint16_t seq = 10; seq < 15; ++seq) publish(seq);
  const Received got = subscriber_->take(sender_);
  ASSERT_EQ(got.rtp.size(), 5u);
  auto copy = got.rtp[2];
  auto p = RtpPacket::parse(copy.data(), copy.size());
  ASSERT_TRUE(p);
  EXPECT_EQ(p->ssrc(), kConsumerSsrc);
  EXPECT_EQ(p->payloadType(), 100);
  EXPECT_EQ(p->payload().size(), 100u);
  EXPECT_EQ(p->payload()[0], static_cast<uint8_t>(12));
}

TEST_F(RouterTest, GapIsNackedAtOnceAndTheRtxRepairIsForwarded) {
  publish(10);
  publish(11);
  publish(14);  // 12 and 13 lost on the uplink
  EXPECT_EQ(nackedSeqs(publisher_->take(sender_)), (std::vector<uint16_t>{12, 13}));
  EXPECT_EQ(subscriber_->take(sender_).rtp.size(), 3u);

  // The publisher answers on its RTX stream; the router forwards the original in the gap it left.
  publisher_->sendRtp(
      *router_,
      [&] {
        std::array<uint8_t, 1500> buf{};
        const auto original = videoPacket(12, 0);
        const size_t n = RtxPacket::wrap(original, kPublisherRtxSsrc, kRtx, 7, buf.data(), buf.size());
        return std::vector<uint8_t>(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
      }(),
      now_);
  const Received repaired = subscriber_->take(sender_);
  ASSERT_EQ(repaired.rtp.size(), 1u);
  auto bytes = repaired.rtp[0];
  auto p = RtpPacket::parse(bytes.data(), bytes.size());
  ASSERT_TRUE(p);
  EXPECT_EQ(p->ssrc(), kConsumerSsrc);
  EXPECT_EQ(p->payload()[0], 12) << "the original payload, without the OSN";
  EXPECT_EQ(recovery_.rtxReceived, 1u);
  EXPECT_EQ(recovery_.packetsRecovered, 1u);

  // 13 is still missing: asked again about a round trip later (100 ms before any RTT measurement).
  tickFor(40);
  EXPECT_TRUE(nackedSeqs(publisher_->take(sender_)).empty());
  tickFor(80);
  EXPECT_EQ(nackedSeqs(publisher_->take(sender_)), (std::vector<uint16_t>{13}));
}

TEST_F(RouterTest, ForwardedRepairAnswersTheSubscribersPendingNackOnce) {
  publish(10);
  publish(11);
  publish(14);  // 12 and 13 lost on the uplink
  publisher_->take(sender_);
  const Received first = subscriber_->take(sender_);
  ASSERT_EQ(first.rtp.size(), 3u);
  auto bytes = first.rtp[0];
  const auto base = RtpPacket::parse(bytes.data(), bytes.size())->sequenceNumber();
  const uint16_t wanted = static_cast<uint16_t>(base + 2);  // where 12 goes in the subscriber's numbering
  std::array<uint8_t, 64> nack{};
  const uint16_t lost[] = {wanted};
  const size_t n = GenericNack::write(nack, 0x5555, kConsumerSsrc, lost);
  const std::vector<uint8_t> nackBytes(nack.begin(), nack.begin() + static_cast<std::ptrdiff_t>(n));

  // The subscriber saw the gap too; we have nothing to send it yet.
  subscriber_->sendRtcp(*router_, nackBytes, now_);
  EXPECT_TRUE(subscriber_->take(sender_).rtp.empty());
  // The repair comes (a plain retransmission here) and is forwarded: that is the subscriber's answer.
  publish(12);
  ASSERT_EQ(subscriber_->take(sender_).rtp.size(), 1u);
  // Its NACK retry, crossing the repair on the way, gets no second copy...
  subscriber_->sendRtcp(*router_, nackBytes, now_ + 5);
  EXPECT_TRUE(subscriber_->take(sender_).rtp.empty());
  EXPECT_EQ(recovery_.retransmissionsSent, 0u);
  // ...but one well after it does: that repair was lost on the downlink.
  subscriber_->sendRtcp(*router_, nackBytes, now_ + 300);
  EXPECT_EQ(subscriber_->take(sender_).rtp.size(), 1u);
  EXPECT_EQ(recovery_.retransmissionsSent, 1u);
}

TEST_F(RouterTest, ProbeCopiesStayAwayFromASubscriberWithoutFeedbackYet) {
  for (uint16_t seq = 10; seq < 15; ++seq) publish(seq);
  EXPECT_EQ(sender_.sent[5002].size(), 5u);
  sender_.sent[5002].clear();  // lost on the way: a copy would decrypt, not be a replay
  publisher_->sendRtp(*router_, rtxCopy(12, 7), now_);
  EXPECT_TRUE(subscriber_->take(sender_).rtp.empty()) << "nothing known of its link: no burst on top";
  EXPECT_EQ(recovery_.rtxReceived, 1u);
  EXPECT_EQ(recovery_.packetsRecovered, 0u);
}

TEST_F(RouterTest, APlainResendNobodyAskedForIsACopyToo) {
  for (uint16_t seq = 10; seq < 15; ++seq) publish(seq);
  EXPECT_EQ(sender_.sent[5002].size(), 5u);
  sender_.sent[5002].clear();  // lost on the way: a copy would decrypt, not be a replay
  publish(12);                 // on the media stream again, unasked
  EXPECT_TRUE(subscriber_->take(sender_).rtp.empty());
}

TEST_F(RouterTest, UnrepairableGapBecomesOneKeyFrameRequest) {
  publish(1);
  publish(3);
  publisher_->take(sender_);
  tickFor(2000);  // no repair comes: retries run out
  const Received got = publisher_->take(sender_);
  // Views into got.
  const auto plis = rtcpOf<Pli>(got, [](const RtcpPacketView& v) { return Pli::parse(v); });
  ASSERT_EQ(plis.size(), 1u);
  EXPECT_EQ(plis[0].mediaSsrc(), kPublisherVideoSsrc);
  EXPECT_EQ(recovery_.keyFramesForLoss, 1u);
  EXPECT_GE(recovery_.nacksSent, 5u);
}

TEST_F(RouterTest, SubscriberNackIsAnsweredOnOurRtxStream) {
  for (uint16_t seq = 100; seq < 105; ++seq) publish(seq);
  const Received first = subscriber_->take(sender_);
  ASSERT_EQ(first.rtp.size(), 5u);
  auto second = first.rtp[1];
  const auto wanted = RtpPacket::parse(second.data(), second.size())->sequenceNumber();

  std::array<uint8_t, 64> nack{};
  const uint16_t lost[] = {wanted};
  const size_t n = GenericNack::write(nack, 0x5555, kConsumerSsrc, lost);
  subscriber_->sendRtcp(*router_, {nack.begin(), nack.begin() + static_cast<std::ptrdiff_t>(n)}, now_);
  Received resent = subscriber_->take(sender_);
  ASSERT_EQ(resent.rtp.size(), 1u);
  auto p = RtpPacket::parse(resent.rtp[0].data(), resent.rtp[0].size());
  ASSERT_TRUE(p);
  EXPECT_EQ(p->ssrc(), kConsumerRtxSsrc);
  EXPECT_EQ(p->payloadType(), 101);
  const auto osn = static_cast<uint16_t>(p->payload()[0] << 8 | p->payload()[1]);
  EXPECT_EQ(osn, wanted);
  EXPECT_EQ(p->payload()[2], 101) << "then the original payload";

  // The same NACK again at once gets nothing: our copy cannot have arrived yet.
  subscriber_->sendRtcp(*router_, {nack.begin(), nack.begin() + static_cast<std::ptrdiff_t>(n)}, now_ + 1);
  EXPECT_TRUE(subscriber_->take(sender_).rtp.empty());
  EXPECT_EQ(recovery_.retransmissionsSent, 1u);
}

TEST_F(RouterTest, PublisherGetsTransportWideFeedback) {
  for (uint16_t seq = 1; seq <= 10; ++seq) {
    if (seq == 5) {
      ++twcc_;  // this one is lost on the way
      continue;
    }
    publish(seq);
  }
  tickFor(60);
  const Received got = publisher_->take(sender_);
  // The views point into got, which must outlive them.
  const auto feedback =
      rtcpOf<TransportFeedback>(got, [](const RtcpPacketView& v) { return TransportFeedback::parse(v); });
  ASSERT_FALSE(feedback.empty());
  std::vector<std::pair<uint16_t, bool>> reported;
  for (const auto& fb : feedback)
    fb.forEachPacket([&](uint16_t s, bool received, int64_t) { reported.emplace_back(s, received); });
  ASSERT_EQ(reported.size(), 10u);
  EXPECT_EQ(reported.front(), std::make_pair(uint16_t{1}, true));
  EXPECT_EQ(reported[4], std::make_pair(uint16_t{5}, false));
  EXPECT_EQ(reported.back(), std::make_pair(uint16_t{10}, true));
}

// The transport-wide number the subscriber negotiated as extension 5, -1 without one.
int twccNumberOf(const std::vector<uint8_t>& bytes) {
  auto copy = bytes;
  auto p = RtpPacket::parse(copy.data(), copy.size());
  if (!p) return -1;
  auto ext = p->extension(5);
  if (!ext || ext->size() != 2) return -1;
  return (*ext)[0] << 8 | (*ext)[1];
}

class TransportCcRouterTest : public RouterTest {
 protected:
  // The subscriber negotiated transport-cc: each packet it gets carries our transport-wide number, and its
  // feedback feeds our estimate of its link.
  void SetUp() override {
    RouterTest::SetUp();
    subscribeWithTransportCc();
    tickFor(600);
    publisher_->take(sender_);
    subscriber_->take(sender_);
  }

  // Frames of 4 packets every 20 ms, of which the subscriber's browser reports every other one as arrived:
  // half of everything lost is beyond what loss alone may cost. The transport-wide numbers it got.
  std::vector<uint16_t> publishWithHalfLoss(int frames) { return publishWithLoss(frames, 2); }

  // The same with one packet in lossEvery reported lost.
  std::vector<uint16_t> publishWithLoss(int frames, int lossEvery) {
    std::vector<uint16_t> numbers;
    const auto receive = [&] {
      for (const auto& bytes : subscriber_->take(sender_).rtp) {
        const int n = twccNumberOf(bytes);
        EXPECT_GE(n, 0);
        numbers.push_back(static_cast<uint16_t>(n));
        if (n % lossEvery != lossEvery - 1) browser_.onPacket(static_cast<uint16_t>(n), now_ * 1000);
      }
    };
    for (int frame = 0; frame < frames; ++frame) {
      for (int i = 0; i < 4; ++i) publish(seq_++);
      receive();
      tickFor(20);
      if (browser_.due(now_)) {
        std::array<uint8_t, 1500> fb{};
        const size_t n = browser_.write(fb, 0x5555, kConsumerSsrc, now_);
        if (n)
          subscriber_->sendRtcp(*router_, {fb.begin(), fb.begin() + static_cast<std::ptrdiff_t>(n)}, now_);
      }
    }
    // What the pacer still holds: at half loss the estimate is below what this publisher, who ignores our
    // REMB, sends.
    for (int i = 0; i < 200 && router_->pace(now_); ++i) now_ += 5;
    receive();
    return numbers;
  }

  // Publishes five packets, lets the pacer send them all, and returns the middle one's sequence number as
  // the subscriber saw it.
  uint16_t sendFiveAndPickOne() {
    publisher_->take(sender_);
    for (int i = 0; i < 5; ++i) publish(seq_++);
    for (int i = 0; i < 200 && router_->pace(now_); ++i) now_ += 5;
    Received sent = subscriber_->take(sender_);
    EXPECT_EQ(sent.rtp.size(), 5u);
    if (sent.rtp.size() < 3) return 0;
    return RtpPacket::parse(sent.rtp[2].data(), sent.rtp[2].size())->sequenceNumber();
  }

  // What a NACK for one packet brings the subscriber within the next 100 ms: the original sequence numbers
  // of the RTX packets (a plain resend would be an SRTP replay here, the original having arrived).
  std::vector<uint16_t> resendsAfterNack(uint16_t wanted) {
    std::array<uint8_t, 64> nack{};
    const uint16_t lost[] = {wanted};
    const size_t n = GenericNack::write(nack, 0x5555, kConsumerSsrc, lost);
    subscriber_->sendRtcp(*router_, {nack.begin(), nack.begin() + static_cast<std::ptrdiff_t>(n)}, now_);
    std::vector<uint16_t> resent;
    for (int step = 0; step <= 20; ++step) {
      for (auto& bytes : subscriber_->take(sender_).rtp) {
        auto p = RtpPacket::parse(bytes.data(), bytes.size());
        EXPECT_TRUE(p && p->ssrc() == kConsumerRtxSsrc);
        if (p && p->payload().size() >= 2)
          resent.push_back(static_cast<uint16_t>(p->payload()[0] << 8 | p->payload()[1]));
      }
      now_ += 5;
      router_->pace(now_);
    }
    return resent;
  }

  // Five packets whose forwarded copies are all lost on the way to the subscriber, then the publisher's
  // probe repeating the middle one: how many packets of it the subscriber gets. (Were the originals
  // delivered, its SRTP would discard the copy as a replay, and a copy sent would look like none.)
  size_t probeCopiesReceived() {
    publisher_->take(sender_);
    for (int i = 0; i < 5; ++i) publish(seq_++);
    for (int i = 0; i < 200 && router_->pace(now_); ++i) now_ += 5;
    EXPECT_FALSE(sender_.sent[5002].empty());
    sender_.sent[5002].clear();
    publisher_->sendRtp(*router_, rtxCopy(static_cast<uint16_t>(seq_ - 3), 9), now_);
    for (int i = 0; i < 200 && router_->pace(now_); ++i) now_ += 5;
    const Received got = subscriber_->take(sender_);
    for (auto bytes : got.rtp) {
      auto p = RtpPacket::parse(bytes.data(), bytes.size());
      EXPECT_TRUE(p && p->ssrc() == kConsumerSsrc && p->payload()[0] == static_cast<uint8_t>(seq_ - 3));
    }
    return got.rtp.size();
  }

  TransportCcFeedbackGenerator browser_;
  uint16_t seq_ = 1;
};

TEST_F(TransportCcRouterTest, SubscribersFeedbackSetsThePublishersRemb) {
  const std::vector<uint16_t> numbers = publishWithHalfLoss(120);
  ASSERT_EQ(numbers.size(), 480u);
  for (size_t i = 1; i < numbers.size(); ++i)
    EXPECT_EQ(numbers[i], static_cast<uint16_t>(numbers[i - 1] + 1));

  const Received got = publisher_->take(sender_);
  const auto rembs = rtcpOf<Remb>(got, [](const RtcpPacketView& v) { return Remb::parse(v); });
  ASSERT_FALSE(rembs.empty());
  // The loss-based cut, told at once: what arrived (about 125 kbit/s of small packets with their overhead)
  // less half the loss rate, instead of the 2.5 Mbit/s cap; growing again from there at most to 1.5 times
  // what arrives.
  EXPECT_LT(rembs.back().bitrate(), 250'000u);
  EXPECT_GE(rembs.back().bitrate(), SendSideBandwidthEstimator::kMinBps);
}

TEST_F(TransportCcRouterTest, LossySubscriberGetsEveryResendTwice) {
  publishWithLoss(120, 10);  // 10% of what it is sent is lost
  const uint16_t wanted = sendFiveAndPickOne();
  EXPECT_EQ(resendsAfterNack(wanted), (std::vector<uint16_t>{wanted, wanted}));
  EXPECT_EQ(recovery_.redundantResends, 1u);
}

TEST_F(TransportCcRouterTest, CongestedSubscriberGetsOneResend) {
  publishWithHalfLoss(120);  // half lost: a queue we overflow, not the link's own loss
  const uint16_t wanted = sendFiveAndPickOne();
  EXPECT_EQ(resendsAfterNack(wanted), (std::vector<uint16_t>{wanted}));
  EXPECT_EQ(recovery_.redundantResends, 0u);
}

TEST_F(TransportCcRouterTest, CleanSubscriberGetsOneResend) {
  publishWithLoss(120, 1000);
  const uint16_t wanted = sendFiveAndPickOne();
  EXPECT_EQ(resendsAfterNack(wanted), (std::vector<uint16_t>{wanted}));
  EXPECT_EQ(recovery_.redundantResends, 0u);
}

// A browser probing its uplink sends recent packets again on its RTX stream. The router already forwarded
// them: the copy goes only to a subscriber whose link loses packets on its own and has room (it may fill
// what the first copy lost), never into a clean or a congested one, where it is only a burst on top.
TEST_F(TransportCcRouterTest, ProbeCopiesGoOnlyToASubscriberThatLosesPackets) {
  publishWithLoss(120, 10);  // 10% of what it is sent is lost
  EXPECT_EQ(probeCopiesReceived(), 1u);
}

TEST_F(TransportCcRouterTest, ProbeCopiesStayAwayFromACleanSubscriber) {
  publishWithLoss(120, 1000);
  EXPECT_EQ(probeCopiesReceived(), 0u);
}

TEST_F(TransportCcRouterTest, ProbeCopiesStayAwayFromACongestedSubscriber) {
  publishWithHalfLoss(120);
  EXPECT_EQ(probeCopiesReceived(), 0u);
}

TEST_F(TransportCcRouterTest, KeyFrameBurstIsPacedToTheSubscribersEstimate) {
  publishWithHalfLoss(120);  // the estimate is now a few hundred kbit/s
  publisher_->take(sender_);
  const int pacingBefore = listener_.pacingCalls;
  // A key frame's 40 packets arrive from the publisher at once.
  for (int i = 0; i < 40; ++i) publish(seq_++);
  const Received atOnce = subscriber_->take(sender_);
  EXPECT_LT(atOnce.rtp.size(), 20u) << "the burst went out unpaced";
  EXPECT_GT(listener_.pacingCalls, pacingBefore);
  // The rest follows over the next few tens of milliseconds, in order, numbered as it leaves.
  std::vector<std::vector<uint8_t>> all = atOnce.rtp;
  size_t perStep = 0;
  int64_t lastMs = 0;
  const int64_t burstMs = now_;
  for (int step = 0; step < 100 && all.size() < 40; ++step) {
    now_ += 5;
    router_->pace(now_);
    const Received got = subscriber_->take(sender_);
    perStep = std::max(perStep, got.rtp.size());
    if (!got.rtp.empty()) lastMs = now_;
    all.insert(all.end(), got.rtp.begin(), got.rtp.end());
  }
  ASSERT_EQ(all.size(), 40u);
  EXPECT_LT(perStep, 10u);
  EXPECT_GT(lastMs - burstMs, 50);
  EXPECT_EQ(recovery_.pacedPackets, 40u - atOnce.rtp.size());
  EXPECT_EQ(recovery_.pacedExpired, 0u);
  for (size_t i = 0; i < all.size(); ++i) {
    auto p = RtpPacket::parse(all[i].data(), all[i].size());
    ASSERT_TRUE(p);
    EXPECT_EQ(p->ssrc(), kConsumerSsrc);
    if (i > 0) {
      EXPECT_EQ(twccNumberOf(all[i]), static_cast<uint16_t>(twccNumberOf(all[i - 1]) + 1));
      auto prev = RtpPacket::parse(all[i - 1].data(), all[i - 1].size());
      EXPECT_EQ(p->sequenceNumber(), static_cast<uint16_t>(prev->sequenceNumber() + 1));
    }
  }
}

// A subscriber whose link we can probe (transport-cc and an RTX stream for its video) gets padding first:
// clusters at a known rate that its feedback measures the link with (ProbeController), before the
// publisher is told anything more than the start estimate.
TEST_F(RouterTest, NewSubscribersLinkIsProbedWithPaddingOnItsRtxStream) {
  subscribeWithTransportCc();
  subscriber_->take(sender_);
  publisher_->take(sender_);

  const int pacingBefore = listener_.pacingCalls;
  now_ += 20;
  router_->tick(now_);
  EXPECT_GT(listener_.pacingCalls, pacingBefore) << "probing needs the pacing timer";
  std::vector<std::pair<int64_t, std::vector<uint8_t>>> probes;
  const int64_t startMs = now_;
  for (int step = 0; step < 20; ++step) {
    router_->pace(now_);
    for (auto& bytes : subscriber_->take(sender_).rtp) probes.emplace_back(now_, bytes);
    now_ += 5;
  }
  // The first cluster: 3 x 300 kbit/s for 15 ms, then nothing until its feedback is in.
  ASSERT_EQ(probes.size(), 6u);
  EXPECT_EQ(recovery_.probePackets, 6u);
  EXPECT_EQ(probes.front().first, startMs);
  EXPECT_EQ(probes.back().first, startMs + 15);
  for (size_t i = 0; i < probes.size(); ++i) {
    auto bytes = probes[i].second;
    auto p = RtpPacket::parse(bytes.data(), bytes.size());
    ASSERT_TRUE(p);
    EXPECT_EQ(p->ssrc(), kConsumerRtxSsrc);
    EXPECT_EQ(p->payloadType(), 101);
    EXPECT_TRUE(p->hasPadding());
    EXPECT_EQ(p->paddingSize(), Router::kProbePaddingBytes);
    EXPECT_TRUE(p->payload().empty());
    if (i > 0) {
      EXPECT_EQ(twccNumberOf(probes[i].second), twccNumberOf(probes[i - 1].second) + 1);
      auto prev = probes[i - 1].second;
      EXPECT_EQ(p->sequenceNumber(),
                static_cast<uint16_t>(RtpPacket::parse(prev.data(), prev.size())->sequenceNumber() + 1));
    }
  }

  // Media goes on meanwhile; once the subscriber's feedback is in, the publisher is told the start
  // estimate's share, not the 2.5 Mbit/s cap, until the probes say more.
  TransportCcFeedbackGenerator browser;
  const auto sendFeedback = [&] {
    std::array<uint8_t, 1500> fb{};
    const size_t n = browser.write(fb, 0x5555, kConsumerSsrc, now_);
    ASSERT_GT(n, 0u);
    subscriber_->sendRtcp(*router_, {fb.begin(), fb.begin() + static_cast<std::ptrdiff_t>(n)}, now_);
  };
  for (uint16_t seq = 100; seq < 103; ++seq) publish(seq);
  for (const auto& bytes : subscriber_->take(sender_).rtp) {
    const int n = twccNumberOf(bytes);
    ASSERT_GE(n, 0);
    browser.onPacket(static_cast<uint16_t>(n), now_ * 1000);
  }
  now_ += 100;
  sendFeedback();
  const Received reports = publisher_->take(sender_);  // the views below point into it
  const auto rembs = rtcpOf<Remb>(reports, [](const RtcpPacketView& v) { return Remb::parse(v); });
  ASSERT_FALSE(rembs.empty());
  EXPECT_LE(rembs.back().bitrate(), ProbeController::kStartBps);

  // Nobody reports the padding: after the report timeout probing is over and says nothing, and the
  // estimate is unlimited again, as for a subscriber we cannot probe.
  tickFor(1'200);
  publisher_->take(sender_);
  for (uint16_t seq = 103; seq < 106; ++seq) publish(seq);
  for (const auto& bytes : subscriber_->take(sender_).rtp) {
    const int number = twccNumberOf(bytes);
    if (number >= 0) browser.onPacket(static_cast<uint16_t>(number), now_ * 1000);
  }
  now_ += 100;
  sendFeedback();
  tickFor(1'000);  // the periodic report
  const Received laterReports = publisher_->take(sender_);
  const auto later = rtcpOf<Remb>(laterReports, [](const RtcpPacketView& v) { return Remb::parse(v); });
  ASSERT_FALSE(later.empty());
  EXPECT_EQ(later.back().bitrate(), 2'500'000u);
}

// An Opus packet with RED (pt 63): one redundant block (the previous packet's payload, 960 samples earlier)
// and the primary. Payload bytes are the sequence number they belong to.
std::vector<uint8_t> redAudioPacket(uint16_t seq, uint32_t ssrc) {
  const uint32_t ts = seq * 960u;
  std::vector<uint8_t> p = {0x80,
                            63,
                            static_cast<uint8_t>(seq >> 8),
                            static_cast<uint8_t>(seq),
                            static_cast<uint8_t>(ts >> 24),
                            static_cast<uint8_t>(ts >> 16),
                            static_cast<uint8_t>(ts >> 8),
                            static_cast<uint8_t>(ts),
                            static_cast<uint8_t>(ssrc >> 24),
                            static_cast<uint8_t>(ssrc >> 16),
                            static_cast<uint8_t>(ssrc >> 8),
                            static_cast<uint8_t>(ssrc)};
  const uint16_t offset = 960;
  const uint16_t length = 20;
  p.insert(p.end(), {static_cast<uint8_t>(0x80 | 111), static_cast<uint8_t>(offset >> 6),
                     static_cast<uint8_t>((offset & 0x3F) << 2), static_cast<uint8_t>(length), 111});
  for (int i = 0; i < length; ++i) p.push_back(static_cast<uint8_t>(seq - 1));
  for (int i = 0; i < 30; ++i) p.push_back(static_cast<uint8_t>(seq));
  return p;
}

TEST_F(RouterTest, RedIsUnwrappedForPlainSubscribersAndFillsTheirLosses) {
  constexpr uint32_t kAudioSsrc = 0xA0D10;
  TransportPlan pub = publisher_->plan();
  ProducerSpec audio;
  audio.trackId = "pub:0";
  audio.kind = MediaKind::Audio;
  audio.mid = "0";
  audio.ssrc = kAudioSsrc;
  audio.payloadType = 111;
  audio.redPayloadType = 63;
  pub.producers.push_back(audio);
  router_->applyPlan(pub, now_);
  TransportPlan sub = subscriber_->plan();
  ConsumerSpec plain;
  plain.trackId = "pub:0";
  plain.mid = "5";
  plain.ssrc = 0x1111;
  plain.payloadType = 109;
  ConsumerSpec red = plain;
  red.mid = "6";
  red.ssrc = 0x2222;
  red.redPayloadType = 120;
  sub.consumers = {plain, red};
  router_->applyPlan(sub, now_);
  subscriber_->take(sender_);

  for (uint16_t seq : {100, 101, 103}) publisher_->sendRtp(*router_, redAudioPacket(seq, kAudioSsrc), now_);
  Received got = subscriber_->take(sender_);
  std::vector<std::pair<uint8_t, uint8_t>> toPlain;  // payload type, first payload byte
  std::vector<uint8_t> toRed;
  for (auto& bytes : got.rtp) {
    auto p = RtpPacket::parse(bytes.data(), bytes.size());
    ASSERT_TRUE(p);
    if (p->ssrc() == 0x1111) toPlain.emplace_back(p->payloadType(), p->payload()[0]);
    if (p->ssrc() == 0x2222 && p->payloadType() == 109) toRed.push_back(p->payload()[0]);  // rebuilt
    if (p->ssrc() == 0x2222 && p->payloadType() != 109) {
      EXPECT_EQ(p->payloadType(), 120);
      auto blocks = RedPacket::parse(p->payload());
      ASSERT_TRUE(blocks);
      EXPECT_EQ(blocks->primary().payloadType, 109) << "blocks renumbered to the subscriber's Opus";
      toRed.push_back(blocks->primary().data[0]);
    }
  }
  // The plain subscriber gets Opus only, with 102 rebuilt from 103's redundant block before 103.
  const std::vector<std::pair<uint8_t, uint8_t>> wantPlain = {{109, 100}, {109, 101}, {109, 102}, {109, 103}};
  EXPECT_EQ(toPlain, wantPlain);
  // The RED subscriber gets the rebuilt packet as Opus, and RED as sent.
  EXPECT_EQ(toRed, (std::vector<uint8_t>{100, 101, 102, 103}));
  EXPECT_EQ(recovery_.audioRecovered, 1u);
}

TEST_F(RouterTest, LossyPublisherRaisesTheSubscribersPlayoutDelay) {
  const auto delayOfPublisher = [&]() {
    std::vector<TransportStats> stats;
    router_->collectStats(now_, stats);
    for (const auto& s : stats) {
      if (s.transportId == "pub") return s.playoutDelayMs;
    }
    return uint32_t{9999};
  };
  uint16_t seq = 1;
  for (int i = 0; i < 50; ++i) {  // a clean second
    publish(seq++);
    tickFor(20);
  }
  EXPECT_EQ(delayOfPublisher(), 0u);
  for (int i = 0; i < 100; ++i) {  // then one packet in ten lost
    if (i % 10 == 0) ++seq;
    publish(seq++);
    tickFor(20);
  }
  // No RTT measured here: 1.5 x 100 ms + 40.
  EXPECT_EQ(delayOfPublisher(), 190u);
}

}  // namespace
}  // namespace rooms::rtc
