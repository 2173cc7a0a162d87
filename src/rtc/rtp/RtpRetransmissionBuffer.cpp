#include "rtc/rtp/RtpRetransmissionBuffer.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "rtc/rtp/RtpTime.h"

namespace rooms::rtc {

RtpRetransmissionBuffer::RtpRetransmissionBuffer(size_t capacity, int64_t maxAgeMs, size_t bytes)
    : entries_(std::bit_ceil(std::clamp<size_t>(capacity, 1, kMaxCapacity))),
      bytes_(std::max(bytes, kMaxPacketSize)),
      maxAgeMs_(std::max<int64_t>(maxAgeMs, 0)) {}

void RtpRetransmissionBuffer::store(uint16_t seq, const uint8_t* data, size_t size, int64_t nowMs,
                                    bool asResend) {
  if (data == nullptr || size == 0 || size > kMaxPacketSize) return;
  size_t offset = static_cast<size_t>(written_ % bytes_.size());
  if (offset + size > bytes_.size()) {
    written_ += bytes_.size() - offset;  // a packet never wraps: skip the tail
    offset = 0;
  }
  std::memcpy(bytes_.data() + offset, data, size);
  entries_[seq % entries_.size()] =
      Entry{written_, nowMs, asResend ? nowMs : 0, asResend, static_cast<uint16_t>(size), seq};
  written_ += size;
}

std::span<const uint8_t> RtpRetransmissionBuffer::find(uint16_t seq, int64_t nowMs) const {
  const Entry& e = entries_[seq % entries_.size()];
  if (e.size == 0 || e.seq != seq) return {};
  if (elapsedMs(e.storedMs, nowMs) > maxAgeMs_) return {};
  // Intact while nothing has been written a whole ring further on from its first byte.
  if (written_ - e.position > bytes_.size()) return {};
  return {bytes_.data() + e.position % bytes_.size(), e.size};
}

std::span<const uint8_t> RtpRetransmissionBuffer::findForResend(uint16_t seq, int64_t nowMs,
                                                                int64_t minIntervalMs) {
  const auto packet = find(seq, nowMs);
  if (packet.empty()) return packet;
  Entry& e = entries_[seq % entries_.size()];
  if (e.resent && elapsedMs(e.resentMs, nowMs) < minIntervalMs) return {};
  e.resent = true;
  e.resentMs = nowMs;
  return packet;
}

void RtpRetransmissionBuffer::clear() {
  for (Entry& e : entries_) e.size = 0;
}

}  // namespace rooms::rtc
