// The speech pipeline's audio stages: voice activity, utterance cutting and talk time, the SPSC ring, and a
// microphone stream from real Opus packets to utterances.
#include <gtest/gtest.h>

#include <algorithm>

#include <cmath>
#include <vector>

#include "ai/audio/SpeechSegmenter.h"
#include "ai/audio/VoiceActivityDetector.h"
#include "ai/speech/MicrophoneStream.h"
#include "ai/voice/OpusFrameEncoder.h"
#include "rtc/router/RtpPacketRing.h"

namespace rooms::ai {
namespace {

// A 20 ms frame at 16 kHz: a voiced-like tone (two harmonics) or near silence.
std::vector<int16_t> frame16(bool voiced, int index, int rate = 16000, int samples = 320) {
  std::vector<int16_t> f(static_cast<size_t>(samples));
  for (int i = 0; i < samples; ++i) {
    const double t = static_cast<double>(index * samples + i) / rate;
    const double v = voiced ? 6000 * std::sin(2 * M_PI * 180 * t) + 3000 * std::sin(2 * M_PI * 540 * t)
                            : 20 * std::sin(2 * M_PI * 50 * t);
    f[static_cast<size_t>(i)] = static_cast<int16_t>(v);
  }
  return f;
}

TEST(VoiceActivityDetector, TellsToneFromQuiet) {
  VoiceActivityDetector vad;
  int voiced = 0;
  for (int i = 0; i < 50; ++i) voiced += vad.process(frame16(false, i)) ? 1 : 0;
  EXPECT_EQ(voiced, 0);
  for (int i = 0; i < 50; ++i) voiced += vad.process(frame16(true, i)) ? 1 : 0;
  EXPECT_GE(voiced, 48);  // onset takes two frames
  EXPECT_LT(vad.noiseFloorDb(), -60);
}

TEST(VoiceActivityDetector, SteadyNoiseIsNotSpeech) {
  VoiceActivityDetector vad;
  // A loud steady hum for 10 s: the floor follows it up and it stops counting as speech.
  std::vector<int16_t> hum(320);
  for (size_t i = 0; i < hum.size(); ++i)
    hum[i] = static_cast<int16_t>(800 * std::sin(2 * M_PI * 100 * i / 16000.0));
  for (int i = 0; i < 50; ++i) vad.process(frame16(false, i));
  int late = 0;
  for (int i = 0; i < 1500; ++i) {
    const bool v = vad.process(hum);
    if (i >= 1400) late += v ? 1 : 0;
  }
  EXPECT_EQ(late, 0);
}

TEST(SpeechSegmenter, CutsUtterancesAndCountsTalkTime) {
  SpeechSegmenter seg;
  std::vector<SpeechSegment> out;
  int64_t t = 1000000;
  int index = 0;
  const auto run = [&](bool voiced, int frames) {
    for (int i = 0; i < frames; ++i, ++index, t += 20) {
      if (auto s = seg.process(frame16(voiced, index), t)) out.push_back(std::move(*s));
    }
  };
  run(false, 25);
  run(true, 100);  // 2 s talking
  run(false, 10);  // 200 ms between words: same utterance, counted
  run(true, 50);   // 1 s
  run(false, 50);  // 1 s pause ends it
  run(true, 25);   // 0.5 s
  if (auto s = seg.flush()) out.push_back(std::move(*s));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].startMs, 1000000 + 25 * 20);
  EXPECT_NEAR(out[0].speechMs, 3200, 60);
  EXPECT_NEAR(out[0].endMs - out[0].startMs, 3200, 60);
  // Pre-roll before the first voiced frame, the pause that ended it after.
  EXPECT_GT(out[0].pcm.size(), 3200u * 16);
  EXPECT_NEAR(out[1].speechMs, 500, 60);
}

TEST(SpeechSegmenter, LongSpeechIsCutAtTheLimit) {
  SpeechSegmenter seg;
  int cuts = 0;
  for (int i = 0; i < 40 * 50; ++i) cuts += seg.process(frame16(true, i), i * 20).has_value() ? 1 : 0;
  EXPECT_EQ(cuts, 2);  // 40 s in 15 s pieces
}

TEST(RtpPacketRing, FifoFullAndOversized) {
  rtc::RtpPacketRing ring(4);
  EXPECT_EQ(ring.capacity(), 4u);
  const uint8_t payload[3] = {1, 2, 3};
  for (uint16_t i = 0; i < 4; ++i) EXPECT_TRUE(ring.push(i, i, i * 960u, false, 127, payload));
  EXPECT_FALSE(ring.push(9, 9, 0, false, 127, payload));
  EXPECT_EQ(ring.dropped(), 1u);
  std::vector<uint8_t> big(rtc::RtpPacketRing::kMaxPayload + 1);
  ring.pop();
  EXPECT_FALSE(ring.push(9, 9, 0, false, 127, big));
  EXPECT_EQ(ring.size(), 3u);
  EXPECT_EQ(ring.front()->sequence, 1);
  EXPECT_EQ(ring.front()->bytes().size(), 3u);
}

// Opus packets of a tone burst through a microphone stream: one utterance, timed by arrival.
TEST(MicrophoneStream, OpusToUtterances) {
  auto ring = std::make_shared<rtc::RtpPacketRing>(512);
  MicrophoneStream mic({"room", "client-1", "client", "Charlie"}, ring);
  OpusFrameEncoder encoder;
  std::vector<Utterance> out;
  uint16_t seq = 100;
  int64_t steady = 5000;
  const auto send = [&](bool voiced, int packets, int skipEvery = 0) {
    for (int i = 0; i < packets; ++i, ++seq, steady += 20) {
      if (skipEvery && i % skipEvery == skipEvery - 1) continue;  // lost on the way
      auto pcm = frame16(voiced, seq, 48000, 960);
      auto payload = encoder.encode(pcm);
      ASSERT_FALSE(payload.empty());
      ASSERT_TRUE(ring->push(steady, seq, seq * 960u, false, 127, payload));
    }
    mic.poll(1'000'000, out);
  };
  send(false, 50);
  send(true, 100, 10);  // 2 s of tone, one packet in ten lost (concealed)
  send(false, 60);
  ASSERT_EQ(out.size(), 1u);
  const Utterance& u = out[0];
  EXPECT_EQ(u.speaker.role, "client");
  EXPECT_NEAR(u.speechMs, 2000, 120);
  EXPECT_NEAR(u.startMs, 1'000'000 + 5000 + 50 * 20, 120);
  EXPECT_FALSE(u.pcm.empty());

  // A long gap (muted) ends an utterance in progress instead of joining speech across it.
  send(true, 50);
  steady += 5000;
  send(true, 50);
  mic.flush(out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_NEAR(out[1].speechMs, 1000, 100);
  EXPECT_GE(out[2].startMs - out[1].endMs, 4500);
}

// The utterance in progress is handed on as it is spoken: in order, in pieces of at least 100 ms, the
// pieces a prefix of the utterance that follows.
TEST(MicrophoneStream, StreamsTheUtteranceWhileSpoken) {
  auto ring = std::make_shared<rtc::RtpPacketRing>(512);
  MicrophoneStream mic({"room", "client-1", "client", "Charlie"}, ring);
  OpusFrameEncoder encoder;
  std::vector<Utterance> out;
  std::vector<UtteranceAudio> audio;
  uint16_t seq = 7;
  int64_t steady = 1000;
  size_t piecesBeforeEnd = 0;
  const auto send = [&](bool voiced, int packets) {
    for (int i = 0; i < packets; ++i, ++seq, steady += 20) {
      ASSERT_TRUE(
          ring->push(steady, seq, seq * 960u, false, 127, encoder.encode(frame16(voiced, seq, 48000, 960))));
      mic.poll(0, out, &audio);  // one packet at a time, as the AI thread's ticks see them
      if (out.empty()) piecesBeforeEnd = audio.size();
    }
  };
  send(false, 30);
  send(true, 75);  // 1.5 s of tone
  EXPECT_GE(audio.size(), 10u) << "pieces while it is spoken, before it ends";
  send(false, 50);
  ASSERT_EQ(out.size(), 1u);
  std::vector<int16_t> streamed;
  for (const auto& a : audio) {
    EXPECT_EQ(a.startMs, out[0].startMs);
    EXPECT_EQ(a.speaker.participantId, "client-1");
    EXPECT_GE(a.pcm.size(), MicrophoneStream::kStreamSamples);
    streamed.insert(streamed.end(), a.pcm.begin(), a.pcm.end());
  }
  EXPECT_EQ(piecesBeforeEnd, audio.size());
  ASSERT_LE(streamed.size(), out[0].pcm.size());
  EXPECT_LT(out[0].pcm.size() - streamed.size(), 2 * MicrophoneStream::kStreamSamples);
  EXPECT_TRUE(std::equal(streamed.begin(), streamed.end(), out[0].pcm.begin()));
  for (size_t i = 1; i < audio.size(); ++i) EXPECT_GE(audio[i].untilMs, audio[i - 1].untilMs);
}

TEST(MicrophoneStream, GarbagePayloadsAreSkipped) {
  auto ring = std::make_shared<rtc::RtpPacketRing>(64);
  MicrophoneStream mic({"room", "c", "coach", "C"}, ring);
  const uint8_t junk[5] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
  for (uint16_t i = 0; i < 40; ++i) ring->push(i * 20, i, i * 960u, false, 127, junk);
  std::vector<Utterance> out;
  mic.poll(0, out);
  mic.flush(out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(ring->size(), 0u);
}

}  // namespace
}  // namespace rooms::ai
