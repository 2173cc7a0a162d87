#include "core/Ids.h"

#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <stdexcept>
#include <vector>

namespace rooms {

namespace {

bool isHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool isSafeIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == ':' || c == '@' || c == '-';
}

}  // namespace

bool isUuid(std::string_view s) {
  if (s.size() != 36) {
    return false;
  }
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dashPos = i == 8 || i == 13 || i == 18 || i == 23;
    if (dashPos ? s[i] != '-' : !isHex(s[i])) {
      return false;
    }
  }
  return true;
}

bool isSafeId(std::string_view s) {
  return !s.empty() && s.size() <= 128 && std::all_of(s.begin(), s.end(), isSafeIdChar);
}

std::string randomId(std::string_view prefix) {
  std::string id(prefix);
  if (!id.empty()) {
    id += '_';
  }
  id += randomHex(16);
  return id;
}

std::string randomHex(size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  // RAND_bytes takes an int length; chunking keeps absurd sizes from being truncated.
  for (size_t done = 0; done < bytes;) {
    const size_t n = std::min<size_t>(bytes - done, INT_MAX);
    // A failing CSPRNG must never degrade into predictable ids, so this throws instead of returning.
    if (RAND_bytes(raw.data() + done, static_cast<int>(n)) != 1) {
      throw std::runtime_error("RAND_bytes failed: OpenSSL RNG is not seeded");
    }
    done += n;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char b : raw) {
    out += kHex[b >> 4];
    out += kHex[b & 0x0f];
  }
  return out;
}

uint32_t randomSsrc() {
  for (;;) {
    uint32_t v = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v) != 1) {
      throw std::runtime_error("RAND_bytes failed: OpenSSL RNG is not seeded");
    }
    if (v != 0 && v != 0xFFFFFFFFU) return v;
  }
}

}  // namespace rooms
