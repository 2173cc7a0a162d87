#include "recording/SourceRecorder.h"

#include <algorithm>
#include <limits>

#include "recording/RecordingError.h"

namespace rooms::recording {

SourceRecorder::SourceRecorder(RecordingFileSpec spec) : spec_(std::move(spec)) {
  for (const auto& t : spec_.tracks) tracks_.push_back(std::make_unique<TrackRecorder>(t));
}

std::optional<SourceRecorder::Opened> SourceRecorder::poll(
    int64_t nowMs, const std::function<void(const std::string&)>& requestKeyFrame) {
  for (auto& t : tracks_) {
    const std::string& id = t->track().trackId;
    t->poll(nowMs, false, [&] { requestKeyFrame(id); });
    if (firstFrameMs_ < 0 && !t->frames().empty()) firstFrameMs_ = nowMs;
  }
  std::optional<Opened> opened;
  if (!file_ && readyToOpen(nowMs)) opened = open();
  if (file_) writeReady();
  return opened;
}

bool SourceRecorder::readyToOpen(int64_t nowMs) const {
  if (firstFrameMs_ < 0) return false;
  if (nowMs - firstFrameMs_ >= kSyncWaitMs) return true;
  return std::all_of(tracks_.begin(), tracks_.end(), [](const auto& t) {
    return t->hasSenderReport() && (!t->track().video || !t->frames().empty());
  });
}

int64_t SourceRecorder::localMs(size_t i, uint32_t timestamp) {
  TrackRecorder& t = *tracks_[i];
  if (senderOffset_) {
    if (auto sender = t.clock().senderMs(timestamp)) return *sender + *senderOffset_;
  }
  if (auto arrival = t.clock().arrivalMs(timestamp)) return *arrival;
  return 0;
}

SourceRecorder::Opened SourceRecorder::open() {
  for (const auto& t : tracks_) {
    if (t->hasSenderReport()) {
      senderOffset_ = t->firstReportArrivalMs() - t->firstReportSenderMs();
      break;
    }
  }
  Opened out;
  int64_t zero = std::numeric_limits<int64_t>::max();
  for (size_t i = 0; i < tracks_.size(); ++i) {
    auto& t = *tracks_[i];
    if (!t.frames().empty()) zero = std::min(zero, localMs(i, t.frames().front().timestamp));
    TrackFormat f;
    f.video = t.track().video;
    f.codec = t.track().codec;
    f.clockRate = t.track().clockRate;
    f.width = t.width();
    f.height = t.height();
    f.extradata = t.h264ParameterSets();
    out.formats.push_back(std::move(f));
  }
  zeroMs_ = zero == std::numeric_limits<int64_t>::max() ? 0 : zero;
  openedPath_ = spec_.path + (MatroskaFile::needsMatroska(out.formats) ? ".mkv" : ".webm");
  file_ = std::make_unique<MatroskaFile>(openedPath_, out.formats);
  out.path = openedPath_;
  out.zeroSteadyMs = zeroMs_;
  opened_ = out;
  return out;
}

void SourceRecorder::writeReady() {
  for (size_t i = 0; i < tracks_.size(); ++i) {
    auto& frames = tracks_[i]->frames();
    while (!frames.empty()) {
      const RecordedFrame& f = frames.front();
      const int64_t pts = localMs(i, f.timestamp) - zeroMs_;
      if (pts >= 0) file_->write(i, pts, f.keyFrame, f.data);
      frames.pop_front();
    }
  }
}

bool SourceRecorder::finish(int64_t nowMs) {
  if (finished_) return file_ != nullptr;
  finished_ = true;
  for (auto& t : tracks_) t->poll(nowMs, true, [] {});
  const bool any =
      std::any_of(tracks_.begin(), tracks_.end(), [](const auto& t) { return !t->frames().empty(); });
  if (!file_ && any) open();
  if (!file_) return false;
  writeReady();
  file_->close();
  return true;
}

uint64_t SourceRecorder::ringDropped() const {
  uint64_t n = 0;
  for (const auto& t : tracks_) n += t->ringDropped();
  return n;
}

uint64_t SourceRecorder::framesDropped() const {
  uint64_t n = 0;
  for (const auto& t : tracks_) n += t->framesDropped();
  return n;
}

}  // namespace rooms::recording
