#pragma once
// Feeds hand-built RTP payloads to a depacketizer in sequence order, as the recorder does, and keeps a copy
// of each emitted frame (a frame's data is only valid until the next push).
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <vector>

#include "recording/Depacketizer.h"

namespace rooms::recording {

struct EmittedFrame {
  uint32_t timestamp = 0;
  int64_t arrivalMs = 0;
  bool keyFrame = false;
  std::vector<uint8_t> data;
};

inline std::vector<uint8_t> join(std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (const auto& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

class DepacketizerFeed {
 public:
  explicit DepacketizerFeed(Depacketizer& depacketizer) : depacketizer_(depacketizer) {}

  std::optional<EmittedFrame> push(const std::vector<uint8_t>& payload, uint32_t timestamp, bool marker,
                                   bool gapBefore = false) {
    RtpInput in;
    in.sequence = sequence_++;
    in.timestamp = timestamp;
    in.marker = marker;
    in.arrivalMs = ++nowMs_;
    in.payload = payload;
    const auto frame = depacketizer_.push(in, gapBefore);
    if (!frame) return std::nullopt;
    return EmittedFrame{frame->timestamp, frame->arrivalMs, frame->keyFrame,
                        std::vector<uint8_t>(frame->data.begin(), frame->data.end())};
  }
  int64_t nowMs() const { return nowMs_; }

 private:
  Depacketizer& depacketizer_;
  uint16_t sequence_ = 0;
  int64_t nowMs_ = 1000;
};

}  // namespace rooms::recording
