#include "rtc/dtls/DtlsContext.h"

#include <openssl/err.h>

#include <map>
#include <mutex>
#include <utility>

namespace rooms::dtls {

std::string takeOpenSslErrors(const std::string& what) {
  std::string reason = what;
  char buf[256];
  bool first = true;
  while (const unsigned long code = ERR_get_error()) {
    ERR_error_string_n(code, buf, sizeof(buf));
    reason += first ? ": " : "; ";
    reason += buf;
    first = false;
  }
  return reason;
}

DtlsContext::DtlsContext(PassKey, std::shared_ptr<const DtlsCertificate> cert,
                         std::unique_ptr<SSL_CTX, CtxDeleter> ctx)
    : cert_(std::move(cert)), ctx_(std::move(ctx)) {}

std::shared_ptr<DtlsContext> DtlsContext::forCertificate(const std::shared_ptr<const DtlsCertificate>& cert,
                                                         std::string& error) {
  if (!cert) {
    error = "no certificate";
    return nullptr;
  }
  // Weak entries: a context lives as long as a transport uses it. A live context holds its certificate,
  // so a live entry's key can never be a recycled address of another certificate.
  static std::mutex mutex;
  static std::map<const DtlsCertificate*, std::weak_ptr<DtlsContext>> contexts;
  std::lock_guard lock(mutex);
  if (auto it = contexts.find(cert.get()); it != contexts.end()) {
    if (auto live = it->second.lock()) return live;
  }
  auto ctx = create(*cert, error);
  if (!ctx) return nullptr;
  auto context = std::make_shared<DtlsContext>(PassKey{}, cert, std::move(ctx));
  std::erase_if(contexts, [](const auto& entry) { return entry.second.expired(); });
  contexts[cert.get()] = context;
  return context;
}

std::unique_ptr<SSL_CTX, DtlsContext::CtxDeleter> DtlsContext::create(const DtlsCertificate& cert,
                                                                      std::string& error) {
  ERR_clear_error();
  std::unique_ptr<SSL_CTX, CtxDeleter> ctx(SSL_CTX_new(DTLS_method()));
  if (!ctx) {
    error = takeOpenSslErrors("SSL_CTX_new failed");
    return nullptr;
  }
  SSL_CTX* c = ctx.get();
  // WebRTC requires DTLS 1.2 (RFC 8827 6.5); 1.0 has no AEAD ciphers and 1.3 is not what browsers offer yet.
  if (SSL_CTX_set_min_proto_version(c, DTLS1_2_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(c, DTLS1_2_VERSION) != 1) {
    error = takeOpenSslErrors("DTLS version setup failed");
    return nullptr;
  }
  if (SSL_CTX_use_certificate(c, cert.x509()) != 1 || SSL_CTX_use_PrivateKey(c, cert.privateKey()) != 1 ||
      SSL_CTX_check_private_key(c) != 1) {
    error = takeOpenSslErrors("certificate setup failed");
    return nullptr;
  }
  // Forward secrecy and AES-GCM only, which every browser offers. The RSA suites are for the client role,
  // where the peer's certificate may be RSA. GCM only also keeps DtlsRecord's minimum ciphertext length
  // (explicit nonce + tag) true: OpenSSL 3.0 stops reading for good after an encrypted record shorter
  // than its cipher's overhead, so those must never reach it.
  static constexpr const char* kCiphers =
      "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
      "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384";
  if (SSL_CTX_set_cipher_list(c, kCiphers) != 1 || SSL_CTX_set1_groups_list(c, "X25519:P-256:P-384") != 1) {
    error = takeOpenSslErrors("cipher setup failed");
    return nullptr;
  }
  // Unlike everything else here, 0 is success.
  if (SSL_CTX_set_tlsext_use_srtp(c, kSrtpProfiles) != 0) {
    error = takeOpenSslErrors("use_srtp setup failed");
    return nullptr;
  }
  // The caller owns the socket, so OpenSSL cannot ask it for the path MTU; sessions are never resumed
  // (every peer connection has fresh fingerprints) and renegotiation is an attack surface we do not need.
  SSL_CTX_set_options(c, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_read_ahead(c, 1);
  // Both sides must show a certificate; DtlsTransport installs the fingerprint check per connection.
  SSL_CTX_set_verify(c, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  SSL_CTX_set_cert_verify_callback(c, verifyCallback, nullptr);
  return ctx;
}

// Replaces OpenSSL's chain verification: WebRTC certificates are self-signed and trusted only through
// the fingerprint signaled in the SDP, so the leaf's digest is the whole check.
int DtlsContext::verifyCallback(X509_STORE_CTX* store, void*) {
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  X509* cert = X509_STORE_CTX_get0_cert(store);
  auto* verifier = ssl ? static_cast<PeerVerifier*>(SSL_get_app_data(ssl)) : nullptr;
  if (!verifier || !cert || !verifier->verifyPeerCertificate(cert)) {
    X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
    return 0;
  }
  X509_STORE_CTX_set_error(store, X509_V_OK);
  return 1;
}

}  // namespace rooms::dtls
