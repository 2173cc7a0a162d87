#pragma once
// ROOMS_REDIS_URL: redis://[[user]:password@]host[:port][/db]. Parsed once at start so a mistake is a clear
// refusal, not a connection that fails later.
#include <optional>
#include <stdexcept>
#include <string>

namespace rooms::cluster {

struct RedisUrl {
  std::string host;
  int port = 6379;
  std::string user;
  std::string password;
  int db = 0;

  // Throws std::invalid_argument naming what is wrong (never the password).
  static RedisUrl parse(const std::string& url);
  // For logs: the URL without its password.
  std::string redacted() const;
};

}  // namespace rooms::cluster
