// A recording file from two rings, as the media thread fills them: the file opens once both tracks had a
// sender report, and audio and video are placed by the sender's clock, not by when their packets arrived.
#include "recording/SourceRecorder.h"

#include <gtest/gtest.h>
#include <unistd.h>

extern "C" {
#include <libavformat/avformat.h>
}

#include <filesystem>
#include <map>

namespace rooms::recording {
namespace {

constexpr uint64_t kNtpSecond = uint64_t{1} << 32;

std::string tempBase(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("rooms-src-" + std::to_string(getpid()) + "-" + name))
      .string();
}

// First pts (ms) of each stream type in a finished file.
std::map<int, int64_t> firstPts(const std::string& path) {
  std::map<int, int64_t> out;
  AVFormatContext* ctx = nullptr;
  if (avformat_open_input(&ctx, path.c_str(), nullptr, nullptr) < 0) return out;
  AVPacket* pkt = av_packet_alloc();
  while (av_read_frame(ctx, pkt) >= 0) {
    const int type = ctx->streams[pkt->stream_index]->codecpar->codec_type;
    if (!out.count(type)) out[type] = pkt->pts;
    av_packet_unref(pkt);
  }
  av_packet_free(&pkt);
  avformat_close_input(&ctx);
  return out;
}

TEST(SourceRecorderTest, PlacesAudioAndVideoBySenderReportsNotArrival) {
  auto audio = std::make_shared<rtc::RtpPacketRing>(256);
  auto video = std::make_shared<rtc::RtpPacketRing>(256);
  RecordingFileSpec spec;
  spec.id = "rec_test";
  spec.roomId = "room";
  spec.path = tempBase("sync");
  spec.tracks = {RecordedTrack{"mic", false, "opus", 48000, audio},
                 RecordedTrack{"cam", true, "VP8", 90000, video}};
  SourceRecorder recorder(spec);
  const auto noKeyFrames = [](const std::string&) {};

  // Capture instant T (sender NTP 1000 s) is audio timestamp 48000 and video timestamp 900000. Video
  // starts 100 ms after audio and arrives 300 ms late; arrival order would put it 400 ms after.
  const int64_t t0 = 10000;  // our steady ms when audio captured at T arrives
  audio->pushSenderReport(t0, 1000 * kNtpSecond, 48000);
  video->pushSenderReport(t0, 1000 * kNtpSecond, 900000);
  const std::vector<uint8_t> opus = {0xF8, 0x01, 0x02, 0x03};
  std::vector<uint8_t> key = {0x10, 0x00, 0x00, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00};
  key.resize(120, 0x33);
  std::vector<uint8_t> delta = {0x10, 0x01, 0x00, 0x00};
  delta.resize(60, 0x44);
  std::optional<SourceRecorder::Opened> opened;
  for (int i = 0; i < 100; ++i) {  // 2 s of audio
    const int64_t now = t0 + i * 20;
    audio->push(now, static_cast<uint16_t>(i), 48000 + 960 * i, true, 127, opus);
    if (i >= 5 && (i - 5) % 2 == 0) {  // video from T + 100 ms, every 40 ms, each arriving 300 ms late
      const int n = (i - 5) / 2;
      video->push(now + 300, static_cast<uint16_t>(n), 900000 + 9000 + 3600 * n, true, 127,
                  n == 0 ? std::span<const uint8_t>(key) : std::span<const uint8_t>(delta));
    }
    if (auto o = recorder.poll(now + 300, noKeyFrames)) opened = o;
  }
  ASSERT_TRUE(opened) << "both tracks had a report and the video a key frame";
  EXPECT_TRUE(recorder.opened());
  ASSERT_TRUE(recorder.finish(t0 + 3000));
  const std::string path = spec.path + ".webm";
  ASSERT_EQ(opened->path, path);
  const auto first = firstPts(path);
  ASSERT_TRUE(first.count(AVMEDIA_TYPE_AUDIO) && first.count(AVMEDIA_TYPE_VIDEO));
  EXPECT_EQ(first.at(AVMEDIA_TYPE_AUDIO), 0);
  EXPECT_NEAR(static_cast<double>(first.at(AVMEDIA_TYPE_VIDEO)), 100, 2);
  EXPECT_NEAR(static_cast<double>(recorder.durationMs()), 2000, 60);
  EXPECT_EQ(opened->zeroSteadyMs, t0);
  std::filesystem::remove(path);
}

TEST(SourceRecorderTest, NothingRecordedMakesNoFile) {
  RecordingFileSpec spec;
  spec.id = "rec_empty";
  spec.path = tempBase("empty");
  spec.tracks = {RecordedTrack{"mic", false, "opus", 48000, std::make_shared<rtc::RtpPacketRing>(8)}};
  SourceRecorder recorder(spec);
  EXPECT_FALSE(recorder.poll(1000, [](const std::string&) {}));
  EXPECT_FALSE(recorder.finish(2000));
  EXPECT_FALSE(std::filesystem::exists(spec.path + ".webm"));
}

TEST(SourceRecorderTest, VideoWaitsForAKeyFrameAndAsksForOne) {
  auto video = std::make_shared<rtc::RtpPacketRing>(64);
  RecordingFileSpec spec;
  spec.id = "rec_key";
  spec.path = tempBase("key");
  spec.tracks = {RecordedTrack{"cam", true, "VP8", 90000, video}};
  SourceRecorder recorder(spec);
  std::vector<std::string> asked;
  std::vector<uint8_t> delta = {0x10, 0x01, 0x00, 0x00};
  delta.resize(60, 0x44);
  for (int i = 0; i < 10; ++i)
    video->push(1000 + i * 33, static_cast<uint16_t>(i), 3000 * i, true, 127, delta);
  recorder.poll(2000, [&](const std::string& track) { asked.push_back(track); });
  EXPECT_EQ(asked, std::vector<std::string>{"cam"});
  EXPECT_FALSE(recorder.finish(3000)) << "delta frames alone make no file";
}

}  // namespace
}  // namespace rooms::recording
