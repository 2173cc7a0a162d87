#include "recording/FrameAssembler.h"

namespace rooms::recording {

FrameAssembler::FrameAssembler(size_t maxFrameSize) : maxFrameSize_(maxFrameSize) {
  // Reserved once: appends never reallocate, and the pages are only touched as frames grow into them.
  buffer_.reserve(maxFrameSize_);
}

void FrameAssembler::onPacket(uint32_t timestamp, bool gapBefore) {
  packetTimestamp_ = timestamp;
  if (state_ != State::Idle && timestamp == frameTimestamp_) {
    // Still the open (or skipped) frame, so whatever was lost belonged to it.
    if (gapBefore && state_ == State::Assembling) {
      ++incompleteFrames_;
      state_ = State::Skipping;
    }
    return;
  }
  // A new timestamp without the open frame's marker: its end was never seen.
  if (state_ == State::Assembling) {
    ++incompleteFrames_;
  }
  state_ = State::Idle;
  if (gapBefore) {
    // The lost packets may have been this frame's first ones.
    afterGap_ = true;
  }
}

void FrameAssembler::onPacketEnd(bool marker) {
  if (marker && state_ == State::Skipping) {
    state_ = State::Idle;
  }
}

void FrameAssembler::begin() {
  buffer_.clear();
  frameTimestamp_ = packetTimestamp_;
  state_ = State::Assembling;
  afterGap_ = false;
}

bool FrameAssembler::append(std::span<const uint8_t> bytes) {
  if (bytes.size() > maxFrameSize_ - buffer_.size()) {
    return false;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  return true;
}

void FrameAssembler::discard() {
  if (state_ == State::Skipping) {
    return;
  }
  ++incompleteFrames_;
  frameTimestamp_ = packetTimestamp_;
  state_ = State::Skipping;
  // The frame after the skipped one follows its marker, or a new timestamp, with nothing lost in between.
  afterGap_ = false;
}

void FrameAssembler::abandon() {
  if (state_ == State::Assembling) {
    ++incompleteFrames_;
    state_ = State::Idle;
  }
}

void FrameAssembler::refuse() {
  ++malformed_;
  discard();
}

MediaFrame FrameAssembler::finish(int64_t arrivalMs, bool keyFrame) {
  state_ = State::Idle;
  MediaFrame frame;
  frame.timestamp = frameTimestamp_;
  frame.arrivalMs = arrivalMs;
  frame.keyFrame = keyFrame;
  frame.data = buffer_;
  return frame;
}

void FrameAssembler::reset() {
  buffer_.clear();
  state_ = State::Idle;
  afterGap_ = true;
}

}  // namespace rooms::recording
