#include "rtc/rtcp/Bye.h"

#include <cstring>

namespace rooms::rtc {

std::optional<Bye> Bye::parse(const RtcpPacketView& packet) {
  if (packet.rtcpType() != RtcpType::kBye) return std::nullopt;
  const auto body = packet.body();
  const size_t ssrcBytes = 4 * static_cast<size_t>(packet.count);
  if (body.size() < ssrcBytes) return std::nullopt;
  std::string_view reason;
  // Anything after the SSRC list is a length-prefixed reason; a zero octet there is only padding.
  if (body.size() > ssrcBytes && body[ssrcBytes] != 0) {
    const size_t length = body[ssrcBytes];
    if (ssrcBytes + 1 + length > body.size()) return std::nullopt;
    reason = std::string_view(reinterpret_cast<const char*>(body.data() + ssrcBytes + 1), length);
  }
  return Bye(body, packet.count, reason);
}

size_t Bye::write(std::span<uint8_t> out, std::span<const uint32_t> ssrcs, std::string_view reason) {
  if (ssrcs.size() > 31 || reason.size() > 255) return 0;
  size_t size = kRtcpHeaderSize + 4 * ssrcs.size();
  if (!reason.empty()) size = (size + 1 + reason.size() + 3) & ~static_cast<size_t>(3);
  if (out.size() < size) return 0;
  uint8_t* p = out.data() + kRtcpHeaderSize;
  for (const uint32_t ssrc : ssrcs) {
    write32(p, ssrc);
    p += 4;
  }
  if (!reason.empty()) {
    *p++ = static_cast<uint8_t>(reason.size());
    std::memcpy(p, reason.data(), reason.size());
    p += reason.size();
    std::memset(p, 0, static_cast<size_t>(out.data() + size - p));
  }
  writeRtcpHeader(out.data(), static_cast<uint8_t>(ssrcs.size()), RtcpType::kBye, size);
  return size;
}

}  // namespace rooms::rtc
