#include "recording/TrackRecorder.h"

#include "recording/H264Depacketizer.h"
#include "recording/RecordingError.h"

namespace rooms::recording {

TrackRecorder::TrackRecorder(RecordedTrack track)
    : track_(std::move(track)),
      clock_(track_.clockRate),
      reorder_(track_.video ? kVideoReorderCapacity : kAudioReorderCapacity, kReorderWaitMs),
      depacketizer_(makeDepacketizer(track_.codec)),
      waitingForKeyFrame_(track_.video) {
  if (!depacketizer_) throw RecordingError("codec " + track_.codec + " cannot be recorded");
}

void TrackRecorder::poll(int64_t nowMs, bool draining, const std::function<void()>& requestKeyFrame) {
  if (track_.ring) {
    // Bounded per poll so one busy track cannot starve the others; the ring holds the rest.
    for (int n = 0; n < 4096; ++n) {
      const rtc::RtpPacketRing::Slot* slot = track_.ring->front();
      if (!slot) break;
      if (slot->type == rtc::RtpPacketRing::SlotType::SenderReport) {
        if (!clock_.hasSenderReport()) {
          firstReportArrivalMs_ = slot->atMs;
          firstReportSenderMs_ = TrackClock::ntpToMs(slot->ntp);
        }
        clock_.onSenderReport(slot->ntp, slot->timestamp);
      } else {
        clock_.onPacket(slot->timestamp, slot->atMs);
        const RtpInput input{slot->sequence, slot->timestamp, slot->marker, slot->atMs, slot->bytes()};
        if (auto inOrder = reorder_.passThrough(input)) {
          onReleased(*inOrder, nowMs, requestKeyFrame);  // from the slot itself, before it is given back
        } else {
          reorder_.push(input);  // copied: the slot can go back to the media thread
        }
      }
      track_.ring->pop();
      while (auto released = reorder_.pop(nowMs)) onReleased(*released, nowMs, requestKeyFrame);
    }
  }
  while (auto released = reorder_.pop(nowMs)) onReleased(*released, nowMs, requestKeyFrame);
  if (draining) {
    while (auto released = reorder_.drain()) onReleased(*released, nowMs, requestKeyFrame);
  }
}

void TrackRecorder::onReleased(const RtpReorderBuffer::Released& r, int64_t nowMs,
                               const std::function<void()>& requestKeyFrame) {
  auto frame = depacketizer_->push(r.packet, r.lostBefore > 0);
  if (track_.video) {
    const uint64_t incomplete = depacketizer_->incompleteFrames() + depacketizer_->malformed();
    if (incomplete != incompleteSeen_) {
      // A frame is gone for good: what follows refers to it, so nothing decodes until a key frame.
      incompleteSeen_ = incomplete;
      waitingForKeyFrame_ = true;
    }
  }
  if (!frame) return;
  if (waitingForKeyFrame_ && !frame->keyFrame) {
    ++framesDropped_;
    if (nowMs - lastKeyFrameRequestMs_ >= kKeyFrameRequestIntervalMs) {
      lastKeyFrameRequestMs_ = nowMs;
      requestKeyFrame();
    }
    return;
  }
  waitingForKeyFrame_ = false;
  if (track_.video && frame->keyFrame && width_ == 0 && frame->data.size() >= 10) {
    // RFC 6386 9.1: a VP8 key frame's start code, then 14-bit width and height.
    const auto& d = frame->data;
    std::string codec = track_.codec;
    if ((codec == "VP8" || codec == "vp8") && d[3] == 0x9d && d[4] == 0x01 && d[5] == 0x2a) {
      width_ = (d[6] | (d[7] << 8)) & 0x3FFF;
      height_ = (d[8] | (d[9] << 8)) & 0x3FFF;
    }
  }
  std::vector<uint8_t> buffer;
  if (!spare_.empty()) {
    buffer = std::move(spare_.back());
    spare_.pop_back();
  }
  buffer.assign(frame->data.begin(), frame->data.end());
  frames_.push_back(RecordedFrame{frame->timestamp, frame->arrivalMs, frame->keyFrame, std::move(buffer)});
}

void TrackRecorder::recycle(std::vector<uint8_t> buffer) {
  // A few per track cover the frames waiting between polls; a key frame's large buffer is kept like any.
  if (spare_.size() < 16) spare_.push_back(std::move(buffer));
}

std::vector<uint8_t> TrackRecorder::h264ParameterSets() const {
  std::vector<uint8_t> out;
  const auto* h264 = dynamic_cast<const H264Depacketizer*>(depacketizer_.get());
  if (!h264) return out;
  const uint8_t startCode[] = {0, 0, 0, 1};
  for (auto nal : {h264->sps(), h264->pps()}) {
    if (nal.empty()) continue;
    out.insert(out.end(), startCode, startCode + 4);
    out.insert(out.end(), nal.begin(), nal.end());
  }
  return out;
}

}  // namespace rooms::recording
