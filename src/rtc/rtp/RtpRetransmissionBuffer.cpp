#include "rtc/rtp/RtpRetransmissionBuffer.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "rtc/rtp/RtpTime.h"

namespace rooms::rtc {

RtpRetransmissionBuffer::RtpRetransmissionBuffer(size_t capacity, int64_t maxAgeMs)
    : slots_(std::bit_ceil(std::clamp<size_t>(capacity, 1, kMaxCapacity))),
      maxAgeMs_(std::max<int64_t>(maxAgeMs, 0)) {}

void RtpRetransmissionBuffer::store(uint16_t seq, const uint8_t* data, size_t size, int64_t nowMs) {
  if (data == nullptr || size == 0 || size > kMaxPacketSize) return;
  Slot& slot = slots_[seq % slots_.size()];
  std::memcpy(slot.data.data(), data, size);
  slot.size = size;
  slot.storedMs = nowMs;
  slot.seq = seq;
}

std::span<const uint8_t> RtpRetransmissionBuffer::find(uint16_t seq, int64_t nowMs) const {
  const Slot& slot = slots_[seq % slots_.size()];
  if (slot.size == 0 || slot.seq != seq) return {};
  if (elapsedMs(slot.storedMs, nowMs) > maxAgeMs_) return {};
  return {slot.data.data(), slot.size};
}

void RtpRetransmissionBuffer::clear() {
  for (Slot& slot : slots_) slot.size = 0;
}

}  // namespace rooms::rtc
