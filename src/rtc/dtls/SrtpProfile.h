#pragma once
// The SRTP protection profiles negotiated through the DTLS use_srtp extension (RFC 5764, RFC 7714) and the
// master key and salt lengths each needs. Shared by the DTLS transport (to split the exported keying
// material) and the SRTP session (to check what it is given).
#include <cstddef>
#include <cstdint>

namespace rooms::dtls {

enum class SrtpProfile { None, Aes128CmSha1_80, AeadAes128Gcm };

constexpr const char* toString(SrtpProfile profile) {
  switch (profile) {
    case SrtpProfile::None:
      return "none";
    case SrtpProfile::Aes128CmSha1_80:
      return "SRTP_AES128_CM_SHA1_80";
    case SrtpProfile::AeadAes128Gcm:
      return "SRTP_AEAD_AES_128_GCM";
  }
  return "unknown";
}

// RFC 5764 4.1.2: AES_CM_128_HMAC_SHA1_80 has a 128-bit key and a 112-bit salt.
// RFC 7714 12: AEAD_AES_128_GCM has a 128-bit key and a 96-bit salt.
constexpr size_t srtpKeyLength(SrtpProfile profile) {
  return profile == SrtpProfile::None ? 0 : 16;
}
constexpr size_t srtpSaltLength(SrtpProfile profile) {
  switch (profile) {
    case SrtpProfile::None:
      return 0;
    case SrtpProfile::Aes128CmSha1_80:
      return 14;
    case SrtpProfile::AeadAes128Gcm:
      return 12;
  }
  return 0;
}
// One direction's key||salt, the form both DtlsTransport hands out and SrtpSession takes.
constexpr size_t srtpKeyMaterialLength(SrtpProfile profile) {
  return srtpKeyLength(profile) + srtpSaltLength(profile);
}
// The largest srtpKeyMaterialLength() over all profiles, for fixed-size buffers.
constexpr size_t kMaxSrtpKeyMaterialLength = 30;

// The DTLS-SRTP protection profile ids of the use_srtp extension (RFC 5764 4.1.2, RFC 7714 14.2).
constexpr SrtpProfile srtpProfileFromId(unsigned long id) {
  switch (id) {
    case 0x0001:
      return SrtpProfile::Aes128CmSha1_80;
    case 0x0007:
      return SrtpProfile::AeadAes128Gcm;
    default:
      return SrtpProfile::None;
  }
}

}  // namespace rooms::dtls
