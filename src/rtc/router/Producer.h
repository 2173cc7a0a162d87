#pragma once
// One published track as the router receives it: its spec, reception statistics for our receiver reports,
// and the consumers it feeds. Media thread only.
#include <cstdint>
#include <vector>

#include "rtc/WebRtcTransport.h"
#include "rtc/router/TrackSpec.h"
#include "rtc/rtp/RtpReceiveStats.h"

namespace rooms::rtc {

class Consumer;

class Producer {
 public:
  // Browsers answer a PLI with a key frame of tens of packets; asking more often only wastes bandwidth.
  static constexpr int64_t kMinKeyFrameIntervalMs = 500;

  Producer(ProducerSpec spec, WebRtcTransport& transport);

  const ProducerSpec& spec() const { return spec_; }
  WebRtcTransport& transport() { return transport_; }
  RtpReceiveStats& stats() { return stats_; }
  const RtpReceiveStats& stats() const { return stats_; }

  std::vector<Consumer*>& consumers() { return consumers_; }
  const std::vector<Consumer*>& consumers() const { return consumers_; }
  void addConsumer(Consumer* consumer);
  void removeConsumer(Consumer* consumer);

  // True when a key frame request may go out now (and records it).
  bool allowKeyFrameRequest(int64_t nowMs);
  void markKeyFrameWanted() { keyFrameWanted_ = true; }
  bool keyFrameWanted() const { return keyFrameWanted_; }
  void clearKeyFrameWanted() { keyFrameWanted_ = false; }

  // Audio level of the last packet (RFC 6464: 0 loudest .. 127 silence), 127 when not carried.
  uint8_t audioLevel() const { return audioLevel_; }
  void setAudioLevel(uint8_t level) { audioLevel_ = level; }

  void updateSpec(const ProducerSpec& spec) { spec_ = spec; }

 private:
  ProducerSpec spec_;
  WebRtcTransport& transport_;
  RtpReceiveStats stats_;
  std::vector<Consumer*> consumers_;
  int64_t lastKeyFrameRequestMs_ = -kMinKeyFrameIntervalMs;
  bool keyFrameWanted_ = false;
  uint8_t audioLevel_ = 127;
};

}  // namespace rooms::rtc
