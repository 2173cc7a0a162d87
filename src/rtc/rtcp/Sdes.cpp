#include "rtc/rtcp/Sdes.h"

#include <cstring>

namespace rooms::rtc {

std::optional<Sdes> Sdes::parse(const RtcpPacketView& packet) {
  if (packet.rtcpType() != RtcpType::kSdes) return std::nullopt;
  const auto body = packet.body();
  if (!walk(body, packet.count, [](uint32_t, uint8_t, std::string_view) {})) return std::nullopt;
  return Sdes(body, packet.count);
}

std::optional<std::string_view> Sdes::cname(uint32_t ssrc) const {
  std::optional<std::string_view> found;
  forEachItem([&](uint32_t itemSsrc, uint8_t type, std::string_view text) {
    if (!found && itemSsrc == ssrc && type == kCname) found = text;
  });
  return found;
}

size_t Sdes::writeCname(std::span<uint8_t> out, uint32_t ssrc, std::string_view cname) {
  if (cname.size() > kMaxItemLength) return 0;
  // header, SSRC, type, length, text, then at least one null octet, padded to a 32-bit boundary
  const size_t unpadded = kRtcpHeaderSize + 4 + 2 + cname.size() + 1;
  const size_t size = (unpadded + 3) & ~static_cast<size_t>(3);
  if (out.size() < size) return 0;
  uint8_t* p = out.data();
  write32(p + 4, ssrc);
  p[8] = kCname;
  p[9] = static_cast<uint8_t>(cname.size());
  if (!cname.empty()) std::memcpy(p + 10, cname.data(), cname.size());
  std::memset(p + 10 + cname.size(), 0, size - (10 + cname.size()));
  writeRtcpHeader(p, 1, RtcpType::kSdes, size);
  return size;
}

}  // namespace rooms::rtc
