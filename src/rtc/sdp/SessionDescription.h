#pragma once
// A WebRTC session description (RFC 8866 SDP as JSEP, RFC 8829, uses it): the session-level lines plus one
// MediaSection per m= line. parse() accepts what Chrome and Firefox produce (LF or CRLF line ends) and
// never throws: malformed input yields nullopt and an error naming the line. toString() writes CRLF lines.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtc/sdp/MediaSection.h"

namespace rooms::sdp {

struct Origin {
  std::string username = "-";
  std::string sessionId = "0";
  std::string sessionVersion = "0";  // kept as text: browsers use 64-bit values beyond what some parse
  std::string netType = "IN";
  std::string addrType = "IP4";
  std::string address = "127.0.0.1";

  bool operator==(const Origin&) const = default;
};

struct Group {
  std::string semantics;  // BUNDLE, LS, ...
  std::vector<std::string> mids;

  bool operator==(const Group&) const = default;
};

class SessionDescription {
 public:
  // Far above any real offer (tens of kilobytes) but bounds the work one signaling message can cause.
  static constexpr size_t kMaxBytes = 1 << 20;
  static constexpr size_t kMaxMediaSections = 1024;

  static std::optional<SessionDescription> parse(std::string_view text, std::string& error);
  std::string toString() const;
  bool operator==(const SessionDescription&) const = default;

  MediaSection* findMid(std::string_view mid);
  const MediaSection* findMid(std::string_view mid) const;
  // The mids of the first BUNDLE group, empty when there is none.
  std::vector<std::string> bundleMids() const;
  // Media-level values, falling back to the session level (Firefox puts fingerprint and ICE options there).
  std::string iceUfragOf(const MediaSection& m) const { return m.iceUfrag.empty() ? iceUfrag : m.iceUfrag; }
  std::string icePwdOf(const MediaSection& m) const { return m.icePwd.empty() ? icePwd : m.icePwd; }
  std::vector<Fingerprint> fingerprintsOf(const MediaSection& m) const {
    return m.fingerprints.empty() ? fingerprints : m.fingerprints;
  }
  Direction directionOf(const MediaSection& m) const {
    return m.direction.value_or(direction.value_or(Direction::kSendRecv));
  }

  int version = 0;
  Origin origin;
  std::string sessionName = "-";
  std::string timing = "0 0";  // value of t=
  std::optional<std::string> connection;
  std::vector<std::string> bandwidths;

  std::vector<Group> groups;
  std::optional<std::string> msidSemantic;  // value of a=msid-semantic, e.g. " WMS" or "WMS *"
  bool extmapAllowMixed = false;
  bool iceLite = false;
  std::string iceUfrag;
  std::string icePwd;
  std::vector<std::string> iceOptions;
  std::vector<Fingerprint> fingerprints;
  std::optional<Setup> setup;
  std::optional<Direction> direction;
  std::vector<Extmap> extmaps;

  std::vector<Attribute> otherAttributes;
  std::vector<std::pair<char, std::string>> otherLines;  // i=, u=, e=, p=, r=, z=, k=, unknown types

  std::vector<MediaSection> media;
};

}  // namespace rooms::sdp
