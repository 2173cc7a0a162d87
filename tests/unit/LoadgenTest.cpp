// The load generator's own pieces (bench/loadgen): if these were wrong, every figure of `make bench` would
// be.
#include <gtest/gtest.h>

#include <map>

#include "ClientSdp.h"
#include "LatencyHistogram.h"
#include "LinkImpairment.h"
#include "PayloadStamp.h"
#include "SyntheticStream.h"
#include "rtc/rtp/RtpPacket.h"
#include "signaling/Negotiator.h"

using namespace rooms::loadgen;

namespace {

struct Captured {
  std::vector<uint8_t> bytes;
};

std::vector<Captured> runFor(SyntheticStream& stream, int64_t startNs, int64_t durationNs,
                             int64_t stepNs = 1'000'000) {
  std::vector<Captured> out;
  for (int64_t t = startNs; t < startNs + durationNs; t += stepNs) {
    stream.produce(
        t, [&](uint8_t* rtp, size_t size) { out.push_back({std::vector<uint8_t>(rtp, rtp + size)}); });
  }
  return out;
}

}  // namespace

TEST(SyntheticStreamTest, AudioIsFiftyOpusSizedPacketsPerSecondWithSequentialStamps) {
  SyntheticStream s(StreamSpec{StreamKind::Audio, 7, 0x1234, 111, 0, 30}, 0);
  const auto packets = runFor(s, 0, 1'000'000'000);
  ASSERT_GE(packets.size(), 49u);
  ASSERT_LE(packets.size(), 51u);
  uint32_t expected = 0;
  for (auto p : packets) {
    auto rtp = rooms::rtc::RtpPacket::parse(p.bytes.data(), p.bytes.size());
    ASSERT_TRUE(rtp);
    EXPECT_EQ(rtp->ssrc(), 0x1234u);
    EXPECT_EQ(rtp->payloadType(), 111);
    EXPECT_EQ(rtp->payload().size(), SyntheticStream::kAudioPayloadSize);
    const auto stamp = PayloadStamp::find(rtp->payload().data(), rtp->payload().size());
    ASSERT_TRUE(stamp);
    EXPECT_EQ(stamp->streamId, 7u);
    EXPECT_EQ(stamp->sequence, expected++);
  }
}

TEST(SyntheticStreamTest, VideoKeepsItsBitrateInMtuSizedFrameBurstsWithAKeyFrameOnRequest) {
  SyntheticStream s(StreamSpec{StreamKind::Video, 8, 0x5678, 96, 1'000'000, 30}, 0);
  auto packets = runFor(s, 0, 2'000'000'000);
  size_t bytes = 0;
  int frames = 0;
  int keyFrames = 0;
  bool frameStart = true;
  size_t previousSize = 0;
  size_t firstSize = 0;
  for (const auto& p : packets) {
    auto rtp = rooms::rtc::RtpPacket::parse(const_cast<uint8_t*>(p.bytes.data()), p.bytes.size());
    ASSERT_TRUE(rtp);
    const auto payload = rtp->payload();
    EXPECT_LE(payload.size(), SyntheticStream::kMaxVideoPayload + 0u);
    ASSERT_TRUE(PayloadStamp::find(payload.data(), payload.size()));
    if (frameStart) {
      EXPECT_EQ(payload[0] & 0x10, 0x10) << "S bit on a frame's first packet";
      if ((payload[1] & 0x01) == 0) ++keyFrames;
      firstSize = payload.size();
    } else {
      // Split about equally, as libwebrtc does: sizes within one byte, the larger ones last.
      EXPECT_GE(payload.size(), previousSize);
      EXPECT_LE(payload.size(), firstSize + 1);
    }
    previousSize = payload.size();
    frameStart = rtp->marker();
    if (rtp->marker()) ++frames;
    bytes += payload.size();
  }
  EXPECT_NEAR(frames, 60, 1);
  EXPECT_EQ(keyFrames, 1) << "only the first frame, until a PLI";
  // 2 s at 1 Mbit/s, plus the first key frame's extra (kKeyFrameFactor - 1 mean frames).
  const double meanFrame = 1'000'000 / 8.0 / 30;
  const double expected = 250'000 + (SyntheticStream::kKeyFrameFactor - 1) * meanFrame;
  EXPECT_NEAR(static_cast<double>(bytes), expected, expected * 0.1);

  s.requestKeyFrame();
  packets = runFor(s, 2'000'000'000, 40'000'000);
  ASSERT_FALSE(packets.empty());
  auto first = rooms::rtc::RtpPacket::parse(packets.front().bytes.data(), packets.front().bytes.size());
  EXPECT_EQ(first->payload()[1] & 0x01, 0) << "the next frame is a key frame";
  EXPECT_GT(packets.size(), 10u) << "a key frame is several times a delta frame";
}

TEST(LatencyHistogramTest, QuantilesAndMaximum) {
  LatencyHistogram h;
  for (int i = 1; i <= 100; ++i) h.record(i * 100'000);  // 0.1 .. 10 ms
  EXPECT_EQ(h.count(), 100u);
  EXPECT_NEAR(h.quantileMs(0.5), 5.0, 0.02);
  EXPECT_NEAR(h.quantileMs(0.99), 9.9, 0.02);
  EXPECT_DOUBLE_EQ(h.maxMs(), 10.0);
  h.record(500'000'000);  // beyond the buckets: counted in the overflow, exact maximum kept
  EXPECT_DOUBLE_EQ(h.quantileMs(1.0), 500.0);
  h.clear();
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.quantileMs(0.99), 0);
}

TEST(PayloadStampTest, FoundBehindAPayloadDescriptorAndNotInOtherPayloads) {
  uint8_t payload[40] = {0x10, 0x00, 0, 0};
  PayloadStamp{3, 99, 123456789}.write(payload + 4);
  const auto s = PayloadStamp::find(payload, sizeof payload);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->streamId, 3u);
  EXPECT_EQ(s->sequence, 99u);
  EXPECT_EQ(s->sentNs, 123456789);
  uint8_t opus[40] = {0xfc, 0xff, 0xfe};
  EXPECT_FALSE(PayloadStamp::find(opus, sizeof opus));
  EXPECT_FALSE(PayloadStamp::find(payload, 10)) << "truncated";
}

// The offer the load generator sends is one roomsd's negotiator accepts as a browser's: both tracks published
// with our SSRCs, the receivers assigned, and its answer parsed back into our transport parameters.
TEST(ClientSdpTest, OfferIsAcceptedByTheNegotiatorAndItsAnswerParsesBack) {
  OfferSpec spec;
  spec.iceUfrag = "lgufrag1";
  spec.icePwd = "loadgenpasswordloadgenpw";
  spec.fingerprint =
      "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";
  spec.candidateIp = "127.0.0.1";
  spec.candidatePort = 50000;
  spec.streamId = "lg-coach";
  spec.audioSsrc = 0x10000001;
  spec.videoSsrc = 0x10000002;
  spec.recvAudio = 1;
  spec.recvVideo = 1;
  rooms::signaling::NegotiationInput in;
  in.offerSdp = ClientSdp::offer(spec);
  in.sources = {{"0", "microphone"}, {"1", "camera"}};
  in.permissions = {true, true, false};
  in.trackIdPrefix = "p1-";
  in.localUfrag = "srvu";
  in.localPwd = "serverpasswordserverpass";
  in.fingerprint = spec.fingerprint;
  rooms::sdp::Candidate c;
  c.foundation = "1";
  c.transport = "udp";
  c.priority = 2130706431;
  c.address = "127.0.0.1";
  c.port = 40000;
  c.type = "host";
  in.candidates = {c};
  in.cname = "roomsd";
  uint32_t next = 1000;
  in.newSsrc = [&] { return next++; };
  const auto result = rooms::signaling::Negotiator::negotiate(in);
  ASSERT_EQ(result.error, "");
  ASSERT_EQ(result.publications.size(), 2u);
  std::map<std::string, uint32_t> ssrcs;
  for (const auto& p : result.publications) ssrcs[p.mid] = p.producer.ssrc;
  EXPECT_EQ(ssrcs["0"], 0x10000001u);
  EXPECT_EQ(ssrcs["1"], 0x10000002u);
  EXPECT_EQ(result.slots.size(), 2u);
  EXPECT_EQ(result.remoteUfrag, "lgufrag1");

  std::string error;
  const auto remote = ClientSdp::remoteParams(result.answerSdp, error);
  ASSERT_TRUE(remote) << error;
  EXPECT_EQ(remote->iceUfrag, "srvu");
  EXPECT_EQ(remote->icePwd, "serverpasswordserverpass");
  EXPECT_EQ(remote->ip, "127.0.0.1");
  EXPECT_EQ(remote->port, 40000);
  EXPECT_TRUE(remote->weAreDtlsClient) << "roomsd answers a=setup:passive";
}

TEST(ClientSdpTest, AnswersAServerOfferRecvonlyAsTheDtlsClient) {
  const std::string offer =
      "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=VideoRoom\r\nt=0 0\r\na=group:BUNDLE 0 1\r\na=ice-lite\r\n"
      "a=fingerprint:sha-256 AB:CD\r\n"
      "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 127.0.0.1\r\na=sendonly\r\na=mid:0\r\na=rtcp-mux\r\n"
      "a=ice-ufrag:ZXMW\r\na=ice-pwd:6QhB02k5MLiUMJ2hfdFR3M\r\na=setup:actpass\r\na=rtpmap:111 "
      "opus/48000/2\r\n"
      "a=candidate:1 1 udp 2015363327 127.0.0.1 20981 typ host\r\n"
      "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\nc=IN IP4 127.0.0.1\r\na=sendonly\r\na=mid:1\r\na=rtcp-mux\r\n"
      "a=ice-ufrag:ZXMW\r\na=ice-pwd:6QhB02k5MLiUMJ2hfdFR3M\r\na=setup:actpass\r\na=rtpmap:96 VP8/90000\r\n"
      "a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n";
  OfferSpec spec;
  spec.iceUfrag = "u";
  spec.icePwd = "p";
  spec.fingerprint = "AB";
  std::string error;
  const auto answer = ClientSdp::answer(offer, spec, error);
  ASSERT_TRUE(answer) << error;
  EXPECT_NE(answer->find("m=video 9 UDP/TLS/RTP/SAVPF 96\r\n"), std::string::npos);
  EXPECT_NE(answer->find("a=setup:active"), std::string::npos);
  EXPECT_EQ(answer->find("sendrecv"), std::string::npos);
  const auto remote = ClientSdp::remoteParams(offer, error);
  ASSERT_TRUE(remote) << error;
  EXPECT_EQ(remote->port, 20981);
  EXPECT_TRUE(remote->weAreDtlsClient);
  EXPECT_FALSE(ClientSdp::remoteParams("v=0\r\n", error));
}

TEST(LinkImpairmentTest, DropsAboutTheGivenShareOfEachDirectionIndependently) {
  LinkImpairment link(ImpairmentSpec{2.0, 10.0, 7}, 0);
  int sentDrops = 0;
  int receivedDrops = 0;
  constexpr int kPackets = 100000;
  for (int i = 0; i < kPackets; ++i) {
    sentDrops += link.dropSent() ? 1 : 0;
    receivedDrops += link.dropReceived() ? 1 : 0;
  }
  EXPECT_NEAR(sentDrops, kPackets * 0.02, kPackets * 0.003);
  EXPECT_NEAR(receivedDrops, kPackets * 0.10, kPackets * 0.006);
}

TEST(LinkImpairmentTest, NoLossNeverDropsAndTheSameSeedRepeatsPerPeer) {
  LinkImpairment clean;
  EXPECT_FALSE(clean.active());
  for (int i = 0; i < 1000; ++i) ASSERT_FALSE(clean.dropSent() || clean.dropReceived());

  LinkImpairment a(ImpairmentSpec{5.0, 0, 42}, 3);
  LinkImpairment b(ImpairmentSpec{5.0, 0, 42}, 3);
  LinkImpairment other(ImpairmentSpec{5.0, 0, 42}, 4);
  EXPECT_TRUE(a.active());
  int same = 0;
  int differs = 0;
  for (int i = 0; i < 2000; ++i) {
    const bool x = a.dropSent();
    same += x == b.dropSent() ? 1 : 0;
    differs += x != other.dropSent() ? 1 : 0;
    ASSERT_FALSE(a.dropReceived());
  }
  EXPECT_EQ(same, 2000);
  EXPECT_GT(differs, 0) << "another peer loses other packets";
}
