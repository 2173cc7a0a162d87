// SDP parsing and writing against offers laid out exactly as Chrome and Firefox produce them, and the codec
// and extension choices an SFU answer makes from them. fuzz/corpus/sdp/ holds the same offers with CRLF.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "rtc/sdp/CodecMatcher.h"
#include "rtc/sdp/SessionDescription.h"

namespace rooms::sdp {
namespace {

// Chrome unified plan: audio with Opus and RED, video with VP8, VP9 (two profiles), H264 (four variants)
// each with RTX, and a data channel; BUNDLE, rtcp-mux, trickle.
constexpr std::string_view kChromeOffer = R"sdp(v=0
o=- 4611731400430051336 2 IN IP4 127.0.0.1
s=-
t=0 0
a=group:BUNDLE 0 1 2
a=extmap-allow-mixed
a=msid-semantic: WMS 5e2f0a6b-3c1d-4e8f-9a7b-1c2d3e4f5a6b
m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=candidate:1467250027 1 udp 2122260223 192.168.1.20 54400 typ host generation 0 network-id 1 network-cost 10
a=candidate:842163049 1 udp 1686052607 203.0.113.7 61022 typ srflx raddr 192.168.1.20 rport 54400 generation 0 network-id 1 network-cost 10
a=candidate:2733119874 1 tcp 1518280447 192.168.1.20 9 typ host tcptype active generation 0 network-id 1 network-cost 10
a=ice-ufrag:Xq3B
a=ice-pwd:8sdf7Gh3kLp0qRsTuVwXyZ12
a=ice-options:trickle
a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08
a=setup:actpass
a=mid:0
a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
a=sendrecv
a=msid:5e2f0a6b-3c1d-4e8f-9a7b-1c2d3e4f5a6b 0b9d8c7e-6f5a-4b3c-2d1e-0f9a8b7c6d5e
a=rtcp-mux
a=rtcp-rsize
a=rtpmap:111 opus/48000/2
a=rtcp-fb:111 transport-cc
a=fmtp:111 minptime=10;useinbandfec=1
a=rtpmap:63 red/48000/2
a=fmtp:63 111/111
a=rtpmap:9 G722/8000
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:13 CN/8000
a=rtpmap:110 telephone-event/48000
a=rtpmap:126 telephone-event/8000
a=ssrc:1001234567 cname:Yq0vJ3kR8pXb2LmN
a=ssrc:1001234567 msid:5e2f0a6b-3c1d-4e8f-9a7b-1c2d3e4f5a6b 0b9d8c7e-6f5a-4b3c-2d1e-0f9a8b7c6d5e
m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 100 101 102 103 104 105 106 107 35 36
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:Xq3B
a=ice-pwd:8sdf7Gh3kLp0qRsTuVwXyZ12
a=ice-options:trickle
a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08
a=setup:actpass
a=mid:1
a=extmap:14 urn:ietf:params:rtp-hdrext:toffset
a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=extmap:13 urn:3gpp:video-orientation
a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay
a=extmap:6 http://www.webrtc.org/experiments/rtp-hdrext/video-content-type
a=extmap:7 http://www.webrtc.org/experiments/rtp-hdrext/video-timing
a=extmap:8 http://www.webrtc.org/experiments/rtp-hdrext/color-space
a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id
a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id
a=sendrecv
a=msid:5e2f0a6b-3c1d-4e8f-9a7b-1c2d3e4f5a6b 4a3b2c1d-0e9f-4a8b-b7c6-d5e4f3a2b1c0
a=rtcp-mux
a=rtcp-rsize
a=rtpmap:96 VP8/90000
a=rtcp-fb:96 goog-remb
a=rtcp-fb:96 transport-cc
a=rtcp-fb:96 ccm fir
a=rtcp-fb:96 nack
a=rtcp-fb:96 nack pli
a=rtpmap:97 rtx/90000
a=fmtp:97 apt=96
a=rtpmap:98 VP9/90000
a=rtcp-fb:98 goog-remb
a=rtcp-fb:98 transport-cc
a=rtcp-fb:98 ccm fir
a=rtcp-fb:98 nack
a=rtcp-fb:98 nack pli
a=fmtp:98 profile-id=0
a=rtpmap:99 rtx/90000
a=fmtp:99 apt=98
a=rtpmap:100 VP9/90000
a=rtcp-fb:100 goog-remb
a=rtcp-fb:100 transport-cc
a=rtcp-fb:100 ccm fir
a=rtcp-fb:100 nack
a=rtcp-fb:100 nack pli
a=fmtp:100 profile-id=2
a=rtpmap:101 rtx/90000
a=fmtp:101 apt=100
a=rtpmap:102 H264/90000
a=rtcp-fb:102 goog-remb
a=rtcp-fb:102 transport-cc
a=rtcp-fb:102 ccm fir
a=rtcp-fb:102 nack
a=rtcp-fb:102 nack pli
a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f
a=rtpmap:103 rtx/90000
a=fmtp:103 apt=102
a=rtpmap:104 H264/90000
a=rtcp-fb:104 goog-remb
a=rtcp-fb:104 transport-cc
a=rtcp-fb:104 ccm fir
a=rtcp-fb:104 nack
a=rtcp-fb:104 nack pli
a=fmtp:104 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f
a=rtpmap:105 rtx/90000
a=fmtp:105 apt=104
a=rtpmap:106 H264/90000
a=rtcp-fb:106 goog-remb
a=rtcp-fb:106 transport-cc
a=rtcp-fb:106 ccm fir
a=rtcp-fb:106 nack
a=rtcp-fb:106 nack pli
a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f
a=rtpmap:107 rtx/90000
a=fmtp:107 apt=106
a=rtpmap:35 H264/90000
a=rtcp-fb:35 goog-remb
a=rtcp-fb:35 transport-cc
a=rtcp-fb:35 ccm fir
a=rtcp-fb:35 nack
a=rtcp-fb:35 nack pli
a=fmtp:35 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f
a=rtpmap:36 rtx/90000
a=fmtp:36 apt=35
a=ssrc-group:FID 2718281828 3141592653
a=ssrc:2718281828 cname:Yq0vJ3kR8pXb2LmN
a=ssrc:2718281828 msid:5e2f0a6b-3c1d-4e8f-9a7b-1c2d3e4f5a6b 4a3b2c1d-0e9f-4a8b-b7c6-d5e4f3a2b1c0
a=ssrc:3141592653 cname:Yq0vJ3kR8pXb2LmN
a=ssrc:3141592653 msid:5e2f0a6b-3c1d-4e8f-9a7b-1c2d3e4f5a6b 4a3b2c1d-0e9f-4a8b-b7c6-d5e4f3a2b1c0
m=application 9 UDP/DTLS/SCTP webrtc-datachannel
c=IN IP4 0.0.0.0
a=ice-ufrag:Xq3B
a=ice-pwd:8sdf7Gh3kLp0qRsTuVwXyZ12
a=ice-options:trickle
a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08
a=setup:actpass
a=mid:2
a=sctp-port:5000
a=max-message-size:262144
)sdp";

// Firefox: fingerprint and ICE options at session level, fmtp before rtpmap, extmap directions.
constexpr std::string_view kFirefoxOffer = R"sdp(v=0
o=mozilla...THIS_IS_SDPARTA-120.0 7118393424254283470 0 IN IP4 0.0.0.0
s=-
t=0 0
a=fingerprint:sha-256 3E:5D:0A:C4:91:2B:7F:66:18:E0:D3:A9:4C:B5:02:7E:9F:11:6A:C8:D7:35:E2:4B:90:0F:A6:5C:23:D1:88:7B
a=group:BUNDLE 0 1 2
a=ice-options:trickle
a=msid-semantic:WMS *
m=audio 9 UDP/TLS/RTP/SAVPF 109 9 0 8 101
c=IN IP4 0.0.0.0
a=sendrecv
a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
a=extmap:2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level
a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid
a=fmtp:109 maxplaybackrate=48000;stereo=1;useinbandfec=1
a=fmtp:101 0-15
a=ice-pwd:b5c3e1f0a9d8c7b6a5f4e3d2c1b0a9f8
a=ice-ufrag:7f3e2d1c
a=mid:0
a=msid:{8c1e4f2a-3b5d-4c6e-9f7a-0b1c2d3e4f5a} {1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d}
a=rtcp-mux
a=rtpmap:109 opus/48000/2
a=rtpmap:9 G722/8000/1
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=setup:actpass
a=ssrc:3334455667 cname:{d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70}
m=video 9 UDP/TLS/RTP/SAVPF 120 124 121 125 126 127 97 98
c=IN IP4 0.0.0.0
a=sendrecv
a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid
a=extmap:4 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=extmap:5 urn:ietf:params:rtp-hdrext:toffset
a=extmap:6/recvonly http://www.webrtc.org/experiments/rtp-hdrext/playout-delay
a=extmap:7 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=fmtp:126 profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1
a=fmtp:97 profile-level-id=42e01f;level-asymmetry-allowed=1
a=fmtp:120 max-fs=12288;max-fr=60
a=fmtp:124 apt=120
a=fmtp:121 max-fs=12288;max-fr=60
a=fmtp:125 apt=121
a=fmtp:127 apt=126
a=fmtp:98 apt=97
a=ice-pwd:b5c3e1f0a9d8c7b6a5f4e3d2c1b0a9f8
a=ice-ufrag:7f3e2d1c
a=mid:1
a=msid:{8c1e4f2a-3b5d-4c6e-9f7a-0b1c2d3e4f5a} {6f5e4d3c-2b1a-4f9e-8d7c-6b5a4f3e2d1c}
a=rtcp-fb:120 nack
a=rtcp-fb:120 nack pli
a=rtcp-fb:120 ccm fir
a=rtcp-fb:120 goog-remb
a=rtcp-fb:120 transport-cc
a=rtcp-fb:121 nack
a=rtcp-fb:121 nack pli
a=rtcp-fb:121 ccm fir
a=rtcp-fb:121 goog-remb
a=rtcp-fb:121 transport-cc
a=rtcp-fb:126 nack
a=rtcp-fb:126 nack pli
a=rtcp-fb:126 ccm fir
a=rtcp-fb:126 goog-remb
a=rtcp-fb:126 transport-cc
a=rtcp-fb:97 nack
a=rtcp-fb:97 nack pli
a=rtcp-fb:97 ccm fir
a=rtcp-fb:97 goog-remb
a=rtcp-fb:97 transport-cc
a=rtcp-mux
a=rtcp-rsize
a=rtpmap:120 VP8/90000
a=rtpmap:124 rtx/90000
a=rtpmap:121 VP9/90000
a=rtpmap:125 rtx/90000
a=rtpmap:126 H264/90000
a=rtpmap:127 rtx/90000
a=rtpmap:97 H264/90000
a=rtpmap:98 rtx/90000
a=setup:actpass
a=ssrc:1212121212 cname:{d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70}
a=ssrc:3434343434 cname:{d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70}
a=ssrc-group:FID 1212121212 3434343434
m=application 9 UDP/DTLS/SCTP webrtc-datachannel
c=IN IP4 0.0.0.0
a=sendrecv
a=ice-pwd:b5c3e1f0a9d8c7b6a5f4e3d2c1b0a9f8
a=ice-ufrag:7f3e2d1c
a=mid:2
a=setup:actpass
a=sctp-port:5000
a=max-message-size:1073741823
)sdp";

SessionDescription parseOk(std::string_view text) {
  std::string error;
  auto sd = SessionDescription::parse(text, error);
  EXPECT_TRUE(sd.has_value()) << error;
  return sd ? std::move(*sd) : SessionDescription{};
}

std::string parseError(std::string_view text) {
  std::string error;
  const auto sd = SessionDescription::parse(text, error);
  EXPECT_FALSE(sd.has_value()) << "accepted: " << text.substr(0, 200);
  EXPECT_FALSE(error.empty());
  return error;
}

std::string withCrlf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

constexpr std::string_view kMinimal = "v=0\no=- 1 1 IN IP4 127.0.0.1\ns=-\nt=0 0\n";

TEST(SdpTest, ChromeSessionLevel) {
  const auto sd = parseOk(kChromeOffer);
  EXPECT_EQ(sd.version, 0);
  EXPECT_EQ(sd.origin.username, "-");
  EXPECT_EQ(sd.origin.sessionId, "4611731400430051336");
  EXPECT_EQ(sd.origin.sessionVersion, "2");
  EXPECT_EQ(sd.origin.address, "127.0.0.1");
  EXPECT_EQ(sd.sessionName, "-");
  EXPECT_EQ(sd.timing, "0 0");
  EXPECT_EQ(sd.bundleMids(), (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_TRUE(sd.extmapAllowMixed);
  EXPECT_FALSE(sd.iceLite);
  ASSERT_TRUE(sd.msidSemantic);
  EXPECT_EQ(*sd.msidSemantic, " WMS 5e2f0a6b-3c1d-4e8f-9a7b-1c2d3e4f5a6b");
  ASSERT_EQ(sd.media.size(), 3u);
  EXPECT_EQ(sd.media[0].kind, "audio");
  EXPECT_EQ(sd.media[1].kind, "video");
  EXPECT_EQ(sd.media[2].kind, "application");
  EXPECT_EQ(sd.findMid("1"), &sd.media[1]);
  EXPECT_EQ(sd.findMid("9"), nullptr);
}

TEST(SdpTest, ChromeAudioSection) {
  const auto sd = parseOk(kChromeOffer);
  const MediaSection& a = sd.media[0];
  EXPECT_EQ(a.port, 9);
  EXPECT_EQ(a.proto, "UDP/TLS/RTP/SAVPF");
  EXPECT_TRUE(a.isRtp());
  EXPECT_EQ(a.payloadTypes(), (std::vector<int>{111, 63, 9, 0, 8, 13, 110, 126}));
  EXPECT_EQ(a.connection, "IN IP4 0.0.0.0");
  EXPECT_EQ(a.mid, "0");
  EXPECT_EQ(a.iceUfrag, "Xq3B");
  EXPECT_EQ(a.icePwd, "8sdf7Gh3kLp0qRsTuVwXyZ12");
  EXPECT_EQ(a.iceOptions, std::vector<std::string>{"trickle"});
  ASSERT_EQ(a.fingerprints.size(), 1u);
  EXPECT_EQ(a.fingerprints[0].algorithm, "sha-256");
  EXPECT_EQ(
      a.fingerprints[0].hex,
      "7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08");
  EXPECT_EQ(a.setup, Setup::kActpass);
  EXPECT_EQ(a.direction, Direction::kSendRecv);
  EXPECT_TRUE(a.rtcpMux);
  EXPECT_TRUE(a.rtcpRsize);

  const Rtpmap* opus = a.rtpmap(111);
  ASSERT_NE(opus, nullptr);
  EXPECT_EQ(opus->codec, "opus");
  EXPECT_EQ(opus->clockRate, 48000u);
  EXPECT_EQ(opus->channels, 2);
  EXPECT_EQ(a.rtpmap(9)->channels, 0);
  const Fmtp* opusFmtp = a.fmtp(111);
  ASSERT_NE(opusFmtp, nullptr);
  EXPECT_EQ(opusFmtp->param("minptime"), "10");
  EXPECT_EQ(opusFmtp->param("useinbandfec"), "1");
  EXPECT_EQ(opusFmtp->param("stereo"), std::nullopt);
  const Fmtp* red = a.fmtp(63);
  ASSERT_NE(red, nullptr);
  EXPECT_EQ(a.rtpmap(63)->codec, "red");
  EXPECT_TRUE(red->params.empty());
  EXPECT_EQ(red->opaque, "111/111");
  const auto fb = a.rtcpFeedback(111);
  ASSERT_EQ(fb.size(), 1u);
  EXPECT_EQ(fb[0].type, "transport-cc");
  EXPECT_EQ(fb[0].subtype, "");

  ASSERT_EQ(a.extmaps.size(), 4u);
  EXPECT_EQ(a.extmaps[0].id, 1);
  EXPECT_EQ(a.extmaps[0].uri, "urn:ietf:params:rtp-hdrext:ssrc-audio-level");
  EXPECT_FALSE(a.extmaps[0].direction);
  ASSERT_EQ(a.msids.size(), 1u);
  EXPECT_EQ(a.msids[0].streamId, "5e2f0a6b-3c1d-4e8f-9a7b-1c2d3e4f5a6b");
  EXPECT_EQ(a.msids[0].trackId, "0b9d8c7e-6f5a-4b3c-2d1e-0f9a8b7c6d5e");
  ASSERT_EQ(a.ssrcs.size(), 2u);
  EXPECT_EQ(a.ssrcs[0].ssrc, 1001234567u);
  EXPECT_EQ(a.ssrcs[0].attribute, "cname");
  EXPECT_EQ(a.ssrcs[0].value, "Yq0vJ3kR8pXb2LmN");
  EXPECT_EQ(a.ssrcs[1].attribute, "msid");
  EXPECT_EQ(a.ssrcs[1].value, "5e2f0a6b-3c1d-4e8f-9a7b-1c2d3e4f5a6b 0b9d8c7e-6f5a-4b3c-2d1e-0f9a8b7c6d5e");
  // a=rtcp is not modelled but must survive.
  ASSERT_EQ(a.otherAttributes.size(), 1u);
  EXPECT_EQ(a.otherAttributes[0].name, "rtcp");
  EXPECT_EQ(a.otherAttributes[0].value, "9 IN IP4 0.0.0.0");
}

TEST(SdpTest, ChromeCandidates) {
  const auto sd = parseOk(kChromeOffer);
  const auto& c = sd.media[0].candidates;
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].foundation, "1467250027");
  EXPECT_EQ(c[0].component, 1);
  EXPECT_EQ(c[0].transport, "udp");
  EXPECT_EQ(c[0].priority, 2122260223u);
  EXPECT_EQ(c[0].address, "192.168.1.20");
  EXPECT_EQ(c[0].port, 54400);
  EXPECT_EQ(c[0].type, "host");
  EXPECT_TRUE(c[0].relatedAddress.empty());
  ASSERT_EQ(c[0].extensions.size(), 3u);
  EXPECT_EQ(c[0].extensions[0], (std::pair<std::string, std::string>{"generation", "0"}));
  EXPECT_EQ(c[1].type, "srflx");
  EXPECT_EQ(c[1].relatedAddress, "192.168.1.20");
  EXPECT_EQ(c[1].relatedPort, 54400);
  EXPECT_EQ(c[2].transport, "tcp");
  EXPECT_EQ(c[2].tcpType, "active");
  EXPECT_FALSE(sd.media[0].endOfCandidates);

  // The trickle form with the "candidate:" prefix, as it arrives over signaling.
  std::string error;
  const auto trickled = Candidate::parse(
      "candidate:3 1 UDP 2122194687 a1b2c3d4-e5f6-4789-abcd-ef0123456789.local 50000 typ host generation 0",
      error);
  ASSERT_TRUE(trickled) << error;
  EXPECT_EQ(trickled->transport, "udp");
  EXPECT_EQ(trickled->address, "a1b2c3d4-e5f6-4789-abcd-ef0123456789.local");
  EXPECT_EQ(trickled->toString(),
            "3 1 udp 2122194687 a1b2c3d4-e5f6-4789-abcd-ef0123456789.local 50000 typ host generation 0");
}

TEST(SdpTest, ChromeVideoSection) {
  const auto sd = parseOk(kChromeOffer);
  const MediaSection& v = sd.media[1];
  EXPECT_EQ(v.payloadTypes().size(), 14u);
  EXPECT_EQ(v.rtpmaps.size(), 14u);
  EXPECT_EQ(v.rtpmap(96)->codec, "VP8");
  EXPECT_EQ(v.rtpmap(96)->clockRate, 90000u);
  EXPECT_EQ(v.rtpmap(97)->codec, "rtx");
  EXPECT_EQ(v.fmtp(97)->param("apt"), "96");
  EXPECT_EQ(v.fmtp(100)->param("profile-id"), "2");
  const Fmtp* h264 = v.fmtp(106);
  ASSERT_NE(h264, nullptr);
  EXPECT_EQ(h264->params.size(), 3u);
  EXPECT_EQ(h264->param("profile-level-id"), "42e01f");
  EXPECT_EQ(h264->param("packetization-mode"), "1");
  EXPECT_EQ(h264->param("level-asymmetry-allowed"), "1");

  const auto fb = v.rtcpFeedback(96);
  ASSERT_EQ(fb.size(), 5u);
  EXPECT_EQ(fb[0].type, "goog-remb");
  EXPECT_EQ(fb[2].type, "ccm");
  EXPECT_EQ(fb[2].subtype, "fir");
  EXPECT_EQ(fb[4].type, "nack");
  EXPECT_EQ(fb[4].subtype, "pli");
  EXPECT_TRUE(v.rtcpFeedback(97).empty());

  EXPECT_EQ(v.extmaps.size(), 11u);
  ASSERT_NE(v.extmapByUri("urn:ietf:params:rtp-hdrext:sdes:mid"), nullptr);
  EXPECT_EQ(v.extmapByUri("urn:ietf:params:rtp-hdrext:sdes:mid")->id, 4);
  ASSERT_EQ(v.ssrcGroups.size(), 1u);
  EXPECT_EQ(v.ssrcGroups[0].semantics, "FID");
  EXPECT_EQ(v.ssrcGroups[0].ssrcs, (std::vector<uint32_t>{2718281828u, 3141592653u}));
  EXPECT_EQ(v.ssrcs.size(), 4u);
}

TEST(SdpTest, ChromeApplicationSection) {
  const auto sd = parseOk(kChromeOffer);
  const MediaSection& d = sd.media[2];
  EXPECT_FALSE(d.isRtp());
  EXPECT_EQ(d.proto, "UDP/DTLS/SCTP");
  EXPECT_EQ(d.formats, std::vector<std::string>{"webrtc-datachannel"});
  EXPECT_TRUE(d.payloadTypes().empty());
  EXPECT_EQ(d.sctpPort, 5000);
  EXPECT_EQ(d.maxMessageSize, 262144u);
  EXPECT_EQ(d.mid, "2");
  EXPECT_FALSE(d.direction);
}

TEST(SdpTest, FirefoxOffer) {
  const auto sd = parseOk(kFirefoxOffer);
  EXPECT_EQ(sd.origin.username, "mozilla...THIS_IS_SDPARTA-120.0");
  ASSERT_EQ(sd.fingerprints.size(), 1u);
  EXPECT_EQ(sd.fingerprints[0].algorithm, "sha-256");
  EXPECT_EQ(sd.iceOptions, std::vector<std::string>{"trickle"});
  EXPECT_EQ(sd.msidSemantic, "WMS *");
  ASSERT_EQ(sd.media.size(), 3u);

  const MediaSection& a = sd.media[0];
  EXPECT_TRUE(a.fingerprints.empty());
  EXPECT_EQ(sd.fingerprintsOf(a), sd.fingerprints);
  EXPECT_EQ(sd.iceUfragOf(a), "7f3e2d1c");
  EXPECT_EQ(a.rtpmap(9)->channels, 1);
  EXPECT_EQ(a.fmtp(109)->param("stereo"), "1");
  EXPECT_EQ(a.fmtp(101)->opaque, "0-15");
  ASSERT_EQ(a.extmaps.size(), 3u);
  EXPECT_EQ(a.extmaps[1].direction, Direction::kRecvOnly);
  EXPECT_EQ(a.extmaps[1].uri, "urn:ietf:params:rtp-hdrext:csrc-audio-level");
  EXPECT_EQ(a.msids[0].streamId, "{8c1e4f2a-3b5d-4c6e-9f7a-0b1c2d3e4f5a}");

  const MediaSection& v = sd.media[1];
  EXPECT_EQ(v.fmtp(124)->param("apt"), "120");
  EXPECT_EQ(v.rtcpFeedback(126).size(), 5u);
  EXPECT_EQ(v.ssrcGroups[0].ssrcs, (std::vector<uint32_t>{1212121212u, 3434343434u}));
  EXPECT_EQ(sd.directionOf(v), Direction::kSendRecv);

  const MediaSection& d = sd.media[2];
  EXPECT_EQ(d.maxMessageSize, 1073741823u);
  EXPECT_EQ(d.direction, Direction::kSendRecv);
}

TEST(SdpTest, CrlfAndLfParseAlike) {
  EXPECT_EQ(parseOk(kChromeOffer), parseOk(withCrlf(kChromeOffer)));
  EXPECT_EQ(parseOk(kFirefoxOffer), parseOk(withCrlf(kFirefoxOffer)));
}

TEST(SdpTest, ChromeRoundTripIsEquivalent) {
  const auto sd = parseOk(kChromeOffer);
  const std::string written = sd.toString();
  EXPECT_EQ(parseOk(written), sd);
  // Chrome's own layout is what the writer produces, so the text itself survives.
  EXPECT_EQ(written.size(), withCrlf(kChromeOffer).size());
}

TEST(SdpTest, FirefoxRoundTripIsStable) {
  const auto sd = parseOk(kFirefoxOffer);
  const std::string written = sd.toString();
  const auto again = parseOk(written);
  EXPECT_EQ(again.toString(), written);
  // Firefox orders lines differently from our writer; per payload type nothing may change.
  ASSERT_EQ(again.media.size(), sd.media.size());
  for (size_t i = 0; i < sd.media.size(); ++i) {
    for (int pt : sd.media[i].payloadTypes()) {
      EXPECT_EQ(*again.media[i].rtpmap(pt), *sd.media[i].rtpmap(pt));
      if (sd.media[i].fmtp(pt)) {
        EXPECT_EQ(*again.media[i].fmtp(pt), *sd.media[i].fmtp(pt));
      }
      EXPECT_EQ(again.media[i].rtcpFeedback(pt), sd.media[i].rtcpFeedback(pt));
    }
    EXPECT_EQ(again.media[i].extmaps, sd.media[i].extmaps);
    EXPECT_EQ(again.media[i].ssrcs, sd.media[i].ssrcs);
    EXPECT_EQ(again.media[i].msids, sd.media[i].msids);
  }
}

TEST(SdpTest, WriterUsesCrlfOnly) {
  const std::string written = parseOk(kFirefoxOffer).toString();
  ASSERT_GE(written.size(), 2u);
  EXPECT_EQ(written.substr(written.size() - 2), "\r\n");
  for (size_t i = 0; i < written.size(); ++i) {
    if (written[i] == '\n') {
      EXPECT_EQ(written[i - 1], '\r') << "at " << i;
    }
  }
}

TEST(SdpTest, SimulcastRidAndUnknownAttributesAreKept) {
  const std::string text = std::string(kMinimal) +
                           "a=ice-lite\n"
                           "a=x-session-thing:42\n"
                           "m=video 9 UDP/TLS/RTP/SAVPF 96\n"
                           "a=mid:v\n"
                           "a=rtpmap:96 VP8/90000\n"
                           "a=rtcp-fb:* nack\n"
                           "a=extmap:9/sendonly urn:example:ext attr1\n"
                           "a=rid:h send pt=96;max-width=1280\n"
                           "a=rid:l send\n"
                           "a=simulcast:send h;l\n"
                           "a=x-google-flag:conference\n"
                           "a=x-flag\n"
                           "i=title\n"
                           "b=AS:2500\n"
                           "a=end-of-candidates\n";
  const auto sd = parseOk(text);
  EXPECT_TRUE(sd.iceLite);
  ASSERT_EQ(sd.otherAttributes.size(), 1u);
  EXPECT_EQ(sd.otherAttributes[0].value, "42");
  const MediaSection& v = sd.media.at(0);
  ASSERT_EQ(v.rids.size(), 2u);
  EXPECT_EQ(v.rids[0].id, "h");
  EXPECT_EQ(v.rids[0].direction, "send");
  EXPECT_EQ(v.rids[0].params, "pt=96;max-width=1280");
  EXPECT_EQ(v.simulcast, "send h;l");
  ASSERT_EQ(v.rtcpFbs.size(), 1u);
  EXPECT_FALSE(v.rtcpFbs[0].pt);
  EXPECT_EQ(v.rtcpFeedback(96).size(), 1u);
  EXPECT_EQ(v.extmaps[0].direction, Direction::kSendOnly);
  EXPECT_EQ(v.extmaps[0].attributes, "attr1");
  ASSERT_EQ(v.otherAttributes.size(), 2u);
  EXPECT_FALSE(v.otherAttributes[1].value);
  EXPECT_EQ(v.otherLines, (std::vector<std::pair<char, std::string>>{{'i', "title"}}));
  EXPECT_EQ(v.bandwidths, std::vector<std::string>{"AS:2500"});
  EXPECT_TRUE(v.endOfCandidates);
  EXPECT_EQ(parseOk(sd.toString()), sd);
}

TEST(SdpTest, RejectsMissingVersion) {
  EXPECT_EQ(parseError("o=- 1 1 IN IP4 127.0.0.1\ns=-\nt=0 0\n"), "line 1: SDP must start with a v= line");
  EXPECT_EQ(parseError("v=1\no=- 1 1 IN IP4 127.0.0.1\ns=-\nt=0 0\n"),
            "line 1: unsupported SDP version '1' (expected 0)");
  EXPECT_EQ(parseError(""), "SDP is empty");
  EXPECT_EQ(parseError("v=0\ns=-\nt=0 0\n"), "SDP has no o= line");
  EXPECT_EQ(parseError("v=0\no=- 1 1 IN IP4 127.0.0.1\nt=0 0\n"), "SDP has no s= line");
  EXPECT_EQ(parseError("v=0\no=- 1 1 IN\ns=-\nt=0 0\n").substr(0, 20), "line 2: o= line need");
}

TEST(SdpTest, RejectsBadMediaLine) {
  const std::string base(kMinimal);
  EXPECT_EQ(parseError(base + "m=video\n"), "line 5: m= line needs '<media> <port> <proto> <fmt> ...'");
  EXPECT_EQ(parseError(base + "m=video 9 UDP/TLS/RTP/SAVPF\n"),
            "line 5: m= line needs '<media> <port> <proto> <fmt> ...'");
  EXPECT_EQ(parseError(base + "m=video nine UDP/TLS/RTP/SAVPF 96\n"),
            "line 5: m= line port 'nine' is not a number in 0..65535");
  EXPECT_EQ(parseError(base + "m=video 70000 UDP/TLS/RTP/SAVPF 96\n"),
            "line 5: m= line port '70000' is not a number in 0..65535");
  EXPECT_EQ(parseError(base + "m=video -1 UDP/TLS/RTP/SAVPF 96\n"),
            "line 5: m= line port '-1' is not a number in 0..65535");
}

TEST(SdpTest, RejectsMalformedAttributes) {
  const std::string base = std::string(kMinimal) + "m=audio 9 UDP/TLS/RTP/SAVPF 111\n";
  EXPECT_EQ(parseError(base + "a=rtpmap:abc opus/48000/2\n"),
            "line 6: rtpmap payload type 'abc' is not a number in 0..127");
  EXPECT_EQ(parseError(base + "a=rtpmap:128 opus/48000/2\n"),
            "line 6: rtpmap payload type '128' is not a number in 0..127");
  EXPECT_EQ(parseError(base + "a=rtpmap:111 opus\n"), "line 6: rtpmap needs '<pt> <codec>/<clock rate>'");
  EXPECT_EQ(parseError(base + "a=rtpmap:111 opus/fast\n"),
            "line 6: rtpmap clock rate is not a positive number");
  EXPECT_EQ(parseError(base + "a=fingerprint:sha-256\n"),
            "line 6: fingerprint needs '<hash function> <hex bytes>'");
  EXPECT_EQ(parseError(base + "a=fingerprint\n"), "line 6: a=fingerprint has no value");
  EXPECT_EQ(parseError(base + "a=fingerprint:sha-256 XY:00\n"),
            "line 6: fingerprint value is not colon-separated hex bytes");
  EXPECT_EQ(parseError(std::string(kMinimal) + "a=fingerprint:sha-256 \n"),
            "line 5: fingerprint needs '<hash function> <hex bytes>'");
  EXPECT_EQ(parseError(base + "a=setup:maybe\n"),
            "line 6: a=setup value 'maybe' is not actpass, active, passive or holdconn");
  EXPECT_EQ(parseError(base + "a=fmtp:x apt=96\n"),
            "line 6: fmtp payload type 'x' is not a number in 0..127");
  EXPECT_EQ(parseError(base + "a=rtcp-fb:96\n"), "line 6: rtcp-fb has no feedback type");
  EXPECT_EQ(parseError(base + "a=extmap:0 urn:x\n"), "line 6: extmap id '0' is not a number in 1..255");
  EXPECT_EQ(parseError(base + "a=extmap:1/sideways urn:x\n"),
            "line 6: extmap direction 'sideways' is unknown");
  EXPECT_EQ(parseError(base + "a=ssrc:4294967296 cname:x\n"),
            "line 6: ssrc '4294967296' is not a 32-bit number");
  EXPECT_EQ(parseError(base + "a=ssrc-group:FID\n"),
            "line 6: ssrc-group needs semantics and at least one ssrc");
  EXPECT_EQ(parseError(base + "a=candidate:1 1 udp 1 1.2.3.4 5 host\n").substr(0, 24),
            "line 6: candidate needs ");
  EXPECT_EQ(parseError(base + "a=candidate:1 1 udp 1 1.2.3.4 99999 typ host\n"),
            "line 6: candidate port '99999' is not a number in 0..65535");
  EXPECT_EQ(parseError(base + "a=candidate:1 1 udp 1 1.2.3.4 9 typ host generation\n"),
            "line 6: candidate extension 'generation' has no value");
  EXPECT_EQ(parseError(base + "a=sctp-port:big\n"),
            "line 6: a=sctp-port value 'big' is not a number in 0..65535");
}

TEST(SdpTest, RejectsLinesWithoutEquals) {
  EXPECT_EQ(parseError(std::string(kMinimal) + "hello world\n"), "line 5: expected '<type>=<value>'");
  EXPECT_EQ(parseError("v=0\r\no\r\n"), "line 2: expected '<type>=<value>'");
  EXPECT_EQ(parseError(std::string(kMinimal) + "A=x\n"), "line 5: line type 'A' is not a lower-case letter");
  EXPECT_EQ(parseError(std::string(kMinimal) + std::string("a=x\0y\n", 6)), "line 5: contains a NUL byte");
  EXPECT_EQ(parseError(std::string(kMinimal) + "m=audio 9 RTP/AVP 0\no=- 1 1 IN IP4 0.0.0.0\n"),
            "line 6: o= line inside a media section");
  EXPECT_EQ(parseError(std::string(kMinimal) + "v=0\n"), "line 5: second v= line");
}

TEST(SdpTest, RejectsGarbageQuickly) {
  std::mt19937 rng(42);
  std::string garbage(1 << 20, '\0');
  for (char& c : garbage) c = static_cast<char>(rng());
  parseError(garbage);
  // Well-formed lines but no end: still bounded, and the size limit names itself.
  std::string huge = std::string(kMinimal);
  while (huge.size() <= SessionDescription::kMaxBytes) huge += "a=x-filler:0123456789abcdef\n";
  EXPECT_EQ(parseError(huge), "SDP is larger than 1048576 bytes");
  // Many empty m= sections are cut off at the section limit.
  std::string many = std::string(kMinimal);
  for (size_t i = 0; i <= SessionDescription::kMaxMediaSections; ++i) many += "m=audio 0 RTP/AVP 0\n";
  EXPECT_EQ(parseError(many), "line 1029: more than 1024 media sections");
}

TEST(SdpTest, ToleratesBlankLinesAndMissingFinalNewline) {
  const auto sd = parseOk("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n\r\nt=0 0\r\nm=audio 9 RTP/AVP 0");
  ASSERT_EQ(sd.media.size(), 1u);
  EXPECT_EQ(sd.media[0].proto, "RTP/AVP");
}

TEST(CodecMatcherTest, ChromeChoices) {
  const auto sd = parseOk(kChromeOffer);
  const auto opus = CodecMatcher::findOpus(sd.media[0]);
  ASSERT_TRUE(opus);
  EXPECT_EQ(opus->pt, 111);
  EXPECT_EQ(opus->rtxPt, std::nullopt);
  EXPECT_EQ(opus->channels, 2);

  const MediaSection& v = sd.media[1];
  const auto vp8 = CodecMatcher::findVp8(v);
  ASSERT_TRUE(vp8);
  EXPECT_EQ(vp8->pt, 96);
  EXPECT_EQ(vp8->rtxPt, 97);
  // 104 is 42e01f but packetization-mode 0; 102 is mode 1 but baseline 42001f.
  const auto h264 = CodecMatcher::findH264(v);
  ASSERT_TRUE(h264);
  EXPECT_EQ(h264->pt, 106);
  EXPECT_EQ(h264->rtxPt, 107);
  const auto vp9 = CodecMatcher::findVp9(v);
  ASSERT_TRUE(vp9);
  EXPECT_EQ(vp9->pt, 98);
  EXPECT_EQ(vp9->rtxPt, 99);

  const auto chosen = CodecMatcher::selectCodecs(v);
  ASSERT_EQ(chosen.size(), 3u);
  EXPECT_EQ(chosen[0].name, "VP8");
  EXPECT_EQ(chosen[1].name, "H264");
  EXPECT_EQ(chosen[2].name, "VP9");
  EXPECT_TRUE(CodecMatcher::selectCodecs(sd.media[2]).empty());
  EXPECT_FALSE(CodecMatcher::findOpus(v));

  const auto audioExt = CodecMatcher::findExtensions(sd.media[0]);
  EXPECT_EQ(audioExt.mid, 4);
  EXPECT_EQ(audioExt.audioLevel, 1);
  EXPECT_EQ(audioExt.transportWideCc, 3);
  EXPECT_EQ(audioExt.absSendTime, 2);
  const auto videoExt = CodecMatcher::findExtensions(v);
  EXPECT_EQ(videoExt.mid, 4);
  EXPECT_EQ(videoExt.audioLevel, std::nullopt);
}

TEST(CodecMatcherTest, FirefoxChoices) {
  const auto sd = parseOk(kFirefoxOffer);
  EXPECT_EQ(CodecMatcher::findOpus(sd.media[0])->pt, 109);
  const MediaSection& v = sd.media[1];
  EXPECT_EQ(CodecMatcher::findVp8(v)->rtxPt, 124);
  // 97 has no packetization-mode (so mode 0) and is not usable.
  EXPECT_EQ(CodecMatcher::findH264(v)->pt, 126);
  EXPECT_EQ(CodecMatcher::findH264(v)->rtxPt, 127);
  EXPECT_EQ(CodecMatcher::findVp9(v)->pt, 121);
  const auto ext = CodecMatcher::findExtensions(v);
  EXPECT_EQ(ext.mid, 3);
  EXPECT_EQ(ext.transportWideCc, 7);
  EXPECT_EQ(ext.absSendTime, 4);
}

TEST(CodecMatcherTest, H264PreferenceAndAbsentCodecs) {
  std::string error;
  auto m = MediaSection::parseMediaLine("video 9 UDP/TLS/RTP/SAVPF 100 101 102", error);
  ASSERT_TRUE(m) << error;
  ASSERT_TRUE(m->applyAttribute("rtpmap", "100 H264/90000", error));
  ASSERT_TRUE(m->applyAttribute("fmtp", "100 packetization-mode=1;profile-level-id=4d001f", error));
  ASSERT_TRUE(m->applyAttribute("rtpmap", "101 h264/90000", error));
  ASSERT_TRUE(m->applyAttribute("fmtp", "101 packetization-mode=1;profile-level-id=42E01F", error));
  ASSERT_TRUE(m->applyAttribute("rtpmap", "102 H264/90000", error));
  ASSERT_TRUE(m->applyAttribute("fmtp", "102 packetization-mode=1;profile-level-id=42e01f", error));
  // Case-insensitive codec name and profile; the first of equal ones wins.
  EXPECT_EQ(CodecMatcher::findH264(*m)->pt, 101);
  EXPECT_FALSE(CodecMatcher::findVp8(*m));
  EXPECT_FALSE(CodecMatcher::findVp9(*m));
  // An rtpmap for a payload type not on the m= line is not on offer.
  ASSERT_TRUE(m->applyAttribute("rtpmap", "120 VP8/90000", error));
  EXPECT_FALSE(CodecMatcher::findVp8(*m));
  // Mono Opus is not what WebRTC means by Opus.
  auto a = MediaSection::parseMediaLine("audio 9 UDP/TLS/RTP/SAVPF 111", error);
  ASSERT_TRUE(a->applyAttribute("rtpmap", "111 opus/48000", error));
  EXPECT_FALSE(CodecMatcher::findOpus(*a));
}

AnswerParams ourParams() {
  AnswerParams p;
  p.iceUfrag = "sfuU";
  p.icePwd = "sfuPasswordSfuPassword24";
  p.fingerprint = Fingerprint{"sha-256", "AA:BB:CC"};
  std::string error;
  p.candidates.push_back(*Candidate::parse("1 1 udp 2130706431 198.51.100.10 40000 typ host", error));
  return p;
}

TEST(CodecMatcherTest, BuildsVideoAnswer) {
  const auto sd = parseOk(kChromeOffer);
  const MediaSection answer = CodecMatcher::buildAnswer(sd.media[1], ourParams());
  EXPECT_EQ(answer.kind, "video");
  EXPECT_EQ(answer.mid, "1");
  EXPECT_EQ(answer.port, 9);
  EXPECT_EQ(answer.formats, (std::vector<std::string>{"96", "97", "106", "107", "98", "99"}));
  EXPECT_EQ(answer.setup, Setup::kPassive);
  EXPECT_EQ(answer.direction, Direction::kSendRecv);
  EXPECT_TRUE(answer.rtcpMux);
  EXPECT_TRUE(answer.rtcpRsize);
  EXPECT_EQ(answer.iceUfrag, "sfuU");
  EXPECT_EQ(answer.fingerprints.at(0).hex, "AA:BB:CC");
  EXPECT_EQ(answer.fmtp(107)->param("apt"), "106");
  EXPECT_EQ(answer.fmtp(106)->param("profile-level-id"), "42e01f");
  // The browser sends on this section: transport-cc (the router writes the feedback), REMB kept as a cap.
  const auto fb = answer.rtcpFeedback(96);
  EXPECT_EQ(fb.size(), 5u);
  const auto has = [](const std::vector<RtcpFb>& list, std::string_view type) {
    return std::any_of(list.begin(), list.end(), [&](const RtcpFb& f) { return f.type == type; });
  };
  EXPECT_TRUE(has(fb, "transport-cc"));
  EXPECT_TRUE(has(fb, "goog-remb"));
  ASSERT_EQ(answer.extmaps.size(), 3u);
  EXPECT_EQ(answer.extmaps[0].uri, CodecMatcher::kMidUri);
  EXPECT_EQ(answer.extmaps[0].id, 4);
  EXPECT_EQ(answer.extmaps[1].uri, CodecMatcher::kTransportWideCcUri);
  EXPECT_EQ(answer.extmaps[2].uri, CodecMatcher::kAbsSendTimeUri) << "forwarded for the subscribers' REMB";
  // A section the browser only receives on: transport-cc for the router's own estimator of the downlink,
  // without REMB and abs-send-time (the browser's receive-side estimator would fight ours).
  auto receiving = sd.media[1];
  receiving.direction = Direction::kRecvOnly;
  const MediaSection toBrowser = CodecMatcher::buildAnswer(receiving, ourParams());
  EXPECT_EQ(toBrowser.rtcpFeedback(96).size(), 4u);
  EXPECT_TRUE(has(toBrowser.rtcpFeedback(96), "transport-cc"));
  EXPECT_FALSE(has(toBrowser.rtcpFeedback(96), "goog-remb"));
  const auto hasExtension = [](const MediaSection& m, std::string_view uri) {
    return std::any_of(m.extmaps.begin(), m.extmaps.end(), [&](const Extmap& e) { return e.uri == uri; });
  };
  EXPECT_TRUE(hasExtension(toBrowser, CodecMatcher::kTransportWideCcUri));
  EXPECT_FALSE(hasExtension(toBrowser, CodecMatcher::kAbsSendTimeUri));
  EXPECT_EQ(answer.candidates.size(), 1u);
  EXPECT_TRUE(answer.endOfCandidates);
  EXPECT_TRUE(answer.ssrcs.empty());

  // The answer is valid SDP in a full description.
  SessionDescription full;
  full.iceLite = true;
  full.groups.push_back({"BUNDLE", {"1"}});
  full.media.push_back(answer);
  EXPECT_EQ(parseOk(full.toString()), full);
}

TEST(CodecMatcherTest, BuildsAudioDataAndRejectedAnswers) {
  auto sd = parseOk(kChromeOffer);
  sd.media[0].direction = Direction::kSendOnly;
  const MediaSection audio = CodecMatcher::buildAnswer(sd.media[0], ourParams());
  // RED for Opus first (the browser sends the answer's first codec), with its block list kept.
  EXPECT_EQ(audio.formats, (std::vector<std::string>{"63", "111"}));
  ASSERT_TRUE(audio.fmtp(63));
  EXPECT_EQ(audio.fmtp(63)->opaque, "111/111");
  EXPECT_EQ(audio.direction, Direction::kRecvOnly);
  EXPECT_EQ(audio.fmtp(111)->param("useinbandfec"), "1");
  // RED of anything but the Opus we chose is not taken.
  auto otherRed = sd.media[0];
  for (auto& f : otherRed.fmtps) {
    if (f.pt == 63) f.opaque = "111/0";
  }
  EXPECT_EQ(CodecMatcher::buildAnswer(otherRed, ourParams()).formats, std::vector<std::string>{"111"});
  ASSERT_EQ(audio.extmaps.size(), 4u);
  EXPECT_EQ(audio.extmaps[1].uri, CodecMatcher::kAudioLevelUri);

  const MediaSection data = CodecMatcher::buildAnswer(sd.media[2], ourParams());
  EXPECT_EQ(data.sctpPort, 5000);
  EXPECT_EQ(data.maxMessageSize, 262144u);
  EXPECT_EQ(data.formats, std::vector<std::string>{"webrtc-datachannel"});
  EXPECT_EQ(data.setup, Setup::kPassive);

  std::string error;
  auto g722Only = MediaSection::parseMediaLine("audio 9 UDP/TLS/RTP/SAVPF 9", error);
  g722Only->mid = "7";
  ASSERT_TRUE(g722Only->applyAttribute("rtpmap", "9 G722/8000", error));
  const MediaSection rejected = CodecMatcher::buildAnswer(*g722Only, ourParams());
  EXPECT_EQ(rejected.port, 0);
  EXPECT_EQ(rejected.mid, "7");
  EXPECT_EQ(rejected.formats, std::vector<std::string>{"9"});

  // Firefox offers abs-send-time and transport-cc: transport-cc both ways; abs-send-time and REMB only
  // when transport-cc is not offered (or, on what the browser sends, next to it).
  auto ff = parseOk(kFirefoxOffer);
  auto v = ff.media[1];
  v.direction = Direction::kSendOnly;
  const MediaSection sending = CodecMatcher::buildAnswer(v, ourParams());
  EXPECT_TRUE(std::any_of(sending.extmaps.begin(), sending.extmaps.end(),
                          [](const Extmap& e) { return e.uri == CodecMatcher::kTransportWideCcUri; }));
  v.direction = Direction::kRecvOnly;
  const auto hasExtension = [](const MediaSection& m, std::string_view uri) {
    return std::any_of(m.extmaps.begin(), m.extmaps.end(), [&](const Extmap& e) { return e.uri == uri; });
  };
  const MediaSection both = CodecMatcher::buildAnswer(v, ourParams());
  EXPECT_TRUE(hasExtension(both, CodecMatcher::kTransportWideCcUri));
  EXPECT_FALSE(hasExtension(both, CodecMatcher::kAbsSendTimeUri));
  auto twccOnly = v;
  twccOnly.extmaps.erase(
      std::remove_if(twccOnly.extmaps.begin(), twccOnly.extmaps.end(),
                     [](const Extmap& e) { return e.uri == CodecMatcher::kAbsSendTimeUri; }),
      twccOnly.extmaps.end());
  EXPECT_TRUE(
      hasExtension(CodecMatcher::buildAnswer(twccOnly, ourParams()), CodecMatcher::kTransportWideCcUri));
  v.extmaps.erase(std::remove_if(v.extmaps.begin(), v.extmaps.end(),
                                 [](const Extmap& e) { return e.uri == CodecMatcher::kTransportWideCcUri; }),
                  v.extmaps.end());
  const MediaSection remb = CodecMatcher::buildAnswer(v, ourParams());
  EXPECT_TRUE(hasExtension(remb, CodecMatcher::kAbsSendTimeUri));
  EXPECT_FALSE(hasExtension(remb, CodecMatcher::kTransportWideCcUri));
  const auto fb = remb.rtcpFeedback(120);
  EXPECT_TRUE(std::any_of(fb.begin(), fb.end(), [](const RtcpFb& f) { return f.type == "goog-remb"; }));
  EXPECT_TRUE(std::none_of(fb.begin(), fb.end(), [](const RtcpFb& f) { return f.type == "transport-cc"; }));
}

}  // namespace
}  // namespace rooms::sdp
