#pragma once
// One received RTP packet as the recording path sees it: the header fields it orders and assembles by, and a
// view of the payload. The view belongs to whoever handed the packet over.
#include <cstdint>
#include <span>

namespace rooms::recording {

struct RtpInput {
  uint16_t sequence = 0;
  uint32_t timestamp = 0;
  bool marker = false;
  int64_t arrivalMs = 0;             // steady clock ms when the media thread received it
  std::span<const uint8_t> payload;  // RTP payload only (header and padding removed)
};

}  // namespace rooms::recording
