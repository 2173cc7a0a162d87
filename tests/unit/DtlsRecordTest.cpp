#include "rtc/dtls/DtlsRecord.h"

#include <gtest/gtest.h>

#include <vector>

namespace rooms::dtls {
namespace {

std::vector<uint8_t> record(uint8_t type, uint16_t version, uint16_t epoch, uint64_t seq,
                            const std::vector<uint8_t>& fragment) {
  std::vector<uint8_t> r = {type, static_cast<uint8_t>(version >> 8), static_cast<uint8_t>(version),
                            static_cast<uint8_t>(epoch >> 8), static_cast<uint8_t>(epoch)};
  for (int shift = 40; shift >= 0; shift -= 8) r.push_back(static_cast<uint8_t>(seq >> shift));
  r.push_back(static_cast<uint8_t>(fragment.size() >> 8));
  r.push_back(static_cast<uint8_t>(fragment.size()));
  r.insert(r.end(), fragment.begin(), fragment.end());
  return r;
}

TEST(DtlsRecordTest, ParsesOneRecord) {
  const auto r = record(22, 0xFEFF, 0, 0x0000A1B2C3D4E5ull, {1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 7});
  size_t consumed = 0;
  auto parsed = DtlsRecord::parse(r.data(), r.size(), consumed);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(consumed, r.size());
  EXPECT_EQ(parsed->contentType, DtlsRecord::kHandshake);
  EXPECT_EQ(parsed->version, DtlsRecord::kVersionDtls10);
  EXPECT_EQ(parsed->epoch, 0);
  EXPECT_EQ(parsed->sequenceNumber, 0xA1B2C3D4E5ull);
  EXPECT_EQ(parsed->length, 13);
  EXPECT_EQ(parsed->fragment, r.data() + 13);
  EXPECT_EQ(parsed->handshakeType(), 1);
  EXPECT_STREQ(DtlsRecord::toString(parsed->contentType), "handshake");
  EXPECT_TRUE(DtlsRecord::isPlausibleDatagram(r.data(), r.size()));
}

TEST(DtlsRecordTest, FullSequenceNumberAndEpoch) {
  const auto r = record(23, 0xFEFD, 0xFFFF, 0xFFFFFFFFFFFFull, {9});
  size_t consumed = 0;
  auto parsed = DtlsRecord::parse(r.data(), r.size(), consumed);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->epoch, 0xFFFF);
  EXPECT_EQ(parsed->sequenceNumber, 0xFFFFFFFFFFFFull);
  EXPECT_FALSE(parsed->handshakeType());  // not a handshake record
}

TEST(DtlsRecordTest, IteratesSeveralRecords) {
  auto d = record(22, 0xFEFD, 0, 1, {14, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0});  // ServerHelloDone
  const auto ccs = record(20, 0xFEFD, 0, 2, {1});
  const auto fin = record(22, 0xFEFD, 1, 0, std::vector<uint8_t>(40, 0xAB));  // encrypted Finished
  d.insert(d.end(), ccs.begin(), ccs.end());
  d.insert(d.end(), fin.begin(), fin.end());
  DtlsRecordIterator it(d.data(), d.size());
  DtlsRecord r;
  std::vector<uint8_t> types;
  while (it.next(r)) types.push_back(r.contentType);
  EXPECT_FALSE(it.malformed());
  EXPECT_EQ(types, (std::vector<uint8_t>{22, 20, 22}));
  EXPECT_FALSE(r.handshakeType());  // epoch 1 is encrypted
  EXPECT_TRUE(DtlsRecord::isPlausibleDatagram(d.data(), d.size()));
  // A trailing byte that is not a record spoils the datagram.
  d.push_back(22);
  EXPECT_FALSE(DtlsRecord::isPlausibleDatagram(d.data(), d.size()));
}

TEST(DtlsRecordTest, ChecksPlaintextRecords) {
  auto check = [](uint8_t type, uint16_t epoch, const std::vector<uint8_t>& fragment) {
    const auto r = record(type, 0xFEFD, epoch, 0, fragment);
    return DtlsRecord::isPlausibleDatagram(r.data(), r.size());
  };
  EXPECT_TRUE(check(20, 0, {1}));
  EXPECT_FALSE(check(20, 0, {2}));
  EXPECT_FALSE(check(20, 0, {1, 1}));
  EXPECT_TRUE(check(21, 0, {2, 40}));
  EXPECT_FALSE(check(21, 0, {3, 40}));
  EXPECT_FALSE(check(21, 0, {2}));
  EXPECT_FALSE(check(23, 0, {1, 2, 3}));  // application data needs keys
  EXPECT_FALSE(check(23, 1, {1, 2, 3}));  // shorter than any ciphertext
  EXPECT_TRUE(check(23, 1, std::vector<uint8_t>(24, 1)));
  EXPECT_FALSE(check(23, 2, std::vector<uint8_t>(24, 1)));  // no renegotiation, no epoch 2
  EXPECT_FALSE(check(22, 0, {}));
  EXPECT_FALSE(check(22, 0, {0xFF, 0xFF, 0xFF}));  // shorter than a handshake header
  // A fragment: bytes 2..4 of a 10-byte message.
  EXPECT_TRUE(check(22, 0, {1, 0, 0, 10, 0, 0, 0, 0, 2, 0, 0, 3, 7, 7, 7}));
  EXPECT_FALSE(check(22, 0, {1, 0, 0, 10, 0, 0, 0, 0, 9, 0, 0, 3, 7, 7, 7}));  // past the message end
  EXPECT_FALSE(check(22, 0, {1, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 4, 7, 7, 7}));  // past the record end
  EXPECT_FALSE(check(22, 0, {1, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 2, 7, 7, 7}));  // trailing byte
  // Two whole messages in one record.
  EXPECT_TRUE(check(22, 0, {14, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 14, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0}));
  EXPECT_TRUE(check(22, 1, std::vector<uint8_t>(40, 0xFF)));  // encrypted Finished: not ours to judge
}

TEST(DtlsRecordTest, RejectsMalformed) {
  size_t consumed = 99;
  const auto good = record(21, 0xFEFD, 0, 0, {2, 40});
  EXPECT_FALSE(DtlsRecord::parse(good.data(), 12, consumed));
  EXPECT_EQ(consumed, 0u);
  EXPECT_FALSE(DtlsRecord::parse(good.data(), good.size() - 1, consumed));  // truncated fragment
  EXPECT_FALSE(DtlsRecord::parse(nullptr, 0, consumed));
  for (uint8_t type : {0, 19, 24, 26, 63, 255}) {
    auto r = record(type, 0xFEFD, 0, 0, {});
    EXPECT_FALSE(DtlsRecord::parse(r.data(), r.size(), consumed)) << int(type);
  }
  auto cid = record(25, 0xFEFD, 1, 0, {});
  EXPECT_TRUE(DtlsRecord::parse(cid.data(), cid.size(), consumed));
  for (uint16_t version : {0x0303, 0xFEFC, 0xFEFE, 0x0000}) {
    auto r = record(22, version, 0, 0, {});
    EXPECT_FALSE(DtlsRecord::parse(r.data(), r.size(), consumed)) << version;
  }
  std::vector<uint8_t> huge(13 + DtlsRecord::kMaxFragmentLength + 1, 0);
  auto header = record(23, 0xFEFD, 1, 0, {});
  std::copy(header.begin(), header.end(), huge.begin());
  huge[11] = static_cast<uint8_t>((DtlsRecord::kMaxFragmentLength + 1) >> 8);
  huge[12] = static_cast<uint8_t>(DtlsRecord::kMaxFragmentLength + 1);
  EXPECT_FALSE(DtlsRecord::parse(huge.data(), huge.size(), consumed));
  EXPECT_FALSE(DtlsRecord::isPlausibleDatagram(good.data(), 0));
  EXPECT_FALSE(DtlsRecord::isPlausibleDatagram(nullptr, 13));
}

}  // namespace
}  // namespace rooms::dtls
