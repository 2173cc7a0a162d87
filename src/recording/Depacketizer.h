#pragma once
// Turns one stream's RTP payloads, handed over in sequence order (RtpReorderBuffer), back into the codec's
// frames for the file writer. The payloads are whatever a publisher chose to send: anything malformed is
// refused and counted, and a frame is emitted only when every packet of it arrived and parsed, because a
// frame with a hole decodes to garbage and corrupts the frames predicted from it.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "recording/RtpInput.h"

namespace rooms::recording {

struct MediaFrame {
  uint32_t timestamp = 0;  // RTP timestamp of the frame
  int64_t arrivalMs = 0;   // arrival of its last packet
  bool keyFrame = false;   // decodable on its own (audio: always true)
  // The codec's frame (H264: Annex B with 4-byte start codes); valid until the next push()/reset().
  std::span<const uint8_t> data;
};

class Depacketizer {
 public:
  virtual ~Depacketizer() = default;
  // Packets in sequence order. gapBefore: packets were lost right before this one (the frame under
  // assembly, if any, is then incomplete and must be discarded, never emitted). Returns a frame when this
  // packet completed one.
  virtual std::optional<MediaFrame> push(const RtpInput& packet, bool gapBefore) = 0;
  // Forget any partial frame.
  virtual void reset() = 0;
  // Payloads refused as malformed.
  virtual uint64_t malformed() const = 0;
  // Frames discarded because a packet of theirs was lost or malformed (each discarded frame counts once).
  virtual uint64_t incompleteFrames() const = 0;
};

// "opus", "VP8", "VP9", "H264" (case-insensitive); nullptr otherwise.
std::unique_ptr<Depacketizer> makeDepacketizer(std::string_view codec);

}  // namespace rooms::recording
