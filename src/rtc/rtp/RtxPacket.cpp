#include "rtc/rtp/RtxPacket.h"

#include <cstring>

namespace rooms::rtc {

std::optional<RtpPacket> RtxPacket::restore(RtpPacket& rtx, uint32_t mediaSsrc, uint8_t mediaPayloadType) {
  if (rtx.payload().size() < kOsnSize) return std::nullopt;
  const uint8_t* osn = rtx.payload().data();
  const auto originalSeq = static_cast<uint16_t>((osn[0] << 8) | osn[1]);
  uint8_t* data = rtx.mutableData();
  const size_t headerSize = rtx.headerSize();
  const size_t size = rtx.size();
  std::memmove(data + kOsnSize, data, headerSize);
  auto restored = RtpPacket::parse(data + kOsnSize, size - kOsnSize);
  if (!restored) return std::nullopt;  // cannot happen for a packet that parsed: the same header, shorter
  restored->setSsrc(mediaSsrc);
  restored->setPayloadType(mediaPayloadType);
  restored->setSequenceNumber(originalSeq);
  return restored;
}

size_t RtxPacket::wrap(std::span<const uint8_t> original, uint32_t rtxSsrc, uint8_t rtxPayloadType,
                       uint16_t rtxSequenceNumber, uint8_t* out, size_t capacity) {
  if (original.size() + kOsnSize > capacity) return 0;
  std::memcpy(out, original.data(), original.size());
  auto packet = RtpPacket::parse(out, original.size());
  if (!packet) return 0;
  const size_t headerSize = packet->headerSize();
  const uint16_t originalSeq = packet->sequenceNumber();
  std::memmove(out + headerSize + kOsnSize, out + headerSize, original.size() - headerSize);
  out[headerSize] = static_cast<uint8_t>(originalSeq >> 8);
  out[headerSize + 1] = static_cast<uint8_t>(originalSeq);
  auto rtx = RtpPacket::parse(out, original.size() + kOsnSize);
  if (!rtx) return 0;
  rtx->setSsrc(rtxSsrc);
  rtx->setPayloadType(rtxPayloadType);
  rtx->setSequenceNumber(rtxSequenceNumber);
  return rtx->size();
}

}  // namespace rooms::rtc
