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
  if (file_) writeReady(nowMs, false);
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
  if (senderOffset_) {
    out.tracksSynced = static_cast<size_t>(
        std::count_if(tracks_.begin(), tracks_.end(), [](const auto& t) { return t->hasSenderReport(); }));
  }
  opened_ = out;
  return out;
}

void SourceRecorder::writeReady(int64_t nowMs, bool flush) {
  for (;;) {
    size_t next = tracks_.size();
    int64_t nextMs = 0;
    bool everyTrackHasOne = true;
    for (size_t i = 0; i < tracks_.size(); ++i) {
      auto& frames = tracks_[i]->frames();
      if (frames.empty()) {
        everyTrackHasOne = false;
        continue;
      }
      const int64_t at = localMs(i, frames.front().timestamp);
      if (next == tracks_.size() || at < nextMs) {
        next = i;
        nextMs = at;
      }
    }
    if (next == tracks_.size()) return;
    if (!flush && !everyTrackHasOne && nextMs > nowMs - kInterleaveMs) return;
    TrackRecorder& t = *tracks_[next];
    RecordedFrame f = std::move(t.frames().front());
    t.frames().pop_front();
    const int64_t pts = nextMs - zeroMs_;
    if (pts >= 0) file_->write(next, pts, f.keyFrame, f.data);
    t.recycle(std::move(f.data));
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
  writeReady(nowMs, true);
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
