#include "rtc/ice/StunCrypto.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <memory>

namespace rooms::ice {
namespace {

constexpr std::array<uint32_t, 256> makeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t n = 0; n < 256; ++n) {
    uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (0xEDB88320u ^ (c >> 1)) : (c >> 1);
    table[n] = c;
  }
  return table;
}

constexpr std::array<uint32_t, 256> kCrcTable = makeCrcTable();

struct MacDeleter {
  void operator()(EVP_MAC* m) const { EVP_MAC_free(m); }
};
struct MacCtxDeleter {
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};

// Fetching the algorithm and allocating a context are the expensive, allocating parts of an OpenSSL MAC;
// keeping one context per thread and re-keying it makes a check cost only the hashing itself.
EVP_MAC_CTX* threadMacContext() {
  static const std::unique_ptr<EVP_MAC, MacDeleter> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  if (!mac) return nullptr;
  thread_local const std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter> ctx(EVP_MAC_CTX_new(mac.get()));
  return ctx.get();
}

}  // namespace

uint32_t crc32(std::initializer_list<std::span<const uint8_t>> pieces) {
  uint32_t c = 0xFFFFFFFFu;
  for (const auto piece : pieces) {
    for (const uint8_t b : piece) c = kCrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
  }
  return c ^ 0xFFFFFFFFu;
}

bool hmacSha1(std::string_view key, std::initializer_list<std::span<const uint8_t>> pieces, Sha1Digest& out) {
  EVP_MAC_CTX* ctx = threadMacContext();
  if (!ctx) return false;
  char digest[] = "SHA1";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_construct_end()};
  // An empty key is legal for HMAC but OpenSSL rejects a null pointer, so point at something.
  static const unsigned char kEmpty = 0;
  const auto* keyBytes = key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
  if (EVP_MAC_init(ctx, keyBytes, key.size(), params) != 1) return false;
  for (const auto piece : pieces) {
    if (!piece.empty() && EVP_MAC_update(ctx, piece.data(), piece.size()) != 1) return false;
  }
  size_t len = 0;
  return EVP_MAC_final(ctx, out.data(), &len, out.size()) == 1 && len == out.size();
}

}  // namespace rooms::ice
