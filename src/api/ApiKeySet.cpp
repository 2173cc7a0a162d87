#include "api/ApiKeySet.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <stdexcept>

namespace rooms {

namespace {

std::string sha256(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("EVP_Digest(SHA-256) failed");
  }
  return std::string(reinterpret_cast<const char*>(md), len);
}

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && isSpace(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && isSpace(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

ApiKeySet ApiKeySet::parse(std::string_view commaSeparated) {
  ApiKeySet set;
  while (true) {
    const auto comma = commaSeparated.find(',');
    const std::string_view key = trim(commaSeparated.substr(0, comma));
    if (!key.empty()) {
      set.keys_.emplace_back(key);
      set.digests_.push_back(sha256(key));
    }
    if (comma == std::string_view::npos) {
      break;
    }
    commaSeparated.remove_prefix(comma + 1);
  }
  return set;
}

std::optional<size_t> ApiKeySet::match(std::string_view candidate) const {
  // Comparing fixed-size digests rather than the keys hides the key length, and visiting every key with
  // no early exit hides which position matched.
  const std::string digest = sha256(candidate);
  std::optional<size_t> found;
  for (size_t i = 0; i < digests_.size(); ++i) {
    const bool equal = CRYPTO_memcmp(digest.data(), digests_[i].data(), digest.size()) == 0;
    if (equal && !found) {
      found = i;
    }
  }
  return found;
}

std::string ApiKeySet::label(size_t i) const {
  const std::string& d = digests_.at(i);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "key#" + std::to_string(i) + ":";
  for (size_t b = 0; b < 4; ++b) {
    const auto byte = static_cast<unsigned char>(d[b]);
    out += kHex[byte >> 4];
    out += kHex[byte & 0x0f];
  }
  return out;
}

}  // namespace rooms
