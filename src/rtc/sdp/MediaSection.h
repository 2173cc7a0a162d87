#pragma once
// One m= section of a WebRTC session description (RFC 8866 section 5.14, JSEP RFC 8829) with the
// attributes browsers actually send, each parsed into a typed field. Anything we do not model lands in
// otherAttributes/otherLines so that a parse/write cycle loses nothing.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rooms::sdp {

enum class Direction { kSendRecv, kSendOnly, kRecvOnly, kInactive };
enum class Setup { kActpass, kActive, kPassive, kHoldconn };

std::string_view toString(Direction d);
std::optional<Direction> parseDirection(std::string_view s);
// The answerer's direction for an offered one: what the peer sends we receive and vice versa.
Direction mirror(Direction d);
std::string_view toString(Setup s);
std::optional<Setup> parseSetup(std::string_view s);

// The line structs below parse the attribute value (the part after "a=name:"). On failure they return
// nullopt and put a short description of the problem into `error`; the caller adds the line number.

struct Rtpmap {
  int pt = 0;
  std::string codec;
  uint32_t clockRate = 0;
  int channels = 0;  // 0: not given (video, or mono audio written without the field)

  static std::optional<Rtpmap> parse(std::string_view value, std::string& error);
  bool operator==(const Rtpmap&) const = default;
  std::string toString() const;
};

struct Fmtp {
  int pt = 0;
  std::map<std::string, std::string> params;
  // Codecs such as RED ("111/111") or telephone-event ("0-15") use a format that is not a key=value list;
  // it is kept verbatim here and params stays empty.
  std::string opaque;

  static std::optional<Fmtp> parse(std::string_view value, std::string& error);
  bool operator==(const Fmtp&) const = default;
  std::string toString() const;
  std::optional<std::string> param(const std::string& key) const;
};

struct RtcpFb {
  std::optional<int> pt;  // nullopt: "*" (every payload type)
  std::string type;       // nack, ccm, goog-remb, transport-cc, ...
  std::string subtype;    // pli, fir, ... or empty

  static std::optional<RtcpFb> parse(std::string_view value, std::string& error);
  bool operator==(const RtcpFb&) const = default;
  std::string toString() const;
};

struct Extmap {
  int id = 0;
  std::optional<Direction> direction;
  std::string uri;
  std::string attributes;  // extension attributes after the URI, verbatim

  static std::optional<Extmap> parse(std::string_view value, std::string& error);
  bool operator==(const Extmap&) const = default;
  std::string toString() const;
};

struct SsrcAttribute {
  uint32_t ssrc = 0;
  std::string attribute;  // cname, msid, ...
  std::string value;      // may be empty (attribute without ':value')

  static std::optional<SsrcAttribute> parse(std::string_view value, std::string& error);
  bool operator==(const SsrcAttribute&) const = default;
  std::string toString() const;
};

struct SsrcGroup {
  std::string semantics;  // FID (RTX), SIM, FEC-FR
  std::vector<uint32_t> ssrcs;

  static std::optional<SsrcGroup> parse(std::string_view value, std::string& error);
  bool operator==(const SsrcGroup&) const = default;
  std::string toString() const;
};

struct Msid {
  std::string streamId;  // "-" when the track belongs to no stream
  std::string trackId;   // may be empty

  static std::optional<Msid> parse(std::string_view value, std::string& error);
  bool operator==(const Msid&) const = default;
  std::string toString() const;
};

struct Rid {
  std::string id;
  std::string direction;  // send / recv
  std::string params;     // restrictions such as "pt=96;max-width=640", verbatim

  static std::optional<Rid> parse(std::string_view value, std::string& error);
  bool operator==(const Rid&) const = default;
  std::string toString() const;
};

struct Fingerprint {
  std::string algorithm;  // lower case, e.g. sha-256
  std::string hex;        // upper-case colon-separated bytes, as RFC 8122 writes them

  static std::optional<Fingerprint> parse(std::string_view value, std::string& error);
  bool operator==(const Fingerprint&) const = default;
  std::string toString() const;
};

// RFC 8839 section 5.1. parse() accepts the value with or without the "candidate:" prefix, since trickled
// candidates arrive in that form over signaling.
struct Candidate {
  std::string foundation;
  int component = 1;
  std::string transport;  // udp / tcp, lower case
  uint32_t priority = 0;
  std::string address;  // IP address or mDNS name
  uint16_t port = 0;
  std::string type;  // host, srflx, prflx, relay
  std::string relatedAddress;
  std::optional<uint16_t> relatedPort;
  std::string tcpType;                                          // active, passive, so (TCP candidates only)
  std::vector<std::pair<std::string, std::string>> extensions;  // generation, ufrag, network-cost, ...

  static std::optional<Candidate> parse(std::string_view value, std::string& error);
  bool operator==(const Candidate&) const = default;
  std::string toString() const;  // without the "candidate:" prefix
};

struct Attribute {
  std::string name;
  std::optional<std::string> value;  // nullopt: a flag attribute such as "a=x-flag"

  bool operator==(const Attribute&) const = default;
};

class MediaSection {
 public:
  // Parses the value of an m= line: "<kind> <port>[/<count>] <proto> <fmt> ...".
  static std::optional<MediaSection> parseMediaLine(std::string_view value, std::string& error);
  // Applies one a= line of this section; returns false with `error` set when the value is malformed.
  bool applyAttribute(std::string_view name, std::optional<std::string_view> value, std::string& error);
  // Appends the section, m= line first, each line ending with CRLF.
  void write(std::string& out) const;
  bool operator==(const MediaSection&) const = default;

  bool isRtp() const { return proto.find("RTP/") != std::string::npos; }
  // The formats of the m= line that are valid RTP payload types, in offered order.
  std::vector<int> payloadTypes() const;
  const Rtpmap* rtpmap(int pt) const;
  const Fmtp* fmtp(int pt) const;
  std::vector<RtcpFb> rtcpFeedback(int pt) const;  // including the "*" entries
  const Extmap* extmapByUri(std::string_view uri) const;

  std::string kind;  // audio, video, application (others are kept as given)
  uint16_t port = 9;
  std::optional<int> portCount;
  std::string proto;
  std::vector<std::string> formats;
  std::optional<std::string> connection;  // value of c=
  std::vector<std::string> bandwidths;    // values of b=

  std::string mid;
  std::string iceUfrag;
  std::string icePwd;
  std::vector<std::string> iceOptions;
  std::vector<Fingerprint> fingerprints;
  std::optional<Setup> setup;
  std::optional<Direction> direction;  // nullopt: inherit the session's, else sendrecv
  bool rtcpMux = false;
  bool rtcpMuxOnly = false;
  bool rtcpRsize = false;
  bool extmapAllowMixed = false;

  std::vector<Rtpmap> rtpmaps;
  std::vector<Fmtp> fmtps;
  std::vector<RtcpFb> rtcpFbs;
  std::vector<Extmap> extmaps;
  std::vector<SsrcAttribute> ssrcs;
  std::vector<SsrcGroup> ssrcGroups;
  std::vector<Msid> msids;
  std::vector<Rid> rids;
  std::optional<std::string> simulcast;  // value of a=simulcast, verbatim

  std::vector<Candidate> candidates;
  bool endOfCandidates = false;

  std::optional<uint16_t> sctpPort;
  std::optional<uint64_t> maxMessageSize;

  std::vector<Attribute> otherAttributes;
  std::vector<std::pair<char, std::string>> otherLines;  // i=, k= and unknown line types
};

}  // namespace rooms::sdp
