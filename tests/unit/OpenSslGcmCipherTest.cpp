// AEAD_AES_128_GCM through OpenSslGcmCipher: installed (libsrtp's own known-answer tests and ours passed),
// and byte for byte what libsrtp's built-in AES-GCM (Debian's, over NSS) produced for the same keys and
// packets, both ways; a wrong tag is refused.
#include "rtc/srtp/OpenSslGcmCipher.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "rtc/srtp/SrtpSession.h"

namespace rooms::srtp {
namespace {

std::vector<uint8_t> hex(const std::string& s) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < s.size(); i += 2)
    out.push_back(static_cast<uint8_t>(std::stoi(s.substr(i, 2), nullptr, 16)));
  return out;
}

std::vector<uint8_t> masterKey() {
  std::vector<uint8_t> key(28);
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(0x10 + i * 7);
  return key;
}

// Produced by libsrtp 2.5.0's AES-GCM over NSS (before this cipher existed) with masterKey(), an outbound
// session: RTP PT 96, seq 0x1234, ts 0x00010203, SSRC 0xcafebabe, 48 payload bytes (i * 3 for i = 12..59);
// RTCP: an empty receiver report from SSRC 0xcafebabe, SRTCP index 1.
const std::string kRtpPlain =
    "8060123400010203cafebabe"
    "24272a2d303336393c3f4245484b4e5154575a5d606366696c6f7275787b7e8184878a8d909396999c9fa2a5a8abaeb1";
const std::string kRtpProtected =
    "8060123400010203cafebabed9dcef40670c10e42721d34432d8ec262909da5b308fa491adcc5505a83d19bf9c9595347f6deda0"
    "6729fcf597975d4314d6c100f8f9dddc92b695557ebd86d6";
const std::string kRtcpPlain = "80c90001cafebabe";
const std::string kRtcpProtected = "80c90001cafebabe516836d2607d6fb1c3361adc10055a4680000001";

TEST(OpenSslGcmCipherTest, InstalledAfterPassingLibsrtpsSelfTests) {
  EXPECT_STREQ(SrtpSession::aesGcmImplementation(), "openssl")
      << "libsrtp refused the cipher: " << SrtpSession::errorString(SrtpSession::aesGcmInstallStatus());
}

TEST(OpenSslGcmCipherTest, ProtectsAsLibsrtpsBuiltInCipherDid) {
  SrtpSession out(SrtpSession::Direction::Outbound, dtls::SrtpProfile::AeadAes128Gcm, masterKey());
  std::array<uint8_t, 512> buffer{};
  auto plain = hex(kRtpPlain);
  std::copy(plain.begin(), plain.end(), buffer.begin());
  size_t size = plain.size();
  ASSERT_TRUE(out.protectRtp(buffer.data(), size, buffer.size()));
  EXPECT_EQ(std::vector<uint8_t>(buffer.begin(), buffer.begin() + static_cast<ptrdiff_t>(size)),
            hex(kRtpProtected));

  plain = hex(kRtcpPlain);
  std::copy(plain.begin(), plain.end(), buffer.begin());
  size = plain.size();
  ASSERT_TRUE(out.protectRtcp(buffer.data(), size, buffer.size()));
  EXPECT_EQ(std::vector<uint8_t>(buffer.begin(), buffer.begin() + static_cast<ptrdiff_t>(size)),
            hex(kRtcpProtected));
}

TEST(OpenSslGcmCipherTest, UnprotectsWhatLibsrtpsBuiltInCipherProtected) {
  SrtpSession in(SrtpSession::Direction::Inbound, dtls::SrtpProfile::AeadAes128Gcm, masterKey());
  auto packet = hex(kRtpProtected);
  size_t size = packet.size();
  ASSERT_TRUE(in.unprotectRtp(packet.data(), size)) << SrtpSession::errorString(in.lastError());
  EXPECT_EQ(std::vector<uint8_t>(packet.begin(), packet.begin() + static_cast<ptrdiff_t>(size)),
            hex(kRtpPlain));

  packet = hex(kRtcpProtected);
  size = packet.size();
  ASSERT_TRUE(in.unprotectRtcp(packet.data(), size)) << SrtpSession::errorString(in.lastError());
  EXPECT_EQ(std::vector<uint8_t>(packet.begin(), packet.begin() + static_cast<ptrdiff_t>(size)),
            hex(kRtcpPlain));
}

TEST(OpenSslGcmCipherTest, RefusesAPacketWhoseTagOrBodyWasChanged) {
  for (const size_t flip : {size_t{13}, size_t{75}}) {  // a payload byte, the tag's last byte
    SrtpSession in(SrtpSession::Direction::Inbound, dtls::SrtpProfile::AeadAes128Gcm, masterKey());
    auto packet = hex(kRtpProtected);
    packet[flip] ^= 0x01;
    size_t size = packet.size();
    EXPECT_FALSE(in.unprotectRtp(packet.data(), size)) << "byte " << flip;
    // The next, intact packet of the stream still decrypts: a failure leaves no state behind.
    auto intact = hex(kRtpProtected);
    size = intact.size();
    EXPECT_TRUE(in.unprotectRtp(intact.data(), size)) << SrtpSession::errorString(in.lastError());
  }
}

}  // namespace
}  // namespace rooms::srtp
