#pragma once
// The API keys accepted on /api and /events. ROOM_SERVICE_API_KEY may list several, comma-separated, so a
// key can be rotated without downtime: add the new key, move the main app over, drop the old one.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rooms {

class ApiKeySet {
 public:
  // Splits on commas and trims spaces; empty entries are dropped.
  static ApiKeySet parse(std::string_view commaSeparated);

  bool empty() const { return keys_.empty(); }
  size_t size() const { return keys_.size(); }

  // Index of the matching key, or nullopt. Compares against every key in constant time per key (CRYPTO_memcmp
  // over SHA-256 digests, so neither content nor length leaks through timing).
  std::optional<size_t> match(std::string_view candidate) const;

  // A short, non-secret label for key i for logs and rate-limit buckets: "key#<i>:<first 8 hex of sha256>".
  std::string label(size_t i) const;

 private:
  std::vector<std::string> digests_;  // raw SHA-256 of each key
  std::vector<std::string> keys_;
};

}  // namespace rooms
