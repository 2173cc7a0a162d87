#include "rtc/ice/StunAddress.h"

#include <arpa/inet.h>

#include <algorithm>

namespace rooms::ice {

StunAddress StunAddress::v4(const std::array<uint8_t, 4>& addr, uint16_t port) {
  StunAddress a;
  a.family = Family::V4;
  std::copy(addr.begin(), addr.end(), a.ip.begin());
  a.port = port;
  return a;
}

StunAddress StunAddress::v6(const std::array<uint8_t, 16>& addr, uint16_t port) {
  StunAddress a;
  a.family = Family::V6;
  a.ip = addr;
  a.port = port;
  return a;
}

std::string StunAddress::toString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  switch (family) {
    case Family::V4:
      inet_ntop(AF_INET, ip.data(), buf, sizeof buf);
      return std::string(buf) + ":" + std::to_string(port);
    case Family::V6:
      inet_ntop(AF_INET6, ip.data(), buf, sizeof buf);
      return "[" + std::string(buf) + "]:" + std::to_string(port);
    case Family::None:
      break;
  }
  return "(none)";
}

}  // namespace rooms::ice
