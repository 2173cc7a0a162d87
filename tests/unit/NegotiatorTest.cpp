// Negotiator against a real offer from Debian's Chromium (captured with two sendonly and two recvonly
// transceivers, bundlePolicy max-bundle).
#include "signaling/Negotiator.h"

#include <gtest/gtest.h>

#include "rtc/sdp/SessionDescription.h"

namespace rooms::signaling {
namespace {

const char* kChromeOffer = R"SDP(v=0
o=- 5387619590198758219 2 IN IP4 127.0.0.1
s=-
t=0 0
a=group:BUNDLE 0 1 2 3
a=extmap-allow-mixed
a=msid-semantic: WMS
m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:51yr
a=ice-pwd:I3fO4oFK9Z1FHcUnRKOsKDsX
a=ice-options:trickle
a=fingerprint:sha-256 C1:5E:3B:9D:80:2E:36:03:42:1C:03:27:16:A8:B5:87:ED:DE:38:79:09:41:17:0F:F6:E5:BE:46:25:0B:24:3E
a=setup:actpass
a=mid:0
a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
a=sendonly
a=msid:- d86f7cb8-1334-45f1-b885-6dc5916a2ffc
a=rtcp-mux
a=rtcp-rsize
a=rtcp-xr:rcvr-rtt=all
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
a=ssrc:4159138804 cname:Nql9s7pE0nL97LQe
a=ssrc:4159138804 msid:- d86f7cb8-1334-45f1-b885-6dc5916a2ffc
m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 104 107 108 109 114 115 116 117 39 40 45 46 98 99 100 101 118 119 120
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:51yr
a=ice-pwd:I3fO4oFK9Z1FHcUnRKOsKDsX
a=ice-options:trickle
a=fingerprint:sha-256 C1:5E:3B:9D:80:2E:36:03:42:1C:03:27:16:A8:B5:87:ED:DE:38:79:09:41:17:0F:F6:E5:BE:46:25:0B:24:3E
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
a=sendonly
a=msid:- 07686d67-0bd1-4bed-bfc3-eac659f5edeb
a=rtcp-mux
a=rtcp-rsize
a=rtcp-xr:rcvr-rtt=all
a=rtpmap:96 VP8/90000
a=rtcp-fb:96 goog-remb
a=rtcp-fb:96 transport-cc
a=rtcp-fb:96 ccm fir
a=rtcp-fb:96 nack
a=rtcp-fb:96 nack pli
a=rtpmap:97 rtx/90000
a=fmtp:97 apt=96
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
a=fmtp:104 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f
a=rtpmap:107 rtx/90000
a=fmtp:107 apt=104
a=rtpmap:108 H264/90000
a=rtcp-fb:108 goog-remb
a=rtcp-fb:108 transport-cc
a=rtcp-fb:108 ccm fir
a=rtcp-fb:108 nack
a=rtcp-fb:108 nack pli
a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f
a=rtpmap:109 rtx/90000
a=fmtp:109 apt=108
a=rtpmap:114 H264/90000
a=rtcp-fb:114 goog-remb
a=rtcp-fb:114 transport-cc
a=rtcp-fb:114 ccm fir
a=rtcp-fb:114 nack
a=rtcp-fb:114 nack pli
a=fmtp:114 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f
a=rtpmap:115 rtx/90000
a=fmtp:115 apt=114
a=rtpmap:116 H264/90000
a=rtcp-fb:116 goog-remb
a=rtcp-fb:116 transport-cc
a=rtcp-fb:116 ccm fir
a=rtcp-fb:116 nack
a=rtcp-fb:116 nack pli
a=fmtp:116 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f
a=rtpmap:117 rtx/90000
a=fmtp:117 apt=116
a=rtpmap:39 H264/90000
a=rtcp-fb:39 goog-remb
a=rtcp-fb:39 transport-cc
a=rtcp-fb:39 ccm fir
a=rtcp-fb:39 nack
a=rtcp-fb:39 nack pli
a=fmtp:39 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=4d001f
a=rtpmap:40 rtx/90000
a=fmtp:40 apt=39
a=rtpmap:45 AV1/90000
a=rtcp-fb:45 goog-remb
a=rtcp-fb:45 transport-cc
a=rtcp-fb:45 ccm fir
a=rtcp-fb:45 nack
a=rtcp-fb:45 nack pli
a=fmtp:45 level-idx=5;profile=0;tier=0
a=rtpmap:46 rtx/90000
a=fmtp:46 apt=45
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
a=rtpmap:118 red/90000
a=rtpmap:119 rtx/90000
a=fmtp:119 apt=118
a=rtpmap:120 ulpfec/90000
a=ssrc-group:FID 3772144849 160848078
a=ssrc:3772144849 cname:Nql9s7pE0nL97LQe
a=ssrc:3772144849 msid:- 07686d67-0bd1-4bed-bfc3-eac659f5edeb
a=ssrc:160848078 cname:Nql9s7pE0nL97LQe
a=ssrc:160848078 msid:- 07686d67-0bd1-4bed-bfc3-eac659f5edeb
m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:51yr
a=ice-pwd:I3fO4oFK9Z1FHcUnRKOsKDsX
a=ice-options:trickle
a=fingerprint:sha-256 C1:5E:3B:9D:80:2E:36:03:42:1C:03:27:16:A8:B5:87:ED:DE:38:79:09:41:17:0F:F6:E5:BE:46:25:0B:24:3E
a=setup:actpass
a=mid:2
a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
a=recvonly
a=rtcp-mux
a=rtcp-rsize
a=rtcp-xr:rcvr-rtt=all
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
m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 100 101 35 36 37 38 102 103 104 107 108 109 114 115 116 117 39 40 41 42 43 44 45 46 47 48 118 119 120 49
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:51yr
a=ice-pwd:I3fO4oFK9Z1FHcUnRKOsKDsX
a=ice-options:trickle
a=fingerprint:sha-256 C1:5E:3B:9D:80:2E:36:03:42:1C:03:27:16:A8:B5:87:ED:DE:38:79:09:41:17:0F:F6:E5:BE:46:25:0B:24:3E
a=setup:actpass
a=mid:3
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
a=recvonly
a=rtcp-mux
a=rtcp-rsize
a=rtcp-xr:rcvr-rtt=all
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
a=rtpmap:35 VP9/90000
a=rtcp-fb:35 goog-remb
a=rtcp-fb:35 transport-cc
a=rtcp-fb:35 ccm fir
a=rtcp-fb:35 nack
a=rtcp-fb:35 nack pli
a=fmtp:35 profile-id=1
a=rtpmap:36 rtx/90000
a=fmtp:36 apt=35
a=rtpmap:37 VP9/90000
a=rtcp-fb:37 goog-remb
a=rtcp-fb:37 transport-cc
a=rtcp-fb:37 ccm fir
a=rtcp-fb:37 nack
a=rtcp-fb:37 nack pli
a=fmtp:37 profile-id=3
a=rtpmap:38 rtx/90000
a=fmtp:38 apt=37
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
a=fmtp:104 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f
a=rtpmap:107 rtx/90000
a=fmtp:107 apt=104
a=rtpmap:108 H264/90000
a=rtcp-fb:108 goog-remb
a=rtcp-fb:108 transport-cc
a=rtcp-fb:108 ccm fir
a=rtcp-fb:108 nack
a=rtcp-fb:108 nack pli
a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f
a=rtpmap:109 rtx/90000
a=fmtp:109 apt=108
a=rtpmap:114 H264/90000
a=rtcp-fb:114 goog-remb
a=rtcp-fb:114 transport-cc
a=rtcp-fb:114 ccm fir
a=rtcp-fb:114 nack
a=rtcp-fb:114 nack pli
a=fmtp:114 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f
a=rtpmap:115 rtx/90000
a=fmtp:115 apt=114
a=rtpmap:116 H264/90000
a=rtcp-fb:116 goog-remb
a=rtcp-fb:116 transport-cc
a=rtcp-fb:116 ccm fir
a=rtcp-fb:116 nack
a=rtcp-fb:116 nack pli
a=fmtp:116 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f
a=rtpmap:117 rtx/90000
a=fmtp:117 apt=116
a=rtpmap:39 H264/90000
a=rtcp-fb:39 goog-remb
a=rtcp-fb:39 transport-cc
a=rtcp-fb:39 ccm fir
a=rtcp-fb:39 nack
a=rtcp-fb:39 nack pli
a=fmtp:39 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=4d001f
a=rtpmap:40 rtx/90000
a=fmtp:40 apt=39
a=rtpmap:41 H264/90000
a=rtcp-fb:41 goog-remb
a=rtcp-fb:41 transport-cc
a=rtcp-fb:41 ccm fir
a=rtcp-fb:41 nack
a=rtcp-fb:41 nack pli
a=fmtp:41 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=f4001f
a=rtpmap:42 rtx/90000
a=fmtp:42 apt=41
a=rtpmap:43 H264/90000
a=rtcp-fb:43 goog-remb
a=rtcp-fb:43 transport-cc
a=rtcp-fb:43 ccm fir
a=rtcp-fb:43 nack
a=rtcp-fb:43 nack pli
a=fmtp:43 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=f4001f
a=rtpmap:44 rtx/90000
a=fmtp:44 apt=43
a=rtpmap:45 AV1/90000
a=rtcp-fb:45 goog-remb
a=rtcp-fb:45 transport-cc
a=rtcp-fb:45 ccm fir
a=rtcp-fb:45 nack
a=rtcp-fb:45 nack pli
a=fmtp:45 level-idx=5;profile=0;tier=0
a=rtpmap:46 rtx/90000
a=fmtp:46 apt=45
a=rtpmap:47 AV1/90000
a=rtcp-fb:47 goog-remb
a=rtcp-fb:47 transport-cc
a=rtcp-fb:47 ccm fir
a=rtcp-fb:47 nack
a=rtcp-fb:47 nack pli
a=fmtp:47 level-idx=5;profile=1;tier=0
a=rtpmap:48 rtx/90000
a=fmtp:48 apt=47
a=rtpmap:118 red/90000
a=rtpmap:119 rtx/90000
a=fmtp:119 apt=118
a=rtpmap:120 ulpfec/90000
a=rtpmap:49 flexfec-03/90000
a=rtcp-fb:49 goog-remb
a=rtcp-fb:49 transport-cc
a=fmtp:49 repair-window=10000000)SDP";

NegotiationInput baseInput() {
  NegotiationInput in;
  in.offerSdp = kChromeOffer;
  in.permissions = {true, true, true};
  in.trackIdPrefix = "conn_a";
  in.localUfrag = "ourufrag";
  in.localPwd = "ourpasswordourpassword";
  in.fingerprint = "AA:BB:CC";
  sdp::Candidate c;
  c.foundation = "1";
  c.transport = "udp";
  c.priority = 2130706431;
  c.address = "127.0.0.1";
  c.port = 40000;
  c.type = "host";
  in.candidates = {c};
  in.cname = "rooms";
  uint32_t next = 1000;
  in.newSsrc = [next]() mutable { return next++; };
  return in;
}

sdp::SessionDescription parseAnswer(const NegotiationResult& r) {
  std::string error;
  auto answer = sdp::SessionDescription::parse(r.answerSdp, error);
  EXPECT_TRUE(answer) << error;
  return answer ? *answer : sdp::SessionDescription{};
}

TEST(NegotiatorTest, PublishesSendingSectionsAndLeavesEmptySlotsInactive) {
  auto r = Negotiator::negotiate(baseInput());
  ASSERT_EQ(r.error, "");
  EXPECT_FALSE(r.remoteUfrag.empty());
  EXPECT_EQ(r.remoteFingerprintAlgorithm, "sha-256");
  ASSERT_EQ(r.publications.size(), 2u);
  EXPECT_EQ(r.publications[0].producer.kind, rtc::MediaKind::Audio);
  EXPECT_EQ(r.publications[0].codec, "opus");
  EXPECT_EQ(r.publications[0].producer.payloadType, 111);
  EXPECT_EQ(r.publications[0].producer.extensions.audioLevel, 1);
  // What a browser sends gets transport-wide feedback from the router (its send-side estimator sees its
  // uplink); what it receives stays in REMB mode, with abs-send-time.
  EXPECT_EQ(r.publications[0].producer.extensions.absSendTime, 2);
  EXPECT_EQ(r.publications[0].producer.extensions.mid, 4);
  EXPECT_EQ(r.publications[0].producer.extensions.transportWideCc, 3);
  EXPECT_EQ(r.publications[1].codec, "VP8");
  EXPECT_EQ(r.publications[1].producer.ssrc, 3772144849u);
  EXPECT_EQ(r.publications[1].producer.rtxSsrc, 160848078u);
  EXPECT_EQ(r.publications[1].producer.trackId, "conn_a:1");
  EXPECT_EQ(r.publications[1].source, TrackSource::Camera);
  ASSERT_EQ(r.slots.size(), 2u);
  EXPECT_TRUE(r.slots[0].trackId.empty());
  EXPECT_TRUE(r.consumers.empty());

  const auto answer = parseAnswer(r);
  EXPECT_TRUE(answer.iceLite);
  ASSERT_EQ(answer.media.size(), 4u);
  EXPECT_EQ(answer.bundleMids(), (std::vector<std::string>{"0", "1", "2", "3"}));
  EXPECT_EQ(answer.media[0].direction, sdp::Direction::kRecvOnly);
  EXPECT_EQ(answer.media[0].formats, (std::vector<std::string>{"63", "111"})) << "RED first, then Opus";
  EXPECT_EQ(answer.media[1].formats, (std::vector<std::string>{"96", "97"}));
  EXPECT_EQ(answer.media[1].setup, sdp::Setup::kPassive);
  EXPECT_EQ(answer.media[1].iceUfrag, "ourufrag");
  EXPECT_EQ(answer.media[2].direction, sdp::Direction::kInactive);
  EXPECT_EQ(answer.media[3].direction, sdp::Direction::kInactive);
  EXPECT_EQ(answer.media[0].candidates.size(), 1u);
}

TEST(NegotiatorTest, RefusesWhatTheTokenDoesNotPermit) {
  auto in = baseInput();
  in.permissions.video = false;
  auto r = Negotiator::negotiate(in);
  ASSERT_EQ(r.error, "");
  ASSERT_EQ(r.publications.size(), 1u);
  EXPECT_EQ(r.refusedMids, std::vector<std::string>{"1"});
  EXPECT_EQ(parseAnswer(r).media[1].direction, sdp::Direction::kInactive);

  // A camera section the page labels "screen" needs screen-share.
  in = baseInput();
  in.permissions.screen = false;
  in.sources["1"] = "screen";
  r = Negotiator::negotiate(in);
  EXPECT_EQ(r.refusedMids, std::vector<std::string>{"1"});
}

TEST(NegotiatorTest, AssignsRemoteTracksToSlotsWithTheSubscribersPayloadTypes) {
  auto in = baseInput();
  in.remoteTracks = {
      RemoteTrack{"conn_b:1", rtc::MediaKind::Video, TrackSource::Camera, "VP8", 90000, "user-b", "client",
                  "B"},
      RemoteTrack{"conn_b:0", rtc::MediaKind::Audio, TrackSource::Microphone, "opus", 48000, "user-b",
                  "client", "B"},
  };
  auto r = Negotiator::negotiate(in);
  ASSERT_EQ(r.error, "");
  ASSERT_EQ(r.consumers.size(), 2u);
  EXPECT_EQ(r.slots[0].mid, "2");
  EXPECT_EQ(r.slots[0].trackId, "conn_b:0");
  EXPECT_EQ(r.slots[1].trackId, "conn_b:1");
  const auto& video = r.consumers[1];
  EXPECT_EQ(video.mid, "3");
  EXPECT_EQ(video.payloadType, 96);
  EXPECT_EQ(video.extensions.mid, 4);
  EXPECT_EQ(video.extensions.transportWideCc, 3) << "our estimator of its downlink";
  EXPECT_EQ(video.extensions.absSendTime, 0);
  EXPECT_EQ(r.assigned.at("3").participantId, "user-b");

  const auto answer = parseAnswer(r);
  EXPECT_EQ(answer.media[3].direction, sdp::Direction::kSendOnly);
  // VP8 and its RTX: resends go on our RTX stream, announced with FID.
  EXPECT_EQ(answer.media[3].formats, (std::vector<std::string>{"96", "97"}));
  ASSERT_EQ(answer.media[3].ssrcs.size(), 4u);
  EXPECT_EQ(answer.media[3].ssrcs[0].ssrc, video.ssrc);
  ASSERT_TRUE(video.rtxSsrc);
  EXPECT_EQ(video.rtxPayloadType, 97);
  ASSERT_EQ(answer.media[3].ssrcGroups.size(), 1u);
  EXPECT_EQ(answer.media[3].ssrcGroups[0].semantics, "FID");
  EXPECT_EQ(answer.media[3].ssrcGroups[0].ssrcs, (std::vector<uint32_t>{video.ssrc, *video.rtxSsrc}));
  EXPECT_FALSE(r.consumers[0].rtxSsrc) << "no RTX for audio";
  ASSERT_EQ(answer.media[3].msids.size(), 1u);
  EXPECT_EQ(answer.media[3].msids[0].streamId, "user-b");

  // The next negotiation keeps each slot's track and SSRC even when the room lists tracks in another order.
  in.previousSlots = r.slots;
  std::swap(in.remoteTracks[0], in.remoteTracks[1]);
  auto again = Negotiator::negotiate(in);
  ASSERT_EQ(again.consumers.size(), 2u);
  EXPECT_EQ(again.consumers[1].ssrc, video.ssrc);
  EXPECT_EQ(again.consumers[1].rtxSsrc, video.rtxSsrc);
  EXPECT_EQ(again.slots[1].trackId, "conn_b:1");

  // A track gone frees its slot.
  in.previousSlots = again.slots;
  in.remoteTracks.erase(in.remoteTracks.begin());  // the audio track
  auto fewer = Negotiator::negotiate(in);
  EXPECT_EQ(fewer.consumers.size(), 1u);
  EXPECT_EQ(parseAnswer(fewer).media[2].direction, sdp::Direction::kInactive);
}

TEST(NegotiatorTest, RejectsBrokenOffers) {
  auto in = baseInput();
  in.offerSdp = "v=0\r\nthis is not sdp";
  EXPECT_NE(Negotiator::negotiate(in).error, "");

  in = baseInput();
  std::string passive = kChromeOffer;
  for (size_t at; (at = passive.find("a=setup:actpass")) != std::string::npos;) {
    passive.replace(at, 15, "a=setup:passive");
  }
  in.offerSdp = passive;
  EXPECT_NE(Negotiator::negotiate(in).error.find("DTLS"), std::string::npos);

  // Two sections with one mid (found by signaling_offer_fuzz): refused, not answered twice.
  in = baseInput();
  std::string twice = kChromeOffer;
  twice.replace(twice.find("a=mid:3"), 7, "a=mid:2");
  in.offerSdp = twice;
  EXPECT_NE(Negotiator::negotiate(in).error.find("used twice"), std::string::npos);

  in = baseInput();
  std::string noUfrag = kChromeOffer;
  for (size_t at; (at = noUfrag.find("a=ice-ufrag:")) != std::string::npos;)
    noUfrag.replace(at, 12, "a=x-ufrag:");
  in.offerSdp = noUfrag;
  EXPECT_NE(Negotiator::negotiate(in).error.find("ICE"), std::string::npos);
}

}  // namespace
}  // namespace rooms::signaling
