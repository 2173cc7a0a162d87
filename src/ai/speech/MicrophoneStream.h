#pragma once
// One participant's microphone as the speech pipeline hears it: Opus payloads copied off the media thread
// (an RtpPacketRing), decoded, resampled to 16 kHz, cleaned of steady background noise and cut into
// utterances by voice activity. Wall-clock
// times come from packet arrival; a gap (mute, network loss) ends the utterance in progress instead of
// gluing speech across it. Runs on the AI thread.
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "ai/audio/NoiseSuppressor.h"
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

  // Audio of the utterance in progress is handed on in pieces of this much.
  static constexpr size_t kStreamSamples = 1600;  // 100 ms

  // Drains the ring. steadyToWallMs converts the ring's steady-clock arrival times to wall time. With audio,
  // the utterance in progress is also handed on as it is spoken (UtteranceAudio).
  void poll(int64_t steadyToWallMs, std::vector<Utterance>& out,
            std::vector<UtteranceAudio>* audio = nullptr);
  // Ends the utterance in progress.
  void flush(std::vector<Utterance>& out);

  const Speaker& speaker() const { return speaker_; }
  bool speaking() const { return segmenter_.speaking(); }
  int64_t lastVoiceMs() const { return segmenter_.lastVoiceMs(); }
  const std::shared_ptr<rtc::RtpPacketRing>& ring() const { return ring_; }

 private:
  void feed(std::vector<Utterance>& out, std::vector<UtteranceAudio>* audio);
  void stream(std::vector<UtteranceAudio>& audio);
  void emit(std::optional<SpeechSegment> segment, std::vector<Utterance>& out);

  Speaker speaker_;
  std::shared_ptr<rtc::RtpPacketRing> ring_;
  OpusFrameDecoder decoder_;
  Resampler resampler_{OpusFrameDecoder::kSampleRate, VoiceActivityDetector::kSampleRate};
  NoiseSuppressor noise_;
  SpeechSegmenter segmenter_;
  std::vector<int16_t> pcm48_;
  std::vector<int16_t> pcm16_;  // resampled, not yet a whole frame
  std::optional<uint16_t> lastSequence_;
  int64_t nextFrameMs_ = 0;  // wall time where pcm16_ starts
  int lastPacketSamples_ = 960;
  size_t streamed_ = 0;  // samples of the utterance in progress already handed on
};

}  // namespace rooms::ai
