#include "api/RecordingLink.h"

#include <openssl/crypto.h>

#include <charconv>

#include "events/WebhookSigner.h"

namespace rooms {

RecordingLink::RecordingLink(std::string_view secret)
    : key_(hmacSha256Hex(secret, "rooms recording links v1")) {}

std::string RecordingLink::sign(const std::string& roomId, const std::string& recordingId,
                                int64_t expiresAt) const {
  return hmacSha256Hex(key_, roomId + "\n" + recordingId + "\n" + std::to_string(expiresAt));
}

RecordingLink::Check RecordingLink::verify(const std::string& roomId, const std::string& recordingId,
                                           std::string_view expires, std::string_view signature,
                                           int64_t nowSeconds) const {
  int64_t at = 0;
  auto [p, ec] = std::from_chars(expires.data(), expires.data() + expires.size(), at);
  if (expires.empty() || ec != std::errc() || p != expires.data() + expires.size()) return Check::Invalid;
  const std::string expected = sign(roomId, recordingId, at);
  // Compared in constant time: the signature is the only secret a link carries.
  if (signature.size() != expected.size() ||
      CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) != 0) {
    return Check::Invalid;
  }
  return at < nowSeconds ? Check::Expired : Check::Valid;
}

}  // namespace rooms
