#include "rtc/rtcp/TransportFeedback.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace rooms::rtc {

std::optional<TransportFeedback> TransportFeedback::parse(const RtcpPacketView& packet) {
  if (packet.rtcpType() != RtcpType::kRtpFeedback || packet.count != kFmtTransportFeedback)
    return std::nullopt;
  const auto body = packet.body();
  // sender and media SSRC, base sequence number, status count, reference time and feedback packet count
  if (body.size() < 16) return std::nullopt;
  return TransportFeedback(body);
}

namespace {

constexpr uint8_t kNotReceived = 0;
constexpr uint8_t kSmallDelta = 1;
constexpr uint8_t kLargeDelta = 2;
constexpr size_t kMaxRun = 8191;
// One status per packet, then the deltas; a feedback packet never needs more than this.
constexpr size_t kMaxStatuses = 4096;

// Floor division, so arrival times before the clock's zero stay on the same grid.
int64_t floorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

}  // namespace

TransportFeedback::Written TransportFeedback::write(std::span<uint8_t> out, uint32_t senderSsrc,
                                                    uint32_t mediaSsrc, uint16_t baseSequenceNumber,
                                                    uint8_t feedbackPacketCount,
                                                    std::span<const Arrival> arrivals) {
  constexpr size_t kFixed = kRtcpFeedbackHeaderSize + 8;
  if (out.size() < kFixed + 8) return {};
  const auto first =
      std::find_if(arrivals.begin(), arrivals.end(), [](const Arrival& a) { return a.received; });
  if (first == arrivals.end()) return {};
  const int64_t referenceTime = floorDiv(first->atUs, kReferenceTimeUnitUs);
  // Absolute 250 us ticks, so that rounding never accumulates across deltas.
  int64_t previousTick = referenceTime * (kReferenceTimeUnitUs / kDeltaUnitUs);

  std::array<uint8_t, kMaxStatuses> statuses{};
  std::array<int16_t, kMaxStatuses> deltas{};
  size_t count = 0;
  size_t deltaBytes = 0;
  size_t lastReceived = 0;  // statuses up to here; a run of losses at the end is left for the next packet
  // The worst case of the chunks: one 2-byte chunk per 7 statuses, plus one.
  const auto fits = [&](size_t statusCount, size_t bytesOfDeltas) {
    const size_t chunkBytes = 2 * ((statusCount + 6) / 7);
    return kFixed + chunkBytes + bytesOfDeltas + 3 <= out.size();
  };
  for (const Arrival& a : arrivals) {
    if (count == kMaxStatuses || count == 0xFFFF) break;
    if (!a.received) {
      if (!fits(count + 1, deltaBytes)) break;
      statuses[count++] = kNotReceived;
      continue;
    }
    const int64_t tick = floorDiv(a.atUs, kDeltaUnitUs);
    const int64_t delta = tick - previousTick;
    if (delta < INT16_MIN || delta > INT16_MAX) break;
    const uint8_t status = delta >= 0 && delta <= 255 ? kSmallDelta : kLargeDelta;
    const size_t more = status == kSmallDelta ? 1 : 2;
    if (!fits(count + 1, deltaBytes + more)) break;
    statuses[count] = status;
    deltas[count] = static_cast<int16_t>(delta);
    ++count;
    lastReceived = count;
    deltaBytes += more;
    previousTick = tick;
  }
  count = lastReceived;
  if (count == 0) return {};

  uint8_t* p = out.data();
  size_t at = kFixed;
  for (size_t i = 0; i < count;) {
    size_t run = 1;
    while (i + run < count && statuses[i + run] == statuses[i] && run < kMaxRun) ++run;
    if (run >= 14) {
      write16(p + at, static_cast<uint16_t>((statuses[i] << 13) | run));
      i += run;
    } else {
      const size_t left = count - i;
      bool oneBit = true;
      for (size_t k = 0; k < std::min<size_t>(14, left); ++k)
        oneBit = oneBit && statuses[i + k] != kLargeDelta;
      uint16_t chunk = 0x8000;
      if (oneBit) {
        for (size_t k = 0; k < 14; ++k)
          if (k < left && statuses[i + k] == kSmallDelta) chunk |= static_cast<uint16_t>(1u << (13 - k));
        i += std::min<size_t>(14, left);
      } else {
        chunk |= 0x4000;
        for (size_t k = 0; k < 7; ++k)
          if (k < left) chunk |= static_cast<uint16_t>(statuses[i + k] << (12 - 2 * k));
        i += std::min<size_t>(7, left);
      }
      write16(p + at, chunk);
    }
    at += 2;
  }
  for (size_t i = 0; i < count; ++i) {
    if (statuses[i] == kSmallDelta) {
      p[at++] = static_cast<uint8_t>(deltas[i]);
    } else if (statuses[i] == kLargeDelta) {
      write16(p + at, static_cast<uint16_t>(deltas[i]));
      at += 2;
    }
  }
  // RFC 3550 padding: zeros, the last octet their count, and the P bit.
  const size_t padding = (4 - at % 4) % 4;
  for (size_t k = 0; k < padding; ++k) p[at + k] = 0;
  if (padding) p[at + padding - 1] = static_cast<uint8_t>(padding);
  at += padding;

  write32(p + 4, senderSsrc);
  write32(p + 8, mediaSsrc);
  write16(p + 12, baseSequenceNumber);
  write16(p + 14, static_cast<uint16_t>(count));
  const auto reference = static_cast<uint32_t>(referenceTime) & 0xFFFFFF;
  p[16] = static_cast<uint8_t>(reference >> 16);
  p[17] = static_cast<uint8_t>(reference >> 8);
  p[18] = static_cast<uint8_t>(reference);
  p[19] = feedbackPacketCount;
  writeRtcpHeader(p, kFmtTransportFeedback, RtcpType::kRtpFeedback, at);
  if (padding) p[0] |= 0x20;
  return Written{at, count};
}

}  // namespace rooms::rtc
