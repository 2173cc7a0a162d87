#pragma once
// RTPFB transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01
// section 3.1): for a range of transport-wide sequence numbers, whether each packet arrived and the
// arrival-time deltas. The chunks are decoded on demand in two passes so that nothing is buffered.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "rtc/rtcp/RtcpHeader.h"

namespace rooms::rtc {

class TransportFeedback {
 public:
  static constexpr int64_t kDeltaUnitUs = 250;
  static constexpr int64_t kReferenceTimeUnitUs = 64000;

  // Validates the fixed fields only; forEachPacket() validates the chunks and deltas.
  static std::optional<TransportFeedback> parse(const RtcpPacketView& packet);

  uint32_t senderSsrc() const { return read32(body_.data()); }
  uint32_t mediaSsrc() const { return read32(body_.data() + 4); }
  uint16_t baseSequenceNumber() const { return read16(body_.data() + 8); }
  uint16_t packetStatusCount() const { return read16(body_.data() + 10); }
  int32_t referenceTime() const { return readSigned24(body_.data() + 12); }  // in 64 ms units
  int64_t referenceTimeUs() const { return referenceTime() * kReferenceTimeUnitUs; }
  uint8_t feedbackPacketCount() const { return body_[15]; }

  // Calls fn(uint16_t sequenceNumber, bool received, int64_t deltaUs) for each of packetStatusCount()
  // packets; deltaUs is the receive delta (0 when not received). Returns false, after reporting what was
  // decodable, when the chunks or deltas are malformed or run past the packet.
  template <typename Fn>
  bool forEachPacket(Fn&& fn) const;

  // One packet's fate for write(): received, and when, in microseconds on the receiver's clock.
  struct Arrival {
    bool received = false;
    int64_t atUs = 0;
  };
  struct Written {
    size_t bytes = 0;    // 0: nothing written
    size_t packets = 0;  // how many of arrivals it covers: a prefix; the caller sends the rest in another
  };
  // Feedback for arrivals[i] = the packet with sequence number baseSequenceNumber + i; the first received
  // one sets the reference time, and without any nothing is written. Losses at the end are left out (the
  // packets may still arrive). Stops early, reporting fewer packets, when the next
  // receive delta does not fit in 16 bits of 250 us (about 8 s) or out is full; never splits a packet.
  static Written write(std::span<uint8_t> out, uint32_t senderSsrc, uint32_t mediaSsrc,
                       uint16_t baseSequenceNumber, uint8_t feedbackPacketCount,
                       std::span<const Arrival> arrivals);

 private:
  explicit TransportFeedback(std::span<const uint8_t> body) : body_(body) {}

  // Calls symbol(uint8_t status) for each packet status, stopping after `count`; returns the byte offset
  // just past the last chunk, or 0 if the chunks run past the body or a symbol is reserved.
  template <typename Fn>
  size_t walkChunks(Fn&& symbol) const;

  std::span<const uint8_t> body_;
};

template <typename Fn>
size_t TransportFeedback::walkChunks(Fn&& symbol) const {
  const size_t count = packetStatusCount();
  size_t seen = 0;
  size_t i = 16;
  while (seen < count) {
    if (i + 2 > body_.size()) { return 0;
}
    const uint16_t chunk = read16(body_.data() + i);
    i += 2;
    if ((chunk & 0x8000) == 0) {
      // Run length chunk: one 2-bit status repeated up to 8191 times.
      const uint8_t status = (chunk >> 13) & 0x03;
      if (status == 3) { return 0;
}
      const size_t run = chunk & 0x1FFF;
      for (size_t k = 0; k < run && seen < count; ++k, ++seen) { symbol(status);
}
    } else if ((chunk & 0x4000) == 0) {
      // Status vector chunk of fourteen 1-bit symbols: received (small delta) or not.
      for (int bit = 13; bit >= 0 && seen < count; --bit, ++seen) {
        symbol(static_cast<uint8_t>((chunk >> bit) & 1));
}
    } else {
      // Status vector chunk of seven 2-bit symbols.
      for (int shift = 12; shift >= 0 && seen < count; shift -= 2, ++seen) {
        const uint8_t status = (chunk >> shift) & 0x03;
        if (status == 3) { return 0;
}
        symbol(status);
      }
    }
  }
  return i;
}

template <typename Fn>
bool TransportFeedback::forEachPacket(Fn&& fn) const {
  // First pass finds where the receive deltas start.
  size_t deltas = walkChunks([](uint8_t) {});
  if (deltas == 0) { return false;
}
  bool ok = true;
  uint16_t sequenceNumber = baseSequenceNumber();
  walkChunks([&](uint8_t status) {
    if (!ok) { return;
}
    int64_t delta = 0;
    if (status == 1) {
      if (deltas + 1 > body_.size()) {
        ok = false;
        return;
      }
      delta = body_[deltas];
      deltas += 1;
    } else if (status == 2) {
      if (deltas + 2 > body_.size()) {
        ok = false;
        return;
      }
      delta = static_cast<int16_t>(read16(body_.data() + deltas));
      deltas += 2;
    }
    fn(sequenceNumber, status != 0, delta * kDeltaUnitUs);
    ++sequenceNumber;
  });
  return ok;
}

}  // namespace rooms::rtc
