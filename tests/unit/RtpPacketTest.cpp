#include "rtc/rtp/RtpPacket.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "rtc/rtp/RtpHeaderExtensionIds.h"

namespace rooms::rtc {
namespace {

// Shaped like what Chrome sends for Opus with a=extmap 1 audio-level, 3 transport-cc, 4 mid.
std::vector<uint8_t> chromeOpusPacket() {
  return {
      0x90, 0x6F, 0x1A, 0x2B,  // V=2 X=1, PT 111, seq 0x1A2B
      0x00, 0x01, 0xE2, 0x40,  // timestamp 123456
      0xDE, 0xAD, 0xBE, 0xEF,  // SSRC
      0xBE, 0xDE, 0x00, 0x02,  // one-byte extensions, 2 words
      0x10, 0x8A,              // id 1 (audio level), voice, -10 dBov
      0x31, 0x01, 0x23,        // id 3 (transport-cc), 0x0123
      0x40, '0',               // id 4 (mid) "0"
      0x00,                    // padding to the word boundary
      0x78, 0x0B, 0xE4, 0xC1,  // Opus TOC and frame bytes
      0x36, 0xEC, 0xC5, 0x80,
  };
}

// A VP8 packet with the marker bit and transport-cc only, and RTP padding of 4 bytes.
std::vector<uint8_t> vp8Packet() {
  return {
      0xB0, 0xE0, 0xFF, 0xFF,  // V=2 P=1 X=1, M=1 PT 96, seq 65535
      0x12, 0x34, 0x56, 0x78,  // timestamp
      0x01, 0x02, 0x03, 0x04,  // SSRC
      0xBE, 0xDE, 0x00, 0x01,  // one-byte extensions, 1 word
      0x51, 0x00, 0x05, 0x00,  // id 5 (transport-cc) 5, padding
      0x90, 0x80, 0x12, 0x34,  // VP8 payload descriptor
      0x9D, 0x01, 0x2A,        // start of a key frame
      0x00, 0x00, 0x00, 0x04,  // RTP padding, count 4
  };
}

TEST(RtpPacketTest, ParsesChromeOpusPacket) {
  auto bytes = chromeOpusPacket();
  const auto packet = RtpPacket::parse(bytes.data(), bytes.size());
  ASSERT_TRUE(packet);
  EXPECT_EQ(packet->version(), 2);
  EXPECT_FALSE(packet->hasPadding());
  EXPECT_TRUE(packet->hasExtension());
  EXPECT_EQ(packet->csrcCount(), 0);
  EXPECT_FALSE(packet->marker());
  EXPECT_EQ(packet->payloadType(), 111);
  EXPECT_EQ(packet->sequenceNumber(), 0x1A2B);
  EXPECT_EQ(packet->timestamp(), 123456u);
  EXPECT_EQ(packet->ssrc(), 0xDEADBEEFu);
  EXPECT_TRUE(packet->hasOneByteExtensions());
  EXPECT_FALSE(packet->hasTwoByteExtensions());
  EXPECT_EQ(packet->headerSize(), 24u);
  ASSERT_EQ(packet->payload().size(), 8u);
  EXPECT_EQ(packet->payload()[0], 0x78);

  const auto level = packet->extension(1);
  ASSERT_TRUE(level);
  const auto audio = readAudioLevel(*level);
  ASSERT_TRUE(audio);
  EXPECT_TRUE(audio->voice);
  EXPECT_EQ(audio->level, 10);

  const auto twcc = packet->extension(3);
  ASSERT_TRUE(twcc);
  EXPECT_EQ(readTransportWideSequenceNumber(*twcc), 0x0123);

  const auto mid = packet->extension(4);
  ASSERT_TRUE(mid);
  EXPECT_EQ(std::string(mid->begin(), mid->end()), "0");
  EXPECT_FALSE(packet->extension(2));
  EXPECT_FALSE(packet->extension(0));

  std::vector<int> ids;
  packet->forEachExtension([&](uint8_t id, std::span<const uint8_t>) { ids.push_back(id); });
  EXPECT_EQ(ids, (std::vector<int>{1, 3, 4}));
}

TEST(RtpPacketTest, ParsesVp8PacketWithPaddingAndMarker) {
  auto bytes = vp8Packet();
  const auto packet = RtpPacket::parse(bytes.data(), bytes.size());
  ASSERT_TRUE(packet);
  EXPECT_TRUE(packet->marker());
  EXPECT_EQ(packet->payloadType(), 96);
  EXPECT_EQ(packet->sequenceNumber(), 65535);
  EXPECT_EQ(packet->paddingSize(), 4);
  EXPECT_EQ(packet->headerSize(), 20u);
  ASSERT_EQ(packet->payload().size(), 7u);
  EXPECT_EQ(packet->payload()[0], 0x90);
  EXPECT_EQ(packet->payload()[6], 0x2A);
  const auto twcc = packet->extension(5);
  ASSERT_TRUE(twcc);
  EXPECT_EQ(readTransportWideSequenceNumber(*twcc), 5);
}

TEST(RtpPacketTest, ParsesMinimalPacketWithCsrcs) {
  std::vector<uint8_t> bytes = {0x82, 0x08, 0x00, 0x01, 0,    0,    0,    2,    0,    0,
                                0,    3,    0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x22, 0x22};
  const auto packet = RtpPacket::parse(bytes.data(), bytes.size());
  ASSERT_TRUE(packet);
  EXPECT_EQ(packet->csrcCount(), 2);
  EXPECT_EQ(packet->csrc(0), 0x11111111u);
  EXPECT_EQ(packet->csrc(1), 0x22222222u);
  EXPECT_EQ(packet->csrc(2), 0u);
  EXPECT_EQ(packet->payload().size(), 0u);
  EXPECT_FALSE(packet->extension(1));
}

TEST(RtpPacketTest, ParsesTwoByteExtensions) {
  std::vector<uint8_t> bytes = {
      0x90, 0x60, 0x00, 0x01, 0,   0, 0, 1, 0, 0, 0, 1, 0x10, 0x00, 0x00, 0x02,  // two-byte form, 2 words
      0x05, 0x00,                                                                // id 5, empty
      0x00,                                                                      // padding between elements
      0x10, 0x03, 'a',  'b',  'c',                                               // id 16, 3 bytes
      0xAA,                                                                      // payload
  };
  const auto packet = RtpPacket::parse(bytes.data(), bytes.size());
  ASSERT_TRUE(packet);
  EXPECT_TRUE(packet->hasTwoByteExtensions());
  const auto empty = packet->extension(5);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  const auto rid = packet->extension(16);
  ASSERT_TRUE(rid);
  EXPECT_EQ(std::string(rid->begin(), rid->end()), "abc");
  EXPECT_EQ(packet->payload().size(), 1u);
}

TEST(RtpPacketTest, OneByteIdFifteenStopsParsing) {
  std::vector<uint8_t> bytes = {0x90, 0x60, 0,    1,    0,    0,    0,    1,    0,    0,
                                0,    1,    0xBE, 0xDE, 0x00, 0x01, 0x10, 0x01, 0xF0, 0x20};
  const auto packet = RtpPacket::parse(bytes.data(), bytes.size());
  ASSERT_TRUE(packet);
  EXPECT_TRUE(packet->extension(1));
  EXPECT_FALSE(packet->extension(2));
}

TEST(RtpPacketTest, UnknownExtensionProfileIsOpaque) {
  std::vector<uint8_t> bytes = {0x90, 0x60, 0,    1,    0,    0,    0,    1,    0,    0,   0,
                                1,    0x12, 0x34, 0x00, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x01};
  const auto packet = RtpPacket::parse(bytes.data(), bytes.size());
  ASSERT_TRUE(packet);
  EXPECT_EQ(packet->extensionProfile(), 0x1234);
  EXPECT_EQ(packet->extensionData().size(), 4u);
  EXPECT_FALSE(packet->extension(15));
  EXPECT_EQ(packet->payload().size(), 1u);
}

TEST(RtpPacketTest, SettersRewriteInPlace) {
  auto bytes = chromeOpusPacket();
  auto packet = RtpPacket::parse(bytes.data(), bytes.size());
  ASSERT_TRUE(packet);
  packet->setSequenceNumber(0xFFFE);
  packet->setTimestamp(0x89ABCDEF);
  packet->setSsrc(0x01020304);
  packet->setPayloadType(100);
  packet->setMarker(true);
  const std::array<uint8_t, 1> mid = {'7'};
  EXPECT_TRUE(packet->setExtension(4, mid));
  const std::array<uint8_t, 2> twcc = {0xBE, 0xEF};
  EXPECT_TRUE(packet->setExtension(3, twcc));
  // A different length or a missing id cannot be rewritten in place.
  EXPECT_FALSE(packet->setExtension(4, twcc));
  EXPECT_FALSE(packet->setExtension(9, mid));

  auto again = RtpPacket::parse(bytes.data(), bytes.size());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->sequenceNumber(), 0xFFFE);
  EXPECT_EQ(again->timestamp(), 0x89ABCDEFu);
  EXPECT_EQ(again->ssrc(), 0x01020304u);
  EXPECT_EQ(again->payloadType(), 100);
  EXPECT_TRUE(again->marker());
  EXPECT_EQ((*again->extension(4))[0], '7');
  EXPECT_EQ(readTransportWideSequenceNumber(*again->extension(3)), 0xBEEF);
  EXPECT_EQ(again->payload()[0], 0x78);  // payload untouched
  again->setMarker(false);
  EXPECT_EQ(again->payloadType(), 100);
  EXPECT_FALSE(again->marker());
}

TEST(RtpPacketTest, RejectsMalformedPackets) {
  const auto rejects = [](std::vector<uint8_t> bytes) {
    return !RtpPacket::parse(bytes.data(), bytes.size());
  };
  EXPECT_TRUE(RtpPacket::parse(nullptr, 0) == std::nullopt);
  // Truncated fixed header.
  EXPECT_TRUE(rejects({0x80, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0}));
  // Wrong versions.
  EXPECT_TRUE(rejects({0x40, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1}));
  EXPECT_TRUE(rejects({0xC0, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1}));
  // CSRC count past the end.
  EXPECT_TRUE(rejects({0x83, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1}));
  // X set but no room for the extension header.
  EXPECT_TRUE(rejects({0x90, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xBE, 0xDE}));
  // Extension length word past the end.
  EXPECT_TRUE(rejects({0x90, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xBE, 0xDE, 0x00, 0x02, 0x10, 0x01, 0, 0}));
  // One-byte element longer than the block.
  EXPECT_TRUE(rejects({0x90, 0x60, 0,    1,    0,    0,    0,    1,    0,    0,    0,
                       1,    0xBE, 0xDE, 0x00, 0x01, 0x00, 0x00, 0x13, 0x01, 0xAA, 0xAA}));
  // Two-byte element longer than the block, and a two-byte header cut by the block end.
  EXPECT_TRUE(rejects({0x90, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0x10, 0x00, 0x00, 0x01, 0x01, 0x05, 0, 0}));
  EXPECT_TRUE(
      rejects({0x90, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0x10, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01}));
  // Padding count of zero, and padding larger than the payload.
  EXPECT_TRUE(rejects({0xA0, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xAA, 0x00}));
  EXPECT_TRUE(rejects({0xA0, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xAA, 0x03}));
  // Padding exactly filling what follows the header is fine.
  std::vector<uint8_t> allPadding = {0xA0, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0x00, 0x02};
  const auto packet = RtpPacket::parse(allPadding.data(), allPadding.size());
  ASSERT_TRUE(packet);
  EXPECT_EQ(packet->payload().size(), 0u);
  EXPECT_EQ(packet->paddingSize(), 2);
}

TEST(RtpPacketTest, DemultiplexesRtpAndRtcp) {
  auto opus = chromeOpusPacket();
  EXPECT_TRUE(RtpPacket::looksLikeRtp(opus.data(), opus.size()));
  EXPECT_FALSE(RtpPacket::looksLikeRtcp(opus.data(), opus.size()));

  const uint8_t rr[] = {0x80, 201, 0x00, 0x01, 0x12, 0x34, 0x56, 0x78};
  EXPECT_TRUE(RtpPacket::looksLikeRtcp(rr, sizeof rr));
  EXPECT_FALSE(RtpPacket::looksLikeRtp(rr, sizeof rr));

  uint8_t bytes[12] = {0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  for (int second : {192, 200, 206, 223}) {
    bytes[1] = static_cast<uint8_t>(second);
    EXPECT_TRUE(RtpPacket::looksLikeRtcp(bytes, sizeof bytes)) << second;
    EXPECT_FALSE(RtpPacket::looksLikeRtp(bytes, sizeof bytes)) << second;
  }
  for (int second : {0, 96, 127, 191, 224, 255}) {
    bytes[1] = static_cast<uint8_t>(second);
    EXPECT_TRUE(RtpPacket::looksLikeRtp(bytes, sizeof bytes)) << second;
    EXPECT_FALSE(RtpPacket::looksLikeRtcp(bytes, sizeof bytes)) << second;
  }
  // STUN (0..3), DTLS (20..63), TURN channel (64..79) and anything past 191 are neither.
  for (int first : {0x00, 0x01, 0x16, 0x40, 0x7F, 0xC0, 0xFF}) {
    bytes[0] = static_cast<uint8_t>(first);
    bytes[1] = 96;
    EXPECT_FALSE(RtpPacket::looksLikeRtp(bytes, sizeof bytes)) << first;
    bytes[1] = 200;
    EXPECT_FALSE(RtpPacket::looksLikeRtcp(bytes, sizeof bytes)) << first;
  }
  bytes[0] = 0x80;
  bytes[1] = 96;
  EXPECT_FALSE(RtpPacket::looksLikeRtp(bytes, 11));
  EXPECT_FALSE(RtpPacket::looksLikeRtcp(rr, 4));
  EXPECT_FALSE(RtpPacket::looksLikeRtp(nullptr, 12));
}

TEST(RtpHeaderExtensionIdsTest, MapsNegotiatedUris) {
  RtpHeaderExtensionIds ids;
  EXPECT_TRUE(ids.set("urn:ietf:params:rtp-hdrext:sdes:mid", 4));
  EXPECT_TRUE(ids.set("urn:ietf:params:rtp-hdrext:ssrc-audio-level", 1));
  EXPECT_TRUE(ids.set("http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01", 3));
  EXPECT_TRUE(ids.set("http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", 2));
  EXPECT_TRUE(ids.set("urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id", 10));
  EXPECT_TRUE(ids.set("urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id", 11));
  EXPECT_FALSE(ids.set("urn:ietf:params:rtp-hdrext:toffset", 5));
  EXPECT_FALSE(ids.set("urn:ietf:params:rtp-hdrext:sdes:mid", 0));
  EXPECT_FALSE(ids.set("urn:ietf:params:rtp-hdrext:sdes:mid", 256));
  EXPECT_EQ(ids.mid, 4);
  EXPECT_EQ(ids.audioLevel, 1);
  EXPECT_EQ(ids.transportWideCc, 3);
  EXPECT_EQ(ids.absSendTime, 2);
  EXPECT_EQ(ids.rtpStreamId, 10);
  EXPECT_EQ(ids.repairedRtpStreamId, 11);
}

TEST(RtpHeaderExtensionIdsTest, ReadsValues) {
  const uint8_t silent[] = {0x7F};
  const auto level = readAudioLevel(silent);
  ASSERT_TRUE(level);
  EXPECT_FALSE(level->voice);
  EXPECT_EQ(level->level, 127);
  EXPECT_FALSE(readAudioLevel({}));
  const uint8_t seq[] = {0xAB, 0xCD};
  EXPECT_EQ(readTransportWideSequenceNumber(seq), 0xABCD);
  EXPECT_FALSE(readTransportWideSequenceNumber(silent));
  const uint8_t withRequest[] = {0x00, 0x07, 0x80, 0x01};  // transport-wide-cc-02 with a feedback request
  EXPECT_EQ(readTransportWideSequenceNumber(withRequest), 7);
  std::array<uint8_t, 2> out{};
  writeTransportWideSequenceNumber(out, 0x1234);
  EXPECT_EQ(readTransportWideSequenceNumber(out), 0x1234);
  const uint8_t abs[] = {0x01, 0x02, 0x03};
  EXPECT_EQ(readAbsSendTime(abs), 0x010203u);
  EXPECT_FALSE(readAbsSendTime(seq));
}

}  // namespace
}  // namespace rooms::rtc
