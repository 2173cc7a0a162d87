// SrtpSession on arbitrary bytes, for both profiles (AES-GCM through OpenSslGcmCipher, AES-CM + HMAC through
// libsrtp): unprotecting whatever arrives never crashes nor reads or writes outside the packet, and whatever
// libsrtp accepts to protect comes back byte for byte from the peer's session. The first input byte picks
// the profile and whether the rest is taken as SRTP/SRTCP from the network or as RTP/RTCP to protect.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "rtc/dtls/SrtpProfile.h"
#include "rtc/srtp/SrtpSession.h"

using rooms::dtls::SrtpProfile;
using rooms::srtp::SrtpSession;

namespace {

std::vector<uint8_t> key(SrtpProfile profile) {
  std::vector<uint8_t> k(rooms::dtls::srtpKeyMaterialLength(profile));
  for (size_t i = 0; i < k.size(); ++i) k[i] = static_cast<uint8_t>(0x21 + i * 11);
  return k;
}

struct Pair {
  explicit Pair(SrtpProfile profile)
      : out(SrtpSession::Direction::Outbound, profile, key(profile)),
        in(SrtpSession::Direction::Inbound, profile, key(profile)) {}
  SrtpSession out;
  SrtpSession in;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t mode = data[0];
  ++data;
  --size;
  // Fresh sessions per input, so that a run does not depend on the inputs before it (replay windows).
  Pair pair(mode & 1 ? SrtpProfile::Aes128CmSha1_80 : SrtpProfile::AeadAes128Gcm);
  const bool rtcp = (mode & 2) != 0;
  if ((mode & 4) == 0) {
    // From the network: an exact-size copy, so that ASan sees any access past the end.
    std::vector<uint8_t> packet(data, data + size);
    size_t length = packet.size();
    const bool ok =
        rtcp ? pair.in.unprotectRtcp(packet.data(), length) : pair.in.unprotectRtp(packet.data(), length);
    if (ok && length > packet.size()) __builtin_trap();
    return 0;
  }
  // Ours to send: protect, then the peer must get exactly the input back.
  if (size > 1400) return 0;
  std::vector<uint8_t> packet(data, data + size);
  packet.resize(size + SrtpSession::kMaxRtcpOverhead);
  size_t length = size;
  const bool ok = rtcp ? pair.out.protectRtcp(packet.data(), length, packet.size())
                       : pair.out.protectRtp(packet.data(), length, packet.size());
  if (!ok) return 0;
  if (length > packet.size()) __builtin_trap();
  packet.resize(length);
  size_t back = length;
  const bool unprotected =
      rtcp ? pair.in.unprotectRtcp(packet.data(), back) : pair.in.unprotectRtp(packet.data(), back);
  if (!unprotected || back != size) __builtin_trap();
  for (size_t i = 0; i < size; ++i) {
    if (packet[i] != data[i]) __builtin_trap();
  }
  return 0;
}
