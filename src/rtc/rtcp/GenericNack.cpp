#include "rtc/rtcp/GenericNack.h"

namespace rooms::rtc {

std::optional<GenericNack> GenericNack::parse(const RtcpPacketView& packet) {
  if (packet.rtcpType() != RtcpType::kRtpFeedback || packet.count != kFmtGenericNack) return std::nullopt;
  const auto body = packet.body();
  // RFC 4585: at least one FCI entry.
  if (body.size() < 12) return std::nullopt;
  return GenericNack(body);
}

GenericNack::Item GenericNack::item(size_t index) const {
  if (index >= itemCount()) return {};
  const uint8_t* p = body_.data() + 8 + 4 * index;
  return Item{read16(p), read16(p + 2)};
}

size_t GenericNack::lostSequenceNumbers(std::span<uint16_t> out) const {
  size_t written = 0;
  forEachLost([&](uint16_t sequenceNumber) {
    if (written < out.size()) out[written++] = sequenceNumber;
  });
  return written;
}

size_t GenericNack::write(std::span<uint8_t> out, uint32_t senderSsrc, uint32_t mediaSsrc,
                          std::span<const uint16_t> lost) {
  if (lost.empty() || out.size() < kRtcpFeedbackHeaderSize + 4) return 0;
  size_t size = kRtcpFeedbackHeaderSize;
  uint8_t* item = nullptr;
  uint16_t packetId = 0;
  uint16_t bitmask = 0;
  for (const uint16_t sequenceNumber : lost) {
    const uint16_t distance = static_cast<uint16_t>(sequenceNumber - packetId);
    if (item != nullptr && distance >= 1 && distance <= 16) {
      bitmask = static_cast<uint16_t>(bitmask | (1u << (distance - 1)));
      write16(item + 2, bitmask);
      continue;
    }
    if (item != nullptr && distance == 0) continue;  // duplicate of the current PID
    if (size + 4 > out.size() || size + 4 > 4 * 65536) return 0;
    item = out.data() + size;
    packetId = sequenceNumber;
    bitmask = 0;
    write16(item, packetId);
    write16(item + 2, bitmask);
    size += 4;
  }
  write32(out.data() + 4, senderSsrc);
  write32(out.data() + 8, mediaSsrc);
  writeRtcpHeader(out.data(), kFmtGenericNack, RtcpType::kRtpFeedback, size);
  return size;
}

}  // namespace rooms::rtc
