#pragma once
// AES-128-GCM for libsrtp's crypto kernel, computed by OpenSSL. Debian builds libsrtp2 against NSS, whose
// PKCS#11 interface sets up a fresh context (key schedule, GHASH tables, session lock, allocations) for every
// packet: about 40% of the media thread's CPU went there. Through this cipher, the key is expanded once per
// SRTP stream and each packet costs an IV reset plus the AES-GCM pass itself.
//
// libsrtp still does all of SRTP (key derivation, IV formation, replay protection, the packet layout); this
// only replaces the block cipher mode behind it, through libsrtp's public srtp_replace_cipher_type(), which
// first runs libsrtp's own known-answer tests for AEAD_AES_128_GCM against it, and ours.
#include <cstdint>

namespace rooms::srtp {

class OpenSslGcmCipher {
 public:
  // Replaces libsrtp's SRTP_AES_GCM_128 cipher type; call after srtp_init(). Returns libsrtp's status
  // (srtp_err_status_ok, or the self-test failure, in which case libsrtp keeps its own implementation).
  static int install();
};

}  // namespace rooms::srtp
