#include "rtc/rtp/RtpPacket.h"

#include <cstring>

#include "rtc/rtp/ByteIo.h"

namespace rooms::rtc {

bool RtpPacket::looksLikeRtp(const uint8_t* data, size_t size) {
  if (data == nullptr || size < kFixedHeaderSize) return false;
  if (data[0] < 128 || data[0] > 191) return false;
  return data[1] < 192 || data[1] > 223;
}

bool RtpPacket::looksLikeRtcp(const uint8_t* data, size_t size) {
  // Every RTCP packet carries at least the common header and one SSRC.
  if (data == nullptr || size < 8) return false;
  if (data[0] < 128 || data[0] > 191) return false;
  return data[1] >= 192 && data[1] <= 223;
}

std::optional<RtpPacket> RtpPacket::parse(uint8_t* data, size_t size) {
  if (data == nullptr || size < kFixedHeaderSize) return std::nullopt;
  RtpPacket packet;
  packet.data_ = data;
  packet.size_ = size;
  if (packet.version() != 2) return std::nullopt;

  size_t offset = kFixedHeaderSize + 4 * static_cast<size_t>(packet.csrcCount());
  if (offset > size) return std::nullopt;
  if (packet.hasExtension()) {
    if (offset + 4 > size) return std::nullopt;
    packet.extensionProfile_ = read16(data + offset);
    const size_t words = read16(data + offset + 2);
    offset += 4;
    if (words * 4 > size - offset) return std::nullopt;
    packet.extensionOffset_ = offset;
    packet.extensionSize_ = words * 4;
    offset += words * 4;
  }
  packet.headerSize_ = offset;

  size_t padding = 0;
  if (packet.hasPadding()) {
    // The count includes itself, so 0 is malformed; it may not reach into the header.
    padding = data[size - 1];
    if (padding == 0 || padding > size - offset) return std::nullopt;
  }
  packet.paddingSize_ = static_cast<uint8_t>(padding);
  packet.payloadSize_ = size - offset - padding;

  if (!packet.walkExtensions([](uint8_t, size_t, size_t) { return false; })) return std::nullopt;
  return packet;
}

uint32_t RtpPacket::csrc(size_t index) const {
  if (index >= csrcCount()) return 0;
  return read32(data_ + kFixedHeaderSize + 4 * index);
}

uint16_t RtpPacket::sequenceNumber() const {
  return read16(data_ + 2);
}
uint32_t RtpPacket::timestamp() const {
  return read32(data_ + 4);
}
uint32_t RtpPacket::ssrc() const {
  return read32(data_ + 8);
}

std::optional<std::span<const uint8_t>> RtpPacket::extension(uint8_t id) const {
  std::optional<std::span<const uint8_t>> found;
  if (id == 0) return found;
  walkExtensions([&](uint8_t elementId, size_t offset, size_t length) {
    if (elementId != id) return false;
    found = std::span<const uint8_t>(data_ + offset, length);
    return true;
  });
  return found;
}

bool RtpPacket::setExtension(uint8_t id, std::span<const uint8_t> value) {
  if (id == 0) return false;
  bool written = false;
  walkExtensions([&](uint8_t elementId, size_t offset, size_t length) {
    if (elementId != id) return false;
    if (length == value.size()) {
      if (length > 0) std::memcpy(data_ + offset, value.data(), length);
      written = true;
    }
    return true;
  });
  return written;
}

void RtpPacket::setMarker(bool marker) {
  data_[1] = static_cast<uint8_t>((data_[1] & 0x7F) | (marker ? 0x80 : 0));
}
void RtpPacket::setPayloadType(uint8_t payloadType) {
  data_[1] = static_cast<uint8_t>((data_[1] & 0x80) | (payloadType & 0x7F));
}
void RtpPacket::setSequenceNumber(uint16_t sequenceNumber) {
  write16(data_ + 2, sequenceNumber);
}
void RtpPacket::setTimestamp(uint32_t timestamp) {
  write32(data_ + 4, timestamp);
}
void RtpPacket::setSsrc(uint32_t ssrc) {
  write32(data_ + 8, ssrc);
}

}  // namespace rooms::rtc
