#pragma once
// One published track as the router receives it: its spec, reception statistics for our receiver reports,
// and the consumers it feeds. A producer either belongs to a participant's transport or is a server-side
// source (the AI Orb) whose packets come from an RtpPacketRing. Media thread only.
#include <cstdint>
#include <memory>
#include <vector>

#include "rtc/WebRtcTransport.h"
#include "rtc/router/PlayoutDelayPolicy.h"
#include "rtc/router/RtpPacketRing.h"
#include "rtc/router/TrackSpec.h"
#include "rtc/rtp/NackGenerator.h"
#include "rtc/rtp/RtpReceiveStats.h"

namespace rooms::rtc {

class Consumer;

// Who reads a producer's copy: the speech pipeline (microphones, payloads after RED is unwrapped) or the
// recorder (every track, every packet forwarded, sender reports too).
enum class TapKind : uint8_t { Speech, Recording };

class Producer {
 public:
  // Browsers answer a PLI with a key frame of tens of packets; asking more often only wastes bandwidth.
  static constexpr int64_t kMinKeyFrameIntervalMs = 500;

  // transport is null for a server-side source.
  Producer(ProducerSpec spec, WebRtcTransport* transport);

  const ProducerSpec& spec() const { return spec_; }
  WebRtcTransport* transport() { return transport_; }
  const WebRtcTransport* transport() const { return transport_; }
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

  // For RED: how many sequence numbers were skipped before seq since the newest packet so far (0 when in
  // order, older or the first), and seq becomes the newest when it is newer.
  int advanceSequence(uint16_t seq) {
    if (!seenSequence_) {
      seenSequence_ = true;
      newestSequence_ = seq;
      return 0;
    }
    const auto ahead = static_cast<int16_t>(static_cast<uint16_t>(seq - newestSequence_));
    if (ahead <= 0) return 0;
    newestSequence_ = seq;
    return ahead - 1;
  }

  // Loss detection for a browser's video (null for audio, whose losses Opus conceals better than a late
  // retransmission would, and for server-side sources, which do not lose packets).
  NackGenerator* nack() { return nack_.get(); }
  // Packets that came on the RTX stream: restored ones, and padding-only probes that carry nothing.
  uint64_t rtxReceived() const { return rtxReceived_; }
  void countRtx() { ++rtxReceived_; }

  // The playout delay its subscribers are asked to keep at least (video from a browser).
  PlayoutDelayPolicy& playoutDelay() { return playoutDelay_; }
  const PlayoutDelayPolicy& playoutDelay() const { return playoutDelay_; }

  // A copy of every received payload goes here (the speech pipeline's view of a microphone).
  RtpPacketRing* tap() const { return tap_.get(); }
  void setTap(std::shared_ptr<RtpPacketRing> tap) { tap_ = std::move(tap); }
  // And here, with the sender reports, while the room records (the recorder's view of the track).
  RtpPacketRing* recordingTap() const { return recordingTap_.get(); }
  void setRecordingTap(std::shared_ptr<RtpPacketRing> tap) { recordingTap_ = std::move(tap); }
  // Where a server-side source's packets come from.
  RtpPacketRing* source() const { return source_.get(); }
  void setSource(std::shared_ptr<RtpPacketRing> source) { source_ = std::move(source); }

 private:
  ProducerSpec spec_;
  WebRtcTransport* transport_;
  RtpReceiveStats stats_;
  std::vector<Consumer*> consumers_;
  int64_t lastKeyFrameRequestMs_ = -kMinKeyFrameIntervalMs;
  bool keyFrameWanted_ = false;
  uint8_t audioLevel_ = 127;
  std::shared_ptr<RtpPacketRing> tap_;
  std::shared_ptr<RtpPacketRing> recordingTap_;
  std::shared_ptr<RtpPacketRing> source_;
  std::unique_ptr<NackGenerator> nack_;
  uint64_t rtxReceived_ = 0;
  PlayoutDelayPolicy playoutDelay_;
  uint16_t newestSequence_ = 0;
  bool seenSequence_ = false;
};

}  // namespace rooms::rtc
