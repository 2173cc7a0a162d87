#pragma once
// A transport address (IP and port) as STUN carries it in XOR-MAPPED-ADDRESS and as the ICE server keys
// its tuples. Plain bytes rather than sockaddr or Asio types keep the protocol code free of the socket layer.
#include <array>
#include <cstdint>
#include <string>

namespace rooms::ice {

struct StunAddress {
  enum class Family : uint8_t { None = 0, V4 = 1, V6 = 2 };  // values match the STUN family octet

  Family family = Family::None;
  std::array<uint8_t, 16> ip{};  // network order; only the first 4 bytes are used for V4
  uint16_t port = 0;

  static StunAddress v4(const std::array<uint8_t, 4>& addr, uint16_t port);
  static StunAddress v6(const std::array<uint8_t, 16>& addr, uint16_t port);

  size_t ipLength() const { return family == Family::V4 ? 4 : family == Family::V6 ? 16 : 0; }
  // "1.2.3.4:5" or "[::1]:5"; for logs, not for the packet path.
  std::string toString() const;

  bool operator==(const StunAddress&) const = default;
};

}  // namespace rooms::ice
