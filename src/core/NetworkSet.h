#pragma once
// A set of IP networks, IPv4 and IPv6, for address policies (where webhooks may be delivered, whose
// X-Forwarded-For is believed). An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is judged as the IPv4 address
// it carries, so the same peer cannot pass as either.
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace rooms {

class NetworkSet {
 public:
  // "10.0.0.0/8, fd00::/8 192.0.2.7": CIDR networks or bare addresses (a /32 or /128), separated by commas
  // or spaces. Throws std::invalid_argument naming the entry that is neither.
  static NetworkSet parse(std::string_view list);

  void add(const boost::asio::ip::network_v4& network) { v4_.push_back(network); }
  void add(const boost::asio::ip::network_v6& network) { v6_.push_back(network); }
  bool contains(const boost::asio::ip::address& address) const;
  bool empty() const { return v4_.empty() && v6_.empty(); }

 private:
  std::vector<boost::asio::ip::network_v4> v4_;
  std::vector<boost::asio::ip::network_v6> v6_;
};

// The address an IPv4-mapped IPv6 address carries, or the address itself.
boost::asio::ip::address unmapped(const boost::asio::ip::address& address);

}  // namespace rooms
