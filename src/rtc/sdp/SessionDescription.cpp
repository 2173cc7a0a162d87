#include "rtc/sdp/SessionDescription.h"

#include <algorithm>

#include "rtc/sdp/SdpText.h"

namespace rooms::sdp {

namespace {

// Session-level a= lines. Returns false with `error` set when a known attribute is malformed.
bool applySessionAttribute(SessionDescription& sd, std::string_view name,
                           std::optional<std::string_view> value, std::string& error) {
  if (!value) {
    if (const auto d = parseDirection(name)) {
      sd.direction = d;
    } else if (name == "ice-lite") {
      sd.iceLite = true;
    } else if (name == "extmap-allow-mixed") {
      sd.extmapAllowMixed = true;
    } else if (name == "group" || name == "fingerprint" || name == "setup" || name == "extmap" ||
               name == "ice-ufrag" || name == "ice-pwd") {
      error = "a=" + std::string(name) + " has no value";
      return false;
    } else {
      sd.otherAttributes.push_back({std::string(name), std::nullopt});
    }
    return true;
  }
  const std::string_view v = *value;
  if (name == "group") {
    const auto words = splitWhitespace(v);
    if (words.empty()) {
      error = "a=group has no semantics";
      return false;
    }
    Group g;
    g.semantics = std::string(words[0]);
    for (size_t i = 1; i < words.size(); ++i) g.mids.emplace_back(words[i]);
    sd.groups.push_back(std::move(g));
  } else if (name == "msid-semantic") {
    sd.msidSemantic = std::string(v);
  } else if (name == "ice-ufrag") {
    sd.iceUfrag = std::string(v);
  } else if (name == "ice-pwd") {
    sd.icePwd = std::string(v);
  } else if (name == "ice-options") {
    for (const auto w : splitWhitespace(v)) sd.iceOptions.emplace_back(w);
  } else if (name == "fingerprint") {
    auto f = Fingerprint::parse(v, error);
    if (!f) return false;
    sd.fingerprints.push_back(std::move(*f));
  } else if (name == "setup") {
    sd.setup = parseSetup(trim(v));
    if (!sd.setup) {
      error = "a=setup value '" + std::string(v) + "' is not actpass, active, passive or holdconn";
      return false;
    }
  } else if (name == "extmap") {
    auto e = Extmap::parse(v, error);
    if (!e) return false;
    sd.extmaps.push_back(std::move(*e));
  } else {
    sd.otherAttributes.push_back({std::string(name), std::string(v)});
  }
  return true;
}

bool parseOrigin(std::string_view value, Origin& origin, std::string& error) {
  const auto w = splitWhitespace(value);
  if (w.size() != 6) {
    error = "o= line needs 6 fields '<username> <sess-id> <sess-version> <nettype> <addrtype> <address>'";
    return false;
  }
  origin = Origin{std::string(w[0]), std::string(w[1]), std::string(w[2]),
                  std::string(w[3]), std::string(w[4]), std::string(w[5])};
  return true;
}

}  // namespace

std::optional<SessionDescription> SessionDescription::parse(std::string_view text, std::string& error) {
  if (text.size() > kMaxBytes) {
    error = "SDP is larger than " + std::to_string(kMaxBytes) + " bytes";
    return std::nullopt;
  }
  SessionDescription sd;
  bool seenVersion = false, seenOrigin = false, seenName = false, seenTiming = false;
  size_t lineNumber = 0;
  size_t pos = 0;
  std::string problem;
  const auto fail = [&](const std::string& message) {
    error = "line " + std::to_string(lineNumber) + ": " + message;
    return std::nullopt;
  };

  while (pos < text.size()) {
    ++lineNumber;
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // A trailing blank line (or one left by hand editing) carries nothing; tolerate it rather than reject an
    // otherwise good offer.
    if (line.empty()) continue;
    if (line.find('\0') != std::string_view::npos) return fail("contains a NUL byte");
    if (line.size() < 2 || line[1] != '=') return fail("expected '<type>=<value>'");
    const char type = line[0];
    if (type < 'a' || type > 'z') {
      std::string message = "line type '";
      message += type;
      return fail(message + "' is not a lower-case letter");
    }
    const std::string_view value = line.substr(2);

    if (!seenVersion) {
      if (type != 'v') return fail("SDP must start with a v= line");
      if (value != "0") return fail("unsupported SDP version '" + std::string(value) + "' (expected 0)");
      seenVersion = true;
      continue;
    }
    MediaSection* media = sd.media.empty() ? nullptr : &sd.media.back();
    switch (type) {
      case 'v':
        return fail("second v= line");
      case 'o':
        if (media) return fail("o= line inside a media section");
        if (seenOrigin) return fail("second o= line");
        if (!parseOrigin(value, sd.origin, problem)) return fail(problem);
        seenOrigin = true;
        break;
      case 's':
        if (media) return fail("s= line inside a media section");
        if (seenName) return fail("second s= line");
        sd.sessionName = std::string(value);
        seenName = true;
        break;
      case 't':
        if (media) return fail("t= line inside a media section");
        if (seenTiming) return fail("second t= line");
        sd.timing = std::string(value);
        seenTiming = true;
        break;
      case 'c':
        if (media) {
          media->connection = std::string(value);
        } else {
          sd.connection = std::string(value);
        }
        break;
      case 'b':
        (media ? media->bandwidths : sd.bandwidths).emplace_back(value);
        break;
      case 'm': {
        if (sd.media.size() >= kMaxMediaSections) {
          return fail("more than " + std::to_string(kMaxMediaSections) + " media sections");
        }
        auto section = MediaSection::parseMediaLine(value, problem);
        if (!section) return fail(problem);
        sd.media.push_back(std::move(*section));
        break;
      }
      case 'a': {
        const size_t colon = value.find(':');
        const std::string_view name = value.substr(0, colon);
        std::optional<std::string_view> attributeValue;
        if (colon != std::string_view::npos) attributeValue = value.substr(colon + 1);
        const bool ok = media ? media->applyAttribute(name, attributeValue, problem)
                              : applySessionAttribute(sd, name, attributeValue, problem);
        if (!ok) return fail(problem);
        break;
      }
      default:
        (media ? media->otherLines : sd.otherLines).emplace_back(type, std::string(value));
        break;
    }
  }
  if (!seenVersion) {
    error = "SDP is empty";
    return std::nullopt;
  }
  if (!seenOrigin) {
    error = "SDP has no o= line";
    return std::nullopt;
  }
  if (!seenName) {
    error = "SDP has no s= line";
    return std::nullopt;
  }
  if (!seenTiming) {
    error = "SDP has no t= line";
    return std::nullopt;
  }
  return sd;
}

std::string SessionDescription::toString() const {
  std::string out;
  out.reserve(4096);
  out += "v=" + std::to_string(version) + "\r\n";
  out += "o=" + origin.username + " " + origin.sessionId + " " + origin.sessionVersion + " " +
         origin.netType + " " + origin.addrType + " " + origin.address + "\r\n";
  out += "s=" + sessionName + "\r\n";
  for (const auto& [type, text] : otherLines) {
    out += type;
    out += '=';
    out += text;
    out += "\r\n";
  }
  if (connection) out += "c=" + *connection + "\r\n";
  for (const auto& b : bandwidths) out += "b=" + b + "\r\n";
  out += "t=" + timing + "\r\n";
  for (const auto& g : groups) {
    out += "a=group:" + g.semantics;
    for (const auto& mid : g.mids) out += " " + mid;
    out += "\r\n";
  }
  if (extmapAllowMixed) out += "a=extmap-allow-mixed\r\n";
  if (msidSemantic) out += "a=msid-semantic:" + *msidSemantic + "\r\n";
  if (iceLite) out += "a=ice-lite\r\n";
  if (!iceUfrag.empty()) out += "a=ice-ufrag:" + iceUfrag + "\r\n";
  if (!icePwd.empty()) out += "a=ice-pwd:" + icePwd + "\r\n";
  if (!iceOptions.empty()) {
    out += "a=ice-options:";
    for (size_t i = 0; i < iceOptions.size(); ++i) out += (i ? " " : "") + iceOptions[i];
    out += "\r\n";
  }
  for (const auto& f : fingerprints) out += "a=fingerprint:" + f.toString() + "\r\n";
  if (setup) out += "a=setup:" + std::string(sdp::toString(*setup)) + "\r\n";
  if (direction) out += "a=" + std::string(sdp::toString(*direction)) + "\r\n";
  for (const auto& e : extmaps) out += "a=extmap:" + e.toString() + "\r\n";
  for (const auto& a : otherAttributes) {
    out += "a=" + a.name;
    if (a.value) out += ":" + *a.value;
    out += "\r\n";
  }
  for (const auto& m : media) m.write(out);
  return out;
}

namespace {
// Shared by the const and non-const overloads.
template <typename Media>
auto* findByMid(Media& media, std::string_view mid) {
  const auto it =
      std::find_if(media.begin(), media.end(), [mid](const MediaSection& m) { return m.mid == mid; });
  return it == media.end() ? nullptr : &*it;
}
}  // namespace

MediaSection* SessionDescription::findMid(std::string_view mid) {
  return findByMid(media, mid);
}

const MediaSection* SessionDescription::findMid(std::string_view mid) const {
  return findByMid(media, mid);
}

std::vector<std::string> SessionDescription::bundleMids() const {
  for (const auto& g : groups) {
    if (g.semantics == "BUNDLE") return g.mids;
  }
  return {};
}

}  // namespace rooms::sdp
