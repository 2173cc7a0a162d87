#include "signaling/Negotiator.h"

#include <algorithm>
#include <set>

#include "rtc/sdp/SdpText.h"

namespace rooms::signaling {

using sdp::Direction;
using sdp::MediaSection;

const char* toString(TrackSource source) {
  switch (source) {
    case TrackSource::Microphone:
      return "microphone";
    case TrackSource::Camera:
      return "camera";
    case TrackSource::Screen:
      return "screen";
  }
  return "unknown";
}

std::optional<TrackSource> parseTrackSource(std::string_view text) {
  if (text == "microphone") return TrackSource::Microphone;
  if (text == "camera") return TrackSource::Camera;
  if (text == "screen") return TrackSource::Screen;
  return std::nullopt;
}

namespace {

bool hasAttribute(const MediaSection& m, std::string_view name) {
  return std::any_of(m.otherAttributes.begin(), m.otherAttributes.end(),
                     [&](const sdp::Attribute& a) { return a.name == name; });
}

// Narrows an answer section to one codec (and its RTX), so the browser cannot switch payload types under
// the router's feet.
void keepOnlyCodec(MediaSection& a, int pt, std::optional<int> rtxPt, std::optional<int> redPt) {
  const auto keep = [&](int x) { return x == pt || (rtxPt && x == *rtxPt) || (redPt && x == *redPt); };
  std::erase_if(a.formats, [&](const std::string& f) { return !keep(std::atoi(f.c_str())); });
  std::erase_if(a.rtpmaps, [&](const sdp::Rtpmap& r) { return !keep(r.pt); });
  std::erase_if(a.fmtps, [&](const sdp::Fmtp& f) { return !keep(f.pt); });
  std::erase_if(a.rtcpFbs, [&](const sdp::RtcpFb& f) { return f.pt && !keep(*f.pt); });
}

rtc::RtpHeaderExtensionIds extensionIds(const MediaSection& answer) {
  rtc::RtpHeaderExtensionIds ids;
  for (const auto& e : answer.extmaps) ids.set(e.uri, static_cast<unsigned>(e.id));
  return ids;
}

std::optional<rtc::MediaKind> kindOf(const MediaSection& m) {
  if (m.kind == "audio") return rtc::MediaKind::Audio;
  if (m.kind == "video") return rtc::MediaKind::Video;
  return std::nullopt;
}

// The SSRC a sending section will use (and its RTX companion), from a=ssrc-group:FID or a=ssrc.
std::optional<std::pair<uint32_t, std::optional<uint32_t>>> sendingSsrcs(const MediaSection& m) {
  for (const auto& g : m.ssrcGroups) {
    if (g.semantics == "FID" && g.ssrcs.size() >= 2)
      return std::make_pair(g.ssrcs[0], std::optional(g.ssrcs[1]));
  }
  if (!m.ssrcs.empty()) return std::make_pair(m.ssrcs.front().ssrc, std::optional<uint32_t>());
  return std::nullopt;
}

}  // namespace

NegotiationResult Negotiator::negotiate(const NegotiationInput& in) {
  NegotiationResult r;
  std::string parseError;
  auto offer = sdp::SessionDescription::parse(in.offerSdp, parseError);
  if (!offer) {
    r.error = "invalid SDP: " + parseError;
    return r;
  }
  // Every section needs its own mid: the router and the answer's track map are keyed by it (JSEP 5.2.1).
  std::set<std::string> mids;
  for (const auto& m : offer->media) {
    if (m.mid.empty() || !mids.insert(m.mid).second) {
      r.error = m.mid.empty() ? "a media section has no a=mid" : "the mid '" + m.mid + "' is used twice";
      return r;
    }
  }
  const MediaSection* first = nullptr;
  for (const auto& m : offer->media) {
    if (m.port != 0 || hasAttribute(m, "bundle-only")) {
      first = &m;
      break;
    }
  }
  if (!first) {
    r.error = "the offer has no active media section";
    return r;
  }
  r.remoteUfrag = offer->iceUfragOf(*first);
  r.remotePwd = offer->icePwdOf(*first);
  if (r.remoteUfrag.empty() || r.remotePwd.empty()) {
    r.error = "the offer has no ICE credentials (a=ice-ufrag, a=ice-pwd)";
    return r;
  }
  const auto fingerprints = offer->fingerprintsOf(*first);
  if (fingerprints.empty()) {
    r.error = "the offer has no DTLS fingerprint";
    return r;
  }
  const auto sha256 = std::find_if(fingerprints.begin(), fingerprints.end(),
                                   [](const sdp::Fingerprint& f) { return f.algorithm == "sha-256"; });
  const sdp::Fingerprint& fp = sha256 != fingerprints.end() ? *sha256 : fingerprints.front();
  r.remoteFingerprintAlgorithm = fp.algorithm;
  r.remoteFingerprint = fp.hex;
  const auto setup = first->setup ? first->setup : offer->setup;
  if (setup == sdp::Setup::kPassive) {
    r.error = "the offer must use a=setup:actpass or active: the server is the DTLS server";
    return r;
  }
  if (offer->media.size() > 1 && offer->bundleMids().empty()) {
    r.error = "the offer must bundle its media (bundlePolicy 'max-bundle')";
    return r;
  }

  sdp::AnswerParams params;
  params.iceUfrag = in.localUfrag;
  params.icePwd = in.localPwd;
  params.fingerprint = sdp::Fingerprint{"sha-256", in.fingerprint};
  params.candidates = in.candidates;

  std::vector<MediaSection> answers;
  std::vector<size_t> slotIndexes;  // into answers, receiving sections in offer order
  std::vector<MediaSection> slotOffers;
  for (const auto& offered : offer->media) {
    MediaSection section = offered;
    if (section.port == 0 && hasAttribute(section, "bundle-only")) section.port = 9;
    const Direction dir = offer->directionOf(offered);
    section.direction = dir;
    const auto kind = kindOf(section);
    if (!kind || !section.isRtp()) section.port = 0;  // data channels and unknown media: not offered by us
    MediaSection a = sdp::CodecMatcher::buildAnswer(section, params);
    if (a.port == 0) {
      answers.push_back(std::move(a));
      continue;
    }
    if (dir == Direction::kSendOnly || dir == Direction::kSendRecv) {
      const auto named = in.sources.find(section.mid);
      std::optional<TrackSource> source =
          named == in.sources.end() ? std::nullopt : parseTrackSource(named->second);
      if (!source) source = *kind == rtc::MediaKind::Audio ? TrackSource::Microphone : TrackSource::Camera;
      if (*kind == rtc::MediaKind::Audio) source = TrackSource::Microphone;
      const bool allowed = *kind == rtc::MediaKind::Audio   ? in.permissions.audio
                           : *source == TrackSource::Screen ? in.permissions.screen
                                                            : in.permissions.video;
      const auto codecs = sdp::CodecMatcher::selectCodecs(section);
      const auto ssrcs = sendingSsrcs(section);
      if (!allowed || codecs.empty() || !ssrcs) {
        a.direction = Direction::kInactive;
        r.refusedMids.push_back(section.mid);
        answers.push_back(std::move(a));
        continue;
      }
      const auto& codec = codecs.front();
      keepOnlyCodec(a, codec.pt, codec.rtxPt, codec.redPt);
      a.direction = Direction::kRecvOnly;
      Publication pub;
      pub.mid = section.mid;
      pub.source = *source;
      pub.codec = codec.name;
      pub.producer.trackId = in.trackIdPrefix + ":" + section.mid;
      pub.producer.kind = *kind;
      pub.producer.mid = section.mid;
      pub.producer.ssrc = ssrcs->first;
      pub.producer.rtxSsrc = ssrcs->second;
      pub.producer.payloadType = static_cast<uint8_t>(codec.pt);
      if (codec.rtxPt) pub.producer.rtxPayloadType = static_cast<uint8_t>(*codec.rtxPt);
      if (codec.redPt) pub.producer.redPayloadType = static_cast<uint8_t>(*codec.redPt);
      pub.producer.clockRate = codec.clockRate;
      pub.producer.extensions = extensionIds(a);
      r.publications.push_back(std::move(pub));
      answers.push_back(std::move(a));
      continue;
    }
    if (dir == Direction::kRecvOnly) {
      a.direction = Direction::kInactive;  // until a track is assigned below
      slotIndexes.push_back(answers.size());
      slotOffers.push_back(section);
      answers.push_back(std::move(a));
      continue;
    }
    a.direction = Direction::kInactive;
    answers.push_back(std::move(a));
  }

  // Slots keep the track they had when it still exists, so a renegotiation never reshuffles the videos a
  // participant is watching; the remaining tracks fill the free slots in offer order.
  const auto trackById = [&](const std::string& id) -> const RemoteTrack* {
    auto it = std::find_if(in.remoteTracks.begin(), in.remoteTracks.end(),
                           [&](const RemoteTrack& t) { return t.trackId == id; });
    return it == in.remoteTracks.end() ? nullptr : &*it;
  };
  const auto codecFor = [](const MediaSection& offered,
                           const RemoteTrack& track) -> std::optional<sdp::CodecChoice> {
    for (const auto& c : sdp::CodecMatcher::selectCodecs(offered)) {
      if (sdp::equalsIgnoreCase(c.name, track.codec) && c.clockRate == track.clockRate) return c;
    }
    return std::nullopt;
  };
  std::vector<Slot> slots(slotIndexes.size());
  std::set<std::string> used;
  for (size_t i = 0; i < slotIndexes.size(); ++i) {
    const MediaSection& offered = slotOffers[i];
    slots[i].mid = offered.mid;
    slots[i].kind = *kindOf(offered);
    auto prev = std::find_if(in.previousSlots.begin(), in.previousSlots.end(),
                             [&](const Slot& s) { return s.mid == offered.mid; });
    if (prev == in.previousSlots.end() || prev->trackId.empty()) continue;
    const RemoteTrack* track = trackById(prev->trackId);
    if (!track || track->kind != slots[i].kind || used.count(track->trackId) || !codecFor(offered, *track))
      continue;
    slots[i].trackId = track->trackId;
    slots[i].ssrc = prev->ssrc;
    slots[i].rtxSsrc = prev->rtxSsrc;
    used.insert(track->trackId);
  }
  for (size_t i = 0; i < slotIndexes.size(); ++i) {
    if (!slots[i].trackId.empty()) continue;
    for (const auto& track : in.remoteTracks) {
      if (track.kind != slots[i].kind || used.count(track.trackId) || !codecFor(slotOffers[i], track))
        continue;
      slots[i].trackId = track.trackId;
      slots[i].ssrc = in.newSsrc ? in.newSsrc() : 0;
      if (track.kind == rtc::MediaKind::Video && in.newSsrc) slots[i].rtxSsrc = in.newSsrc();
      used.insert(track.trackId);
      break;
    }
  }
  for (size_t i = 0; i < slotIndexes.size(); ++i) {
    Slot& slot = slots[i];
    if (slot.trackId.empty()) continue;
    const RemoteTrack& track = *trackById(slot.trackId);
    const auto codec = *codecFor(slotOffers[i], track);
    MediaSection& a = answers[slotIndexes[i]];
    // Resends go on our RTX stream when the subscriber can take one, else on the media SSRC.
    const bool rtx = codec.rtxPt && slot.rtxSsrc != 0;
    keepOnlyCodec(a, codec.pt, rtx ? codec.rtxPt : std::nullopt, codec.redPt);
    a.direction = Direction::kSendOnly;
    a.msids = {sdp::Msid{track.participantId, track.trackId}};
    const std::string msid = track.participantId + " " + track.trackId;
    a.ssrcs = {sdp::SsrcAttribute{slot.ssrc, "cname", in.cname}, sdp::SsrcAttribute{slot.ssrc, "msid", msid}};
    a.ssrcGroups.clear();
    if (rtx) {
      a.ssrcs.push_back(sdp::SsrcAttribute{slot.rtxSsrc, "cname", in.cname});
      a.ssrcs.push_back(sdp::SsrcAttribute{slot.rtxSsrc, "msid", msid});
      a.ssrcGroups.push_back(sdp::SsrcGroup{"FID", {slot.ssrc, slot.rtxSsrc}});
    }
    rtc::ConsumerSpec spec;
    spec.trackId = track.trackId;
    spec.kind = track.kind;
    spec.mid = slot.mid;
    spec.ssrc = slot.ssrc;
    spec.payloadType = static_cast<uint8_t>(codec.pt);
    if (rtx) {
      spec.rtxSsrc = slot.rtxSsrc;
      spec.rtxPayloadType = static_cast<uint8_t>(*codec.rtxPt);
    }
    if (codec.redPt) spec.redPayloadType = static_cast<uint8_t>(*codec.redPt);
    spec.clockRate = codec.clockRate;
    spec.extensions = extensionIds(a);
    r.consumers.push_back(std::move(spec));
    r.assigned[slot.mid] = track;
  }
  r.slots = std::move(slots);

  sdp::SessionDescription answer;
  answer.origin.sessionId = std::to_string(in.sessionId);
  answer.origin.sessionVersion = std::to_string(in.sessionVersion);
  answer.iceLite = true;
  answer.msidSemantic = "WMS *";
  answer.extmapAllowMixed = offer->extmapAllowMixed;
  sdp::Group bundle{"BUNDLE", {}};
  for (const auto& a : answers) {
    if (a.port != 0) bundle.mids.push_back(a.mid);
  }
  if (!bundle.mids.empty()) answer.groups.push_back(std::move(bundle));
  answer.media = std::move(answers);
  r.answerSdp = answer.toString();
  return r;
}

}  // namespace rooms::signaling
