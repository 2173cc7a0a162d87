#include "rtc/srtp/SrtpSession.h"

#include <srtp2/srtp.h>

#include "rtc/srtp/OpenSslGcmCipher.h"

#include <array>
#include <climits>
#include <mutex>
#include <stdexcept>
#include <string>

namespace rooms::srtp {

static_assert(SrtpSession::kMaxRtpOverhead == SRTP_MAX_TRAILER_LEN);
static_assert(SrtpSession::kMaxRtcpOverhead == SRTP_MAX_TRAILER_LEN + 4);

void SrtpSession::Deleter::operator()(srtp_ctx_t_* session) const {
  if (session) srtp_dealloc(session);
}

namespace {
int gcmStatus = srtp_err_status_fail;

// libsrtp's NSS ciphers (the key derivation's AES-ICM, and AES-CM sessions) each open an NSS context, and NSS
// unloads its modules when the last one closes. Since AES-GCM no longer holds one per session, nothing else
// would keep NSS loaded, and each new session would load and unload its modules again: about 2 ms on the
// media thread, against 10 us with a context held. An AES-CM session that protects nothing holds one for
// the process's life.
std::unique_ptr<srtp_ctx_t_, SrtpSession::Deleter> makeNssKeepAlive() {
  srtp_policy_t policy{};
  srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
  srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
  policy.ssrc.type = ssrc_any_outbound;
  std::array<unsigned char, SRTP_AES_ICM_128_KEY_LEN_WSALT> key{};
  policy.key = key.data();
  policy.next = nullptr;
  srtp_t session = nullptr;
  if (srtp_create(&session, &policy) != srtp_err_status_ok && session) {
    srtp_dealloc(session);
    session = nullptr;
  }
  return std::unique_ptr<srtp_ctx_t_, SrtpSession::Deleter>(session);
}
}  // namespace

void SrtpSession::initLibrary() {
  static std::once_flag once;
  std::call_once(once, [] {
    const srtp_err_status_t status = srtp_init();
    if (status != srtp_err_status_ok) {
      // call_once lets the next caller try again after a throw.
      throw std::runtime_error(std::string("srtp_init failed: ") + errorString(status));
    }
    // Should OpenSSL's AES-GCM fail libsrtp's self tests, libsrtp's own stays: slower, but correct.
    gcmStatus = OpenSslGcmCipher::install();
    static const auto nssKeepAlive = makeNssKeepAlive();
  });
}

const char* SrtpSession::aesGcmImplementation() {
  initLibrary();
  return gcmStatus == srtp_err_status_ok ? "openssl" : "libsrtp";
}

int SrtpSession::aesGcmInstallStatus() {
  initLibrary();
  return gcmStatus;
}

const char* SrtpSession::errorString(int status) {
  switch (status) {
    case srtp_err_status_ok:
      return "ok";
    case srtp_err_status_fail:
      return "unspecified failure";
    case srtp_err_status_bad_param:
      return "bad parameter";
    case srtp_err_status_alloc_fail:
      return "allocation failed";
    case srtp_err_status_init_fail:
      return "initialization failed";
    case srtp_err_status_terminus:
      return "cannot process more than one packet";
    case srtp_err_status_auth_fail:
      return "authentication failed";
    case srtp_err_status_cipher_fail:
      return "cipher failed";
    case srtp_err_status_replay_fail:
      return "replayed (index already seen)";
    case srtp_err_status_replay_old:
      return "replayed (index too old)";
    case srtp_err_status_algo_fail:
      return "algorithm failed self test";
    case srtp_err_status_no_such_op:
      return "unsupported operation";
    case srtp_err_status_no_ctx:
      return "no context";
    case srtp_err_status_key_expired:
      return "key expired";
    case srtp_err_status_parse_err:
      return "parse error";
    case srtp_err_status_bad_mki:
      return "bad MKI";
    case srtp_err_status_pkt_idx_old:
      return "packet index too old";
    case srtp_err_status_pkt_idx_adv:
      return "packet index advanced too far";
    default:
      return "libsrtp error";
  }
}

SrtpSession::SrtpSession(Direction direction, dtls::SrtpProfile profile, std::span<const uint8_t> keyMaterial)
    : direction_(direction), profile_(profile) {
  initLibrary();
  if (profile == dtls::SrtpProfile::None) throw std::runtime_error("SRTP session without a profile");
  if (keyMaterial.size() != dtls::srtpKeyMaterialLength(profile)) {
    throw std::runtime_error(std::string("SRTP key material for ") + dtls::toString(profile) + " must be " +
                             std::to_string(dtls::srtpKeyMaterialLength(profile)) + " bytes, got " +
                             std::to_string(keyMaterial.size()));
  }
  srtp_policy_t policy{};
  if (profile == dtls::SrtpProfile::AeadAes128Gcm) {
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
  } else {
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
  }
  policy.ssrc.type = direction == Direction::Inbound ? ssrc_any_inbound : ssrc_any_outbound;
  policy.ssrc.value = 0;
  // libsrtp copies the key into the session during srtp_create; it never writes through this pointer.
  policy.key = const_cast<unsigned char*>(keyMaterial.data());
  policy.window_size = kReplayWindow;
  policy.allow_repeat_tx = direction == Direction::Outbound ? 1 : 0;
  policy.next = nullptr;
  srtp_t session = nullptr;
  const srtp_err_status_t status = srtp_create(&session, &policy);
  if (status != srtp_err_status_ok) {
    if (session) srtp_dealloc(session);
    throw std::runtime_error(std::string("srtp_create failed: ") + errorString(status));
  }
  session_.reset(session);
}

SrtpSession::~SrtpSession() = default;

// Takes the length only after the libsrtp call has set it (not as an argument next to the call).
bool SrtpSession::finish(int status, int length, size_t& size) {
  if (status != srtp_err_status_ok) {
    lastError_ = status;
    return false;
  }
  size = static_cast<size_t>(length);
  return true;
}

bool SrtpSession::protectRtp(uint8_t* data, size_t& size, size_t capacity) {
  // libsrtp writes the trailer without knowing the buffer's size, so the room is checked here.
  if (!data || capacity < size || capacity - size < kMaxRtpOverhead || size > INT_MAX / 2) {
    lastError_ = srtp_err_status_bad_param;
    return false;
  }
  int length = static_cast<int>(size);
  const srtp_err_status_t status = srtp_protect(session_.get(), data, &length);
  return finish(status, length, size);
}

bool SrtpSession::unprotectRtp(uint8_t* data, size_t& size) {
  if (!data || size > INT_MAX / 2) {
    lastError_ = srtp_err_status_bad_param;
    return false;
  }
  int length = static_cast<int>(size);
  const srtp_err_status_t status = srtp_unprotect(session_.get(), data, &length);
  return finish(status, length, size);
}

bool SrtpSession::protectRtcp(uint8_t* data, size_t& size, size_t capacity) {
  if (!data || capacity < size || capacity - size < kMaxRtcpOverhead || size > INT_MAX / 2) {
    lastError_ = srtp_err_status_bad_param;
    return false;
  }
  int length = static_cast<int>(size);
  const srtp_err_status_t status = srtp_protect_rtcp(session_.get(), data, &length);
  return finish(status, length, size);
}

bool SrtpSession::unprotectRtcp(uint8_t* data, size_t& size) {
  if (!data || size > INT_MAX / 2) {
    lastError_ = srtp_err_status_bad_param;
    return false;
  }
  int length = static_cast<int>(size);
  const srtp_err_status_t status = srtp_unprotect_rtcp(session_.get(), data, &length);
  return finish(status, length, size);
}

}  // namespace rooms::srtp
