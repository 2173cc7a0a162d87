#include "rtc/rtcp/Pli.h"

namespace rooms::rtc {

std::optional<Pli> Pli::parse(const RtcpPacketView& packet) {
  if (packet.rtcpType() != RtcpType::kPayloadFeedback || packet.count != kFmtPli) return std::nullopt;
  const auto body = packet.body();
  if (body.size() < 8) return std::nullopt;
  return Pli(read32(body.data()), read32(body.data() + 4));
}

size_t Pli::write(std::span<uint8_t> out, uint32_t senderSsrc, uint32_t mediaSsrc) {
  if (out.size() < kSize) return 0;
  write32(out.data() + 4, senderSsrc);
  write32(out.data() + 8, mediaSsrc);
  writeRtcpHeader(out.data(), kFmtPli, RtcpType::kPayloadFeedback, kSize);
  return kSize;
}

}  // namespace rooms::rtc
