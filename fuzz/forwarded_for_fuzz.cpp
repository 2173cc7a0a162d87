// X-Forwarded-For comes from the network (believed only from trusted proxies, but parsed from them). Any
// value must give an address: the peer's, or one that parses as an IP address.
#include <boost/asio/ip/address.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/ClientAddress.h"

using namespace rooms;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const NetworkSet trusted = NetworkSet::parse("127.0.0.0/8 10.0.0.0/8 ::1 fd00::/8");
  const std::string_view header(reinterpret_cast<const char*>(data), size);
  const std::string client = clientAddress("127.0.0.1", header, trusted);
  boost::system::error_code ec;
  boost::asio::ip::make_address(client, ec);
  if (ec) __builtin_trap();
  return 0;
}
