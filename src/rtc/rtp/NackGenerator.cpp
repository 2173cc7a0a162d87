#include "rtc/rtp/NackGenerator.h"

#include <algorithm>

#include "rtc/rtp/RtpTime.h"

namespace rooms::rtc {

namespace {
// Signed distance from a to b in sequence space.
int32_t seqDistance(uint16_t a, uint16_t b) {
  return static_cast<int16_t>(static_cast<uint16_t>(b - a));
}
}  // namespace

NackGenerator::Arrival NackGenerator::onPacket(uint16_t seq, int64_t nowMs) {
  if (!started_) {
    started_ = true;
    highest_ = seq;
    return Arrival::InOrder;
  }
  const int32_t ahead = seqDistance(highest_, seq);
  if (ahead == 1) {
    highest_ = seq;
    return Arrival::InOrder;
  }
  if (ahead > 1) {
    const auto missing = static_cast<size_t>(ahead - 1);
    if (missing > kCapacity) {
      // Too much to repair, or the sender restarted its numbering: start over from this packet.
      highest_ = seq;
      counters_.packetsMissing += missing;
      giveUpAll();
      counters_.packetsGivenUp += missing;
      return Arrival::Reset;
    }
    // Make room by giving up the oldest; an entry pushed out this way is a loss we could not repair.
    if (count_ + missing > kCapacity) giveUpAll();
    for (size_t i = 1; i <= missing; ++i) {
      entries_[count_++] = Entry{static_cast<uint16_t>(highest_ + i), 0, nowMs, 0};
    }
    counters_.packetsMissing += missing;
    highest_ = seq;
    return Arrival::Gap;
  }
  if (ahead == 0) return Arrival::Duplicate;
  // Older than the newest: one we are waiting for, or a copy. Entries are sorted, so search.
  const auto* begin = entries_.data();
  const auto* end = begin + count_;
  const auto* it = std::lower_bound(begin, end, seq, [this](const Entry& e, uint16_t s) {
    return seqDistance(highest_, e.seq) < seqDistance(highest_, s);
  });
  if (it == end || it->seq != seq) return Arrival::Duplicate;
  remove(static_cast<size_t>(it - begin));
  ++counters_.packetsRecovered;
  return Arrival::Recovered;
}

size_t NackGenerator::collect(int64_t nowMs, int64_t rttMs, std::span<uint16_t> out) {
  if (count_ == 0) return 0;
  // Anything past its retries or too old to help ends the attempt for the whole list (see the header).
  for (size_t i = 0; i < count_; ++i) {
    const Entry& e = entries_[i];
    if (e.retries >= kMaxRetries || elapsedMs(e.addedMs, nowMs) > kMaxAgeMs) {
      giveUpAll();
      return 0;
    }
  }
  const int64_t interval = std::clamp(rttMs > 0 ? rttMs : kDefaultRttMs, kMinRetryMs, kMaxRetryMs);
  size_t n = 0;
  for (size_t i = 0; i < count_ && n < out.size(); ++i) {
    Entry& e = entries_[i];
    if (e.retries != 0 && elapsedMs(e.lastRequestMs, nowMs) < interval) continue;
    ++e.retries;
    e.lastRequestMs = nowMs;
    out[n++] = e.seq;
  }
  counters_.nacksRequested += n;
  return n;
}

void NackGenerator::giveUpAll() {
  counters_.packetsGivenUp += count_;
  count_ = 0;
  keyFrameNeeded_ = true;
  ++counters_.keyFramesNeeded;
}

void NackGenerator::remove(size_t index) {
  std::copy(entries_.begin() + static_cast<std::ptrdiff_t>(index + 1),
            entries_.begin() + static_cast<std::ptrdiff_t>(count_),
            entries_.begin() + static_cast<std::ptrdiff_t>(index));
  --count_;
}

}  // namespace rooms::rtc
