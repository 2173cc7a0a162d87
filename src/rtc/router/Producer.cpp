#include "rtc/router/Producer.h"

#include <algorithm>

namespace rooms::rtc {

Producer::Producer(ProducerSpec spec, WebRtcTransport* transport)
    : spec_(std::move(spec)), transport_(transport), stats_(spec_.clockRate) {
  consumers_.reserve(4);
  if (transport_ && spec_.kind == MediaKind::Video) nack_ = std::make_unique<NackGenerator>();
}

void Producer::addConsumer(Consumer* consumer) {
  if (std::find(consumers_.begin(), consumers_.end(), consumer) == consumers_.end())
    consumers_.push_back(consumer);
}

void Producer::removeConsumer(Consumer* consumer) {
  consumers_.erase(std::remove(consumers_.begin(), consumers_.end(), consumer), consumers_.end());
}

bool Producer::allowKeyFrameRequest(int64_t nowMs) {
  if (nowMs - lastKeyFrameRequestMs_ < kMinKeyFrameIntervalMs) return false;
  lastKeyFrameRequestMs_ = nowMs;
  keyFrameWanted_ = false;
  return true;
}

}  // namespace rooms::rtc
