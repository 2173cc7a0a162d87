#include "recording/Vp8Depacketizer.h"

namespace rooms::recording {

namespace {

struct Vp8Descriptor {
  bool frameStart = false;  // S=1 and partition index 0
  size_t size = 0;
};

// RFC 7741 section 4.2.
std::optional<Vp8Descriptor> parseDescriptor(std::span<const uint8_t> p) {
  if (p.empty()) {
    return std::nullopt;
  }
  Vp8Descriptor d;
  const uint8_t first = p[0];
  d.frameStart = (first & 0x10) != 0 && (first & 0x07) == 0;
  size_t at = 1;
  if ((first & 0x80) != 0) {  // X: the extension byte
    if (at >= p.size()) {
      return std::nullopt;
    }
    const uint8_t ext = p[at++];
    if ((ext & 0x80) != 0) {  // I: PictureID, 15 bits when its M bit is set
      if (at >= p.size()) {
        return std::nullopt;
      }
      at += (p[at] & 0x80) != 0 ? 2 : 1;
    }
    if ((ext & 0x40) != 0) {  // L: TL0PICIDX
      ++at;
    }
    if ((ext & 0x30) != 0) {  // T or K: TID/Y/KEYIDX
      ++at;
    }
  }
  if (at >= p.size()) {  // also refuses a descriptor with no frame data after it
    return std::nullopt;
  }
  d.size = at;
  return d;
}

// RFC 6386 section 9.1: a key frame's 3-byte frame tag is followed by the start code.
bool hasKeyFrameStartCode(std::span<const uint8_t> frame) {
  return frame.size() >= 10 && frame[3] == 0x9d && frame[4] == 0x01 && frame[5] == 0x2a;
}

}  // namespace

Vp8Depacketizer::Vp8Depacketizer(size_t maxFrameSize) : assembler_(maxFrameSize) {}

std::optional<MediaFrame> Vp8Depacketizer::push(const RtpInput& packet, bool gapBefore) {
  assembler_.onPacket(packet.timestamp, gapBefore);
  std::optional<MediaFrame> frame;
  const auto descriptor = parseDescriptor(packet.payload);
  if (!descriptor) {
    assembler_.refuse();
    assembler_.onPacketEnd(packet.marker);
    return frame;
  }
  const auto data = packet.payload.subspan(descriptor->size);
  if (descriptor->frameStart) {
    // A second start under the same timestamp: the open frame never got its marker.
    assembler_.abandon();
  }
  if (assembler_.state() == FrameAssembler::State::Idle) {
    if (descriptor->frameStart) {
      assembler_.begin();
      keyFrame_ = (data[0] & 0x01) == 0;
    } else {
      assembler_.discard();
    }
  }
  if (assembler_.state() == FrameAssembler::State::Assembling) {
    if (!assembler_.append(data)) {
      assembler_.refuse();
    } else if (packet.marker) {
      if (keyFrame_ && !hasKeyFrameStartCode(assembler_.bytes())) {
        assembler_.refuse();
      } else {
        frame = assembler_.finish(packet.arrivalMs, keyFrame_);
      }
    }
  }
  assembler_.onPacketEnd(packet.marker);
  return frame;
}

}  // namespace rooms::recording
