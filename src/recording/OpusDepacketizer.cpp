#include "recording/OpusDepacketizer.h"

#include <array>

namespace rooms::recording {

namespace {

constexpr size_t kMaxOpusFrameBytes = 1275;
// Durations in units of 2.5 ms, the shortest Opus frame; a packet may hold 120 ms.
constexpr uint32_t kMaxPacketUnits = 48;

uint32_t frameUnits(uint8_t toc) {
  const uint8_t config = toc >> 3;
  if (config < 12) {  // SILK-only: 10, 20, 40, 60 ms
    constexpr std::array<uint32_t, 4> kSilk = {4, 8, 16, 24};
    return kSilk[config & 3];
  }
  if (config < 16) {  // hybrid: 10, 20 ms
    return (config & 1) != 0 ? 8 : 4;
  }
  return 1U << (config & 3);  // CELT-only: 2.5, 5, 10, 20 ms
}

// A frame length field (RFC 6716 section 3.2.1): one byte below 252, else two. Advances at.
bool readFrameLength(std::span<const uint8_t> p, size_t& at, size_t& length) {
  if (at >= p.size()) {
    return false;
  }
  const uint8_t first = p[at++];
  if (first < 252) {
    length = first;
    return true;
  }
  if (at >= p.size()) {
    return false;
  }
  length = static_cast<size_t>(p[at++]) * 4 + first;
  return true;
}

}  // namespace

OpusDepacketizer::OpusDepacketizer(size_t maxFrameSize) : maxFrameSize_(maxFrameSize) {
  buffer_.reserve(maxFrameSize_);
}

bool OpusDepacketizer::isValidPacket(std::span<const uint8_t> p) {
  if (p.empty()) {  // R1
    return false;
  }
  const uint8_t toc = p[0];
  const size_t rest = p.size() - 1;
  switch (toc & 3) {
    case 0:                                                    // one frame
      return rest <= kMaxOpusFrameBytes;                       // R2
    case 1:                                                    // two frames of equal size
      return rest % 2 == 0 && rest / 2 <= kMaxOpusFrameBytes;  // R3
    case 2: {                                                  // two frames, the first one's length given
      size_t at = 1;
      size_t first = 0;
      if (!readFrameLength(p, at, first)) {
        return false;
      }
      const size_t remaining = p.size() - at;
      return first <= remaining && first <= kMaxOpusFrameBytes &&
             remaining - first <= kMaxOpusFrameBytes;  // R4
    }
    default: {  // an arbitrary number of frames
      if (p.size() < 2) {
        return false;
      }
      const uint8_t count = p[1];
      const bool vbr = (count & 0x80) != 0;
      const bool padded = (count & 0x40) != 0;
      const size_t frames = count & 0x3F;
      if (frames == 0 || frames * frameUnits(toc) > kMaxPacketUnits) {  // R5
        return false;
      }
      size_t at = 2;
      size_t padding = 0;
      if (padded) {
        // Each 255 adds 254 bytes and continues; the first byte below 255 ends the run.
        for (;;) {
          if (at >= p.size()) {
            return false;
          }
          const uint8_t b = p[at++];
          padding += b == 255 ? 254 : b;
          if (b != 255) {
            break;
          }
        }
      }
      if (at > p.size() || padding > p.size() - at) {
        return false;
      }
      const size_t end = p.size() - padding;
      if (!vbr) {  // R6
        const size_t data = end - at;
        return data % frames == 0 && data / frames <= kMaxOpusFrameBytes;
      }
      size_t declared = 0;  // R7
      for (size_t i = 0; i + 1 < frames; ++i) {
        size_t length = 0;
        if (!readFrameLength(p.first(end), at, length) || length > kMaxOpusFrameBytes) {
          return false;
        }
        declared += length;
      }
      if (at > end || declared > end - at) {
        return false;
      }
      return end - at - declared <= kMaxOpusFrameBytes;
    }
  }
}

std::optional<MediaFrame> OpusDepacketizer::push(const RtpInput& packet, bool /*gapBefore*/) {
  if (packet.payload.empty()) {
    return std::nullopt;
  }
  if (packet.payload.size() > maxFrameSize_ || !isValidPacket(packet.payload)) {
    ++malformed_;
    return std::nullopt;
  }
  buffer_.assign(packet.payload.begin(), packet.payload.end());
  MediaFrame frame;
  frame.timestamp = packet.timestamp;
  frame.arrivalMs = packet.arrivalMs;
  frame.keyFrame = true;
  frame.data = buffer_;
  return frame;
}

}  // namespace rooms::recording
