#include "recording/Vp9Depacketizer.h"

#include <algorithm>

namespace rooms::recording {

namespace {

struct Vp9Descriptor {
  bool interPicture = false;     // P
  bool layerFrameStart = false;  // B
  bool layerFrameEnd = false;    // E
  uint8_t spatialId = 0;         // SID; 0 without layer indices
  size_t size = 0;
};

constexpr size_t kMaxReferenceDiffs = 3;

// RFC 9628 section 4.2; the scalability structure is section 4.2.1.
std::optional<Vp9Descriptor> parseDescriptor(std::span<const uint8_t> p) {
  if (p.empty()) {
    return std::nullopt;
  }
  const uint8_t first = p[0];
  const bool pictureId = (first & 0x80) != 0;
  const bool layerIndices = (first & 0x20) != 0;
  const bool flexible = (first & 0x10) != 0;
  const bool scalability = (first & 0x02) != 0;
  Vp9Descriptor d;
  d.interPicture = (first & 0x40) != 0;
  d.layerFrameStart = (first & 0x08) != 0;
  d.layerFrameEnd = (first & 0x04) != 0;
  // Every read checks `at` first; skips may overshoot, which the final check catches.
  size_t at = 1;
  if (pictureId) {
    if (at >= p.size()) {
      return std::nullopt;
    }
    at += (p[at] & 0x80) != 0 ? 2 : 1;
  }
  if (layerIndices) {
    if (at >= p.size()) {
      return std::nullopt;
    }
    d.spatialId = static_cast<uint8_t>((p[at] >> 1) & 0x07);
    ++at;
    if (!flexible) {  // TL0PICIDX
      ++at;
    }
  }
  if (flexible && d.interPicture) {
    // P_DIFF bytes: the N bit says another follows, three at most.
    for (size_t diffs = 1;; ++diffs) {
      if (at >= p.size() || diffs > kMaxReferenceDiffs) {
        return std::nullopt;
      }
      if ((p[at++] & 0x01) == 0) {
        break;
      }
    }
  }
  if (scalability) {
    if (at >= p.size()) {
      return std::nullopt;
    }
    const uint8_t ss = p[at++];
    const size_t spatialLayers = static_cast<size_t>(ss >> 5) + 1;  // N_S + 1
    if ((ss & 0x10) != 0) {                                         // Y: 16-bit width and height per layer
      at += spatialLayers * 4;
    }
    if ((ss & 0x08) != 0) {  // G: the picture group
      if (at >= p.size()) {
        return std::nullopt;
      }
      const size_t pictures = p[at++];  // N_G
      for (size_t i = 0; i < pictures; ++i) {
        if (at >= p.size()) {
          return std::nullopt;
        }
        const size_t references = (p[at++] >> 2) & 0x03;  // R, then R P_DIFF bytes
        at += references;
      }
    }
  }
  if (at >= p.size()) {  // also refuses a descriptor with no frame data after it
    return std::nullopt;
  }
  d.size = at;
  return d;
}

// Reads the VP9 uncompressed header's first fields MSB first; false once past the end.
class BitReader {
 public:
  explicit BitReader(std::span<const uint8_t> bytes) : bytes_(bytes) {}
  bool read(size_t count, uint32_t& value) {
    value = 0;
    for (size_t i = 0; i < count; ++i) {
      if (bit_ >= bytes_.size() * 8) {
        return false;
      }
      value = (value << 1) | ((bytes_[bit_ / 8] >> (7 - bit_ % 8)) & 1U);
      ++bit_;
    }
    return true;
  }

 private:
  std::span<const uint8_t> bytes_;
  size_t bit_ = 0;
};

enum class FrameType : uint8_t { Inter, Key, Corrupt };

// VP9 bitstream specification 6.2: frame_marker, profile, show_existing_frame, frame_type, then for a key
// frame show_frame, error_resilient_mode and the sync code.
FrameType frameType(std::span<const uint8_t> frame) {
  BitReader r(frame);
  uint32_t marker = 0;
  uint32_t low = 0;
  uint32_t high = 0;
  if (!r.read(2, marker) || marker != 2 || !r.read(1, low) || !r.read(1, high)) {
    return FrameType::Corrupt;
  }
  uint32_t bit = 0;
  if (low == 1 && high == 1 && (!r.read(1, bit) || bit != 0)) {  // profile 3: reserved_zero
    return FrameType::Corrupt;
  }
  uint32_t showExisting = 0;
  uint32_t nonKey = 0;
  if (!r.read(1, showExisting)) {
    return FrameType::Corrupt;
  }
  if (showExisting != 0) {
    return FrameType::Inter;
  }
  if (!r.read(1, nonKey)) {
    return FrameType::Corrupt;
  }
  if (nonKey != 0) {
    return FrameType::Inter;
  }
  uint32_t sync = 0;
  if (!r.read(2, bit) || !r.read(24, sync) || sync != 0x498342) {
    return FrameType::Corrupt;
  }
  return FrameType::Key;
}

}  // namespace

Vp9Depacketizer::Vp9Depacketizer(size_t maxFrameSize) : assembler_(maxFrameSize) {}

std::optional<MediaFrame> Vp9Depacketizer::push(const RtpInput& packet, bool gapBefore) {
  assembler_.onPacket(packet.timestamp, gapBefore);
  std::optional<MediaFrame> frame;
  const auto descriptor = parseDescriptor(packet.payload);
  // Every layer frame opens with the frame marker, the two bits 10.
  if (!descriptor || (descriptor->layerFrameStart && (packet.payload[descriptor->size] >> 6) != 2)) {
    assembler_.refuse();
    assembler_.onPacketEnd(packet.marker);
    return frame;
  }
  const auto data = packet.payload.subspan(descriptor->size);
  using State = FrameAssembler::State;
  if (assembler_.state() == State::Idle) {
    // After a loss the picture must visibly start here: with its base layer's first packet.
    if (descriptor->layerFrameStart && (!assembler_.afterGap() || descriptor->spatialId == 0)) {
      assembler_.begin();
      inLayerFrame_ = false;
      layerFrames_ = 0;
      intraBaseLayer_ = !descriptor->interPicture && descriptor->spatialId == 0;
    } else {
      assembler_.discard();
    }
  }
  if (assembler_.state() == State::Assembling) {
    if (descriptor->layerFrameStart) {
      if (inLayerFrame_) {
        assembler_.discard();  // the previous layer frame never ended
      } else if (layerFrames_ == kMaxLayerFrames) {
        assembler_.refuse();
      } else {
        inLayerFrame_ = true;
        layerFrameStart_ = assembler_.size();
      }
    } else if (!inLayerFrame_) {
      assembler_.discard();  // a layer frame whose start is missing
    }
  }
  if (assembler_.state() == State::Assembling) {
    if (!assembler_.append(data)) {
      assembler_.refuse();
    } else if (descriptor->layerFrameEnd) {
      layerFrameSizes_[layerFrames_++] = assembler_.size() - layerFrameStart_;
      inLayerFrame_ = false;
    }
  }
  if (assembler_.state() == State::Assembling && packet.marker) {
    const FrameType type = frameType(assembler_.bytes());
    if (inLayerFrame_) {
      assembler_.discard();  // the picture ended inside a layer frame
    } else if (type == FrameType::Corrupt || !appendSuperframeIndex()) {
      assembler_.refuse();
    } else {
      frame = assembler_.finish(packet.arrivalMs, intraBaseLayer_ && type == FrameType::Key);
    }
  }
  assembler_.onPacketEnd(packet.marker);
  return frame;
}

bool Vp9Depacketizer::appendSuperframeIndex() {
  if (layerFrames_ < 2) {
    return true;
  }
  size_t largest = 0;
  for (size_t i = 0; i < layerFrames_; ++i) {
    largest = std::max(largest, layerFrameSizes_[i]);
  }
  size_t bytesPerSize = 1;
  while (bytesPerSize < 4 && (largest >> (8 * bytesPerSize)) != 0) {
    ++bytesPerSize;
  }
  // Marker byte 110mmfff (m: bytes per size - 1, f: frames - 1), the sizes little-endian, the marker again.
  const auto marker = static_cast<uint8_t>(0xC0 | ((bytesPerSize - 1) << 3) | (layerFrames_ - 1));
  std::array<uint8_t, 2 + 4 * kMaxLayerFrames> index{};
  size_t n = 0;
  index[n++] = marker;
  for (size_t i = 0; i < layerFrames_; ++i) {
    for (size_t b = 0; b < bytesPerSize; ++b) {
      index[n++] = static_cast<uint8_t>(layerFrameSizes_[i] >> (8 * b));
    }
  }
  index[n++] = marker;
  return assembler_.append(std::span<const uint8_t>(index.data(), n));
}

}  // namespace rooms::recording
