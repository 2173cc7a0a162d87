#include "rtc/srtp/OpenSslGcmCipher.h"

#include <openssl/evp.h>
#include <srtp2/cipher.h>
#include <srtp2/srtp.h>

#include <climits>
#include <memory>

namespace rooms::srtp {

namespace {

constexpr int kKeySize = SRTP_AES_128_KEY_LEN;
// libsrtp hands the cipher the master key and salt together; the salt is libsrtp's to use in the IV.
constexpr int kKeyWithSalt = SRTP_AES_GCM_128_KEY_LEN_WSALT;
constexpr int kFullTag = 16;
constexpr int kShortTag = 8;

struct CipherContextFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};

// What libsrtp holds: its srtp_cipher_t, whose state points back at the whole.
struct GcmCipher {
  srtp_cipher_t cipher{};
  std::unique_ptr<EVP_CIPHER_CTX, CipherContextFree> ctx;
  int tagLength = kFullTag;
  srtp_cipher_direction_t direction = srtp_direction_any;
};

// Fetched once: passing a fetched cipher to EVP_CipherInit_ex spares OpenSSL a provider lookup per key.
const EVP_CIPHER* aes128Gcm() {
  static const EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr);
  return cipher;
}

srtp_err_status_t allocate(srtp_cipher_t** c, int keyLength, int tagLength);

srtp_err_status_t deallocate(srtp_cipher_t* c) {
  std::unique_ptr<GcmCipher> owned(static_cast<GcmCipher*>(c->state));
  return srtp_err_status_ok;
}

srtp_err_status_t init(void* state, const uint8_t* key) {
  auto& gcm = *static_cast<GcmCipher*>(state);
  gcm.direction = srtp_direction_any;
  if (EVP_CipherInit_ex(gcm.ctx.get(), aes128Gcm(), nullptr, key, nullptr, 1) != 1) {
    return srtp_err_status_init_fail;
  }
  return srtp_err_status_ok;
}

srtp_err_status_t setIv(void* state, uint8_t* iv, srtp_cipher_direction_t direction) {
  auto& gcm = *static_cast<GcmCipher*>(state);
  if (direction != srtp_direction_encrypt && direction != srtp_direction_decrypt) {
    return srtp_err_status_bad_param;
  }
  gcm.direction = direction;
  // The 12-byte IV (GCM's default length) starts a new message under the key set in init.
  const int encrypt = direction == srtp_direction_encrypt ? 1 : 0;
  if (EVP_CipherInit_ex(gcm.ctx.get(), nullptr, nullptr, nullptr, iv, encrypt) != 1) {
    return srtp_err_status_init_fail;
  }
  return srtp_err_status_ok;
}

srtp_err_status_t setAad(void* state, const uint8_t* aad, uint32_t length) {
  auto& gcm = *static_cast<GcmCipher*>(state);
  int written = 0;
  if (length > INT_MAX ||
      EVP_CipherUpdate(gcm.ctx.get(), nullptr, &written, aad, static_cast<int>(length)) != 1) {
    return srtp_err_status_algo_fail;
  }
  return srtp_err_status_ok;
}

srtp_err_status_t encrypt(void* state, uint8_t* buffer, unsigned int* length) {
  auto& gcm = *static_cast<GcmCipher*>(state);
  if (gcm.direction != srtp_direction_encrypt || *length > INT_MAX) return srtp_err_status_bad_param;
  int written = 0;
  int finalWritten = 0;
  if (EVP_CipherUpdate(gcm.ctx.get(), buffer, &written, buffer, static_cast<int>(*length)) != 1 ||
      EVP_CipherFinal_ex(gcm.ctx.get(), buffer + written, &finalWritten) != 1) {
    return srtp_err_status_cipher_fail;
  }
  *length = static_cast<unsigned int>(written + finalWritten);
  return srtp_err_status_ok;
}

// After encrypt: the tag of the message just encrypted.
srtp_err_status_t getTag(void* state, uint8_t* tag, uint32_t* length) {
  auto& gcm = *static_cast<GcmCipher*>(state);
  if (EVP_CIPHER_CTX_ctrl(gcm.ctx.get(), EVP_CTRL_AEAD_GET_TAG, gcm.tagLength, tag) != 1) {
    return srtp_err_status_algo_fail;
  }
  *length = static_cast<uint32_t>(gcm.tagLength);
  return srtp_err_status_ok;
}

// The buffer ends with the tag; on success length no longer counts it.
srtp_err_status_t decrypt(void* state, uint8_t* buffer, unsigned int* length) {
  auto& gcm = *static_cast<GcmCipher*>(state);
  if (gcm.direction != srtp_direction_decrypt || *length > INT_MAX) return srtp_err_status_bad_param;
  const auto tag = static_cast<unsigned int>(gcm.tagLength);
  if (*length < tag) return srtp_err_status_auth_fail;
  const unsigned int body = *length - tag;
  if (EVP_CIPHER_CTX_ctrl(gcm.ctx.get(), EVP_CTRL_AEAD_SET_TAG, gcm.tagLength, buffer + body) != 1) {
    return srtp_err_status_auth_fail;
  }
  int written = 0;
  int finalWritten = 0;
  if (EVP_CipherUpdate(gcm.ctx.get(), buffer, &written, buffer, static_cast<int>(body)) != 1) {
    return srtp_err_status_cipher_fail;
  }
  // Final is where GCM compares the tag.
  if (EVP_CipherFinal_ex(gcm.ctx.get(), buffer + written, &finalWritten) != 1)
    return srtp_err_status_auth_fail;
  *length = body;
  return srtp_err_status_ok;
}

// The first AES-128 test case of McGrew and Viega, "The Galois/Counter Mode of Operation" (test case 4:
// 60 bytes of plaintext, 20 of AAD), with the 12 salt bytes libsrtp expects behind the key left zero.
const uint8_t kTestKey[kKeyWithSalt] = {0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c,
                                        0x6d, 0x6a, 0x8f, 0x94, 0x67, 0x30, 0x83, 0x08};
uint8_t kTestIv[12] = {0xca, 0xfe, 0xba, 0xbe, 0xfa, 0xce, 0xdb, 0xad, 0xde, 0xca, 0xf8, 0x88};
const uint8_t kTestPlaintext[60] = {0xd9, 0x31, 0x32, 0x25, 0xf8, 0x84, 0x06, 0xe5, 0xa5, 0x59, 0x09, 0xc5,
                                    0xaf, 0xf5, 0x26, 0x9a, 0x86, 0xa7, 0xa9, 0x53, 0x15, 0x34, 0xf7, 0xda,
                                    0x2e, 0x4c, 0x30, 0x3d, 0x8a, 0x31, 0x8a, 0x72, 0x1c, 0x3c, 0x0c, 0x95,
                                    0x95, 0x68, 0x09, 0x53, 0x2f, 0xcf, 0x0e, 0x24, 0x49, 0xa6, 0xb5, 0x25,
                                    0xb1, 0x6a, 0xed, 0xf5, 0xaa, 0x0d, 0xe6, 0x57, 0xba, 0x63, 0x7b, 0x39};
const uint8_t kTestAad[20] = {0xfe, 0xed, 0xfa, 0xce, 0xde, 0xad, 0xbe, 0xef, 0xfe, 0xed,
                              0xfa, 0xce, 0xde, 0xad, 0xbe, 0xef, 0xab, 0xad, 0xda, 0xd2};
const uint8_t kTestCiphertext[76] = {
    0x42, 0x83, 0x1e, 0xc2, 0x21, 0x77, 0x74, 0x24, 0x4b, 0x72, 0x21, 0xb7, 0x84, 0xd0, 0xd4, 0x9c, 0xe3,
    0xaa, 0x21, 0x2f, 0x2c, 0x02, 0xa4, 0xe0, 0x35, 0xc1, 0x7e, 0x23, 0x29, 0xac, 0xa1, 0x2e, 0x21, 0xd5,
    0x14, 0xb2, 0x54, 0x66, 0x93, 0x1c, 0x7d, 0x8f, 0x6a, 0x5a, 0xac, 0x84, 0xaa, 0x05, 0x1b, 0xa3, 0x0b,
    0x39, 0x6a, 0x0a, 0xac, 0x97, 0x3d, 0x58, 0xe0, 0x91,
    // the tag
    0x5b, 0xc9, 0x4f, 0xbc, 0x32, 0x21, 0xa5, 0xdb, 0x94, 0xfa, 0xe9, 0x5a, 0xe7, 0x12, 0x1a, 0x47};
const srtp_cipher_test_case_t kTestCase = {kKeyWithSalt,    kTestKey,
                                           kTestIv,         sizeof kTestPlaintext,
                                           kTestPlaintext,  sizeof kTestCiphertext,
                                           kTestCiphertext, sizeof kTestAad,
                                           kTestAad,        kFullTag,
                                           nullptr};

const srtp_cipher_type_t kType = {
    allocate,   deallocate,      init, setAad, encrypt, decrypt, setIv, getTag, "AES-128 GCM (OpenSSL)",
    &kTestCase, SRTP_AES_GCM_128};

srtp_err_status_t allocate(srtp_cipher_t** c, int keyLength, int tagLength) {
  if (keyLength != kKeyWithSalt || (tagLength != kFullTag && tagLength != kShortTag)) {
    return srtp_err_status_bad_param;
  }
  if (!aes128Gcm()) return srtp_err_status_alloc_fail;
  auto gcm = std::make_unique<GcmCipher>();
  gcm->ctx.reset(EVP_CIPHER_CTX_new());
  if (!gcm->ctx) return srtp_err_status_alloc_fail;
  gcm->tagLength = tagLength;
  gcm->cipher.type = &kType;
  gcm->cipher.state = gcm.get();
  gcm->cipher.key_len = keyLength;
  gcm->cipher.algorithm = SRTP_AES_GCM_128;
  // From here libsrtp owns it, and gives it back through deallocate.
  *c = &gcm.release()->cipher;
  return srtp_err_status_ok;
}

}  // namespace

int OpenSslGcmCipher::install() {
  static_assert(kKeySize == 16);
  return srtp_replace_cipher_type(&kType, SRTP_AES_GCM_128);
}

}  // namespace rooms::srtp
