#pragma once
// The SSL_CTX every DtlsTransport of one certificate shares: DTLS 1.2 only, ECDHE ciphers, use_srtp,
// mutual certificate authentication by fingerprint. Building one costs a key check and cipher list
// parsing, so transports of the same certificate share it while any of them is alive. SSL_CTX is
// thread-safe for creating SSL objects once configured, so transports on different threads may share it.
#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "rtc/dtls/DtlsCertificate.h"

namespace rooms::dtls {

class DtlsContext {
  struct PassKey {};

 public:
  // The context for cert: the live one if a transport still holds it, else a new one. nullptr with
  // error set if OpenSSL fails.
  static std::shared_ptr<DtlsContext> forCertificate(const std::shared_ptr<const DtlsCertificate>& cert,
                                                     std::string& error);

  // Decides whether a peer's certificate is the one its signaling announced. Each SSL made from this
  // context must carry one as its app data (SSL_set_app_data); the context's verify callback asks it
  // instead of a CA store.
  class PeerVerifier {
   public:
    virtual bool verifyPeerCertificate(X509* cert) = 0;

   protected:
    ~PeerVerifier() = default;
  };

  SSL_CTX* get() const { return ctx_.get(); }
  const std::shared_ptr<const DtlsCertificate>& certificate() const { return cert_; }

  // The use_srtp offer, most preferred first: GCM authenticates with the cipher itself and has the
  // smaller per-packet overhead (16-byte tag, no separate HMAC).
  static constexpr const char* kSrtpProfiles = "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80";

  struct CtxDeleter {
    void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
  };
  DtlsContext(PassKey, std::shared_ptr<const DtlsCertificate> cert, std::unique_ptr<SSL_CTX, CtxDeleter> ctx);
  DtlsContext(const DtlsContext&) = delete;
  DtlsContext& operator=(const DtlsContext&) = delete;

 private:
  static int verifyCallback(X509_STORE_CTX* store, void* arg);
  static std::unique_ptr<SSL_CTX, CtxDeleter> create(const DtlsCertificate& cert, std::string& error);

  std::shared_ptr<const DtlsCertificate> cert_;
  std::unique_ptr<SSL_CTX, CtxDeleter> ctx_;
};

// OpenSSL's error queue as one line ("what: reason; reason"), emptying it.
std::string takeOpenSslErrors(const std::string& what);

}  // namespace rooms::dtls
