// DtlsRecord::parse sees every datagram that passes the RFC 7983 demultiplexer before OpenSSL does, so
// on arbitrary bytes it must not read out of bounds, and what it accepts must add up: records tile the
// datagram exactly, and the plausibility check agrees with the iterator.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "rtc/dtls/DtlsRecord.h"
#include "rtc/dtls/DtlsTransport.h"

using rooms::dtls::DtlsRecord;
using rooms::dtls::DtlsRecordIterator;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // An exact-size copy so that ASan catches any read past the end.
  std::vector<uint8_t> bytes(data, data + size);
  size_t offset = 0;
  size_t count = 0;
  bool allPlausible = true;
  while (offset < bytes.size()) {
    size_t consumed = 0;
    auto record = DtlsRecord::parse(bytes.data() + offset, bytes.size() - offset, consumed);
    if (!record) {
      if (consumed != 0) __builtin_trap();
      break;
    }
    if (consumed != DtlsRecord::kHeaderSize + record->length || consumed > bytes.size() - offset)
      __builtin_trap();
    if (record->fragment != bytes.data() + offset + DtlsRecord::kHeaderSize) __builtin_trap();
    if (!DtlsRecord::isKnownContentType(record->contentType)) __builtin_trap();
    if (record->sequenceNumber >> 48) __builtin_trap();
    allPlausible = allPlausible && record->isPlausible();
    if (auto type = record->handshakeType()) (void)*type;
    (void)DtlsRecord::toString(record->contentType);
    offset += consumed;
    ++count;
  }
  const bool tiled = count > 0 && offset == bytes.size();
  if (DtlsRecord::isPlausibleDatagram(bytes.data(), bytes.size()) != (tiled && allPlausible))
    __builtin_trap();

  DtlsRecordIterator it(bytes.data(), bytes.size());
  DtlsRecord record;
  size_t iterated = 0;
  while (it.next(record)) ++iterated;
  if (iterated != count || it.malformed() != (offset != bytes.size())) __builtin_trap();
  // Whatever is plausible also passes the demultiplexer.
  if (tiled && !rooms::dtls::DtlsTransport::looksLikeDtls(bytes.data(), bytes.size())) __builtin_trap();
  return 0;
}
