#include "recording/RtpReorderBuffer.h"

#include <algorithm>
#include <bit>
#include <utility>

namespace rooms::recording {

RtpReorderBuffer::RtpReorderBuffer(size_t capacity, int64_t maxWaitMs)
    : slots_(std::bit_ceil(std::clamp<size_t>(capacity, 1, kMaxCapacity))),
      storage_(slots_.size() * kMaxPayload),
      mask_(slots_.size() - 1),
      maxWaitMs_(std::max<int64_t>(maxWaitMs, 0)) {
  for (size_t i = 0; i < slots_.size(); ++i) {
    slots_[i].storage = i;
  }
}

void RtpReorderBuffer::push(const RtpInput& packet) {
  if (packet.payload.size() > kMaxPayload) {
    ++oversized_;
    return;
  }
  if (!started_) {
    // The first packet starts the stream: nothing before it counts as lost.
    started_ = true;
    next_ = 0;
    lastReleasedSequence_ = static_cast<uint16_t>(packet.sequence - 1);
    newestIndex_ = 0;
    newestSequence_ = packet.sequence;
    store(0, packet);
    return;
  }
  const auto delta = static_cast<int16_t>(static_cast<uint16_t>(packet.sequence - newestSequence_));
  const int64_t index = newestIndex_ + delta;
  const int64_t ahead = index - next_;
  if (ahead < 0) {
    if (-ahead <= kMaxLateDistance) {
      ++late_;
    } else {
      restart(packet);
    }
    return;
  }
  if (ahead >= static_cast<int64_t>(slots_.size())) {
    restart(packet);
    return;
  }
  // Every held index lies in [next_, next_ + capacity), so this slot is free or holds this very packet.
  if (holds(index)) {
    ++duplicates_;
    return;
  }
  store(index, packet);
  if (index > newestIndex_) {
    newestIndex_ = index;
    newestSequence_ = packet.sequence;
  }
}

std::optional<RtpReorderBuffer::Released> RtpReorderBuffer::passThrough(const RtpInput& packet) {
  if (held_ != 0 || packet.payload.size() > kMaxPayload) return std::nullopt;
  int64_t index = 0;
  if (!started_) {
    started_ = true;
    next_ = 0;
    lastReleasedSequence_ = static_cast<uint16_t>(packet.sequence - 1);
  } else {
    const auto delta = static_cast<int16_t>(static_cast<uint16_t>(packet.sequence - newestSequence_));
    index = newestIndex_ + delta;
    if (index != next_) return std::nullopt;
  }
  newestIndex_ = index;
  newestSequence_ = packet.sequence;
  next_ = index + 1;
  Released out{};
  out.packet = packet;
  out.lostBefore = static_cast<uint16_t>(packet.sequence - lastReleasedSequence_ - 1);
  lastReleasedSequence_ = packet.sequence;
  return out;
}

std::optional<RtpReorderBuffer::Released> RtpReorderBuffer::pop(int64_t nowMs) {
  if (held_ == 0) {
    return std::nullopt;
  }
  if (holds(next_)) {
    return release(next_);
  }
  if (held_ + 1 < slots_.size()) {
    // In unsigned arithmetic: arbitrary clock values must not overflow, and a clock going back waits.
    const int64_t oldest = oldestArrivalMs();
    const uint64_t waited = nowMs > oldest ? static_cast<uint64_t>(nowMs) - static_cast<uint64_t>(oldest) : 0;
    if (waited < static_cast<uint64_t>(maxWaitMs_)) {
      return std::nullopt;
    }
  }
  return release(firstHeld());
}

std::optional<RtpReorderBuffer::Released> RtpReorderBuffer::drain() {
  if (held_ == 0) {
    return std::nullopt;
  }
  return release(firstHeld());
}

void RtpReorderBuffer::store(int64_t index, const RtpInput& packet) {
  Slot& slot = slotFor(index);
  slot.index = index;
  slot.sequence = packet.sequence;
  slot.timestamp = packet.timestamp;
  slot.marker = packet.marker;
  slot.arrivalMs = packet.arrivalMs;
  slot.size = packet.payload.size();
  std::copy(packet.payload.begin(), packet.payload.end(),
            storage_.begin() + static_cast<std::ptrdiff_t>(slot.storage * kMaxPayload));
  if (held_ == 0) {
    oldestArrivalMs_ = packet.arrivalMs;
  } else if (oldestArrivalMs_) {
    oldestArrivalMs_ = std::min(*oldestArrivalMs_, packet.arrivalMs);
  }
  ++held_;
}

void RtpReorderBuffer::restart(const RtpInput& packet) {
  // What is held goes out first, gaps given up; then the new numbering continues right behind it.
  compact();
  if (held_ == slots_.size()) {
    ++overflows_;
    return;
  }
  ++restarts_;
  const int64_t index = next_ + static_cast<int64_t>(held_);
  store(index, packet);
  newestIndex_ = index;
  newestSequence_ = packet.sequence;
}

void RtpReorderBuffer::compact() {
  // Moving slots moves their storage blocks with them: no payload is copied.
  int64_t to = next_;
  const int64_t end = next_ + static_cast<int64_t>(slots_.size());
  for (int64_t from = next_; from < end; ++from) {
    if (!holds(from)) {
      continue;
    }
    if (from != to) {
      std::swap(slotFor(from), slotFor(to));
      slotFor(to).index = to;
    }
    ++to;
  }
}

RtpReorderBuffer::Released RtpReorderBuffer::release(int64_t index) {
  Slot& slot = slotFor(index);
  Released out{};
  out.packet.sequence = slot.sequence;
  out.packet.timestamp = slot.timestamp;
  out.packet.marker = slot.marker;
  out.packet.arrivalMs = slot.arrivalMs;
  out.packet.payload = std::span<const uint8_t>(storage_.data() + slot.storage * kMaxPayload, slot.size);
  out.lostBefore = static_cast<uint16_t>(slot.sequence - lastReleasedSequence_ - 1);
  lastReleasedSequence_ = slot.sequence;
  slot.index = -1;
  --held_;
  next_ = index + 1;
  if (oldestArrivalMs_ && slot.arrivalMs <= *oldestArrivalMs_) {
    oldestArrivalMs_.reset();
  }
  return out;
}

int64_t RtpReorderBuffer::firstHeld() const {
  // Only called with held_ > 0; a missing packet is rare, so a scan of the window is cheap enough.
  const int64_t end = next_ + static_cast<int64_t>(slots_.size());
  for (int64_t index = next_; index < end; ++index) {
    if (holds(index)) {
      return index;
    }
  }
  return next_;
}

int64_t RtpReorderBuffer::oldestArrivalMs() {
  if (!oldestArrivalMs_) {
    for (const Slot& slot : slots_) {
      if (slot.index >= 0) {
        oldestArrivalMs_ = oldestArrivalMs_ ? std::min(*oldestArrivalMs_, slot.arrivalMs) : slot.arrivalMs;
      }
    }
  }
  return oldestArrivalMs_.value_or(0);
}

}  // namespace rooms::recording
