#include "SyntheticStream.h"

#include <cstring>

namespace rooms::loadgen {

SyntheticStream::SyntheticStream(const StreamSpec& spec, int64_t startNs)
    : spec_(spec),
      // Streams of one run start spread over a frame interval, as independent senders would, so their
      // bursts do not all land in the same millisecond.
      nextDueNs_(startNs + static_cast<int64_t>(spec.streamId * 7919u % 20u) * 1'000'000),
      sequenceNumber_(static_cast<uint16_t>(spec.ssrc * 31u)),
      timestamp_(spec.ssrc * 17u),
      random_(spec.ssrc | 1u) {
  std::memset(buffer_, 0xA5, sizeof buffer_);
}

void SyntheticStream::requestKeyFrame() {
  keyFrameWanted_ = true;
}

size_t SyntheticStream::writeHeader(bool marker) {
  buffer_[0] = 0x80;
  buffer_[1] = static_cast<uint8_t>((marker ? 0x80 : 0) | (spec_.payloadType & 0x7F));
  buffer_[2] = static_cast<uint8_t>(sequenceNumber_ >> 8);
  buffer_[3] = static_cast<uint8_t>(sequenceNumber_);
  buffer_[4] = static_cast<uint8_t>(timestamp_ >> 24);
  buffer_[5] = static_cast<uint8_t>(timestamp_ >> 16);
  buffer_[6] = static_cast<uint8_t>(timestamp_ >> 8);
  buffer_[7] = static_cast<uint8_t>(timestamp_);
  buffer_[8] = static_cast<uint8_t>(spec_.ssrc >> 24);
  buffer_[9] = static_cast<uint8_t>(spec_.ssrc >> 16);
  buffer_[10] = static_cast<uint8_t>(spec_.ssrc >> 8);
  buffer_[11] = static_cast<uint8_t>(spec_.ssrc);
  ++sequenceNumber_;
  return 12;
}

void SyntheticStream::writeStamp(uint8_t* at, int64_t nowNs) {
  PayloadStamp{spec_.streamId, stampSequence_++, nowNs}.write(at);
}

size_t SyntheticStream::nextFrameSize(bool key) {
  // xorshift32: delta frames vary +-25% around the mean, as a real encoder's do.
  random_ ^= random_ << 13;
  random_ ^= random_ >> 17;
  random_ ^= random_ << 5;
  const size_t mean = spec_.videoBitrate / 8 / static_cast<uint32_t>(spec_.fps);
  if (key) return mean * kKeyFrameFactor;
  const size_t spread = mean / 2;
  return mean - spread / 2 + (spread ? random_ % spread : 0);
}

}  // namespace rooms::loadgen
