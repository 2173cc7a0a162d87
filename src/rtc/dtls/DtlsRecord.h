#pragma once
// The DTLS record layer framing (RFC 6347 4.1): a 13-byte header per record, several records per
// datagram. Parsed before OpenSSL sees a datagram, so that junk which merely passed the RFC 7983
// demultiplexer never reaches the handshake state machine, and for logs. A view: fragment points into
// the caller's buffer. Nothing is decrypted or allocated.
#include <cstddef>
#include <cstdint>
#include <optional>

namespace rooms::dtls {

struct DtlsRecord {
  enum ContentType : uint8_t {
    kChangeCipherSpec = 20,
    kAlert = 21,
    kHandshake = 22,
    kApplicationData = 23,
    kConnectionId = 25,  // tls12_cid, RFC 9146
  };
  static constexpr uint16_t kVersionDtls10 = 0xFEFF;  // ClientHello records may carry it (RFC 6347 4.2.1)
  static constexpr uint16_t kVersionDtls12 = 0xFEFD;
  static constexpr size_t kHeaderSize = 13;
  // RFC 6347 4.1.2.1 (by way of RFC 5246 6.2.3): a record is never longer than 2^14 + 2048.
  static constexpr size_t kMaxFragmentLength = 16384 + 2048;

  uint8_t contentType = 0;
  uint16_t version = 0;
  uint16_t epoch = 0;
  uint64_t sequenceNumber = 0;  // 48 bits
  uint16_t length = 0;
  const uint8_t* fragment = nullptr;  // length bytes

  // The record at the start of data, and in consumed the bytes it takes (header and fragment);
  // nullopt (consumed 0) if it is truncated, too long, or of an unknown content type or version.
  static std::optional<DtlsRecord> parse(const uint8_t* data, size_t size, size_t& consumed);
  // Every byte of the datagram belongs to a well-formed record, and there is at least one; and each
  // record isPlausible().
  static bool isPlausibleDatagram(const uint8_t* data, size_t size);
  // Without renegotiation (which we turn off) DTLS 1.2 has two epochs: 0 for the plaintext handshake,
  // 1 after ChangeCipherSpec.
  static constexpr uint16_t kMaxEpoch = 1;
  // The AES-GCM record overhead (8-byte explicit nonce, 16-byte tag), the least of the cipher suites
  // DtlsContext offers: an encrypted record cannot be shorter.
  static constexpr size_t kMinEncryptedLength = 24;
  static constexpr size_t kHandshakeHeaderSize = 12;
  static bool isKnownContentType(uint8_t type);
  static const char* toString(uint8_t contentType);  // "handshake", ...; "unknown" otherwise
  // The handshake message type of a plaintext (epoch 0) handshake record, e.g. 1 for ClientHello.
  std::optional<uint8_t> handshakeType() const;
  // Checks beyond the framing, for what OpenSSL would choke on rather than drop. Epoch 0: handshake
  // records must be whole handshake message fragments (RFC 6347 4.2.2), change_cipher_spec the single
  // byte 1, alerts two bytes, and application data never comes unencrypted. Encrypted records: epoch
  // at most kMaxEpoch and at least kMinEncryptedLength bytes.
  bool isPlausible() const;
};

// Iterates the records of one datagram: for (auto r = DtlsRecordIterator(d, n); r.next(record);).
// Stops at the end or at the first malformed record; malformed() tells which.
class DtlsRecordIterator {
 public:
  DtlsRecordIterator(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool next(DtlsRecord& record);
  bool malformed() const { return malformed_; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t offset_ = 0;
  bool malformed_ = false;
};

}  // namespace rooms::dtls
