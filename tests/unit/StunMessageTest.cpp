#include "rtc/ice/StunMessage.h"

#include <gtest/gtest.h>

#include <array>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "rtc/ice/StunCrypto.h"
#include "rtc/ice/StunMessageBuilder.h"

namespace rooms::ice {
namespace {

std::vector<uint8_t> hex(std::string_view s) {
  std::vector<uint8_t> out;
  std::string digits;
  for (const char c : s) {
    if (std::isxdigit(static_cast<unsigned char>(c))) digits += c;
  }
  for (size_t i = 0; i + 1 < digits.size(); i += 2)
    out.push_back(std::stoi(digits.substr(i, 2), nullptr, 16));
  return out;
}

// RFC 5769 test vectors (section 2.1 to 2.3).
const std::vector<uint8_t> kSampleRequest =
    hex("00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae"
        "80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74"
        "00 24 00 04 6e 00 01 ff"
        "80 29 00 08 93 2f f9 b1 51 26 3b 36"
        "00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20"
        "00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2"
        "80 28 00 04 e5 7a 3b cf");
const std::vector<uint8_t> kSampleIpv4Response =
    hex("01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae"
        "80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20"
        "00 20 00 08 00 01 a1 47 e1 12 a6 43"
        "00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7"
        "80 28 00 04 c0 7d 4c 96");
const std::vector<uint8_t> kSampleIpv6Response =
    hex("01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae"
        "80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20"
        "00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9"
        "00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41"
        "80 28 00 04 c8 fb 0b 4c");
constexpr std::string_view kPassword = "VOkJxbRl1RmTxUk/WvJxBt";
const TransactionId kTxId{0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};

StunError parse(const std::vector<uint8_t>& bytes, StunMessage& msg) {
  return StunMessage::parse(bytes.data(), bytes.size(), msg);
}

TEST(StunMessageTest, ParsesRfc5769SampleRequest) {
  StunMessage msg;
  ASSERT_EQ(parse(kSampleRequest, msg), StunError::None);
  EXPECT_EQ(msg.method(), stun::kMethodBinding);
  EXPECT_EQ(msg.messageClass(), StunClass::Request);
  EXPECT_EQ(msg.transactionId(), kTxId);
  ASSERT_TRUE(msg.username());
  EXPECT_EQ(*msg.username(), "evtj:h6vY");
  ASSERT_TRUE(msg.priority());
  EXPECT_EQ(*msg.priority(), 0x6e0001ffu);
  ASSERT_TRUE(msg.iceControlled());
  EXPECT_EQ(*msg.iceControlled(), 0x932ff9b151263b36ull);
  EXPECT_FALSE(msg.iceControlling());
  EXPECT_FALSE(msg.useCandidate());
  const auto* software = msg.find(stun::kAttrSoftware);
  ASSERT_NE(software, nullptr);
  EXPECT_EQ(std::string(software->value.begin(), software->value.end()), "STUN test client");
  EXPECT_EQ(msg.attributes().size(), 6u);
  EXPECT_FALSE(msg.hasUnknownRequiredAttribute());
  EXPECT_TRUE(msg.verifyMessageIntegrity(kPassword));
  EXPECT_FALSE(msg.verifyMessageIntegrity("VOkJxbRl1RmTxUk/WvJxBu"));
  EXPECT_TRUE(msg.verifyFingerprint());
}

TEST(StunMessageTest, ParsesRfc5769Ipv4Response) {
  StunMessage msg;
  ASSERT_EQ(parse(kSampleIpv4Response, msg), StunError::None);
  EXPECT_EQ(msg.messageClass(), StunClass::SuccessResponse);
  ASSERT_TRUE(msg.xorMappedAddress());
  EXPECT_EQ(*msg.xorMappedAddress(), StunAddress::v4({192, 0, 2, 1}, 32853));
  EXPECT_EQ(msg.xorMappedAddress()->toString(), "192.0.2.1:32853");
  EXPECT_TRUE(msg.verifyMessageIntegrity(kPassword));
  EXPECT_TRUE(msg.verifyFingerprint());
}

TEST(StunMessageTest, ParsesRfc5769Ipv6Response) {
  StunMessage msg;
  ASSERT_EQ(parse(kSampleIpv6Response, msg), StunError::None);
  ASSERT_TRUE(msg.xorMappedAddress());
  EXPECT_EQ(*msg.xorMappedAddress(), StunAddress::v6({0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56, 0x78, 0x00,
                                                      0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77},
                                                     32853));
  EXPECT_EQ(msg.xorMappedAddress()->toString(), "[2001:db8:1234:5678:11:2233:4455:6677]:32853");
  EXPECT_TRUE(msg.verifyMessageIntegrity(kPassword));
  EXPECT_TRUE(msg.verifyFingerprint());
}

TEST(StunMessageTest, BuilderReproducesRfc5769Ipv4ResponseByteForByte) {
  std::array<uint8_t, 256> buf{};
  const size_t n = StunMessageBuilder(buf, stun::kMethodBinding, StunClass::SuccessResponse, kTxId)
                       .addSoftware("test vector")
                       .addXorMappedAddress(StunAddress::v4({192, 0, 2, 1}, 32853))
                       .addMessageIntegrity(kPassword)
                       .addFingerprint()
                       .finish();
  // The RFC pads SOFTWARE with spaces where we pad with zeros; padding is covered by both hashes, so
  // patch it before comparing.
  std::vector<uint8_t> built(buf.begin(), buf.begin() + n);
  ASSERT_EQ(built.size(), kSampleIpv4Response.size());
  built[35] = 0x20;
  // The hashes then differ only because of that padding, so compare everything before MESSAGE-INTEGRITY.
  EXPECT_TRUE(std::equal(built.begin(), built.begin() + 48, kSampleIpv4Response.begin()));
  StunMessage msg;
  ASSERT_EQ(StunMessage::parse(buf.data(), n, msg), StunError::None);
  EXPECT_TRUE(msg.verifyMessageIntegrity(kPassword));
  EXPECT_TRUE(msg.verifyFingerprint());
}

TEST(StunMessageTest, BuilderReproducesRfc5769Ipv6AddressEncoding) {
  std::array<uint8_t, 256> buf{};
  const auto addr = StunAddress::v6(
      {0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56, 0x78, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77},
      32853);
  const size_t n = StunMessageBuilder(buf, stun::kMethodBinding, StunClass::SuccessResponse, kTxId)
                       .addXorMappedAddress(addr)
                       .finish();
  ASSERT_EQ(n, 20u + 24u);
  // The XOR-MAPPED-ADDRESS attribute of section 2.3 starts at byte 36 there.
  EXPECT_TRUE(std::equal(buf.begin() + 20, buf.begin() + 44, kSampleIpv6Response.begin() + 36));
}

TEST(StunMessageTest, Crc32KnownAnswer) {
  const std::string text = "123456789";
  EXPECT_EQ(crc32({std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size())}),
            0xCBF43926u);
  EXPECT_EQ(crc32({}), 0u);
}

TEST(StunMessageTest, RoundTripsAnIceCheck) {
  std::array<uint8_t, 512> buf{};
  TransactionId tx{};
  for (size_t i = 0; i < tx.size(); ++i) tx[i] = static_cast<uint8_t>(i * 7 + 1);
  const size_t n = StunMessageBuilder(buf, stun::kMethodBinding, StunClass::Request, tx)
                       .addUsername("local:remote")
                       .addPriority(1853817087)
                       .addIceControlling(0x0102030405060708ull)
                       .addUseCandidate()
                       .addMessageIntegrity("secret")
                       .addFingerprint()
                       .finish();
  ASSERT_GT(n, 0u);
  EXPECT_EQ(n % 4, 0u);
  StunMessage msg;
  ASSERT_EQ(StunMessage::parse(buf.data(), n, msg), StunError::None);
  EXPECT_TRUE(StunMessage::looksLikeStun(buf.data(), n));
  EXPECT_EQ(msg.transactionId(), tx);
  EXPECT_EQ(msg.messageClass(), StunClass::Request);
  EXPECT_EQ(*msg.username(), "local:remote");
  EXPECT_EQ(*msg.priority(), 1853817087u);
  EXPECT_EQ(*msg.iceControlling(), 0x0102030405060708ull);
  EXPECT_TRUE(msg.useCandidate());
  EXPECT_TRUE(msg.verifyMessageIntegrity("secret"));
  EXPECT_FALSE(msg.verifyMessageIntegrity("Secret"));
  EXPECT_TRUE(msg.verifyFingerprint());
}

TEST(StunMessageTest, RoundTripsErrorResponses) {
  for (const uint16_t code : {400, 401, 487}) {
    std::array<uint8_t, 256> buf{};
    const bool sign = code == 487;
    const size_t n = StunMessageBuilder::bindingError(buf, kTxId, code, sign ? "pwd" : "");
    ASSERT_GT(n, 0u) << code;
    StunMessage msg;
    ASSERT_EQ(StunMessage::parse(buf.data(), n, msg), StunError::None) << code;
    EXPECT_EQ(msg.messageClass(), StunClass::ErrorResponse);
    EXPECT_EQ(msg.method(), stun::kMethodBinding);
    ASSERT_TRUE(msg.errorCode());
    EXPECT_EQ(msg.errorCode()->code, code);
    EXPECT_EQ(msg.errorCode()->reason, StunMessageBuilder::reasonPhrase(code));
    EXPECT_EQ(msg.hasMessageIntegrity(), sign);
    if (sign) {
      EXPECT_TRUE(msg.verifyMessageIntegrity("pwd"));
    }
    EXPECT_TRUE(msg.verifyFingerprint());
  }
}

TEST(StunMessageTest, BindingSuccessCarriesSignedMappedAddress) {
  std::array<uint8_t, 128> buf{};
  const auto from = StunAddress::v4({10, 1, 2, 3}, 54321);
  const size_t n = StunMessageBuilder::bindingSuccess(buf, kTxId, from, "pwd");
  ASSERT_EQ(n, 20u + 12u + 24u + 8u);
  StunMessage msg;
  ASSERT_EQ(StunMessage::parse(buf.data(), n, msg), StunError::None);
  EXPECT_EQ(msg.type(), 0x0101);
  EXPECT_EQ(*msg.xorMappedAddress(), from);
  EXPECT_TRUE(msg.verifyMessageIntegrity("pwd"));
  EXPECT_TRUE(msg.verifyFingerprint());
}

TEST(StunMessageTest, BuilderRefusesWhatDoesNotFitOrComesAfterFingerprint) {
  std::array<uint8_t, 40> small{};
  EXPECT_EQ(StunMessageBuilder::bindingSuccess(small, kTxId, StunAddress::v4({1, 2, 3, 4}, 5), "pwd"), 0u);
  std::array<uint8_t, 10> tiny{};
  EXPECT_EQ(StunMessageBuilder(tiny, 1, StunClass::Request, kTxId).finish(), 0u);
  std::array<uint8_t, 256> buf{};
  EXPECT_EQ(StunMessageBuilder(buf, 1, StunClass::Request, kTxId).addFingerprint().addPriority(1).finish(),
            0u);
  EXPECT_EQ(
      StunMessageBuilder(buf, 1, StunClass::Request, kTxId).addMessageIntegrity("p").addPriority(1).finish(),
      0u);
  EXPECT_EQ(StunMessageBuilder(buf, 1, StunClass::Request, kTxId).addXorMappedAddress(StunAddress{}).finish(),
            0u);
  EXPECT_EQ(StunMessageBuilder(buf, 1, StunClass::Request, kTxId).addErrorCode(200, "x").finish(), 0u);
}

TEST(StunMessageTest, LooksLikeStunFollowsRfc7983) {
  EXPECT_TRUE(StunMessage::looksLikeStun(kSampleRequest.data(), kSampleRequest.size()));
  EXPECT_FALSE(StunMessage::looksLikeStun(kSampleRequest.data(), 19));
  EXPECT_FALSE(StunMessage::looksLikeStun(nullptr, 0));
  auto dtls = kSampleRequest;
  dtls[0] = 22;  // DTLS handshake
  EXPECT_FALSE(StunMessage::looksLikeStun(dtls.data(), dtls.size()));
  auto rtp = kSampleRequest;
  rtp[0] = 0x80;
  EXPECT_FALSE(StunMessage::looksLikeStun(rtp.data(), rtp.size()));
  auto noCookie = kSampleRequest;
  noCookie[4] = 0;
  EXPECT_FALSE(StunMessage::looksLikeStun(noCookie.data(), noCookie.size()));
}

TEST(StunMessageTest, RejectsTruncatedHeader) {
  StunMessage msg;
  for (size_t n = 0; n < stun::kHeaderSize; ++n) {
    EXPECT_EQ(StunMessage::parse(kSampleRequest.data(), n, msg), StunError::TooShort) << n;
  }
  EXPECT_EQ(StunMessage::parse(nullptr, 100, msg), StunError::TooShort);
}

TEST(StunMessageTest, RejectsEveryTruncationOfAValidMessage) {
  StunMessage msg;
  for (size_t n = stun::kHeaderSize; n < kSampleRequest.size(); ++n) {
    // A heap copy of exactly n bytes, so ASan catches any read past the end.
    const std::vector<uint8_t> cut(kSampleRequest.begin(), kSampleRequest.begin() + n);
    EXPECT_NE(parse(cut, msg), StunError::None) << n;
  }
}

TEST(StunMessageTest, RejectsBadCookieBadLengthAndNonStun) {
  StunMessage msg;
  auto bad = kSampleRequest;
  bad[7] ^= 1;
  EXPECT_EQ(parse(bad, msg), StunError::BadMagicCookie);
  bad = kSampleRequest;
  bad[0] |= 0x40;
  EXPECT_EQ(parse(bad, msg), StunError::NotStun);
  bad = kSampleRequest;
  bad[3] = 0x5a;  // not a multiple of 4
  EXPECT_EQ(parse(bad, msg), StunError::BadLength);
  bad = kSampleRequest;
  bad.push_back(0);  // trailing byte
  EXPECT_EQ(parse(bad, msg), StunError::BadLength);
  EXPECT_STRNE(toString(StunError::BadLength), toString(StunError::None));
}

TEST(StunMessageTest, RejectsAttributeLengthPastTheEnd) {
  StunMessage msg;
  auto bad = kSampleRequest;
  bad[22] = 0x00;
  bad[23] = 0xF0;  // SOFTWARE claims 240 bytes
  EXPECT_EQ(parse(bad, msg), StunError::AttributeTruncated);
  // A PRIORITY header whose 4-byte value is missing.
  const auto cut = hex("00 01 00 04 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae 00 24 00 04");
  EXPECT_EQ(parse(cut, msg), StunError::AttributeTruncated);
}

TEST(StunMessageTest, RejectsKnownAttributesOfTheWrongSize) {
  StunMessage msg;
  // PRIORITY with 2 bytes (padded to 4).
  EXPECT_EQ(
      parse(hex("00 01 00 08 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae 00 24 00 02 00 01 00 00"), msg),
      StunError::BadAttributeValue);
  // USE-CANDIDATE with a value.
  EXPECT_EQ(
      parse(hex("00 01 00 08 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae 00 25 00 04 00 00 00 00"), msg),
      StunError::BadAttributeValue);
  // XOR-MAPPED-ADDRESS with family 3.
  EXPECT_EQ(
      parse(hex("01 01 00 0c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae 00 20 00 08 00 03 a1 47 e1 12 "
                "a6 43"),
            msg),
      StunError::BadAttributeValue);
  // ERROR-CODE class 2.
  EXPECT_EQ(
      parse(hex("01 11 00 08 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae 00 09 00 04 00 00 02 00"), msg),
      StunError::BadClassForErrorCode);
}

TEST(StunMessageTest, DetectsBadFingerprintAndTamperedIntegrity) {
  StunMessage msg;
  auto bad = kSampleRequest;
  bad.back() ^= 0x01;
  ASSERT_EQ(parse(bad, msg), StunError::None);
  EXPECT_FALSE(msg.verifyFingerprint());
  EXPECT_TRUE(msg.verifyMessageIntegrity(kPassword));  // FINGERPRINT is outside the HMAC

  bad = kSampleRequest;
  bad[30] ^= 0x01;  // inside SOFTWARE
  ASSERT_EQ(parse(bad, msg), StunError::None);
  EXPECT_FALSE(msg.verifyFingerprint());
  EXPECT_FALSE(msg.verifyMessageIntegrity(kPassword));
}

TEST(StunMessageTest, RejectsAttributesAfterFingerprintAndIgnoresThemAfterIntegrity) {
  StunMessage msg;
  auto after = kSampleRequest;
  for (const uint8_t b : {0x00, 0x24, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01}) after.push_back(b);
  after[3] = static_cast<uint8_t>(after.size() - 20);
  EXPECT_EQ(parse(after, msg), StunError::AttributeAfterFingerprint);

  // The sample request without FINGERPRINT, then a PRIORITY after MESSAGE-INTEGRITY: kept as a raw
  // attribute but not trusted.
  std::vector<uint8_t> m(kSampleRequest.begin(), kSampleRequest.end() - 8);
  for (const uint8_t b : {0x00, 0x25, 0x00, 0x00}) m.push_back(b);  // USE-CANDIDATE
  m[3] = static_cast<uint8_t>(m.size() - 20);
  ASSERT_EQ(parse(m, msg), StunError::None);
  EXPECT_FALSE(msg.useCandidate());
  EXPECT_NE(msg.find(stun::kAttrUseCandidate), nullptr);
  EXPECT_TRUE(msg.verifyMessageIntegrity(kPassword));
  EXPECT_FALSE(msg.verifyFingerprint());
}

TEST(StunMessageTest, KeepsUnknownAttributesAndFlagsComprehensionRequiredOnes) {
  std::array<uint8_t, 128> buf{};
  const std::array<uint8_t, 3> value{1, 2, 3};
  size_t n = StunMessageBuilder(buf, 1, StunClass::Request, kTxId).addAttribute(0xC001, value).finish();
  StunMessage msg;
  ASSERT_EQ(StunMessage::parse(buf.data(), n, msg), StunError::None);
  EXPECT_FALSE(msg.hasUnknownRequiredAttribute());
  ASSERT_NE(msg.find(0xC001), nullptr);
  EXPECT_EQ(msg.find(0xC001)->value.size(), 3u);

  n = StunMessageBuilder(buf, 1, StunClass::Request, kTxId).addAttribute(0x0077, value).finish();
  ASSERT_EQ(StunMessage::parse(buf.data(), n, msg), StunError::None);
  EXPECT_TRUE(msg.hasUnknownRequiredAttribute());
}

TEST(StunMessageTest, RejectsTooManyAttributes) {
  std::vector<uint8_t> m(kSampleRequest.begin(), kSampleRequest.begin() + 20);
  for (size_t i = 0; i < StunMessage::kMaxAttributes + 1; ++i) {
    for (const uint8_t b : {0x80, 0x99, 0x00, 0x00}) m.push_back(b);
  }
  m[2] = static_cast<uint8_t>((m.size() - 20) >> 8);
  m[3] = static_cast<uint8_t>(m.size() - 20);
  StunMessage msg;
  EXPECT_EQ(parse(m, msg), StunError::TooManyAttributes);
}

TEST(StunMessageTest, DecodesMessageTypes) {
  EXPECT_EQ(stun::messageType(stun::kMethodBinding, StunClass::Request), 0x0001);
  EXPECT_EQ(stun::messageType(stun::kMethodBinding, StunClass::Indication), 0x0011);
  EXPECT_EQ(stun::messageType(stun::kMethodBinding, StunClass::SuccessResponse), 0x0101);
  EXPECT_EQ(stun::messageType(stun::kMethodBinding, StunClass::ErrorResponse), 0x0111);
  std::array<uint8_t, 32> buf{};
  for (const uint16_t method : {0x001, 0x003, 0x00A, 0xFFF}) {
    const size_t n = StunMessageBuilder(buf, method, StunClass::ErrorResponse, kTxId).finish();
    StunMessage msg;
    ASSERT_EQ(StunMessage::parse(buf.data(), n, msg), StunError::None);
    EXPECT_EQ(msg.method(), method);
    EXPECT_EQ(msg.messageClass(), StunClass::ErrorResponse);
  }
}

}  // namespace
}  // namespace rooms::ice
