#include "events/WebhookSigner.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <climits>
#include <stdexcept>

namespace rooms {

std::string hmacSha256Hex(std::string_view secret, std::string_view body) {
  if (secret.size() > static_cast<size_t>(INT_MAX)) {
    throw std::invalid_argument("webhook secret too long");
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // An empty string_view may carry a null data(); HMAC() needs a real pointer even for a zero-length key.
  static const unsigned char kEmpty = 0;
  const void* key = secret.empty() ? static_cast<const void*>(&kEmpty) : secret.data();
  const auto* data = body.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(body.data());
  if (HMAC(EVP_sha256(), key, static_cast<int>(secret.size()), data, body.size(), md, &len) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(static_cast<size_t>(len) * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 0x0f];
  }
  return out;
}

}  // namespace rooms
