#pragma once
// One participant's microphone as the speech pipeline hears it: Opus payloads copied off the media thread
// (an RtpPacketRing), decoded, resampled to 16 kHz and cut into utterances by voice activity. Wall-clock
// times come from packet arrival; a gap (mute, network loss) ends the utterance in progress instead of
// gluing speech across it. Runs on the AI thread.
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "ai/audio/OpusFrameDecoder.h"
#include "ai/audio/Resampler.h"
#include "ai/audio/SpeechSegmenter.h"
#include "ai/speech/Utterance.h"
#include "rtc/router/RtpPacketRing.h"

namespace rooms::ai {

class MicrophoneStream {
 public:
  // Lost packets up to this many in a row are concealed; more is a gap.
  static constexpr int kMaxConcealedPackets = 5;
  static constexpr int64_t kGapMs = 500;

  MicrophoneStream(Speaker speaker, std::shared_ptr<rtc::RtpPacketRing> ring);

  // Drains the ring. steadyToWallMs converts the ring's steady-clock arrival times to wall time.
  void poll(int64_t steadyToWallMs, std::vector<Utterance>& out);
  // Ends the utterance in progress.
  void flush(std::vector<Utterance>& out);

  const Speaker& speaker() const { return speaker_; }
  bool speaking() const { return segmenter_.speaking(); }
  int64_t lastVoiceMs() const { return segmenter_.lastVoiceMs(); }
  const std::shared_ptr<rtc::RtpPacketRing>& ring() const { return ring_; }

 private:
  void feed(std::vector<Utterance>& out);
  void emit(std::optional<SpeechSegment> segment, std::vector<Utterance>& out);

  Speaker speaker_;
  std::shared_ptr<rtc::RtpPacketRing> ring_;
  OpusFrameDecoder decoder_;
  Resampler resampler_{OpusFrameDecoder::kSampleRate, VoiceActivityDetector::kSampleRate};
  SpeechSegmenter segmenter_;
  std::vector<int16_t> pcm48_;
  std::vector<int16_t> pcm16_;  // resampled, not yet a whole frame
  std::optional<uint16_t> lastSequence_;
  int64_t nextFrameMs_ = 0;  // wall time where pcm16_ starts
  int lastPacketSamples_ = 960;
};

}  // namespace rooms::ai
