#include "rtc/sdp/MediaSection.h"

#include <algorithm>
#include <set>

#include "rtc/sdp/SdpText.h"

namespace rooms::sdp {

namespace {

constexpr int kMaxPayloadType = 127;

std::optional<int> parsePayloadType(std::string_view s) {
  return parseUnsigned<int>(s, kMaxPayloadType);
}

bool isHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

void line(std::string& out, std::string_view attribute, std::string_view value) {
  out += "a=";
  out += attribute;
  out += ':';
  out += value;
  out += "\r\n";
}

void flag(std::string& out, std::string_view attribute) {
  out += "a=";
  out += attribute;
  out += "\r\n";
}

// Appends a parsed line struct, or reports the parse error; keeps applyAttribute() one line per attribute.
template <typename T>
bool append(std::vector<T>& into, std::string_view value, std::string& error) {
  auto parsed = T::parse(value, error);
  if (!parsed) return false;
  into.push_back(std::move(*parsed));
  return true;
}

}  // namespace

std::string_view toString(Direction d) {
  switch (d) {
    case Direction::kSendRecv:
      return "sendrecv";
    case Direction::kSendOnly:
      return "sendonly";
    case Direction::kRecvOnly:
      return "recvonly";
    case Direction::kInactive:
      return "inactive";
  }
  return "sendrecv";
}

std::optional<Direction> parseDirection(std::string_view s) {
  if (s == "sendrecv") return Direction::kSendRecv;
  if (s == "sendonly") return Direction::kSendOnly;
  if (s == "recvonly") return Direction::kRecvOnly;
  if (s == "inactive") return Direction::kInactive;
  return std::nullopt;
}

Direction mirror(Direction d) {
  switch (d) {
    case Direction::kSendOnly:
      return Direction::kRecvOnly;
    case Direction::kRecvOnly:
      return Direction::kSendOnly;
    default:
      return d;
  }
}

std::string_view toString(Setup s) {
  switch (s) {
    case Setup::kActpass:
      return "actpass";
    case Setup::kActive:
      return "active";
    case Setup::kPassive:
      return "passive";
    case Setup::kHoldconn:
      return "holdconn";
  }
  return "actpass";
}

std::optional<Setup> parseSetup(std::string_view s) {
  if (s == "actpass") return Setup::kActpass;
  if (s == "active") return Setup::kActive;
  if (s == "passive") return Setup::kPassive;
  if (s == "holdconn") return Setup::kHoldconn;
  return std::nullopt;
}

// ---- line structs ----

std::optional<Rtpmap> Rtpmap::parse(std::string_view value, std::string& error) {
  const auto [ptText, encoding] = splitFirstWord(value);
  Rtpmap r;
  const auto pt = parsePayloadType(ptText);
  if (!pt) {
    error = "rtpmap payload type '" + std::string(ptText) + "' is not a number in 0..127";
    return std::nullopt;
  }
  r.pt = *pt;
  const std::string_view enc = trim(encoding);
  const size_t slash = enc.find('/');
  if (slash == std::string_view::npos || slash == 0) {
    error = "rtpmap needs '<pt> <codec>/<clock rate>'";
    return std::nullopt;
  }
  r.codec = std::string(enc.substr(0, slash));
  if (!isVisibleWord(r.codec)) {
    error = "rtpmap codec name is malformed";
    return std::nullopt;
  }
  std::string_view rest = enc.substr(slash + 1);
  const size_t slash2 = rest.find('/');
  const auto clock = parseUnsigned<uint32_t>(rest.substr(0, slash2), UINT32_MAX);
  if (!clock || *clock == 0) {
    error = "rtpmap clock rate is not a positive number";
    return std::nullopt;
  }
  r.clockRate = *clock;
  if (slash2 != std::string_view::npos) {
    const auto channels = parseUnsigned<int>(rest.substr(slash2 + 1), 255);
    if (!channels || *channels == 0) {
      error = "rtpmap channel count is not a number in 1..255";
      return std::nullopt;
    }
    r.channels = *channels;
  }
  return r;
}

std::string Rtpmap::toString() const {
  std::string s = std::to_string(pt) + " " + codec + "/" + std::to_string(clockRate);
  if (channels > 0) s += "/" + std::to_string(channels);
  return s;
}

std::optional<Fmtp> Fmtp::parse(std::string_view value, std::string& error) {
  const auto [ptText, rest] = splitFirstWord(value);
  Fmtp f;
  const auto pt = parsePayloadType(ptText);
  if (!pt) {
    error = "fmtp payload type '" + std::string(ptText) + "' is not a number in 0..127";
    return std::nullopt;
  }
  f.pt = *pt;
  std::map<std::string, std::string> params;
  bool keyValueList = true;
  size_t start = 0;
  while (start <= rest.size() && keyValueList) {
    size_t end = rest.find(';', start);
    if (end == std::string_view::npos) end = rest.size();
    const std::string_view piece = trim(rest.substr(start, end - start));
    if (!piece.empty()) {
      const size_t eq = piece.find('=');
      const std::string_view key =
          eq == std::string_view::npos ? std::string_view() : trim(piece.substr(0, eq));
      if (key.empty()) {
        keyValueList = false;
      } else {
        params[std::string(key)] = std::string(trim(piece.substr(eq + 1)));
      }
    }
    start = end + 1;
  }
  if (keyValueList) {
    f.params = std::move(params);
  } else {
    f.opaque = std::string(rest);
  }
  return f;
}

std::string Fmtp::toString() const {
  std::string s = std::to_string(pt);
  if (!opaque.empty()) return s + " " + opaque;
  char sep = ' ';
  for (const auto& [k, v] : params) {
    s += sep;
    s += k;
    s += '=';
    s += v;
    sep = ';';
  }
  return s;
}

std::optional<std::string> Fmtp::param(const std::string& key) const {
  const auto it = params.find(key);
  if (it == params.end()) return std::nullopt;
  return it->second;
}

std::optional<RtcpFb> RtcpFb::parse(std::string_view value, std::string& error) {
  const auto [ptText, rest] = splitFirstWord(value);
  RtcpFb fb;
  if (ptText != "*") {
    fb.pt = parsePayloadType(ptText);
    if (!fb.pt) {
      error = "rtcp-fb payload type '" + std::string(ptText) + "' is neither '*' nor a number in 0..127";
      return std::nullopt;
    }
  }
  const auto [type, subtype] = splitFirstWord(rest);
  if (type.empty()) {
    error = "rtcp-fb has no feedback type";
    return std::nullopt;
  }
  fb.type = std::string(type);
  fb.subtype = std::string(trim(subtype));
  return fb;
}

std::string RtcpFb::toString() const {
  std::string s = pt ? std::to_string(*pt) : std::string("*");
  s += " " + type;
  if (!subtype.empty()) s += " " + subtype;
  return s;
}

std::optional<Extmap> Extmap::parse(std::string_view value, std::string& error) {
  const auto [idText, rest] = splitFirstWord(value);
  Extmap e;
  std::string_view idPart = idText;
  const size_t slash = idText.find('/');
  if (slash != std::string_view::npos) {
    idPart = idText.substr(0, slash);
    e.direction = parseDirection(idText.substr(slash + 1));
    if (!e.direction) {
      error = "extmap direction '" + std::string(idText.substr(slash + 1)) + "' is unknown";
      return std::nullopt;
    }
  }
  // One-byte headers allow 1..14, two-byte headers 1..255 (RFC 8285).
  const auto id = parseUnsigned<int>(idPart, 255);
  if (!id || *id == 0) {
    error = "extmap id '" + std::string(idPart) + "' is not a number in 1..255";
    return std::nullopt;
  }
  e.id = *id;
  const auto [uri, attributes] = splitFirstWord(rest);
  if (uri.empty()) {
    error = "extmap has no URI";
    return std::nullopt;
  }
  e.uri = std::string(uri);
  e.attributes = std::string(trim(attributes));
  return e;
}

std::string Extmap::toString() const {
  std::string s = std::to_string(id);
  if (direction) s += "/" + std::string(sdp::toString(*direction));
  s += " " + uri;
  if (!attributes.empty()) s += " " + attributes;
  return s;
}

std::optional<SsrcAttribute> SsrcAttribute::parse(std::string_view value, std::string& error) {
  const auto [ssrcText, rest] = splitFirstWord(value);
  SsrcAttribute a;
  const auto ssrc = parseUnsigned<uint32_t>(ssrcText, UINT32_MAX);
  if (!ssrc) {
    error = "ssrc '" + std::string(ssrcText) + "' is not a 32-bit number";
    return std::nullopt;
  }
  a.ssrc = *ssrc;
  const size_t colon = rest.find(':');
  a.attribute = std::string(trim(rest.substr(0, colon)));
  if (a.attribute.empty()) {
    error = "ssrc line has no attribute";
    return std::nullopt;
  }
  if (colon != std::string_view::npos) a.value = std::string(rest.substr(colon + 1));
  return a;
}

std::string SsrcAttribute::toString() const {
  std::string s = std::to_string(ssrc) + " " + attribute;
  if (!value.empty()) s += ":" + value;
  return s;
}

std::optional<SsrcGroup> SsrcGroup::parse(std::string_view value, std::string& error) {
  const auto words = splitWhitespace(value);
  if (words.size() < 2) {
    error = "ssrc-group needs semantics and at least one ssrc";
    return std::nullopt;
  }
  SsrcGroup g;
  g.semantics = std::string(words[0]);
  for (size_t i = 1; i < words.size(); ++i) {
    const auto ssrc = parseUnsigned<uint32_t>(words[i], UINT32_MAX);
    if (!ssrc) {
      error = "ssrc-group member '" + std::string(words[i]) + "' is not a 32-bit number";
      return std::nullopt;
    }
    g.ssrcs.push_back(*ssrc);
  }
  return g;
}

std::string SsrcGroup::toString() const {
  std::string s = semantics;
  for (uint32_t ssrc : ssrcs) s += " " + std::to_string(ssrc);
  return s;
}

std::optional<Msid> Msid::parse(std::string_view value, std::string& error) {
  const auto words = splitWhitespace(value);
  if (words.empty() || words.size() > 2) {
    error = "msid needs '<stream id> [<track id>]'";
    return std::nullopt;
  }
  Msid m;
  m.streamId = std::string(words[0]);
  if (words.size() == 2) m.trackId = std::string(words[1]);
  return m;
}

std::string Msid::toString() const {
  return trackId.empty() ? streamId : streamId + " " + trackId;
}

std::optional<Rid> Rid::parse(std::string_view value, std::string& error) {
  const auto [id, rest] = splitFirstWord(value);
  const auto [direction, params] = splitFirstWord(rest);
  if (id.empty() || direction.empty()) {
    error = "rid needs '<id> <send|recv> [<restrictions>]'";
    return std::nullopt;
  }
  return Rid{std::string(id), std::string(direction), std::string(trim(params))};
}

std::string Rid::toString() const {
  return params.empty() ? id + " " + direction : id + " " + direction + " " + params;
}

std::optional<Fingerprint> Fingerprint::parse(std::string_view value, std::string& error) {
  const auto words = splitWhitespace(value);
  if (words.size() < 2) {
    error = "fingerprint needs '<hash function> <hex bytes>'";
    return std::nullopt;
  }
  if (words.size() > 2) {
    error = "fingerprint has extra text after the hex bytes";
    return std::nullopt;
  }
  const std::string_view hex = words[1];
  // Bytes as two hex digits separated by ':' (RFC 8122 section 5); anything else would make the DTLS
  // certificate check compare against garbage.
  if (hex.size() % 3 != 2) {
    error = "fingerprint value is not colon-separated hex bytes";
    return std::nullopt;
  }
  for (size_t i = 0; i < hex.size(); ++i) {
    const bool ok = i % 3 == 2 ? hex[i] == ':' : isHex(hex[i]);
    if (!ok) {
      error = "fingerprint value is not colon-separated hex bytes";
      return std::nullopt;
    }
  }
  Fingerprint f;
  f.algorithm = toLower(words[0]);
  f.hex = std::string(hex);
  for (char& c : f.hex) {
    if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
  }
  return f;
}

std::string Fingerprint::toString() const {
  return algorithm + " " + hex;
}

std::optional<Candidate> Candidate::parse(std::string_view value, std::string& error) {
  if (value.starts_with("candidate:")) value.remove_prefix(10);
  const auto words = splitWhitespace(value);
  if (words.size() < 8 || words[6] != "typ") {
    error = "candidate needs '<foundation> <component> <transport> <priority> <address> <port> typ <type>'";
    return std::nullopt;
  }
  Candidate c;
  c.foundation = std::string(words[0]);
  const auto component = parseUnsigned<int>(words[1], 256);
  if (!component || *component == 0) {
    error = "candidate component '" + std::string(words[1]) + "' is not a number in 1..256";
    return std::nullopt;
  }
  c.component = *component;
  c.transport = toLower(words[2]);
  const auto priority = parseUnsigned<uint32_t>(words[3], UINT32_MAX);
  if (!priority) {
    error = "candidate priority '" + std::string(words[3]) + "' is not a 32-bit number";
    return std::nullopt;
  }
  c.priority = *priority;
  c.address = std::string(words[4]);
  const auto port = parseUnsigned<uint16_t>(words[5], UINT16_MAX);
  if (!port) {
    error = "candidate port '" + std::string(words[5]) + "' is not a number in 0..65535";
    return std::nullopt;
  }
  c.port = *port;
  c.type = std::string(words[7]);
  if ((words.size() - 8) % 2 != 0) {
    error = "candidate extension '" + std::string(words.back()) + "' has no value";
    return std::nullopt;
  }
  for (size_t i = 8; i + 1 < words.size(); i += 2) {
    const std::string_view name = words[i];
    const std::string_view val = words[i + 1];
    if (name == "raddr") {
      c.relatedAddress = std::string(val);
    } else if (name == "rport") {
      c.relatedPort = parseUnsigned<uint16_t>(val, UINT16_MAX);
      if (!c.relatedPort) {
        error = "candidate rport '" + std::string(val) + "' is not a number in 0..65535";
        return std::nullopt;
      }
    } else if (name == "tcptype") {
      c.tcpType = std::string(val);
    } else {
      c.extensions.emplace_back(std::string(name), std::string(val));
    }
  }
  return c;
}

std::string Candidate::toString() const {
  std::string s = foundation + " " + std::to_string(component) + " " + transport + " " +
                  std::to_string(priority) + " " + address + " " + std::to_string(port) + " typ " + type;
  if (!relatedAddress.empty()) s += " raddr " + relatedAddress;
  if (relatedPort) s += " rport " + std::to_string(*relatedPort);
  if (!tcpType.empty()) s += " tcptype " + tcpType;
  for (const auto& [name, val] : extensions) s += " " + name + " " + val;
  return s;
}

// ---- MediaSection ----

std::optional<MediaSection> MediaSection::parseMediaLine(std::string_view value, std::string& error) {
  const auto words = splitWhitespace(value);
  if (words.size() < 4) {
    error = "m= line needs '<media> <port> <proto> <fmt> ...'";
    return std::nullopt;
  }
  MediaSection m;
  m.kind = std::string(words[0]);
  std::string_view portText = words[1];
  const size_t slash = portText.find('/');
  if (slash != std::string_view::npos) {
    m.portCount = parseUnsigned<int>(portText.substr(slash + 1), UINT16_MAX);
    if (!m.portCount) {
      error = "m= line port count '" + std::string(portText.substr(slash + 1)) + "' is not a number";
      return std::nullopt;
    }
    portText = portText.substr(0, slash);
  }
  const auto port = parseUnsigned<uint16_t>(portText, UINT16_MAX);
  if (!port) {
    error = "m= line port '" + std::string(portText) + "' is not a number in 0..65535";
    return std::nullopt;
  }
  m.port = *port;
  m.proto = std::string(words[2]);
  for (size_t i = 3; i < words.size(); ++i) m.formats.emplace_back(words[i]);
  return m;
}

bool MediaSection::applyAttribute(std::string_view name, std::optional<std::string_view> value,
                                  std::string& error) {
  if (!value) {
    if (const auto d = parseDirection(name)) {
      direction = d;
    } else if (name == "rtcp-mux") {
      rtcpMux = true;
    } else if (name == "rtcp-mux-only") {
      rtcpMuxOnly = true;
    } else if (name == "rtcp-rsize") {
      rtcpRsize = true;
    } else if (name == "extmap-allow-mixed") {
      extmapAllowMixed = true;
    } else if (name == "end-of-candidates") {
      endOfCandidates = true;
    } else if (name == "mid" || name == "ice-ufrag" || name == "ice-pwd" || name == "fingerprint" ||
               name == "setup" || name == "rtpmap" || name == "fmtp" || name == "rtcp-fb" ||
               name == "extmap" || name == "ssrc" || name == "ssrc-group" || name == "msid" ||
               name == "rid" || name == "candidate" || name == "sctp-port" || name == "max-message-size" ||
               name == "simulcast") {
      error = "a=" + std::string(name) + " has no value";
      return false;
    } else {
      otherAttributes.push_back({std::string(name), std::nullopt});
    }
    return true;
  }
  const std::string_view v = *value;
  if (name == "mid") {
    mid = std::string(v);
  } else if (name == "ice-ufrag") {
    iceUfrag = std::string(v);
  } else if (name == "ice-pwd") {
    icePwd = std::string(v);
  } else if (name == "ice-options") {
    for (const auto w : splitWhitespace(v)) iceOptions.emplace_back(w);
  } else if (name == "fingerprint") {
    return append(fingerprints, v, error);
  } else if (name == "setup") {
    setup = parseSetup(trim(v));
    if (!setup) {
      error = "a=setup value '" + std::string(v) + "' is not actpass, active, passive or holdconn";
      return false;
    }
  } else if (name == "rtpmap") {
    return append(rtpmaps, v, error);
  } else if (name == "fmtp") {
    return append(fmtps, v, error);
  } else if (name == "rtcp-fb") {
    return append(rtcpFbs, v, error);
  } else if (name == "extmap") {
    return append(extmaps, v, error);
  } else if (name == "ssrc") {
    return append(ssrcs, v, error);
  } else if (name == "ssrc-group") {
    return append(ssrcGroups, v, error);
  } else if (name == "msid") {
    return append(msids, v, error);
  } else if (name == "rid") {
    return append(rids, v, error);
  } else if (name == "simulcast") {
    simulcast = std::string(v);
  } else if (name == "candidate") {
    return append(candidates, v, error);
  } else if (name == "sctp-port") {
    sctpPort = parseUnsigned<uint16_t>(trim(v), UINT16_MAX);
    if (!sctpPort) {
      error = "a=sctp-port value '" + std::string(v) + "' is not a number in 0..65535";
      return false;
    }
  } else if (name == "max-message-size") {
    maxMessageSize = parseUnsigned<uint64_t>(trim(v), UINT64_MAX);
    if (!maxMessageSize) {
      error = "a=max-message-size value '" + std::string(v) + "' is not a number";
      return false;
    }
  } else {
    otherAttributes.push_back({std::string(name), std::string(v)});
  }
  return true;
}

std::vector<int> MediaSection::payloadTypes() const {
  std::vector<int> pts;
  if (!isRtp()) return pts;
  for (const auto& f : formats) {
    if (const auto pt = parsePayloadType(f)) pts.push_back(*pt);
  }
  return pts;
}

const Rtpmap* MediaSection::rtpmap(int pt) const {
  const auto it = std::find_if(rtpmaps.begin(), rtpmaps.end(), [pt](const Rtpmap& r) { return r.pt == pt; });
  return it == rtpmaps.end() ? nullptr : &*it;
}

const Fmtp* MediaSection::fmtp(int pt) const {
  const auto it = std::find_if(fmtps.begin(), fmtps.end(), [pt](const Fmtp& f) { return f.pt == pt; });
  return it == fmtps.end() ? nullptr : &*it;
}

std::vector<RtcpFb> MediaSection::rtcpFeedback(int pt) const {
  std::vector<RtcpFb> out;
  for (const auto& fb : rtcpFbs) {
    if (!fb.pt || *fb.pt == pt) out.push_back(fb);
  }
  return out;
}

const Extmap* MediaSection::extmapByUri(std::string_view uri) const {
  const auto it =
      std::find_if(extmaps.begin(), extmaps.end(), [uri](const Extmap& e) { return e.uri == uri; });
  return it == extmaps.end() ? nullptr : &*it;
}

void MediaSection::write(std::string& out) const {
  out += "m=" + kind + " " + std::to_string(port);
  if (portCount) out += "/" + std::to_string(*portCount);
  out += " " + proto;
  for (const auto& f : formats) out += " " + f;
  out += "\r\n";
  for (const auto& [type, text] : otherLines) {
    out += type;
    out += '=';
    out += text;
    out += "\r\n";
  }
  if (connection) out += "c=" + *connection + "\r\n";
  for (const auto& b : bandwidths) out += "b=" + b + "\r\n";

  if (!iceUfrag.empty()) line(out, "ice-ufrag", iceUfrag);
  if (!icePwd.empty()) line(out, "ice-pwd", icePwd);
  if (!iceOptions.empty()) {
    std::string joined;
    for (const auto& o : iceOptions) joined += (joined.empty() ? "" : " ") + o;
    line(out, "ice-options", joined);
  }
  for (const auto& f : fingerprints) line(out, "fingerprint", f.toString());
  if (setup) line(out, "setup", toString(*setup));
  if (!mid.empty()) line(out, "mid", mid);
  if (extmapAllowMixed) flag(out, "extmap-allow-mixed");
  for (const auto& e : extmaps) line(out, "extmap", e.toString());
  if (direction) flag(out, toString(*direction));
  for (const auto& m : msids) line(out, "msid", m.toString());
  if (rtcpMux) flag(out, "rtcp-mux");
  if (rtcpMuxOnly) flag(out, "rtcp-mux-only");
  if (rtcpRsize) flag(out, "rtcp-rsize");

  // Codec lines grouped per payload type in m= line order, as browsers write them. Each payload type is
  // visited once so that a repeated format or a line for an unlisted type neither duplicates nor drops lines.
  std::vector<int> order;
  std::set<int> seen;
  const auto visit = [&](int pt) {
    if (seen.insert(pt).second) order.push_back(pt);
  };
  for (int pt : payloadTypes()) visit(pt);
  for (const auto& r : rtpmaps) visit(r.pt);
  for (const auto& f : fmtps) visit(f.pt);
  for (const auto& fb : rtcpFbs) {
    if (fb.pt) visit(*fb.pt);
  }
  for (int pt : order) {
    for (const auto& r : rtpmaps) {
      if (r.pt == pt) line(out, "rtpmap", r.toString());
    }
    for (const auto& fb : rtcpFbs) {
      if (fb.pt == pt) line(out, "rtcp-fb", fb.toString());
    }
    for (const auto& f : fmtps) {
      if (f.pt == pt) line(out, "fmtp", f.toString());
    }
  }
  for (const auto& fb : rtcpFbs) {
    if (!fb.pt) line(out, "rtcp-fb", fb.toString());
  }

  for (const auto& r : rids) line(out, "rid", r.toString());
  if (simulcast) line(out, "simulcast", *simulcast);
  for (const auto& g : ssrcGroups) line(out, "ssrc-group", g.toString());
  for (const auto& s : ssrcs) line(out, "ssrc", s.toString());
  if (sctpPort) line(out, "sctp-port", std::to_string(*sctpPort));
  if (maxMessageSize) line(out, "max-message-size", std::to_string(*maxMessageSize));
  for (const auto& a : otherAttributes) {
    if (a.value) {
      line(out, a.name, *a.value);
    } else {
      flag(out, a.name);
    }
  }
  for (const auto& c : candidates) line(out, "candidate", c.toString());
  if (endOfCandidates) flag(out, "end-of-candidates");
}

}  // namespace rooms::sdp
