// Consumer::rewrite: the subscriber's copy of a publisher's packet.
#include "rtc/router/Consumer.h"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <vector>

#include "rtc/rtp/ByteIo.h"

namespace rooms::rtc {
namespace {

struct NullListener : WebRtcTransport::Listener {
  void onTransportStateChanged(WebRtcTransport&, WebRtcTransport::State) override {}
  void onTransportRtp(WebRtcTransport&, RtpPacket&, int64_t, int64_t) override {}
  void onTransportRtcp(WebRtcTransport&, const uint8_t*, size_t, int64_t) override {}
  void onTransportTuple(WebRtcTransport&, const ice::StunAddress&) override {}
};
struct NullSender : WebRtcTransport::Sender {
  void sendDatagram(const ice::StunAddress&, const uint8_t*, size_t) override {}
};

// A publisher packet: pt 111, seq, ts, ssrc 0x11111111, one-byte extensions audio-level (1), abs-send-time
// (2) and mid (4) = "0", then the payload.
std::vector<uint8_t> publisherPacket(uint16_t seq, uint32_t ts, std::vector<uint8_t> payload) {
  std::vector<uint8_t> p(12);
  p[0] = 0x90;
  p[1] = 111;
  write16(p.data() + 2, seq);
  write32(p.data() + 4, ts);
  write32(p.data() + 8, 0x11111111);
  const std::vector<uint8_t> ext = {0xBE, 0xDE, 0x00, 0x02, 0x10, 0x85, 0x22, 0x01, 0x02, 0x03, 0x40, '0'};
  p.insert(p.end(), ext.begin(), ext.end());
  p.insert(p.end(), payload.begin(), payload.end());
  return p;
}

class ConsumerTest : public ::testing::Test {
 protected:
  ConsumerTest()
      : transport_(listener_, sender_, dtls::DtlsCertificate::generate(),
                   WebRtcTransport::Params{"t", "ufrag", "pwdpwdpwdpwdpwdpwdpwdpwd", "remote", "sha-256",
                                           "AA:BB", 30000},
                   0) {
    inIds_.audioLevel = 1;
    inIds_.absSendTime = 2;
    inIds_.mid = 4;
  }
  NullListener listener_;
  NullSender sender_;
  WebRtcTransport transport_;
  RtpHeaderExtensionIds inIds_;
};

TEST_F(ConsumerTest, WritesOurSsrcPayloadTypeAndTheSubscribersExtensionIds) {
  ConsumerSpec spec;
  spec.trackId = "track";
  spec.kind = MediaKind::Audio;
  spec.mid = "12";
  spec.ssrc = 0xCAFEBABE;
  spec.payloadType = 109;
  spec.clockRate = 48000;
  spec.extensions.mid = 3;
  spec.extensions.audioLevel = 5;
  spec.extensions.absSendTime = 7;
  Consumer consumer(spec, transport_, nullptr);

  auto in = publisherPacket(1000, 960, {0xAA, 0xBB, 0xCC});
  auto parsed = RtpPacket::parse(in.data(), in.size());
  ASSERT_TRUE(parsed);
  std::array<uint8_t, 1500> out{};
  const size_t n = consumer.rewrite(*parsed, inIds_, out.data(), out.size(), 0, 0, 0x123456);
  ASSERT_GT(n, 0u);
  auto rewritten = RtpPacket::parse(out.data(), n);
  ASSERT_TRUE(rewritten);
  EXPECT_EQ(rewritten->ssrc(), 0xCAFEBABEu);
  EXPECT_EQ(rewritten->payloadType(), 109);
  ASSERT_TRUE(rewritten->extension(3));
  EXPECT_EQ(std::string(rewritten->extension(3)->begin(), rewritten->extension(3)->end()), "12");
  ASSERT_TRUE(rewritten->extension(5));
  EXPECT_EQ((*rewritten->extension(5))[0], 0x85);
  ASSERT_TRUE(rewritten->extension(7));
  EXPECT_EQ(rewritten->extension(7)->size(), 3u);
  EXPECT_EQ((*rewritten->extension(7))[0], 0x12) << "our send time, not the publisher's";
  EXPECT_EQ((*rewritten->extension(7))[2], 0x56);
  EXPECT_FALSE(rewritten->extension(4)) << "the publisher's mid id must not leak";
  ASSERT_EQ(rewritten->payload().size(), 3u);
  EXPECT_EQ(rewritten->payload()[2], 0xCC);

  // The next packet continues the sequence and keeps the timestamp offset.
  const uint16_t firstSeq = rewritten->sequenceNumber();
  const uint32_t firstTs = rewritten->timestamp();
  auto next = publisherPacket(1001, 1920, {0x01});
  auto nextParsed = RtpPacket::parse(next.data(), next.size());
  const size_t m = consumer.rewrite(*nextParsed, inIds_, out.data(), out.size(), 20, 0, 0x123456);
  auto second = RtpPacket::parse(out.data(), m);
  ASSERT_TRUE(second);
  EXPECT_EQ(static_cast<uint16_t>(second->sequenceNumber() - firstSeq), 1);
  EXPECT_EQ(second->timestamp() - firstTs, 960u);
}

TEST_F(ConsumerTest, DropsPaddingOnlyPacketsAndKeepsVideoHistoryForNacks) {
  ConsumerSpec spec;
  spec.kind = MediaKind::Video;
  spec.mid = "1";
  spec.ssrc = 42;
  spec.payloadType = 96;
  spec.clockRate = 90000;
  spec.extensions.mid = 4;
  Consumer consumer(spec, transport_, nullptr);
  std::array<uint8_t, 1500> out{};

  auto empty = publisherPacket(5, 0, {});
  auto parsedEmpty = RtpPacket::parse(empty.data(), empty.size());
  ASSERT_TRUE(parsedEmpty);
  EXPECT_EQ(consumer.rewrite(*parsedEmpty, inIds_, out.data(), out.size(), 0, 0, 0x123456), 0u);

  auto in = publisherPacket(6, 3000, {1, 2, 3, 4});
  auto parsed = RtpPacket::parse(in.data(), in.size());
  const size_t n = consumer.rewrite(*parsed, inIds_, out.data(), out.size(), 0, 0, 0x123456);
  ASSERT_GT(n, 0u);
  consumer.onSent(out.data(), n, 0);
  const uint16_t seq = read16(out.data() + 2);
  const auto stored = consumer.retransmission(seq, 10);
  ASSERT_EQ(stored.size(), n);
  EXPECT_EQ(std::memcmp(stored.data(), out.data(), n), 0);
  EXPECT_TRUE(consumer.retransmission(static_cast<uint16_t>(seq + 1), 10).empty());
  // Too small a buffer is refused rather than overrun.
  EXPECT_EQ(consumer.rewrite(*parsed, inIds_, out.data(), 16, 0, 0, 0x123456), 0u);
}

}  // namespace
}  // namespace rooms::rtc
