#include "rtc/ice/StunMessageBuilder.h"

#include <algorithm>
#include <cstring>

#include "rtc/ice/StunCrypto.h"

namespace rooms::ice {
namespace {

void writeU16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
void writeU32(uint8_t* p, uint32_t v) {
  writeU16(p, static_cast<uint16_t>(v >> 16));
  writeU16(p + 2, static_cast<uint16_t>(v));
}
void writeU64(uint8_t* p, uint64_t v) {
  writeU32(p, static_cast<uint32_t>(v >> 32));
  writeU32(p + 4, static_cast<uint32_t>(v));
}

std::span<const uint8_t> asBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace

StunMessageBuilder::StunMessageBuilder(std::span<uint8_t> buffer, uint16_t method, StunClass cls,
                                       const TransactionId& txId)
    : buffer_(buffer) {
  if (buffer_.size() < stun::kHeaderSize || method > 0x0FFF) {
    ok_ = false;
    return;
  }
  writeU16(buffer_.data(), stun::messageType(method, cls));
  writeU16(buffer_.data() + 2, 0);
  writeU32(buffer_.data() + 4, stun::kMagicCookie);
  std::copy(txId.begin(), txId.end(), buffer_.begin() + 8);
  size_ = stun::kHeaderSize;
}

void StunMessageBuilder::setLength(size_t length) {
  writeU16(buffer_.data() + 2, static_cast<uint16_t>(length - stun::kHeaderSize));
}

uint8_t* StunMessageBuilder::reserve(uint16_t type, size_t length) {
  const size_t padded = (length + 3) & ~size_t{3};
  // Nothing may follow FINGERPRINT, and after MESSAGE-INTEGRITY only FINGERPRINT.
  const bool allowed = !sealed_ && (!signed_ || type == stun::kAttrFingerprint);
  if (!ok_ || !allowed || length > 0xFFFF || size_ + 4 + padded > 0xFFFF + stun::kHeaderSize ||
      buffer_.size() - size_ < 4 + padded) {
    ok_ = false;
    return nullptr;
  }
  uint8_t* p = buffer_.data() + size_;
  writeU16(p, type);
  writeU16(p + 2, static_cast<uint16_t>(length));
  std::memset(p + 4 + length, 0, padded - length);
  size_ += 4 + padded;
  setLength(size_);
  return p + 4;
}

StunMessageBuilder& StunMessageBuilder::addAttribute(uint16_t type, std::span<const uint8_t> value) {
  if (uint8_t* p = reserve(type, value.size())) std::copy(value.begin(), value.end(), p);
  return *this;
}

StunMessageBuilder& StunMessageBuilder::addUsername(std::string_view username) {
  if (username.size() > stun::kMaxUsernameSize) {
    ok_ = false;
    return *this;
  }
  return addAttribute(stun::kAttrUsername, asBytes(username));
}

StunMessageBuilder& StunMessageBuilder::addSoftware(std::string_view software) {
  return addAttribute(stun::kAttrSoftware, asBytes(software));
}

StunMessageBuilder& StunMessageBuilder::addPriority(uint32_t priority) {
  if (uint8_t* p = reserve(stun::kAttrPriority, 4)) writeU32(p, priority);
  return *this;
}

StunMessageBuilder& StunMessageBuilder::addUseCandidate() {
  reserve(stun::kAttrUseCandidate, 0);
  return *this;
}

StunMessageBuilder& StunMessageBuilder::addIceControlling(uint64_t tieBreaker) {
  if (uint8_t* p = reserve(stun::kAttrIceControlling, 8)) writeU64(p, tieBreaker);
  return *this;
}

StunMessageBuilder& StunMessageBuilder::addIceControlled(uint64_t tieBreaker) {
  if (uint8_t* p = reserve(stun::kAttrIceControlled, 8)) writeU64(p, tieBreaker);
  return *this;
}

StunMessageBuilder& StunMessageBuilder::addErrorCode(uint16_t code, std::string_view reason) {
  if (code < 300 || code > 699 || reason.size() > stun::kMaxReasonSize) {
    ok_ = false;
    return *this;
  }
  if (uint8_t* p = reserve(stun::kAttrErrorCode, 4 + reason.size())) {
    p[0] = 0;
    p[1] = 0;
    p[2] = static_cast<uint8_t>(code / 100);
    p[3] = static_cast<uint8_t>(code % 100);
    std::copy(reason.begin(), reason.end(), p + 4);
  }
  return *this;
}

StunMessageBuilder& StunMessageBuilder::addXorMappedAddress(const StunAddress& address) {
  const size_t ipLen = address.ipLength();
  if (ipLen == 0) {
    ok_ = false;
    return *this;
  }
  if (uint8_t* p = reserve(stun::kAttrXorMappedAddress, 4 + ipLen)) {
    p[0] = 0;
    p[1] = static_cast<uint8_t>(address.family);
    writeU16(p + 2, static_cast<uint16_t>(address.port ^ (stun::kMagicCookie >> 16)));
    const uint8_t* mask = buffer_.data() + 4;  // cookie then transaction id
    for (size_t i = 0; i < ipLen; ++i) p[4 + i] = address.ip[i] ^ mask[i];
  }
  return *this;
}

StunMessageBuilder& StunMessageBuilder::addMessageIntegrity(std::string_view password) {
  // reserve() sets the length field to include this attribute, which is exactly the length the HMAC wants.
  uint8_t* p = reserve(stun::kAttrMessageIntegrity, 20);
  if (!p) return *this;
  Sha1Digest mac;
  if (!hmacSha1(password, {std::span<const uint8_t>(buffer_.data(), size_ - 24)}, mac)) {
    ok_ = false;
    return *this;
  }
  std::copy(mac.begin(), mac.end(), p);
  signed_ = true;
  return *this;
}

StunMessageBuilder& StunMessageBuilder::addFingerprint() {
  uint8_t* p = reserve(stun::kAttrFingerprint, 4);
  if (!p) return *this;
  writeU32(p, crc32({std::span<const uint8_t>(buffer_.data(), size_ - 8)}) ^ stun::kFingerprintXor);
  sealed_ = true;
  return *this;
}

std::string_view StunMessageBuilder::reasonPhrase(uint16_t code) {
  switch (code) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 420:
      return "Unknown Attribute";
    case 487:
      return "Role Conflict";
    case 500:
      return "Server Error";
    default:
      return "Error";
  }
}

size_t StunMessageBuilder::bindingSuccess(std::span<uint8_t> buffer, const TransactionId& txId,
                                          const StunAddress& mapped, std::string_view password) {
  return StunMessageBuilder(buffer, stun::kMethodBinding, StunClass::SuccessResponse, txId)
      .addXorMappedAddress(mapped)
      .addMessageIntegrity(password)
      .addFingerprint()
      .finish();
}

size_t StunMessageBuilder::bindingError(std::span<uint8_t> buffer, const TransactionId& txId, uint16_t code,
                                        std::string_view password) {
  StunMessageBuilder b(buffer, stun::kMethodBinding, StunClass::ErrorResponse, txId);
  b.addErrorCode(code, reasonPhrase(code));
  if (!password.empty()) b.addMessageIntegrity(password);
  return b.addFingerprint().finish();
}

}  // namespace rooms::ice
