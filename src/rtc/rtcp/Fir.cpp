#include "rtc/rtcp/Fir.h"

#include <cstring>

namespace rooms::rtc {

std::optional<Fir> Fir::parse(const RtcpPacketView& packet) {
  if (packet.rtcpType() != RtcpType::kPayloadFeedback || packet.count != kFmtFir) return std::nullopt;
  const auto body = packet.body();
  if (body.size() < 16) return std::nullopt;  // at least one FCI entry
  return Fir(body);
}

Fir::Entry Fir::entry(size_t index) const {
  if (index >= entryCount()) return {};
  const uint8_t* p = body_.data() + 8 + 8 * index;
  return Entry{read32(p), p[4]};
}

size_t Fir::write(std::span<uint8_t> out, uint32_t senderSsrc, std::span<const Entry> entries) {
  if (entries.empty() || entries.size() > 8000) return 0;
  const size_t size = kRtcpFeedbackHeaderSize + 8 * entries.size();
  if (out.size() < size) return 0;
  write32(out.data() + 4, senderSsrc);
  write32(out.data() + 8, 0);
  uint8_t* p = out.data() + kRtcpFeedbackHeaderSize;
  for (const auto& e : entries) {
    write32(p, e.ssrc);
    p[4] = e.sequenceNumber;
    std::memset(p + 5, 0, 3);
    p += 8;
  }
  writeRtcpHeader(out.data(), kFmtFir, RtcpType::kPayloadFeedback, size);
  return size;
}

}  // namespace rooms::rtc
