#pragma once
// The last packets of one outgoing stream, kept to answer NACKs (RFC 4585). Storing and finding run for every
// forwarded packet and every NACK on the media hot path, so nothing is allocated after construction. Packets
// are copied back to back into one byte ring sized for the stream's bitrate (a fixed MTU-sized slot per
// packet wasted a third of the memory of a video subscriber: packets average well under the MTU), and indexed
// by seq % capacity. A lookup checks the stored sequence number (the index slot may since have been reused by
// a newer packet or, after a wrap, by the same number 65536 packets later), the age limit (media too stale to
// help the decoder), and that the ring has not written over the packet's bytes since.
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

  static constexpr size_t kDefaultBytes = 256 * 1024;

  // The capacity (packets) is rounded up to a power of two (1..65536) so that it divides 65536: otherwise the
  // index would jump at the sequence wrap and evict packets early. bytes bounds the payload kept (at least
  // one packet of kMaxPacketSize).
  explicit RtpRetransmissionBuffer(size_t capacity = 512, int64_t maxAgeMs = 1000,
                                   size_t bytes = kDefaultBytes);

  // Copies the packet into its slot, replacing whatever was there. Packets larger than kMaxPacketSize are
  // ignored (they cannot be retransmitted, which is better than truncating them). asResend: the packet goes
  // out as the answer to a NACK that may already be on its way, so findForResend treats it as resent now.
  void store(uint16_t seq, const uint8_t* data, size_t size, int64_t nowMs, bool asResend = false);

  // The stored packet, or an empty span if it was never stored, was overwritten, or is older than
  // maxAgeMs. Valid until the next store() or clear().
  std::span<const uint8_t> find(uint16_t seq, int64_t nowMs) const;
  // find() for answering a NACK: also empty when the packet was resent less than minIntervalMs ago (a
  // receiver that NACKs again before our copy could have arrived gets nothing new from a second copy), and
  // otherwise records the resend.
  std::span<const uint8_t> findForResend(uint16_t seq, int64_t nowMs, int64_t minIntervalMs);

  void clear();

  size_t capacity() const { return entries_.size(); }
  size_t byteCapacity() const { return bytes_.size(); }
  int64_t maxAgeMs() const { return maxAgeMs_; }

 private:
  struct Entry {
    uint64_t position = 0;  // where the packet starts in the stream of bytes written to the ring
    int64_t storedMs = 0;
    int64_t resentMs = 0;
    bool resent = false;
    uint16_t size = 0;  // 0: empty
    uint16_t seq = 0;
  };

  std::vector<Entry> entries_;
  std::vector<uint8_t> bytes_;
  uint64_t written_ = 0;  // bytes written to the ring so far (including tails skipped to keep packets whole)
  int64_t maxAgeMs_;
};

}  // namespace rooms::rtc
