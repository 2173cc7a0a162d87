#include "ClientSdp.h"

#include <sstream>

#include "rtc/sdp/SessionDescription.h"

namespace rooms::loadgen {

namespace {

void transportLines(std::ostringstream& o, const OfferSpec& s, const char* setup) {
  o << "c=IN IP4 0.0.0.0\r\n"
    << "a=rtcp:9 IN IP4 0.0.0.0\r\n";
  if (!s.candidateIp.empty()) {
    o << "a=candidate:1 1 udp 2130706431 " << s.candidateIp << ' ' << s.candidatePort << " typ host\r\n"
      << "a=end-of-candidates\r\n";
  }
  o << "a=ice-ufrag:" << s.iceUfrag << "\r\n"
    << "a=ice-pwd:" << s.icePwd << "\r\n"
    << "a=fingerprint:sha-256 " << s.fingerprint << "\r\n"
    << "a=setup:" << setup << "\r\n";
}

void audioCodec(std::ostringstream& o, int pt) {
  o << "a=rtpmap:" << pt << " opus/48000/2\r\n"
    << "a=fmtp:" << pt << " minptime=10;useinbandfec=1\r\n";
}

void videoCodec(std::ostringstream& o, int pt) {
  o << "a=rtpmap:" << pt << " VP8/90000\r\n"
    << "a=rtcp-fb:" << pt << " goog-remb\r\n"
    << "a=rtcp-fb:" << pt << " ccm fir\r\n"
    << "a=rtcp-fb:" << pt << " nack\r\n"
    << "a=rtcp-fb:" << pt << " nack pli\r\n";
}

}  // namespace

std::string ClientSdp::offer(const OfferSpec& s) {
  std::ostringstream o;
  int sections = (s.audioSsrc ? 1 : 0) + (s.videoSsrc ? 1 : 0) + s.recvAudio + s.recvVideo;
  o << "v=0\r\n"
    << "o=- 4611731400430051336 " << s.version << " IN IP4 127.0.0.1\r\n"
    << "s=-\r\n"
    << "t=0 0\r\n"
    << "a=group:BUNDLE";
  for (int i = 0; i < sections; ++i) o << ' ' << i;
  o << "\r\n"
    << "a=msid-semantic: WMS " << s.streamId << "\r\n";
  int mid = 0;
  // One section; ssrc 0 makes it a receiver.
  const auto section = [&](const char* kind, int pt, uint32_t ssrc, const char* track) {
    o << "m=" << kind << " 9 UDP/TLS/RTP/SAVPF " << pt << "\r\n";
    transportLines(o, s, "actpass");
    o << "a=mid:" << mid++ << "\r\n";
    if (ssrc) {
      o << "a=sendonly\r\n"
        << "a=msid:" << s.streamId << ' ' << track << "\r\n";
    } else {
      o << "a=recvonly\r\n";
    }
    o << "a=rtcp-mux\r\n"
      << "a=rtcp-rsize\r\n";
    if (pt == kOpusPayloadType) {
      audioCodec(o, pt);
    } else {
      videoCodec(o, pt);
    }
    if (ssrc) {
      o << "a=ssrc:" << ssrc << " cname:" << s.streamId << "\r\n"
        << "a=ssrc:" << ssrc << " msid:" << s.streamId << ' ' << track << "\r\n";
    }
  };
  if (s.audioSsrc) section("audio", kOpusPayloadType, s.audioSsrc, "mic");
  if (s.videoSsrc) section("video", kVp8PayloadType, s.videoSsrc, "cam");
  for (int i = 0; i < s.recvAudio; ++i) section("audio", kOpusPayloadType, 0, "");
  for (int i = 0; i < s.recvVideo; ++i) section("video", kVp8PayloadType, 0, "");
  return o.str();
}

std::optional<std::string> ClientSdp::answer(const std::string& remoteOffer, const OfferSpec& s,
                                             std::string& error) {
  const auto offer = sdp::SessionDescription::parse(remoteOffer, error);
  if (!offer) return std::nullopt;
  std::ostringstream o;
  o << "v=0\r\n"
    << "o=- 4611731400430051337 " << s.version << " IN IP4 127.0.0.1\r\n"
    << "s=-\r\n"
    << "t=0 0\r\n";
  const auto bundle = offer->bundleMids();
  if (!bundle.empty()) {
    o << "a=group:BUNDLE";
    for (const auto& m : bundle) o << ' ' << m;
    o << "\r\n";
  }
  o << "a=msid-semantic: WMS *\r\n";
  for (const auto& m : offer->media) {
    int pt = -1;
    for (int candidate : m.payloadTypes()) {
      const auto* map = m.rtpmap(candidate);
      if (!map) continue;
      const bool opus = m.kind == "audio" && (map->codec == "opus" || map->codec == "OPUS");
      const bool vp8 = m.kind == "video" && (map->codec == "VP8" || map->codec == "vp8");
      if (opus || vp8) {
        pt = candidate;
        break;
      }
    }
    if (m.port == 0 || pt < 0) {
      o << "m=" << m.kind << " 0 " << m.proto << ' ' << (m.formats.empty() ? "0" : m.formats.front())
        << "\r\n"
        << "a=mid:" << m.mid << "\r\n"
        << "a=inactive\r\n";
      continue;
    }
    o << "m=" << m.kind << " 9 UDP/TLS/RTP/SAVPF " << pt << "\r\n";
    transportLines(o, s, "active");
    o << "a=mid:" << m.mid << "\r\n"
      << "a=recvonly\r\n"
      << "a=rtcp-mux\r\n";
    if (m.kind == "audio") {
      audioCodec(o, pt);
    } else {
      videoCodec(o, pt);
    }
  }
  return o.str();
}

std::optional<RemoteParams> ClientSdp::remoteParams(const std::string& text, std::string& error) {
  const auto description = sdp::SessionDescription::parse(text, error);
  if (!description) return std::nullopt;
  RemoteParams r;
  for (const auto& m : description->media) {
    if (m.port == 0) continue;
    if (r.iceUfrag.empty()) {
      r.iceUfrag = description->iceUfragOf(m);
      r.icePwd = description->icePwdOf(m);
      const auto fingerprints = description->fingerprintsOf(m);
      if (!fingerprints.empty()) {
        r.fingerprintAlgorithm = fingerprints.front().algorithm;
        r.fingerprint = fingerprints.front().hex;
      }
      const auto setup = m.setup ? m.setup : description->setup;
      // The peer's passive (or its offer's actpass, which we answer active) makes us the DTLS client.
      r.weAreDtlsClient = !setup || *setup != sdp::Setup::kActive;
    }
    for (const auto& c : m.candidates) {
      if (r.port == 0 && c.transport == "udp" && c.component == 1 &&
          c.address.find(':') == std::string::npos && c.address.find('.') != std::string::npos) {
        r.ip = c.address;
        r.port = c.port;
      }
    }
  }
  if (r.iceUfrag.empty() || r.icePwd.empty()) {
    error = "the description has no ICE credentials";
    return std::nullopt;
  }
  if (r.fingerprint.empty()) {
    error = "the description has no DTLS fingerprint";
    return std::nullopt;
  }
  if (r.port == 0) {
    error = "the description has no IPv4 UDP host candidate";
    return std::nullopt;
  }
  return r;
}

}  // namespace rooms::loadgen
