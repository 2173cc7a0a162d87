#pragma once
// RTPFB generic NACK (RFC 4585 section 6.2.1): each FCI entry is a lost packet id (PID) and a bitmask of
// the following 16 packets (BLP) that are lost too. The SFU answers each from its retransmission buffer.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "rtc/rtcp/RtcpHeader.h"

namespace rooms::rtc {

class GenericNack {
 public:
  struct Item {
    uint16_t packetId = 0;
    uint16_t lostBitmask = 0;
  };

  static std::optional<GenericNack> parse(const RtcpPacketView& packet);

  uint32_t senderSsrc() const { return read32(body_.data()); }
  uint32_t mediaSsrc() const { return read32(body_.data() + 4); }
  size_t itemCount() const { return (body_.size() - 8) / 4; }
  Item item(size_t index) const;

  // Calls fn(uint16_t sequenceNumber) for every lost packet, in FCI order.
  template <typename Fn>
  void forEachLost(Fn&& fn) const {
    for (size_t i = 0; i < itemCount(); ++i) {
      const Item entry = item(i);
      fn(entry.packetId);
      for (unsigned bit = 0; bit < 16; ++bit) {
        if (entry.lostBitmask & (1u << bit)) {
          fn(static_cast<uint16_t>(entry.packetId + bit + 1));
        }
      }
    }
  }
  // Fills `out` with lost sequence numbers; returns how many were written (at most out.size()).
  size_t lostSequenceNumbers(std::span<uint16_t> out) const;

  // Packs `lost` (ascending in RTP sequence order, wrap allowed) into PID/BLP items. Returns bytes written,
  // or 0 if `lost` is empty or the packet does not fit.
  static size_t write(std::span<uint8_t> out, uint32_t senderSsrc, uint32_t mediaSsrc,
                      std::span<const uint16_t> lost);

 private:
  explicit GenericNack(std::span<const uint8_t> body) : body_(body) {}

  std::span<const uint8_t> body_;
};

}  // namespace rooms::rtc
