#include "rtc/srtp/SrtpSession.h"

#include <gtest/gtest.h>

#include <array>
#include <stdexcept>
#include <vector>

#include "DtlsTestPeer.h"

namespace rooms::srtp {
namespace {

using dtls::SrtpProfile;

constexpr size_t kBufferSize = 1500;

// An RTP packet: V=2, PT 111, the given sequence number, timestamp, SSRC, and a payload.
std::vector<uint8_t> rtpPacket(uint16_t seq, uint32_t ssrc = 0x11223344) {
  std::vector<uint8_t> p = {0x80,
                            111,
                            static_cast<uint8_t>(seq >> 8),
                            static_cast<uint8_t>(seq),
                            0,
                            0,
                            0x10,
                            0,
                            static_cast<uint8_t>(ssrc >> 24),
                            static_cast<uint8_t>(ssrc >> 16),
                            static_cast<uint8_t>(ssrc >> 8),
                            static_cast<uint8_t>(ssrc)};
  for (int i = 0; i < 100; ++i) p.push_back(static_cast<uint8_t>(i * 7));
  return p;
}

// An RTCP receiver report with no report blocks.
std::vector<uint8_t> rtcpPacket(uint32_t ssrc = 0x55667788) {
  return {0x80,
          201,
          0,
          1,
          static_cast<uint8_t>(ssrc >> 24),
          static_cast<uint8_t>(ssrc >> 16),
          static_cast<uint8_t>(ssrc >> 8),
          static_cast<uint8_t>(ssrc)};
}

struct Buffer {
  explicit Buffer(const std::vector<uint8_t>& packet) : size(packet.size()) {
    std::copy(packet.begin(), packet.end(), bytes.begin());
  }
  std::vector<uint8_t> view() const { return {bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(size)}; }
  std::array<uint8_t, kBufferSize> bytes{};
  size_t size;
};

// Client and server keys from a real handshake.
struct Keys {
  SrtpProfile profile;
  std::vector<uint8_t> clientLocal;
  std::vector<uint8_t> serverLocal;
};

Keys handshakeKeys() {
  dtls::testing::PeerPair p;
  p.connect();
  EXPECT_EQ(p.client.transport.state(), dtls::DtlsTransport::State::Connected);
  return {p.client.profile, p.client.localKey, p.server.localKey};
}

std::vector<uint8_t> fixedKey(SrtpProfile profile, uint8_t seed) {
  std::vector<uint8_t> key(dtls::srtpKeyMaterialLength(profile));
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(seed + i * 13);
  return key;
}

class SrtpSessionTest : public ::testing::TestWithParam<SrtpProfile> {};

TEST_P(SrtpSessionTest, RtpRoundTripTamperAndReplay) {
  const SrtpProfile profile = GetParam();
  const auto key = fixedKey(profile, 3);
  SrtpSession sender(SrtpSession::Direction::Outbound, profile, key);
  SrtpSession receiver(SrtpSession::Direction::Inbound, profile, key);

  const auto plain = rtpPacket(1000);
  Buffer packet(plain);
  ASSERT_TRUE(sender.protectRtp(packet.bytes.data(), packet.size, packet.bytes.size()));
  EXPECT_EQ(packet.size, plain.size() + (profile == SrtpProfile::AeadAes128Gcm ? 16u : 10u));
  EXPECT_NE(packet.view(), plain);
  const Buffer copy = packet;

  Buffer tampered = packet;
  tampered.bytes[20] ^= 1;
  EXPECT_FALSE(receiver.unprotectRtp(tampered.bytes.data(), tampered.size));

  ASSERT_TRUE(receiver.unprotectRtp(packet.bytes.data(), packet.size));
  EXPECT_EQ(packet.view(), plain);

  Buffer replay = copy;
  EXPECT_FALSE(receiver.unprotectRtp(replay.bytes.data(), replay.size));
  EXPECT_NE(receiver.lastError(), 0);

  // A retransmission (NACK) protects the same sequence number again; the receiver takes it if it had
  // not seen it.
  const auto second = rtpPacket(1001);
  Buffer original(second);
  ASSERT_TRUE(sender.protectRtp(original.bytes.data(), original.size, original.bytes.size()));
  Buffer resent(second);
  ASSERT_TRUE(sender.protectRtp(resent.bytes.data(), resent.size, resent.bytes.size()));
  ASSERT_TRUE(receiver.unprotectRtp(resent.bytes.data(), resent.size));
  EXPECT_EQ(resent.view(), second);
}

TEST_P(SrtpSessionTest, RtcpRoundTripTamperAndReplay) {
  const SrtpProfile profile = GetParam();
  const auto key = fixedKey(profile, 9);
  SrtpSession sender(SrtpSession::Direction::Outbound, profile, key);
  SrtpSession receiver(SrtpSession::Direction::Inbound, profile, key);
  const auto plain = rtcpPacket();
  Buffer packet(plain);
  ASSERT_TRUE(sender.protectRtcp(packet.bytes.data(), packet.size, packet.bytes.size()));
  EXPECT_GT(packet.size, plain.size());
  const Buffer copy = packet;
  Buffer tampered = packet;
  tampered.bytes[9] ^= 0x80;
  EXPECT_FALSE(receiver.unprotectRtcp(tampered.bytes.data(), tampered.size));
  ASSERT_TRUE(receiver.unprotectRtcp(packet.bytes.data(), packet.size));
  EXPECT_EQ(packet.view(), plain);
  Buffer replay = copy;
  EXPECT_FALSE(receiver.unprotectRtcp(replay.bytes.data(), replay.size));
}

TEST_P(SrtpSessionTest, WrongKeyFailsAuthentication) {
  const SrtpProfile profile = GetParam();
  SrtpSession sender(SrtpSession::Direction::Outbound, profile, fixedKey(profile, 1));
  SrtpSession receiver(SrtpSession::Direction::Inbound, profile, fixedKey(profile, 2));
  Buffer packet(rtpPacket(5));
  ASSERT_TRUE(sender.protectRtp(packet.bytes.data(), packet.size, packet.bytes.size()));
  EXPECT_FALSE(receiver.unprotectRtp(packet.bytes.data(), packet.size));
}

INSTANTIATE_TEST_SUITE_P(Profiles, SrtpSessionTest,
                         ::testing::Values(SrtpProfile::Aes128CmSha1_80, SrtpProfile::AeadAes128Gcm),
                         [](const auto& info) {
                           return info.param == SrtpProfile::AeadAes128Gcm ? "Gcm" : "AesCmSha1_80";
                         });

TEST(SrtpSessionDtlsTest, KeysFromARealHandshakeWorkBothWays) {
  const Keys keys = handshakeKeys();
  ASSERT_EQ(keys.profile, SrtpProfile::AeadAes128Gcm);
  // Client to server with the client's local key, server to client with the server's.
  SrtpSession clientOut(SrtpSession::Direction::Outbound, keys.profile, keys.clientLocal);
  SrtpSession serverIn(SrtpSession::Direction::Inbound, keys.profile, keys.clientLocal);
  SrtpSession serverOut(SrtpSession::Direction::Outbound, keys.profile, keys.serverLocal);
  SrtpSession clientIn(SrtpSession::Direction::Inbound, keys.profile, keys.serverLocal);
  const auto plain = rtpPacket(7);
  Buffer a(plain);
  ASSERT_TRUE(clientOut.protectRtp(a.bytes.data(), a.size, a.bytes.size()));
  ASSERT_TRUE(serverIn.unprotectRtp(a.bytes.data(), a.size));
  EXPECT_EQ(a.view(), plain);
  Buffer b(plain);
  ASSERT_TRUE(serverOut.protectRtp(b.bytes.data(), b.size, b.bytes.size()));
  // Not with the other direction's key.
  Buffer wrong = b;
  EXPECT_FALSE(serverIn.unprotectRtp(wrong.bytes.data(), wrong.size));
  ASSERT_TRUE(clientIn.unprotectRtp(b.bytes.data(), b.size));
  EXPECT_EQ(b.view(), plain);
  Buffer c(rtcpPacket());
  ASSERT_TRUE(serverOut.protectRtcp(c.bytes.data(), c.size, c.bytes.size()));
  ASSERT_TRUE(clientIn.unprotectRtcp(c.bytes.data(), c.size));
  EXPECT_EQ(c.view(), rtcpPacket());
}

TEST(SrtpSessionMiscTest, RejectsBadKeysAndSmallBuffers) {
  EXPECT_THROW(SrtpSession(SrtpSession::Direction::Inbound, SrtpProfile::AeadAes128Gcm,
                           fixedKey(SrtpProfile::Aes128CmSha1_80, 0)),
               std::runtime_error);
  EXPECT_THROW(SrtpSession(SrtpSession::Direction::Inbound, SrtpProfile::None, {}), std::runtime_error);
  SrtpSession sender(SrtpSession::Direction::Outbound, SrtpProfile::Aes128CmSha1_80,
                     fixedKey(SrtpProfile::Aes128CmSha1_80, 0));
  auto packet = rtpPacket(1);
  size_t size = packet.size();
  EXPECT_FALSE(sender.protectRtp(packet.data(), size, packet.size()));  // no room for the tag
  EXPECT_EQ(size, packet.size());
  SrtpSession receiver(SrtpSession::Direction::Inbound, SrtpProfile::Aes128CmSha1_80,
                       fixedKey(SrtpProfile::Aes128CmSha1_80, 0));
  std::array<uint8_t, 4> tiny = {0x80, 0, 0, 1};
  size_t tinySize = tiny.size();
  EXPECT_FALSE(receiver.unprotectRtp(tiny.data(), tinySize));
  EXPECT_FALSE(receiver.unprotectRtcp(tiny.data(), tinySize));
}

}  // namespace
}  // namespace rooms::srtp
