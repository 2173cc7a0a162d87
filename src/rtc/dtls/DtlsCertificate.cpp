#include "rtc/dtls/DtlsCertificate.h"

#include <openssl/bn.h>
#include <openssl/err.h>

#include <stdexcept>
#include <utility>

namespace rooms::dtls {

namespace {

struct BnDeleter {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};

[[noreturn]] void throwOpenSsl(const char* what) {
  std::string reason = what;
  char buf[256];
  while (const unsigned long code = ERR_get_error()) {
    ERR_error_string_n(code, buf, sizeof(buf));
    reason += ": ";
    reason += buf;
  }
  throw std::runtime_error(reason);
}

constexpr long kSecondsPerDay = 24 * 60 * 60;

}  // namespace

DtlsCertificate::DtlsCertificate(PassKey, KeyPtr key, X509Ptr x509)
    : key_(std::move(key)),
      x509_(std::move(x509)),
      fingerprintSha256_(fingerprint(x509_.get(), EVP_sha256())) {}

std::shared_ptr<const DtlsCertificate> DtlsCertificate::generate() {
  ERR_clear_error();
  // P-256 rather than RSA: every browser accepts it, and it keeps the handshake flights small enough
  // for one datagram each at our MTU.
  KeyPtr key(EVP_EC_gen("P-256"));
  if (!key) throwOpenSsl("EC key generation failed");

  X509Ptr cert(X509_new());
  if (!cert) throwOpenSsl("X509_new failed");
  if (X509_set_version(cert.get(), X509_VERSION_3) != 1) throwOpenSsl("X509_set_version failed");

  // A random serial, so that a restarted server never presents two certificates with the same
  // issuer and serial (some stacks cache by that pair).
  std::unique_ptr<BIGNUM, BnDeleter> serial(BN_new());
  if (!serial || BN_rand(serial.get(), 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get()))) {
    throwOpenSsl("certificate serial failed");
  }

  if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kSecondsPerDay) ||
      !X509_gmtime_adj(X509_getm_notAfter(cert.get()), 30 * kSecondsPerDay)) {
    throwOpenSsl("certificate validity failed");
  }

  X509_NAME* name = X509_get_subject_name(cert.get());
  static constexpr unsigned char kCommonName[] = "roomsd";
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, kCommonName, -1, -1, 0) != 1 ||
      X509_set_issuer_name(cert.get(), name) != 1) {
    throwOpenSsl("certificate name failed");
  }
  if (X509_set_pubkey(cert.get(), key.get()) != 1) throwOpenSsl("X509_set_pubkey failed");
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) throwOpenSsl("X509_sign failed");

  auto result = std::make_shared<const DtlsCertificate>(PassKey{}, std::move(key), std::move(cert));
  if (result->fingerprintSha256().empty()) throwOpenSsl("certificate fingerprint failed");
  return result;
}

std::string DtlsCertificate::fingerprint(X509* cert, const EVP_MD* md) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!cert || !md || X509_digest(cert, md, digest, &length) != 1) return {};
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(length * 3);
  for (unsigned int i = 0; i < length; ++i) {
    if (i > 0) out += ':';
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0F];
  }
  return out;
}

}  // namespace rooms::dtls
