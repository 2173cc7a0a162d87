#pragma once
// Time-limited TURN credentials in the form of the TURN REST API draft that coturn's use-auth-secret
// accepts: username "<expiry unix seconds>:<user>", password base64(HMAC-SHA1(secret, username)).
#include <cstdint>
#include <string>

namespace rooms::signaling {

struct TurnCredentials {
  std::string username;
  std::string credential;

  static TurnCredentials make(const std::string& secret, const std::string& user, int64_t nowSeconds,
                              int64_t ttlSeconds);
};

}  // namespace rooms::signaling
