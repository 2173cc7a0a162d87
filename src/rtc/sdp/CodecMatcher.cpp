#include "rtc/sdp/CodecMatcher.h"

#include <algorithm>
#include <functional>

#include "rtc/sdp/SdpText.h"

namespace rooms::sdp {

namespace {

std::optional<int> findRtx(const MediaSection& offer, int pt) {
  for (const auto& r : offer.rtpmaps) {
    if (!equalsIgnoreCase(r.codec, "rtx")) continue;
    const Fmtp* f = offer.fmtp(r.pt);
    if (!f) continue;
    const auto apt = f->param("apt");
    if (apt && *apt == std::to_string(pt)) return r.pt;
  }
  return std::nullopt;
}

// RED whose fmtp lists only pt, as "pt/pt" (one redundant block) or longer: the router unwraps and repairs
// RED of Opus only.
std::optional<int> findRed(const MediaSection& offer, int pt) {
  for (int candidate : offer.payloadTypes()) {
    const Rtpmap* r = offer.rtpmap(candidate);
    if (!r || !equalsIgnoreCase(r->codec, "red") || r->clockRate != 48000) continue;
    const Fmtp* f = offer.fmtp(candidate);
    if (!f || f->opaque.empty()) continue;
    bool onlyPt = true;
    size_t start = 0;
    const std::string& list = f->opaque;
    while (start <= list.size()) {
      const size_t slash = std::min(list.find('/', start), list.size());
      if (list.substr(start, slash - start) != std::to_string(pt)) onlyPt = false;
      start = slash + 1;
    }
    if (onlyPt) return candidate;
  }
  return std::nullopt;
}

CodecChoice choiceFor(const MediaSection& offer, const Rtpmap& r) {
  return CodecChoice{r.pt, findRtx(offer, r.pt), std::nullopt, r.codec, r.clockRate, r.channels};
}

// The offered codec with the given name and clock rate that scores highest, ties going to the browser's
// order; a score below zero excludes a payload type. Only payload types on the m= line count: an rtpmap for
// an unlisted type is not on offer.
std::optional<CodecChoice> best(const MediaSection& offer, std::string_view codec, uint32_t clockRate,
                                const std::function<int(const Rtpmap&, const Fmtp*)>& score) {
  std::optional<CodecChoice> chosen;
  int bestScore = -1;
  for (int pt : offer.payloadTypes()) {
    const Rtpmap* r = offer.rtpmap(pt);
    if (!r || !equalsIgnoreCase(r->codec, codec) || r->clockRate != clockRate) continue;
    const int s = score(*r, offer.fmtp(pt));
    if (s > bestScore) {
      bestScore = s;
      chosen = choiceFor(offer, *r);
    }
  }
  return chosen;
}

std::optional<int> extensionId(const MediaSection& offer, const char* uri) {
  const Extmap* e = offer.extmapByUri(uri);
  return e ? std::optional<int>(e->id) : std::nullopt;
}

}  // namespace

std::optional<CodecChoice> CodecMatcher::findOpus(const MediaSection& offer) {
  auto opus =
      best(offer, "opus", 48000, [](const Rtpmap& r, const Fmtp*) { return r.channels == 2 ? 0 : -1; });
  if (opus) opus->redPt = findRed(offer, opus->pt);
  return opus;
}

std::optional<CodecChoice> CodecMatcher::findVp8(const MediaSection& offer) {
  return best(offer, "VP8", 90000, [](const Rtpmap&, const Fmtp*) { return 0; });
}

std::optional<CodecChoice> CodecMatcher::findH264(const MediaSection& offer) {
  return best(offer, "H264", 90000, [](const Rtpmap&, const Fmtp* f) {
    if (!f || f->param("packetization-mode") != "1") return -1;
    const std::string profile = toLower(f->param("profile-level-id").value_or(""));
    if (profile == "42e01f") return 3;
    if (profile.starts_with("42e0")) return 2;
    if (profile.starts_with("4200")) return 1;
    return 0;
  });
}

std::optional<CodecChoice> CodecMatcher::findVp9(const MediaSection& offer) {
  return best(offer, "VP9", 90000, [](const Rtpmap&, const Fmtp* f) {
    const std::string profile = f ? f->param("profile-id").value_or("0") : "0";
    return profile == "0" ? 1 : 0;
  });
}

std::vector<CodecChoice> CodecMatcher::selectCodecs(const MediaSection& offer) {
  std::vector<CodecChoice> out;
  if (!offer.isRtp()) return out;
  const auto add = [&out](std::optional<CodecChoice> c) {
    if (c) out.push_back(std::move(*c));
  };
  if (offer.kind == "audio") {
    add(findOpus(offer));
  } else if (offer.kind == "video") {
    add(findVp8(offer));
    add(findH264(offer));
    add(findVp9(offer));
  }
  return out;
}

ExtensionIds CodecMatcher::findExtensions(const MediaSection& offer) {
  return ExtensionIds{extensionId(offer, kMidUri), extensionId(offer, kAudioLevelUri),
                      extensionId(offer, kTransportWideCcUri), extensionId(offer, kAbsSendTimeUri)};
}

MediaSection CodecMatcher::buildAnswer(const MediaSection& offer, const AnswerParams& params) {
  MediaSection answer;
  answer.kind = offer.kind;
  answer.proto = offer.proto;
  answer.port = 9;
  answer.connection = "IN IP4 0.0.0.0";
  answer.mid = offer.mid;
  answer.iceUfrag = params.iceUfrag;
  answer.icePwd = params.icePwd;
  answer.fingerprints = {params.fingerprint};
  answer.setup = Setup::kPassive;
  answer.rtcpMux = offer.rtcpMux;

  const auto reject = [&answer, &offer]() {
    // JSEP 5.3.1: a rejected section keeps its place and mid, with port 0 and the offered formats.
    answer.port = 0;
    answer.formats = offer.formats;
    answer.direction = Direction::kInactive;
    answer.iceUfrag.clear();
    answer.icePwd.clear();
    answer.fingerprints.clear();
    answer.setup.reset();
    answer.rtcpMux = false;
    return answer;
  };
  if (offer.port == 0) return reject();

  if (!offer.isRtp()) {
    if (!offer.sctpPort) return reject();
    answer.formats = offer.formats;
    answer.sctpPort = 5000;
    answer.maxMessageSize =
        std::min(params.maxMessageSize, offer.maxMessageSize.value_or(params.maxMessageSize));
  } else {
    const auto codecs = selectCodecs(offer);
    if (codecs.empty()) return reject();
    const ExtensionIds ids = findExtensions(offer);
    // Transport-wide CC wherever it is offered, so both legs have a send-side estimator. On a section the
    // browser sends on, the router is the receiver and writes the feedback, so the browser's estimator
    // sees the publisher's own uplink; REMB stays on there, to cap it by what its subscribers can take.
    // On a section the browser receives on, the browser writes the feedback and the router's estimator
    // (rtc/bwe) measures the downlink to it; REMB is left out there, since the browser would otherwise
    // run a second, receive-side estimator whose figure fights ours. abs-send-time and REMB remain the
    // fallback for a browser that offers no transport-cc.
    const Direction offered = offer.direction.value_or(Direction::kSendRecv);
    const bool browserSends = offered == Direction::kSendOnly || offered == Direction::kSendRecv;
    const bool useTwcc = ids.transportWideCc.has_value();
    const auto keepFeedback = [&](const RtcpFb& fb) {
      if (fb.type == "transport-cc") return useTwcc;
      if (fb.type == "goog-remb") return !useTwcc || browserSends;
      return true;
    };
    const auto copyCodec = [&](int pt) {
      answer.formats.push_back(std::to_string(pt));
      if (const Rtpmap* r = offer.rtpmap(pt)) answer.rtpmaps.push_back(*r);
      for (const auto& fb : offer.rtcpFbs) {
        if (fb.pt == pt && keepFeedback(fb)) answer.rtcpFbs.push_back(fb);
      }
      const Rtpmap* r = offer.rtpmap(pt);
      if (const Fmtp* f = offer.fmtp(pt)) {
        answer.fmtps.push_back(*f);
      } else if (r && equalsIgnoreCase(r->codec, "opus")) {
        answer.fmtps.push_back(Fmtp{pt, {}, {}});
      }
      // Opus in-band FEC (RFC 7587): we decode it and so do the browsers we forward to. It is what lets a
      // lossy uplink's audio survive, since audio is never retransmitted.
      if (r && equalsIgnoreCase(r->codec, "opus")) answer.fmtps.back().params["useinbandfec"] = "1";
    };
    for (const auto& c : codecs) {
      // RED first: the browser sends the first codec of the answer, and with RED a lost packet's audio
      // comes again with the next one.
      if (c.redPt) copyCodec(*c.redPt);
      copyCodec(c.pt);
      if (c.rtxPt) copyCodec(*c.rtxPt);
    }
    const auto addExtension = [&](const std::optional<int>& id, const char* uri) {
      if (id) answer.extmaps.push_back(Extmap{*id, std::nullopt, uri, {}});
    };
    addExtension(ids.mid, kMidUri);
    if (offer.kind == "audio") addExtension(ids.audioLevel, kAudioLevelUri);
    // A publisher keeps abs-send-time next to transport-cc: the router copies it into what it forwards to
    // subscribers that have only REMB (without it their estimators fall back to a per-stream estimate that
    // held a lossy downlink at a tenth of its rate).
    if (useTwcc) addExtension(ids.transportWideCc, kTransportWideCcUri);
    if (!useTwcc || browserSends) addExtension(ids.absSendTime, kAbsSendTimeUri);
    answer.rtcpRsize = offer.rtcpRsize;
    answer.direction = mirror(offer.direction.value_or(Direction::kSendRecv));
  }
  answer.candidates = params.candidates;
  // ICE-lite gathers nothing: the candidates we have are all there will be.
  answer.endOfCandidates = true;
  return answer;
}

}  // namespace rooms::sdp
