#include "signaling/TurnCredentials.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

namespace rooms::signaling {

TurnCredentials TurnCredentials::make(const std::string& secret, const std::string& user, int64_t nowSeconds,
                                      int64_t ttlSeconds) {
  TurnCredentials c;
  c.username = std::to_string(nowSeconds + ttlSeconds) + ":" + user;
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int macSize = 0;
  HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(c.username.data()), c.username.size(), mac.data(), &macSize);
  std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> encoded{};
  const int n = EVP_EncodeBlock(encoded.data(), mac.data(), static_cast<int>(macSize));
  c.credential.assign(reinterpret_cast<const char*>(encoded.data()), static_cast<size_t>(n));
  return c;
}

}  // namespace rooms::signaling
