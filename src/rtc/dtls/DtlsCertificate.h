#pragma once
// The certificate this server shows in DTLS handshakes. WebRTC authenticates it by the fingerprint in the
// SDP (RFC 8122, RFC 8827), not by a CA, so it is self-signed and generated at startup. Immutable once
// made, hence shared between threads and transports as shared_ptr<const>.
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

namespace rooms::dtls {

class DtlsCertificate {
  struct PassKey {};

 public:
  // A fresh ECDSA P-256 key and a certificate for it: CN "roomsd", random serial, valid from a day ago
  // (clock skew between us and the browser) for 30 days. Throws std::runtime_error with OpenSSL's
  // reason if OpenSSL cannot make one.
  static std::shared_ptr<const DtlsCertificate> generate();

  // "AB:CD:..." (upper-case hex, colon separated) of cert's DER encoding under md, as RFC 8122 writes
  // fingerprints; empty if OpenSSL fails.
  static std::string fingerprint(X509* cert, const EVP_MD* md);

  X509* x509() const { return x509_.get(); }
  EVP_PKEY* privateKey() const { return key_.get(); }
  // For the a=fingerprint:sha-256 line of our SDP.
  const std::string& fingerprintSha256() const { return fingerprintSha256_; }

  struct KeyDeleter {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
  };
  struct X509Deleter {
    void operator()(X509* cert) const { X509_free(cert); }
  };
  using KeyPtr = std::unique_ptr<EVP_PKEY, KeyDeleter>;
  using X509Ptr = std::unique_ptr<X509, X509Deleter>;

  // Only generate() makes these (the pass key keeps the constructor usable by make_shared only).
  DtlsCertificate(PassKey, KeyPtr key, X509Ptr x509);
  DtlsCertificate(const DtlsCertificate&) = delete;
  DtlsCertificate& operator=(const DtlsCertificate&) = delete;

 private:
  KeyPtr key_;
  X509Ptr x509_;
  std::string fingerprintSha256_;
};

}  // namespace rooms::dtls
