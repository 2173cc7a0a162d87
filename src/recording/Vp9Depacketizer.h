#pragma once
// VP9 over RTP (RFC 9628): each payload is a payload descriptor followed by a piece of a layer frame, which
// runs from the packet with B=1 to the one with E=1. A picture is the layer frames of one timestamp (one per
// spatial layer) and ends with the marker bit.
//
// The emitted frame is the picture: with one spatial layer (what Chrome sends us) exactly that layer
// frame's bytes; with several, the layer frames in order followed by a superframe index (VP9 bitstream
// specification, Annex B), so that the file holds one decodable chunk per timestamp as libvpx writes it.
// The descriptor's other fields (PictureID, layer indices, reference diffs, the scalability structure) only
// matter to forwarding: they are parsed to find where the data starts and checked to fit in the payload.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "recording/Depacketizer.h"
#include "recording/FrameAssembler.h"

namespace rooms::recording {

class Vp9Depacketizer final : public Depacketizer {
 public:
  static constexpr size_t kMaxFrameSize = size_t{4} << 20;
  // A superframe index counts frames in 3 bits.
  static constexpr size_t kMaxLayerFrames = 8;

  // maxFrameSize: a smaller bound for tests and fuzzing.
  explicit Vp9Depacketizer(size_t maxFrameSize = kMaxFrameSize);

  // Refused as malformed: a descriptor that runs past the payload, more than three reference diffs, a payload
  // with nothing after its descriptor, a layer frame that does not begin with the VP9 frame marker, a key
  // frame without its sync code, and a picture of more than kMaxLayerFrames layer frames.
  std::optional<MediaFrame> push(const RtpInput& packet, bool gapBefore) override;
  void reset() override { assembler_.reset(); }
  uint64_t malformed() const override { return assembler_.malformed(); }
  uint64_t incompleteFrames() const override { return assembler_.incompleteFrames(); }

 private:
  bool appendSuperframeIndex();

  FrameAssembler assembler_;
  bool inLayerFrame_ = false;  // between a B=1 packet and its E=1 packet
  size_t layerFrameStart_ = 0;
  size_t layerFrames_ = 0;
  std::array<size_t, kMaxLayerFrames> layerFrameSizes_{};
  // The picture's first packet: not inter-picture predicted (P=0), base spatial layer.
  bool intraBaseLayer_ = false;
};

}  // namespace rooms::recording
