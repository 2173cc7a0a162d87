#pragma once
// PSFB full intra request (RFC 5104 section 4.3.1). Unlike PLI the target SSRC is in the FCI entries (the
// media source field is 0), and each request carries a sequence number the sender uses to drop repeats.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "rtc/rtcp/RtcpHeader.h"

namespace rooms::rtc {

class Fir {
 public:
  struct Entry {
    uint32_t ssrc = 0;
    uint8_t sequenceNumber = 0;
  };

  static std::optional<Fir> parse(const RtcpPacketView& packet);

  uint32_t senderSsrc() const { return read32(body_.data()); }
  uint32_t mediaSsrc() const { return read32(body_.data() + 4); }
  size_t entryCount() const { return (body_.size() - 8) / 8; }
  Entry entry(size_t index) const;

  // Returns bytes written, or 0 if `entries` is empty or the packet does not fit.
  static size_t write(std::span<uint8_t> out, uint32_t senderSsrc, std::span<const Entry> entries);

 private:
  explicit Fir(std::span<const uint8_t> body) : body_(body) {}

  std::span<const uint8_t> body_;
};

}  // namespace rooms::rtc
