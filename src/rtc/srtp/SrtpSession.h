#pragma once
// One direction of SRTP/SRTCP protection (RFC 3711, RFC 7714) for one peer connection, over libsrtp2.
// Keys come from the DTLS handshake (DtlsTransport::Listener::onDtlsConnected). Protection works in
// place in the caller's buffer and allocates nothing per packet (libsrtp allocates a stream per new
// SSRC the first time it sees it). Not thread-safe: one session per direction per peer, owned by the
// peer's thread.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "rtc/dtls/SrtpProfile.h"

struct srtp_ctx_t_;

namespace rooms::srtp {

class SrtpSession {
 public:
  enum class Direction { Inbound, Outbound };

  // libsrtp's protect calls may grow a packet by up to this much (auth tag, MKI; SRTCP adds the 4-byte
  // E+index word on top): the room a caller must leave behind the packet.
  static constexpr size_t kMaxRtpOverhead = 144;   // SRTP_MAX_TRAILER_LEN
  static constexpr size_t kMaxRtcpOverhead = 148;  // SRTP_MAX_TRAILER_LEN + 4
  // The replay window (RFC 3711 3.3.2 asks for at least 64); video bursts reorder more than that.
  static constexpr unsigned long kReplayWindow = 1024;

  // srtp_init() once per process; thread-safe. The constructor calls it.
  static void initLibrary();
  // Which AES-GCM computes AEAD_AES_128_GCM: "openssl" (OpenSslGcmCipher, installed by initLibrary) or
  // "libsrtp" (its own, if ours failed libsrtp's self tests; aesGcmInstallStatus() says why).
  static const char* aesGcmImplementation();
  static int aesGcmInstallStatus();

  // keyMaterial is the master key||salt for profile (dtls::srtpKeyMaterialLength). Inbound sessions
  // accept any SSRC the peer sends; outbound ones protect any SSRC we send and allow the same sequence
  // number to be protected again (NACK retransmissions resend the identical packet). Throws
  // std::runtime_error with libsrtp's error if the session cannot be made.
  SrtpSession(Direction direction, dtls::SrtpProfile profile, std::span<const uint8_t> keyMaterial);
  ~SrtpSession();
  SrtpSession(const SrtpSession&) = delete;
  SrtpSession& operator=(const SrtpSession&) = delete;

  // In place; size is updated. capacity is the buffer's size, which must leave kMaxRtpOverhead
  // (kMaxRtcpOverhead) behind the packet. false on any libsrtp error (too small, replayed, failed
  // authentication) with lastError() telling which; the packet must then be dropped.
  bool protectRtp(uint8_t* data, size_t& size, size_t capacity);
  bool unprotectRtp(uint8_t* data, size_t& size);
  bool protectRtcp(uint8_t* data, size_t& size, size_t capacity);
  bool unprotectRtcp(uint8_t* data, size_t& size);

  Direction direction() const { return direction_; }
  dtls::SrtpProfile profile() const { return profile_; }
  // libsrtp's srtp_err_status_t of the last failed call (0 if none failed yet), for logs and metrics.
  int lastError() const { return lastError_; }
  static const char* errorString(int status);

  struct Deleter {
    void operator()(srtp_ctx_t_* session) const;  // srtp_dealloc
  };

 private:
  bool finish(int status, int length, size_t& size);

  Direction direction_;
  dtls::SrtpProfile profile_;

  std::unique_ptr<srtp_ctx_t_, Deleter> session_;
  int lastError_ = 0;
};

}  // namespace rooms::srtp
