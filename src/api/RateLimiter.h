#pragma once
// Token-bucket rate limits keyed by a string (an API key label, a client IP). Used from the control-plane
// thread only; not thread-safe. Idle buckets are pruned so an address scan cannot grow it without bound.
#include <cstdint>
#include <string>
#include <unordered_map>

namespace rooms {

class RateLimiter {
 public:
  // ratePerSecond <= 0 disables the limiter (allow() is always true).
  RateLimiter(double ratePerSecond, double burst, size_t maxBuckets = 100000);

  struct Decision {
    bool allowed = true;
    int retryAfterSeconds = 0;  // when !allowed: whole seconds until one token is back (>= 1)
  };
  // Takes one token from key's bucket at time nowMs.
  Decision allow(const std::string& key, int64_t nowMs);

  bool enabled() const { return rate_ > 0; }

 private:
  struct Bucket {
    double tokens;
    int64_t lastMs;
  };
  void prune(int64_t nowMs);
  double rate_;
  double burst_;
  size_t maxBuckets_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace rooms
