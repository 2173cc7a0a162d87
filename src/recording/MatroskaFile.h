#pragma once
// One recording file: WebM (VP8, VP9, Opus) or Matroska (H264 with Opus), written through libavformat.
// libavformat rather than libwebm: it writes both containers through one API, turns H264 from Annex B into
// what Matroska stores, and is the same code the composite's ffmpeg runs, so what we write is what ffmpeg
// reads back. Clusters close every second and are flushed to the disk as they close: a process killed while
// recording leaves a file that plays up to its last cluster (the segment's size stays "unknown" until the
// trailer, which players accept). Recorder thread only; errors throw RecordingError.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

struct AVFormatContext;
struct AVPacket;

namespace rooms::recording {

struct TrackFormat {
  bool video = false;
  std::string codec;  // "opus", "VP8", "VP9", "H264"
  uint32_t clockRate = 48000;
  int width = 0;  // video: from the first key frame when known
  int height = 0;
  std::vector<uint8_t> extradata;  // H264: SPS and PPS in Annex B
};

class MatroskaFile {
 public:
  // Matroska (not WebM) when a track is H264.
  static bool needsMatroska(const std::vector<TrackFormat>& tracks);
  MatroskaFile(std::string path, const std::vector<TrackFormat>& tracks);
  ~MatroskaFile();
  MatroskaFile(const MatroskaFile&) = delete;
  MatroskaFile& operator=(const MatroskaFile&) = delete;

  // ptsMs counts from the file's start; per track it must increase, and across tracks the caller writes in
  // time order (SourceRecorder interleaves).
  void write(size_t track, int64_t ptsMs, bool keyFrame, std::span<const uint8_t> data);
  // Writes the trailer (duration, index). Safe to call twice; the destructor calls it, swallowing errors.
  void close();

  const std::string& path() const { return path_; }
  int64_t bytesWritten() const;
  int64_t durationMs() const { return lastPtsMs_ < 0 ? 0 : lastPtsMs_ + lastFrameMs_; }

 private:
  struct Closer {
    void operator()(AVFormatContext* ctx) const;
  };
  std::string path_;
  std::unique_ptr<AVFormatContext, Closer> ctx_;
  struct PacketFree {
    void operator()(AVPacket* p) const;
  };
  std::unique_ptr<AVPacket, PacketFree> packet_;
  std::vector<int64_t> lastPts_;
  int64_t lastPtsMs_ = -1;
  int64_t lastFrameMs_ = 0;
  bool closed_ = false;
};

}  // namespace rooms::recording
