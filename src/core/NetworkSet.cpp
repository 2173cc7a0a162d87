#include "core/NetworkSet.h"

#include <stdexcept>

namespace rooms {
namespace ip = boost::asio::ip;

namespace {

bool isSeparator(char c) {
  return c == ',' || c == ' ' || c == '\t' || c == '\n';
}

}  // namespace

ip::address unmapped(const ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  }
  return address;
}

NetworkSet NetworkSet::parse(std::string_view list) {
  NetworkSet set;
  size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && isSeparator(list[i])) ++i;
    size_t end = i;
    while (end < list.size() && !isSeparator(list[end])) ++end;
    if (end == i) break;
    const std::string entry(list.substr(i, end - i));
    i = end;
    boost::system::error_code ec;
    const auto slash = entry.find('/');
    const std::string host = entry.substr(0, slash);
    const ip::address address = unmapped(ip::make_address(host, ec));
    if (ec) throw std::invalid_argument("not an IP address or network: \"" + entry + "\"");
    const unsigned maxPrefix = address.is_v4() ? 32 : 128;
    unsigned prefix = maxPrefix;
    if (slash != std::string::npos) {
      const std::string bits = entry.substr(slash + 1);
      if (bits.empty() || bits.size() > 3 || bits.find_first_not_of("0123456789") != std::string::npos ||
          std::stoul(bits) > maxPrefix) {
        throw std::invalid_argument("bad prefix length in \"" + entry + "\"");
      }
      prefix = static_cast<unsigned>(std::stoul(bits));
    }
    // The network of the address, host bits cleared: "10.1.2.3/8" means 10.0.0.0/8.
    if (address.is_v4()) {
      set.add(ip::make_network_v4(address.to_v4(), prefix).canonical());
    } else {
      set.add(ip::make_network_v6(address.to_v6(), prefix).canonical());
    }
  }
  return set;
}

bool NetworkSet::contains(const ip::address& address) const {
  const ip::address a = unmapped(address);
  if (a.is_v4()) {
    const ip::network_v4 host(a.to_v4(), 32);
    for (const auto& n : v4_) {
      if (host == n || host.is_subnet_of(n)) return true;
    }
    return false;
  }
  const ip::network_v6 host(a.to_v6(), 128);
  for (const auto& n : v6_) {
    if (host == n || host.is_subnet_of(n)) return true;
  }
  return false;
}

}  // namespace rooms
