#pragma once
// Opus over RTP (RFC 7587): every payload is one Opus packet, which the file writer stores as one frame. The
// packet's framing (RFC 6716 section 3) is checked, so that what a publisher sends as Opus at least parses
// as Opus before it is written to a file.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "recording/Depacketizer.h"

namespace rooms::recording {

class OpusDepacketizer final : public Depacketizer {
 public:
  // A UDP datagram's worth; real Opus packets are far smaller (1275 bytes per 20 ms frame at most).
  static constexpr size_t kMaxFrameSize = size_t{64} << 10;

  // maxFrameSize: a smaller bound for tests and fuzzing.
  explicit OpusDepacketizer(size_t maxFrameSize = kMaxFrameSize);

  // An empty payload carries nothing (no frame); gapBefore does not matter, frames never span packets.
  std::optional<MediaFrame> push(const RtpInput& packet, bool gapBefore) override;
  void reset() override {}
  uint64_t malformed() const override { return malformed_; }
  // A frame is one packet: a refused packet is also a discarded frame.
  uint64_t incompleteFrames() const override { return malformed_; }

  // RFC 6716 section 3.4, requirements R1 to R7: the frame lengths the packet declares fit in it, and it
  // holds at most 120 ms of audio.
  static bool isValidPacket(std::span<const uint8_t> packet);

 private:
  std::vector<uint8_t> buffer_;
  size_t maxFrameSize_;
  uint64_t malformed_ = 0;
};

}  // namespace rooms::recording
