#include "rtc/rtcp/RtcpCompoundPacket.h"

namespace rooms::rtc {

std::optional<RtcpPacketView> RtcpCompoundPacket::parseHeader(const uint8_t* data, size_t size) {
  if (data == nullptr || size < kRtcpHeaderSize) return std::nullopt;
  if ((data[0] >> 6) != 2) return std::nullopt;
  const size_t length = (static_cast<size_t>(read16(data + 2)) + 1) * 4;
  if (length > size) return std::nullopt;
  RtcpPacketView view;
  view.data = data;
  view.size = length;
  view.count = data[0] & 0x1F;
  view.type = data[1];
  if (data[0] & 0x20) {
    // The last octet counts the padding including itself; it may not eat into the common header.
    const size_t padding = data[length - 1];
    if (padding == 0 || padding > length - kRtcpHeaderSize) return std::nullopt;
    view.paddingSize = padding;
  }
  return view;
}

std::optional<RtcpCompoundPacket> RtcpCompoundPacket::parse(const uint8_t* data, size_t size) {
  if (data == nullptr || size < kRtcpHeaderSize) return std::nullopt;
  size_t offset = 0;
  size_t count = 0;
  while (offset < size) {
    const auto view = parseHeader(data + offset, size - offset);
    if (!view) return std::nullopt;
    offset += view->size;
    ++count;
  }
  return RtcpCompoundPacket(data, size, count);
}

RtcpCompoundPacket::Iterator::Iterator(const uint8_t* data, size_t size, size_t offset)
    : data_(data), size_(size), offset_(offset) {
  load();
}

void RtcpCompoundPacket::Iterator::load() {
  if (offset_ >= size_) {
    offset_ = size_;
    current_ = {};
    return;
  }
  // parse() already proved every header valid; re-validating keeps a default-built iterator safe too.
  const auto view = parseHeader(data_ + offset_, size_ - offset_);
  if (!view) {
    offset_ = size_;
    current_ = {};
    return;
  }
  current_ = *view;
}

RtcpCompoundPacket::Iterator& RtcpCompoundPacket::Iterator::operator++() {
  if (offset_ < size_) offset_ += current_.size;
  load();
  return *this;
}

}  // namespace rooms::rtc
