#pragma once
// One published track on its way into a recording file: drains the track's ring (what the media thread
// copied), puts packets back in order, waits a little for repairs, depacketizes whole frames and keeps
// them with their RTP timestamps until the file takes them. A video track that lost a frame it could not
// get back waits for the next key frame, and asks for one, rather than write frames nothing can decode.
// Recorder thread only.
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "recording/Depacketizer.h"
#include "recording/RtpReorderBuffer.h"
#include "recording/TrackClock.h"
#include "rtc/router/RtpPacketRing.h"

namespace rooms::recording {

struct RecordedTrack {
  std::string trackId;
  bool video = false;
  std::string codec;
  uint32_t clockRate = 48000;
  std::shared_ptr<rtc::RtpPacketRing> ring;
};

struct RecordedFrame {
  uint32_t timestamp = 0;
  int64_t arrivalMs = 0;
  bool keyFrame = false;
  std::vector<uint8_t> data;
};

class TrackRecorder {
 public:
  // How long a missing packet is waited for: a retransmission takes a round trip or two.
  static constexpr int64_t kReorderWaitMs = 500;
  // Enough for the wait above at 2.5 Mbit/s of video (125 packets) and for Opus with room to spare.
  static constexpr size_t kVideoReorderCapacity = 256;
  static constexpr size_t kAudioReorderCapacity = 32;
  // Key frame requests after a loss, at most this often (the router rate-limits too).
  static constexpr int64_t kKeyFrameRequestIntervalMs = 1000;

  explicit TrackRecorder(RecordedTrack track);

  const RecordedTrack& track() const { return track_; }
  TrackClock& clock() { return clock_; }
  // The sender report's arrival of the first report (steady ms) and its NTP ms, once one came.
  bool hasSenderReport() const { return clock_.hasSenderReport(); }
  int64_t firstReportArrivalMs() const { return firstReportArrivalMs_; }
  int64_t firstReportSenderMs() const { return firstReportSenderMs_; }

  // Moves what the ring holds into frames(); draining releases everything held, waiting for nothing.
  // requestKeyFrame is called when the video needs one.
  void poll(int64_t nowMs, bool draining, const std::function<void()>& requestKeyFrame);
  std::deque<RecordedFrame>& frames() { return frames_; }
  // A written frame's buffer comes back here, so a long recording allocates nothing per frame.
  void recycle(std::vector<uint8_t> buffer);

  // Video: the first key frame's dimensions (VP8), 0 when unknown; H264's parameter sets in Annex B.
  int width() const { return width_; }
  int height() const { return height_; }
  std::vector<uint8_t> h264ParameterSets() const;

  uint64_t framesDropped() const { return framesDropped_; }
  uint64_t ringDropped() const { return track_.ring ? track_.ring->dropped() : 0; }

 private:
  void onReleased(const RtpReorderBuffer::Released& r, int64_t nowMs, const std::function<void()>& request);

  RecordedTrack track_;
  TrackClock clock_;
  RtpReorderBuffer reorder_;
  std::unique_ptr<Depacketizer> depacketizer_;
  std::deque<RecordedFrame> frames_;
  std::vector<std::vector<uint8_t>> spare_;
  bool waitingForKeyFrame_;
  int64_t lastKeyFrameRequestMs_ = -kKeyFrameRequestIntervalMs;
  uint64_t incompleteSeen_ = 0;
  uint64_t framesDropped_ = 0;
  int64_t firstReportArrivalMs_ = 0;
  int64_t firstReportSenderMs_ = 0;
  int width_ = 0;
  int height_ = 0;
};

}  // namespace rooms::recording
