#include "rtc/ice/StunMessage.h"

#include <algorithm>

#include "rtc/ice/StunCrypto.h"

namespace rooms::ice {
namespace {

uint16_t readU16(const uint8_t* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}
uint32_t readU32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}
uint64_t readU64(const uint8_t* p) {
  return (uint64_t{readU32(p)} << 32) | readU32(p + 4);
}

constexpr size_t kAttrHeaderSize = 4;
constexpr size_t kIntegrityAttrSize = kAttrHeaderSize + 20;

}  // namespace

const char* toString(StunError error) {
  switch (error) {
    case StunError::None:
      return "ok";
    case StunError::TooShort:
      return "shorter than a STUN header";
    case StunError::NotStun:
      return "first two bits are not zero";
    case StunError::BadMagicCookie:
      return "bad magic cookie";
    case StunError::BadLength:
      return "message length does not match the datagram or is not a multiple of 4";
    case StunError::AttributeTruncated:
      return "attribute runs past the end of the message";
    case StunError::TooManyAttributes:
      return "too many attributes";
    case StunError::BadAttributeValue:
      return "attribute value has an invalid size or content";
    case StunError::AttributeAfterFingerprint:
      return "attribute after FINGERPRINT";
    case StunError::BadClassForErrorCode:
      return "ERROR-CODE class outside 3..6";
  }
  return "unknown error";
}

bool StunMessage::looksLikeStun(const uint8_t* data, size_t size) {
  return data && size >= stun::kHeaderSize && data[0] <= 3 && readU32(data + 4) == stun::kMagicCookie;
}

StunError StunMessage::parse(const uint8_t* data, size_t size, StunMessage& out) {
  out = StunMessage();
  if (!data || size < stun::kHeaderSize) return StunError::TooShort;
  if ((data[0] & 0xC0) != 0) return StunError::NotStun;
  if (readU32(data + 4) != stun::kMagicCookie) return StunError::BadMagicCookie;
  const size_t length = readU16(data + 2);
  // A UDP datagram carries exactly one message, so trailing bytes mean it is not what it claims to be.
  if (length % 4 != 0 || stun::kHeaderSize + length != size) return StunError::BadLength;

  out.data_ = data;
  out.size_ = size;
  out.type_ = readU16(data);
  out.method_ =
      static_cast<uint16_t>((out.type_ & 0x000F) | ((out.type_ & 0x00E0) >> 1) | ((out.type_ & 0x3E00) >> 2));
  out.class_ = static_cast<StunClass>(((out.type_ >> 4) & 1) | ((out.type_ >> 7) & 2));
  std::copy_n(data + 8, stun::kTransactionIdSize, out.transactionId_.begin());

  size_t offset = stun::kHeaderSize;
  while (offset < size) {
    if (size - offset < kAttrHeaderSize) return StunError::AttributeTruncated;
    const uint16_t attrType = readU16(data + offset);
    const size_t attrLen = readU16(data + offset + 2);
    const size_t padded = (attrLen + 3) & ~size_t{3};
    if (size - offset - kAttrHeaderSize < padded) return StunError::AttributeTruncated;
    if (out.fingerprintOffset_) return StunError::AttributeAfterFingerprint;
    if (out.attributeCount_ == kMaxAttributes) return StunError::TooManyAttributes;
    const std::span<const uint8_t> value(data + offset + kAttrHeaderSize, attrLen);
    out.attributes_[out.attributeCount_++] = Attribute{attrType, offset, value};
    // RFC 5389 15.4: everything after MESSAGE-INTEGRITY but FINGERPRINT is ignored, since it is not
    // covered by the integrity check and so cannot be trusted.
    if (!out.integrityOffset_ || attrType == stun::kAttrFingerprint) {
      if (const StunError e = out.parseAttribute(attrType, offset, value); e != StunError::None) return e;
    }
    offset += kAttrHeaderSize + padded;
  }
  return StunError::None;
}

StunError StunMessage::parseAttribute(uint16_t attrType, size_t offset, std::span<const uint8_t> value) {
  const uint8_t* v = value.data();
  const size_t n = value.size();
  switch (attrType) {
    case stun::kAttrUsername:
      if (n > stun::kMaxUsernameSize) return StunError::BadAttributeValue;
      username_ = std::string_view(reinterpret_cast<const char*>(v), n);
      break;
    case stun::kAttrMessageIntegrity:
      if (n != 20) return StunError::BadAttributeValue;
      integrityOffset_ = offset;
      break;
    case stun::kAttrFingerprint:
      if (n != 4) return StunError::BadAttributeValue;
      fingerprintOffset_ = offset;
      break;
    case stun::kAttrPriority:
      if (n != 4) return StunError::BadAttributeValue;
      priority_ = readU32(v);
      break;
    case stun::kAttrUseCandidate:
      if (n != 0) return StunError::BadAttributeValue;
      useCandidate_ = true;
      break;
    case stun::kAttrIceControlling:
      if (n != 8) return StunError::BadAttributeValue;
      iceControlling_ = readU64(v);
      break;
    case stun::kAttrIceControlled:
      if (n != 8) return StunError::BadAttributeValue;
      iceControlled_ = readU64(v);
      break;
    case stun::kAttrErrorCode: {
      if (n < 4 || n - 4 > stun::kMaxReasonSize) return StunError::BadAttributeValue;
      const unsigned cls = v[2] & 0x07;
      const unsigned number = v[3];
      if (cls < 3 || cls > 6) return StunError::BadClassForErrorCode;
      if (number > 99) return StunError::BadAttributeValue;
      errorCode_ = ErrorCode{static_cast<uint16_t>(cls * 100 + number),
                             std::string_view(reinterpret_cast<const char*>(v + 4), n - 4)};
      break;
    }
    case stun::kAttrXorMappedAddress: {
      if (n < 4) return StunError::BadAttributeValue;
      StunAddress a;
      a.port = static_cast<uint16_t>(readU16(v + 2) ^ (stun::kMagicCookie >> 16));
      // The address is XORed with the cookie and, for IPv6, the transaction id: bytes 4..19 of the header.
      const uint8_t* mask = data_ + 4;
      if (v[1] == 1 && n == 8) {
        a.family = StunAddress::Family::V4;
      } else if (v[1] == 2 && n == 20) {
        a.family = StunAddress::Family::V6;
      } else {
        return StunError::BadAttributeValue;
      }
      for (size_t i = 0; i < a.ipLength(); ++i) a.ip[i] = v[4 + i] ^ mask[i];
      xorMappedAddress_ = a;
      break;
    }
    default:
      if (attrType < 0x8000 && !isKnownAttribute(attrType)) unknownRequired_ = true;
      break;
  }
  return StunError::None;
}

bool StunMessage::isKnownAttribute(uint16_t type) {
  switch (type) {
    case stun::kAttrMappedAddress:
    case stun::kAttrUsername:
    case stun::kAttrMessageIntegrity:
    case stun::kAttrErrorCode:
    case stun::kAttrUnknownAttributes:
    case stun::kAttrXorMappedAddress:
    case stun::kAttrPriority:
    case stun::kAttrUseCandidate:
    case stun::kAttrSoftware:
    case stun::kAttrFingerprint:
    case stun::kAttrIceControlled:
    case stun::kAttrIceControlling:
      return true;
    default:
      return false;
  }
}

const StunMessage::Attribute* StunMessage::find(uint16_t attrType) const {
  for (size_t i = 0; i < attributeCount_; ++i) {
    if (attributes_[i].type == attrType) return &attributes_[i];
  }
  return nullptr;
}

bool StunMessage::verifyMessageIntegrity(std::string_view password) const {
  if (!integrityOffset_) return false;
  const size_t at = *integrityOffset_;
  // The HMAC covers the message up to MESSAGE-INTEGRITY with the length field as if MESSAGE-INTEGRITY were
  // the last attribute (RFC 5389 15.4), so a FINGERPRINT after it does not change the hash.
  const size_t adjusted = at + kIntegrityAttrSize - stun::kHeaderSize;
  const std::array<uint8_t, 2> length{static_cast<uint8_t>(adjusted >> 8), static_cast<uint8_t>(adjusted)};
  Sha1Digest mac;
  if (!hmacSha1(password,
                {std::span<const uint8_t>(data_, 2), std::span<const uint8_t>(length),
                 std::span<const uint8_t>(data_ + 4, at - 4)},
                mac)) {
    return false;
  }
  // Constant time, so response timing does not leak how much of a forged MAC was right.
  const uint8_t* expected = data_ + at + kAttrHeaderSize;
  uint8_t diff = 0;
  for (size_t i = 0; i < mac.size(); ++i) diff |= static_cast<uint8_t>(mac[i] ^ expected[i]);
  return diff == 0;
}

bool StunMessage::verifyFingerprint() const {
  if (!fingerprintOffset_) return false;
  const size_t at = *fingerprintOffset_;
  const uint32_t crc = crc32({std::span<const uint8_t>(data_, at)}) ^ stun::kFingerprintXor;
  return crc == readU32(data_ + at + kAttrHeaderSize);
}

}  // namespace rooms::ice
