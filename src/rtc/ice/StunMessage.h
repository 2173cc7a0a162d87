#pragma once
// A parsed STUN message (RFC 5389) with the ICE attributes (RFC 8445). Parsing is zero-copy: the message
// keeps views into the datagram, which must outlive it. It never reads outside [data, data + size) and
// rejects anything malformed with a StunError, because every byte of it comes from the network.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "rtc/ice/StunAddress.h"

namespace rooms::ice {

enum class StunError {
  None,
  TooShort,            // fewer than 20 bytes
  NotStun,             // top two bits of the first byte are not zero
  BadMagicCookie,      // RFC 3489 messages are not accepted
  BadLength,           // length field not a multiple of 4 or not matching the datagram
  AttributeTruncated,  // an attribute header or value runs past the end of the message
  TooManyAttributes,   // more than StunMessage::kMaxAttributes
  BadAttributeValue,   // a known attribute with an impossible size or content
  AttributeAfterFingerprint,
  BadClassForErrorCode,  // ERROR-CODE with a class outside 3..6
};

const char* toString(StunError error);

enum class StunClass : uint8_t { Request = 0, Indication = 1, SuccessResponse = 2, ErrorResponse = 3 };

namespace stun {
constexpr uint32_t kMagicCookie = 0x2112A442;
constexpr size_t kHeaderSize = 20;
constexpr size_t kTransactionIdSize = 12;
constexpr uint16_t kMethodBinding = 0x001;

constexpr uint16_t kAttrMappedAddress = 0x0001;
constexpr uint16_t kAttrUsername = 0x0006;
constexpr uint16_t kAttrMessageIntegrity = 0x0008;
constexpr uint16_t kAttrErrorCode = 0x0009;
constexpr uint16_t kAttrUnknownAttributes = 0x000A;
constexpr uint16_t kAttrXorMappedAddress = 0x0020;
constexpr uint16_t kAttrPriority = 0x0024;
constexpr uint16_t kAttrUseCandidate = 0x0025;
constexpr uint16_t kAttrSoftware = 0x8022;
constexpr uint16_t kAttrFingerprint = 0x8028;
constexpr uint16_t kAttrIceControlled = 0x8029;
constexpr uint16_t kAttrIceControlling = 0x802A;

constexpr uint32_t kFingerprintXor = 0x5354554e;
constexpr size_t kMaxUsernameSize = 513;  // RFC 5389 15.3
constexpr size_t kMaxReasonSize = 763;    // RFC 5389 15.6

// The message type interleaves the class bits into the method bits (RFC 5389 6).
constexpr uint16_t messageType(uint16_t method, StunClass cls) {
  const auto c = static_cast<uint16_t>(cls);
  return static_cast<uint16_t>((method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2) |
                               ((c & 1) << 4) | ((c & 2) << 7));
}
}  // namespace stun

using TransactionId = std::array<uint8_t, stun::kTransactionIdSize>;

class StunMessage {
 public:
  // Bounds the work and storage per datagram; real ICE checks carry fewer than ten.
  static constexpr size_t kMaxAttributes = 32;

  struct Attribute {
    uint16_t type = 0;
    size_t offset = 0;  // of the attribute header from the start of the message
    std::span<const uint8_t> value;
  };

  struct ErrorCode {
    uint16_t code = 0;  // 300..699
    std::string_view reason;
  };

  // RFC 7983 demultiplexing: STUN starts with 0..3 and carries the magic cookie at byte 4. Cheap enough
  // to run on every datagram before deciding between STUN, DTLS and SRTP.
  static bool looksLikeStun(const uint8_t* data, size_t size);

  // Parses one whole datagram. On error, out is left in an unspecified but safe state.
  static StunError parse(const uint8_t* data, size_t size, StunMessage& out);
  // Types this parser understands, or that RFC 5389 defines and we may safely ignore.
  static bool isKnownAttribute(uint16_t type);

  uint16_t type() const { return type_; }
  uint16_t method() const { return method_; }
  StunClass messageClass() const { return class_; }
  const TransactionId& transactionId() const { return transactionId_; }
  std::span<const uint8_t> bytes() const { return {data_, size_}; }

  std::span<const Attribute> attributes() const { return {attributes_.data(), attributeCount_}; }
  const Attribute* find(uint16_t type) const;

  const std::optional<std::string_view>& username() const { return username_; }
  const std::optional<uint32_t>& priority() const { return priority_; }
  bool useCandidate() const { return useCandidate_; }
  const std::optional<uint64_t>& iceControlling() const { return iceControlling_; }
  const std::optional<uint64_t>& iceControlled() const { return iceControlled_; }
  const std::optional<ErrorCode>& errorCode() const { return errorCode_; }
  const std::optional<StunAddress>& xorMappedAddress() const { return xorMappedAddress_; }
  bool hasMessageIntegrity() const { return integrityOffset_.has_value(); }
  bool hasFingerprint() const { return fingerprintOffset_.has_value(); }
  // A comprehension-required attribute (type < 0x8000) we do not know: RFC 5389 asks for a 420 then.
  bool hasUnknownRequiredAttribute() const { return unknownRequired_; }

  // Short-term credentials: the key is the password itself (RFC 5389 15.4). False when absent.
  bool verifyMessageIntegrity(std::string_view password) const;
  // False when absent.
  bool verifyFingerprint() const;

 private:
  StunError parseAttribute(uint16_t attrType, size_t offset, std::span<const uint8_t> value);

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  uint16_t type_ = 0;
  uint16_t method_ = 0;
  StunClass class_ = StunClass::Request;
  TransactionId transactionId_{};
  std::array<Attribute, kMaxAttributes> attributes_{};
  size_t attributeCount_ = 0;

  std::optional<std::string_view> username_;
  std::optional<uint32_t> priority_;
  bool useCandidate_ = false;
  std::optional<uint64_t> iceControlling_;
  std::optional<uint64_t> iceControlled_;
  std::optional<ErrorCode> errorCode_;
  std::optional<StunAddress> xorMappedAddress_;
  std::optional<size_t> integrityOffset_;
  std::optional<size_t> fingerprintOffset_;
  bool unknownRequired_ = false;
};

}  // namespace rooms::ice
