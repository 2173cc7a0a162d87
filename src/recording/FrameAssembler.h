#pragma once
// What the video depacketizers share: the frame under assembly, its bytes in one bounded buffer reserved
// once, and the rule that a frame missing any packet is dropped whole, counted once, and the rest of its
// packets skipped until its marker or a new timestamp.
//
// A loss also casts doubt on the next frame: its first packets may be the lost ones, and a frame whose start
// is missing must not pass for a whole one. afterGap() tells the codec to accept a frame only from a packet
// that provably starts one (VP8 and VP9 flag it; H264 has to be looked at). The stream's first packet is
// treated the same way, since recording may begin in the middle of a frame.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "recording/Depacketizer.h"

namespace rooms::recording {

class FrameAssembler {
 public:
  enum class State : uint8_t {
    Idle,        // between frames: the next packet may start one
    Assembling,  // a frame is open
    Skipping,    // the current timestamp's frame was discarded
  };

  explicit FrameAssembler(size_t maxFrameSize);

  // First thing for every packet: a gap or a new timestamp ends an open frame unfinished (discarded).
  void onPacket(uint32_t timestamp, bool gapBefore);
  // Last thing for every packet: a marker ends the frame being skipped.
  void onPacketEnd(bool marker);

  State state() const { return state_; }
  bool afterGap() const { return afterGap_; }

  // Idle -> Assembling: the current packet starts a frame.
  void begin();
  // Appends to the open frame; false (nothing appended) when the frame would grow past the bound.
  bool append(std::span<const uint8_t> bytes);
  // The open frame (or, from Idle, the current packet's frame whose start was missed) is incomplete: counted
  // once, and its remaining packets skipped.
  void discard();
  // Assembling -> Idle: the open frame ends unfinished (counted) because the current packet starts a new one.
  void abandon();
  // The current packet is malformed: counted, and its frame discarded.
  void refuse();
  // Assembling -> Idle: the frame is complete. Its data stays valid until the next begin() or reset().
  MediaFrame finish(int64_t arrivalMs, bool keyFrame);
  void reset();

  std::span<const uint8_t> bytes() const { return buffer_; }
  size_t size() const { return buffer_.size(); }
  size_t maxFrameSize() const { return maxFrameSize_; }
  uint64_t malformed() const { return malformed_; }
  uint64_t incompleteFrames() const { return incompleteFrames_; }

 private:
  std::vector<uint8_t> buffer_;
  size_t maxFrameSize_;
  State state_ = State::Idle;
  uint32_t frameTimestamp_ = 0;
  uint32_t packetTimestamp_ = 0;
  bool afterGap_ = true;
  uint64_t malformed_ = 0;
  uint64_t incompleteFrames_ = 0;
};

}  // namespace rooms::recording
