#include "rtc/rtcp/Remb.h"

#include <cstring>
#include <limits>

namespace rooms::rtc {

namespace {
constexpr uint8_t kIdentifier[4] = {'R', 'E', 'M', 'B'};
}

std::optional<Remb> Remb::parse(const RtcpPacketView& packet) {
  if (packet.rtcpType() != RtcpType::kPayloadFeedback || packet.count != kFmtAfb) return std::nullopt;
  const auto body = packet.body();
  if (body.size() < 16) return std::nullopt;
  if (std::memcmp(body.data() + 8, kIdentifier, 4) != 0) return std::nullopt;
  if (body.size() < 16 + 4 * static_cast<size_t>(body[12])) return std::nullopt;
  return Remb(body);
}

uint64_t Remb::bitrate() const {
  const unsigned exponent = body_[13] >> 2;
  const uint64_t mantissa = (static_cast<uint64_t>(body_[13] & 0x03) << 16) | read16(body_.data() + 14);
  if (mantissa == 0) return 0;
  // 18 mantissa bits shifted by up to 63 overflow from exponent 47 on.
  if (exponent > 46 && (mantissa >> (64 - exponent)) != 0) return std::numeric_limits<uint64_t>::max();
  return mantissa << exponent;
}

size_t Remb::write(std::span<uint8_t> out, uint32_t senderSsrc, uint64_t bitrate,
                   std::span<const uint32_t> ssrcs) {
  if (ssrcs.size() > 255) return 0;
  const size_t size = kMinSize + 4 * ssrcs.size();
  if (out.size() < size) return 0;
  unsigned exponent = 0;
  uint64_t mantissa = bitrate;
  while (mantissa > kMaxMantissa) {
    mantissa >>= 1;
    ++exponent;
  }
  uint8_t* p = out.data();
  write32(p + 4, senderSsrc);
  write32(p + 8, 0);  // media source is unused; the SSRC list says what the estimate covers
  std::memcpy(p + 12, kIdentifier, 4);
  p[16] = static_cast<uint8_t>(ssrcs.size());
  p[17] = static_cast<uint8_t>((exponent << 2) | (mantissa >> 16));
  write16(p + 18, static_cast<uint16_t>(mantissa));
  p += kMinSize;
  for (const uint32_t ssrc : ssrcs) {
    write32(p, ssrc);
    p += 4;
  }
  writeRtcpHeader(out.data(), kFmtAfb, RtcpType::kPayloadFeedback, size);
  return size;
}

}  // namespace rooms::rtc
