#include "recording/H264Depacketizer.h"

#include <array>

namespace rooms::recording {

namespace {

constexpr uint8_t kTypeIdr = 5;
constexpr uint8_t kTypeSps = 7;
constexpr uint8_t kTypePps = 8;
constexpr uint8_t kTypeStapA = 24;
constexpr uint8_t kTypeFuA = 28;
constexpr uint8_t kForbiddenBit = 0x80;
constexpr std::array<uint8_t, 4> kStartCode = {0, 0, 0, 1};

uint8_t nalType(uint8_t header) {
  return header & 0x1F;
}

// Types 1-23 are NAL units proper; the rest are RTP packet types (or reserved) and nest no further.
bool isNalUnitType(uint8_t type) {
  return type >= 1 && type <= 23;
}

// Whether a NAL unit can only come first in an access unit (H.264 section 7.4.1.2.3): the delimiter, SEI and
// parameter sets precede the first slice, and the first slice has first_mb_in_slice 0, which as ue(v) is a
// single 1 bit right after the header.
bool opensAccessUnit(uint8_t header, std::span<const uint8_t> afterHeader) {
  switch (nalType(header)) {
    case 6:
    case kTypeSps:
    case kTypePps:
    case 9:
      return true;
    case 1:
    case kTypeIdr:
      return !afterHeader.empty() && (afterHeader[0] & 0x80) != 0;
    default:
      return false;
  }
}

struct H264Packet {
  enum class Kind : uint8_t { Single, Aggregate, Fragment };
  Kind kind = Kind::Single;
  bool fragmentStart = false;
  bool fragmentEnd = false;
  uint8_t fragmentHeader = 0;  // the fragmented NAL unit's header, rebuilt from the FU indicator and header
  bool opensAccessUnit = false;
};

// RFC 6184 sections 5.6 (single NAL unit), 5.7.1 (STAP-A) and 5.8 (FU-A).
std::optional<H264Packet> parsePacket(std::span<const uint8_t> p) {
  if (p.empty() || (p[0] & kForbiddenBit) != 0) {
    return std::nullopt;
  }
  H264Packet packet;
  const uint8_t type = nalType(p[0]);
  if (isNalUnitType(type)) {
    packet.opensAccessUnit = opensAccessUnit(p[0], p.subspan(1));
    return packet;
  }
  if (type == kTypeStapA) {
    packet.kind = H264Packet::Kind::Aggregate;
    size_t at = 1;
    size_t units = 0;
    while (at < p.size()) {
      if (p.size() - at < 2) {
        return std::nullopt;
      }
      const size_t size = static_cast<size_t>(p[at] << 8 | p[at + 1]);
      at += 2;
      if (size == 0 || size > p.size() - at || (p[at] & kForbiddenBit) != 0 ||
          !isNalUnitType(nalType(p[at]))) {
        return std::nullopt;
      }
      if (units++ == 0) {
        packet.opensAccessUnit = opensAccessUnit(p[at], p.subspan(at + 1, size - 1));
      }
      at += size;
    }
    if (units == 0) {
      return std::nullopt;
    }
    return packet;
  }
  if (type == kTypeFuA) {
    if (p.size() < 3) {
      return std::nullopt;
    }
    const uint8_t fuHeader = p[1];
    packet.kind = H264Packet::Kind::Fragment;
    packet.fragmentStart = (fuHeader & 0x80) != 0;
    packet.fragmentEnd = (fuHeader & 0x40) != 0;
    // A NAL unit that fits in one fragment must not be fragmented (RFC 6184 section 5.8).
    if ((packet.fragmentStart && packet.fragmentEnd) || !isNalUnitType(nalType(fuHeader))) {
      return std::nullopt;
    }
    packet.fragmentHeader = static_cast<uint8_t>((p[0] & 0xE0) | nalType(fuHeader));
    packet.opensAccessUnit = packet.fragmentStart && opensAccessUnit(packet.fragmentHeader, p.subspan(2));
    return packet;
  }
  return std::nullopt;  // STAP-B, MTAP16, MTAP24, FU-B (interleaved mode only), reserved types
}

}  // namespace

H264Depacketizer::H264Depacketizer(size_t maxFrameSize) : assembler_(maxFrameSize) {
  sps_.reserve(kMaxParameterSetSize);
  pps_.reserve(kMaxParameterSetSize);
}

void H264Depacketizer::reset() {
  assembler_.reset();
  inFragment_ = false;
}

std::optional<MediaFrame> H264Depacketizer::push(const RtpInput& packet, bool gapBefore) {
  assembler_.onPacket(packet.timestamp, gapBefore);
  std::optional<MediaFrame> frame;
  const auto parsed = parsePacket(packet.payload);
  if (!parsed) {
    assembler_.refuse();
    assembler_.onPacketEnd(packet.marker);
    return frame;
  }
  using State = FrameAssembler::State;
  using Kind = H264Packet::Kind;
  if (assembler_.state() == State::Idle) {
    const bool continuation = parsed->kind == Kind::Fragment && !parsed->fragmentStart;
    if (!continuation && (!assembler_.afterGap() || parsed->opensAccessUnit)) {
      assembler_.begin();
      inFragment_ = false;
      idr_ = false;
      spsSize_ = 0;
      ppsSize_ = 0;
    } else {
      assembler_.discard();
    }
  }
  if (assembler_.state() == State::Assembling) {
    const auto p = packet.payload;
    bool ok = true;
    if (parsed->kind != Kind::Fragment || parsed->fragmentStart) {
      if (inFragment_) {
        assembler_.discard();  // the fragmented NAL unit never ended
      } else if (parsed->kind == Kind::Single) {
        ok = appendNalUnit(p);
      } else if (parsed->kind == Kind::Aggregate) {
        // Sizes were checked by parsePacket.
        for (size_t at = 1; ok && at < p.size();) {
          const size_t size = static_cast<size_t>(p[at] << 8 | p[at + 1]);
          ok = appendNalUnit(p.subspan(at + 2, size));
          at += 2 + size;
        }
      } else {
        fragmentAt_ = assembler_.size() + kStartCode.size();
        fragmentType_ = nalType(parsed->fragmentHeader);
        inFragment_ = true;
        ok = assembler_.append(kStartCode) && assembler_.append(std::span(&parsed->fragmentHeader, 1)) &&
             assembler_.append(p.subspan(2));
      }
    } else if (!inFragment_) {
      assembler_.discard();  // a fragment whose first part is missing
    } else if (nalType(parsed->fragmentHeader) != fragmentType_) {
      ok = false;
    } else {
      ok = assembler_.append(p.subspan(2));
      if (ok && parsed->fragmentEnd) {
        inFragment_ = false;
        ok = onNalUnitComplete(fragmentAt_);
      }
    }
    if (!ok) {
      assembler_.refuse();
    }
  }
  if (assembler_.state() == State::Assembling && packet.marker) {
    if (inFragment_) {
      assembler_.discard();  // the access unit ended inside a fragmented NAL unit
    } else {
      frame = finish(packet.arrivalMs);
    }
  }
  assembler_.onPacketEnd(packet.marker);
  return frame;
}

bool H264Depacketizer::appendNalUnit(std::span<const uint8_t> nal) {
  const size_t at = assembler_.size() + kStartCode.size();
  return assembler_.append(kStartCode) && assembler_.append(nal) && onNalUnitComplete(at);
}

bool H264Depacketizer::onNalUnitComplete(size_t at) {
  const auto nal = assembler_.bytes().subspan(at);
  switch (nalType(nal[0])) {
    case kTypeIdr:
      idr_ = true;
      return true;
    case kTypeSps:
      spsAt_ = at;
      spsSize_ = nal.size();
      return spsSize_ <= kMaxParameterSetSize;
    case kTypePps:
      ppsAt_ = at;
      ppsSize_ = nal.size();
      return ppsSize_ <= kMaxParameterSetSize;
    default:
      return true;
  }
}

MediaFrame H264Depacketizer::finish(int64_t arrivalMs) {
  // Parameter sets are taken from emitted access units only, so they always match a frame the writer got.
  const auto bytes = assembler_.bytes();
  if (spsSize_ != 0) {
    const auto sps = bytes.subspan(spsAt_, spsSize_);
    sps_.assign(sps.begin(), sps.end());
  }
  if (ppsSize_ != 0) {
    const auto pps = bytes.subspan(ppsAt_, ppsSize_);
    pps_.assign(pps.begin(), pps.end());
  }
  // An IDR decodes on its own only once the decoder has parameter sets.
  return assembler_.finish(arrivalMs, idr_ && !sps_.empty() && !pps_.empty());
}

}  // namespace rooms::recording
