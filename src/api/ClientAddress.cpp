#include "api/ClientAddress.h"

#include <boost/asio/ip/address.hpp>

namespace rooms {
namespace ip = boost::asio::ip;

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool trustedAddress(const std::string& text, const NetworkSet& trusted) {
  boost::system::error_code ec;
  const auto a = ip::make_address(text, ec);
  return !ec && trusted.contains(a);
}

}  // namespace

std::string clientAddress(const std::string& peer, std::string_view forwardedFor, const NetworkSet& trusted) {
  if (trusted.empty() || forwardedFor.empty() || !trustedAddress(peer, trusted)) return peer;
  std::string client = peer;
  // Right to left: each hop appended the address it received from.
  while (true) {
    const size_t comma = forwardedFor.rfind(',');
    const std::string_view hop =
        trim(comma == std::string_view::npos ? forwardedFor : forwardedFor.substr(comma + 1));
    boost::system::error_code ec;
    const auto a = ip::make_address(std::string(hop), ec);
    // A malformed entry ends the chain: what is left of it cannot be told from a forgery.
    if (ec) return client;
    client = unmapped(a).to_string();
    if (!trusted.contains(a) || comma == std::string_view::npos) return client;
    forwardedFor = forwardedFor.substr(0, comma);
  }
}

}  // namespace rooms
