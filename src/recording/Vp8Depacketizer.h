#pragma once
// VP8 over RTP (RFC 7741): each payload is a payload descriptor followed by a piece of the frame. A frame
// starts with the packet that has S=1 and partition index 0, ends with the marker bit, and is the
// concatenation of the pieces. The descriptor's optional fields (PictureID, TL0PICIDX, TID/KEYIDX) only
// matter to forwarding; they are skipped.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "recording/Depacketizer.h"
#include "recording/FrameAssembler.h"

namespace rooms::recording {

class Vp8Depacketizer final : public Depacketizer {
 public:
  static constexpr size_t kMaxFrameSize = size_t{4} << 20;

  // maxFrameSize: a smaller bound for tests and fuzzing.
  explicit Vp8Depacketizer(size_t maxFrameSize = kMaxFrameSize);

  // Refused as malformed: a descriptor that runs past the payload, a payload with nothing after its
  // descriptor, and a key frame without the key frame start code (0x9d 0x01 0x2a, RFC 6386 section 9.1).
  std::optional<MediaFrame> push(const RtpInput& packet, bool gapBefore) override;
  void reset() override { assembler_.reset(); }
  uint64_t malformed() const override { return assembler_.malformed(); }
  uint64_t incompleteFrames() const override { return assembler_.incompleteFrames(); }

 private:
  FrameAssembler assembler_;
  bool keyFrame_ = false;  // the open frame's first byte says key frame (P bit clear)
};

}  // namespace rooms::recording
