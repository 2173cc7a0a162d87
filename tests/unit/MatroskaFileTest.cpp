// The recording file writer: WebM for VP8 and Opus, Matroska for H264, readable back with its tracks and
// duration; a closed file refuses more frames.
#include "recording/MatroskaFile.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "recording/MediaProbe.h"
#include "recording/RecordingError.h"

namespace rooms::recording {
namespace {

std::string tempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("rooms-mkv-" + std::to_string(getpid()) + "-" + name))
      .string();
}

TrackFormat format(bool video, const std::string& codec, int width = 0, int height = 0) {
  TrackFormat f;
  f.video = video;
  f.codec = codec;
  f.clockRate = video ? 90000 : 48000;
  f.width = width;
  f.height = height;
  return f;
}

// A VP8 key frame header (RFC 6386 9.1) for 320x240 and some bytes after it.
std::vector<uint8_t> vp8KeyFrame() {
  std::vector<uint8_t> f = {0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00};
  f.resize(200, 0x55);
  return f;
}

TEST(MatroskaFileTest, WritesWebmWithAudioAndVideo) {
  const std::string path = tempPath("av.webm");
  {
    MatroskaFile f(path, {format(true, "VP8", 320, 240), format(false, "opus")});
    const std::vector<uint8_t> opus = {0xFC, 0xFF, 0xFE};
    for (int i = 0; i < 100; ++i) {
      f.write(1, i * 20, true, opus);
      if (i % 2 == 0) f.write(0, i * 20, i == 0, vp8KeyFrame());
    }
    f.write(1, 500, true, opus);  // not after the last: dropped, not an error
    f.close();
    EXPECT_GE(f.durationMs(), 1980);
    EXPECT_THROW(f.write(1, 5000, true, opus), RecordingError);
  }
  auto probe = probeMedia(path);
  ASSERT_TRUE(probe);
  EXPECT_TRUE(probe->audio);
  EXPECT_TRUE(probe->video);
  EXPECT_NEAR(static_cast<double>(probe->durationMs), 2000, 100);
  std::filesystem::remove(path);
}

TEST(MatroskaFileTest, H264NeedsMatroska) {
  EXPECT_TRUE(MatroskaFile::needsMatroska({format(true, "H264"), format(false, "opus")}));
  EXPECT_FALSE(MatroskaFile::needsMatroska({format(true, "VP9"), format(false, "opus")}));
}

TEST(MatroskaFileTest, RefusesWhatItCannotWrite) {
  EXPECT_THROW(MatroskaFile(tempPath("x.webm"), {}), RecordingError);
  EXPECT_THROW(MatroskaFile(tempPath("x.webm"), {format(false, "PCMU")}), RecordingError);
  EXPECT_THROW(MatroskaFile("/nonexistent-dir/x.webm", {format(false, "opus")}), RecordingError);
}

}  // namespace
}  // namespace rooms::recording
