#include "rtc/dtls/DtlsRecord.h"

#include "rtc/rtp/ByteIo.h"

namespace rooms::dtls {

using rtc::read16;

bool DtlsRecord::isKnownContentType(uint8_t type) {
  return (type >= kChangeCipherSpec && type <= kApplicationData) || type == kConnectionId;
}

const char* DtlsRecord::toString(uint8_t contentType) {
  switch (contentType) {
    case kChangeCipherSpec:
      return "change_cipher_spec";
    case kAlert:
      return "alert";
    case kHandshake:
      return "handshake";
    case kApplicationData:
      return "application_data";
    case kConnectionId:
      return "tls12_cid";
    default:
      return "unknown";
  }
}

std::optional<DtlsRecord> DtlsRecord::parse(const uint8_t* data, size_t size, size_t& consumed) {
  consumed = 0;
  if (!data || size < kHeaderSize) return std::nullopt;
  DtlsRecord record;
  record.contentType = data[0];
  record.version = read16(data + 1);
  record.epoch = read16(data + 3);
  uint64_t seq = 0;
  for (size_t i = 5; i < 11; ++i) seq = (seq << 8) | data[i];
  record.sequenceNumber = seq;
  record.length = read16(data + 11);
  if (!isKnownContentType(record.contentType)) return std::nullopt;
  if (record.version != kVersionDtls12 && record.version != kVersionDtls10) return std::nullopt;
  if (record.length > kMaxFragmentLength || record.length > size - kHeaderSize) return std::nullopt;
  record.fragment = data + kHeaderSize;
  consumed = kHeaderSize + record.length;
  return record;
}

bool DtlsRecord::isPlausibleDatagram(const uint8_t* data, size_t size) {
  if (!data || size == 0) return false;
  DtlsRecordIterator it(data, size);
  DtlsRecord record;
  size_t count = 0;
  while (it.next(record)) {
    if (!record.isPlausible()) return false;
    ++count;
  }
  return count > 0 && !it.malformed();
}

bool DtlsRecord::isPlausible() const {
  // Encrypted: beyond its size, only OpenSSL can judge it.
  if (epoch != 0) return epoch <= kMaxEpoch && length >= kMinEncryptedLength;
  switch (contentType) {
    case kChangeCipherSpec:
      return length == 1 && fragment[0] == 1;
    case kAlert:
      return length == 2 && (fragment[0] == 1 || fragment[0] == 2);
    case kHandshake: {
      // msg_type(1) length(3) message_seq(2) fragment_offset(3) fragment_length(3), then the fragment;
      // a record may carry several.
      size_t offset = 0;
      if (length == 0) return false;
      while (offset < length) {
        if (length - offset < kHandshakeHeaderSize) return false;
        const uint8_t* h = fragment + offset;
        const uint32_t messageLength = rtc::read24(h + 1);
        const uint32_t fragmentOffset = rtc::read24(h + 6);
        const uint32_t fragmentLength = rtc::read24(h + 9);
        if (fragmentOffset + fragmentLength > messageLength) return false;
        if (fragmentLength > length - offset - kHandshakeHeaderSize) return false;
        offset += kHandshakeHeaderSize + fragmentLength;
      }
      return true;
    }
    default:
      return false;  // application data and tls12_cid records need keys
  }
}

std::optional<uint8_t> DtlsRecord::handshakeType() const {
  // Later epochs are encrypted: their first byte is ciphertext.
  if (contentType != kHandshake || epoch != 0 || length < 1) return std::nullopt;
  return fragment[0];
}

bool DtlsRecordIterator::next(DtlsRecord& record) {
  if (malformed_ || offset_ >= size_) return false;
  size_t consumed = 0;
  auto parsed = DtlsRecord::parse(data_ + offset_, size_ - offset_, consumed);
  if (!parsed) {
    malformed_ = true;
    return false;
  }
  record = *parsed;
  offset_ += consumed;
  return true;
}

}  // namespace rooms::dtls
