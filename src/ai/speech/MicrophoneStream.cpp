#include "ai/speech/MicrophoneStream.h"

namespace rooms::ai {

MicrophoneStream::MicrophoneStream(Speaker speaker, std::shared_ptr<rtc::RtpPacketRing> ring)
    : speaker_(std::move(speaker)), ring_(std::move(ring)) {
  pcm48_.reserve(OpusFrameDecoder::kMaxFrameSamples * 2);
}

void MicrophoneStream::poll(int64_t steadyToWallMs, std::vector<Utterance>& out,
                            std::vector<UtteranceAudio>* audio) {
  while (const rtc::RtpPacketRing::Slot* slot = ring_->front()) {
    const int64_t arrivalMs = slot->atMs + steadyToWallMs;
    const int64_t packetMs = lastPacketSamples_ / 48;
    bool gap = !lastSequence_;
    int lost = 0;
    if (lastSequence_) {
      const auto delta = static_cast<uint16_t>(slot->sequence - *lastSequence_);
      if (delta == 0 || delta > 0x8000) {  // duplicate or late: its moment has passed
        ring_->pop();
        continue;
      }
      lost = delta - 1;
      gap = lost > kMaxConcealedPackets;
    }
    const int64_t expectedMs = nextFrameMs_ + static_cast<int64_t>(pcm16_.size()) / 16;
    if (!gap && arrivalMs - packetMs - expectedMs > kGapMs) gap = true;
    if (gap) {
      // Nothing arrived for a while (muted, DTX, a network outage): what was said before is over.
      emit(segmenter_.flush(), out);
      pcm16_.clear();
      nextFrameMs_ = arrivalMs - packetMs;
      lost = 0;
    }
    pcm48_.clear();
    for (int i = 0; i < lost; ++i) decoder_.conceal(lastPacketSamples_, pcm48_);
    const size_t before = pcm48_.size();
    if (decoder_.decode(slot->bytes(), pcm48_)) {
      lastPacketSamples_ = static_cast<int>(pcm48_.size() - before);
    }
    lastSequence_ = slot->sequence;
    ring_->pop();
    resampler_.process(pcm48_, pcm16_);
    feed(out, audio);
  }
}

void MicrophoneStream::feed(std::vector<Utterance>& out, std::vector<UtteranceAudio>* audio) {
  constexpr size_t frame = VoiceActivityDetector::kFrameSamples;
  size_t used = 0;
  while (pcm16_.size() - used >= frame) {
    noise_.process({pcm16_.data() + used, frame});
    emit(segmenter_.process({pcm16_.data() + used, frame}, nextFrameMs_), out);
    nextFrameMs_ += SpeechSegmenter::kFrameMs;
    used += frame;
    if (audio) stream(*audio);
  }
  pcm16_.erase(pcm16_.begin(), pcm16_.begin() + static_cast<std::ptrdiff_t>(used));
}

void MicrophoneStream::stream(std::vector<UtteranceAudio>& audio) {
  if (segmenter_.state() != SpeechSegmenter::State::Speech) return;
  const auto& pcm = segmenter_.currentPcm();
  if (pcm.size() < streamed_ + kStreamSamples) return;
  UtteranceAudio a;
  a.speaker = speaker_;
  a.startMs = segmenter_.currentStartMs();
  a.untilMs = nextFrameMs_;
  a.pcm.assign(pcm.begin() + static_cast<std::ptrdiff_t>(streamed_), pcm.end());
  streamed_ = pcm.size();
  audio.push_back(std::move(a));
}

void MicrophoneStream::flush(std::vector<Utterance>& out) {
  emit(segmenter_.flush(), out);
}

void MicrophoneStream::emit(std::optional<SpeechSegment> segment, std::vector<Utterance>& out) {
  if (!segment) return;
  // An utterance that was streamed must end for recognition even when it holds no talk time.
  const bool streamed = streamed_ > 0;
  streamed_ = 0;
  if (segment->speechMs <= 0 && !streamed) return;
  Utterance u;
  u.speaker = speaker_;
  u.startMs = segment->startMs;
  u.endMs = segment->endMs;
  u.speechMs = segment->speechMs;
  u.pcm = std::move(segment->pcm);
  out.push_back(std::move(u));
}

}  // namespace rooms::ai
