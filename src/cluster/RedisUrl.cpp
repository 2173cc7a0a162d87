#include "cluster/RedisUrl.h"

#include <charconv>

namespace rooms::cluster {
namespace {

int parseNumber(std::string_view s, int max, const char* what) {
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v < 0 || v > max) {
    throw std::invalid_argument(std::string("ROOMS_REDIS_URL: ") + what + " must be a number from 0 to " +
                                std::to_string(max));
  }
  return v;
}

}  // namespace

RedisUrl RedisUrl::parse(const std::string& url) {
  constexpr std::string_view kScheme = "redis://";
  if (url.rfind(kScheme, 0) != 0) {
    throw std::invalid_argument(
        "ROOMS_REDIS_URL must start with redis:// (rediss:// and unix sockets are not "
        "supported)");
  }
  std::string_view rest(url);
  rest.remove_prefix(kScheme.size());
  RedisUrl out;
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view cred = rest.substr(0, at);
    rest.remove_prefix(at + 1);
    if (auto colon = cred.find(':'); colon != std::string_view::npos) {
      out.user = std::string(cred.substr(0, colon));
      out.password = std::string(cred.substr(colon + 1));
    } else {
      out.password = std::string(cred);
    }
  }
  std::string_view hostPort = rest;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    hostPort = rest.substr(0, slash);
    std::string_view db = rest.substr(slash + 1);
    if (!db.empty()) {
      out.db = parseNumber(db, 65535, "the database number");
    }
  }
  if (auto colon = hostPort.rfind(':');
      colon != std::string_view::npos && hostPort.find(']') == std::string_view::npos) {
    out.port = parseNumber(hostPort.substr(colon + 1), 65535, "the port");
    hostPort = hostPort.substr(0, colon);
  }
  if (hostPort.empty()) {
    throw std::invalid_argument("ROOMS_REDIS_URL has no host");
  }
  out.host = std::string(hostPort);
  return out;
}

std::string RedisUrl::redacted() const {
  std::string s = "redis://";
  if (!user.empty() || !password.empty()) {
    s += user + ":***@";
  }
  return s + host + ":" + std::to_string(port) + "/" + std::to_string(db);
}

}  // namespace rooms::cluster
