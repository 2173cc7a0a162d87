#pragma once
// The last packets of one outgoing stream, kept to answer NACKs (RFC 4585). Every slot is allocated once at
// construction: storing and finding run for every forwarded packet and every NACK on the media hot path,
// where a heap allocation per packet would cost more than the copy itself. A packet lives in slot
// seq % capacity, and the stored sequence number is checked on lookup because the slot may since have been
// reused by a newer packet (or, after a wrap, by the same number 65536 packets later; the age limit catches
// that and also keeps us from resending media too stale to be useful to the decoder).
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace rooms::rtc {

class RtpRetransmissionBuffer {
 public:
  // Larger than any packet we forward: WebRTC keeps RTP under the path MTU.
  static constexpr size_t kMaxPacketSize = 1500;
  static constexpr size_t kMaxCapacity = 65536;  // one slot per sequence number

  // The capacity is rounded up to a power of two (1..65536) so that it divides 65536: otherwise the slot
  // index would jump at the sequence wrap and evict packets early.
  explicit RtpRetransmissionBuffer(size_t capacity = 512, int64_t maxAgeMs = 1000);

  // Copies the packet into its slot, replacing whatever was there. Packets larger than kMaxPacketSize are
  // ignored (they cannot be retransmitted, which is better than truncating them).
  void store(uint16_t seq, const uint8_t* data, size_t size, int64_t nowMs);

  // The stored packet, or an empty span if it was never stored, was overwritten, or is older than
  // maxAgeMs. Valid until the next store() or clear().
  std::span<const uint8_t> find(uint16_t seq, int64_t nowMs) const;

  void clear();

  size_t capacity() const { return slots_.size(); }
  int64_t maxAgeMs() const { return maxAgeMs_; }

 private:
  struct Slot {
    std::array<uint8_t, kMaxPacketSize> data;
    size_t size = 0;  // 0: empty
    int64_t storedMs = 0;
    uint16_t seq = 0;
  };

  std::vector<Slot> slots_;
  int64_t maxAgeMs_;
};

}  // namespace rooms::rtc
