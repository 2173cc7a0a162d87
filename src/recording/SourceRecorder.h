#pragma once
// One recording file: a participant's source (camera with microphone, a microphone alone, a screen share)
// from its tracks to a MatroskaFile. The file opens once the tracks can be put on one clock: every track
// has had a sender report (audio and video then line up as captured), or kSyncWaitMs passed (then a track
// without one is placed by its arrival). Until then frames wait in memory. Time zero of the file is its
// first frame; a pause in a track (muted, camera off) is a gap in the file. Recorder thread only; write
// failures throw RecordingError.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "recording/MatroskaFile.h"
#include "recording/TrackRecorder.h"

namespace rooms::recording {

struct RecordingFileSpec {
  std::string id;
  std::string roomId;
  std::string path;  // without extension: .webm or .mkv is added when the codecs are known
  std::vector<RecordedTrack> tracks;
};

class SourceRecorder {
 public:
  // Browsers send a video report every second or so but an audio one only every few seconds.
  static constexpr int64_t kSyncWaitMs = 8000;
  // Frames are written in time order across the tracks: a frame waits until every track has one to compare
  // with, or until it is this old (a paused track must not hold the others).
  static constexpr int64_t kInterleaveMs = 1000;

  struct Opened {
    std::string path;
    int64_t zeroSteadyMs = 0;
    // Tracks placed by their sender reports; the others by their packets' arrival.
    size_t tracksSynced = 0;
    std::vector<TrackFormat> formats;
  };

  explicit SourceRecorder(RecordingFileSpec spec);

  const RecordingFileSpec& spec() const { return spec_; }
  bool opened() const { return file_ != nullptr; }
  const Opened& openedInfo() const { return opened_; }

  // Moves media on; returns the file's details when it opened in this call. requestKeyFrame(trackId).
  std::optional<Opened> poll(int64_t nowMs, const std::function<void(const std::string&)>& requestKeyFrame);
  // Writes what is left and the trailer. Returns false when nothing was ever recorded (no file exists).
  bool finish(int64_t nowMs);
  int64_t durationMs() const { return file_ ? file_->durationMs() : 0; }
  uint64_t framesDropped() const;
  // Packets the media thread could not hand over because a ring was full.
  uint64_t ringDropped() const;

 private:
  bool readyToOpen(int64_t nowMs) const;
  Opened open();
  // Steady ms of a frame of track i on the file's common clock.
  int64_t localMs(size_t i, uint32_t timestamp);
  // flush: write everything held, in order, without waiting for the other tracks.
  void writeReady(int64_t nowMs, bool flush);

  RecordingFileSpec spec_;
  std::vector<std::unique_ptr<TrackRecorder>> tracks_;
  std::unique_ptr<MatroskaFile> file_;
  std::string openedPath_;
  Opened opened_;
  int64_t firstFrameMs_ = -1;
  // Steady ms minus sender ms, from the first sender report of any track: the sender's clock on ours.
  std::optional<int64_t> senderOffset_;
  int64_t zeroMs_ = 0;
  bool finished_ = false;
};

}  // namespace rooms::recording
