#pragma once
// Writes a STUN message into a caller-provided buffer, so answering a check allocates nothing. Every add
// checks the capacity; once one does not fit the builder is spoiled and finish() returns 0, which lets a
// caller chain adds and test once.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "rtc/ice/StunAddress.h"
#include "rtc/ice/StunMessage.h"

namespace rooms::ice {

class StunMessageBuilder {
 public:
  StunMessageBuilder(std::span<uint8_t> buffer, uint16_t method, StunClass cls, const TransactionId& txId);

  StunMessageBuilder& addAttribute(uint16_t type, std::span<const uint8_t> value);
  StunMessageBuilder& addUsername(std::string_view username);
  StunMessageBuilder& addSoftware(std::string_view software);
  StunMessageBuilder& addPriority(uint32_t priority);
  StunMessageBuilder& addUseCandidate();
  StunMessageBuilder& addIceControlling(uint64_t tieBreaker);
  StunMessageBuilder& addIceControlled(uint64_t tieBreaker);
  StunMessageBuilder& addErrorCode(uint16_t code, std::string_view reason);
  StunMessageBuilder& addXorMappedAddress(const StunAddress& address);
  // Must come after every attribute it should protect; only FINGERPRINT may follow.
  StunMessageBuilder& addMessageIntegrity(std::string_view password);
  // Must be last.
  StunMessageBuilder& addFingerprint();

  // The message size, or 0 if something did not fit or was malformed.
  size_t finish() const { return ok_ ? size_ : 0; }
  bool ok() const { return ok_; }

  // A Binding success response to request, carrying the address the request came from, signed with the
  // local password and fingerprinted. Returns the size written, 0 if buffer is too small.
  static size_t bindingSuccess(std::span<uint8_t> buffer, const TransactionId& txId,
                               const StunAddress& mapped, std::string_view password);
  // A Binding error response (400, 401, 420, 487...) with FINGERPRINT; signed only when password is not
  // empty, since a 400 or 401 answers a request whose credentials could not be trusted (RFC 5389 10.1.2).
  static size_t bindingError(std::span<uint8_t> buffer, const TransactionId& txId, uint16_t code,
                             std::string_view password = {});
  static std::string_view reasonPhrase(uint16_t code);

 private:
  uint8_t* reserve(uint16_t type, size_t length);
  void setLength(size_t length);

  std::span<uint8_t> buffer_;
  size_t size_ = 0;
  bool ok_ = true;
  bool sealed_ = false;  // after FINGERPRINT
  bool signed_ = false;  // after MESSAGE-INTEGRITY
};

}  // namespace rooms::ice
