// Sequence order restored from what a network delivers: reordering, copies, late retransmissions, losses
// given up after the wait or when the buffer fills, jumps in numbering, and the 16-bit wrap.
#include "recording/RtpReorderBuffer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace rooms::recording {
namespace {

constexpr int64_t kWaitMs = 100;

// Payloads derived from the sequence number, to check each released packet carries its own bytes.
std::vector<uint8_t> payloadOf(uint16_t seq, size_t size = 3) {
  std::vector<uint8_t> bytes(size);
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<uint8_t>(seq * 7 + i);
  return bytes;
}

void push(RtpReorderBuffer& buffer, uint16_t seq, int64_t arrivalMs = 0, size_t size = 3) {
  const auto bytes = payloadOf(seq, size);
  RtpInput in;
  in.sequence = seq;
  in.timestamp = seq * 3000u;
  in.marker = seq % 2 == 0;
  in.arrivalMs = arrivalMs;
  in.payload = bytes;
  buffer.push(in);  // the buffer copies: bytes may go away now
}

struct Out {
  uint16_t seq;
  uint32_t lost;
  bool operator==(const Out&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Out& o) {
  return os << "{" << o.seq << ", lost " << o.lost << "}";
}

std::optional<Out> check(const std::optional<RtpReorderBuffer::Released>& r) {
  if (!r) return std::nullopt;
  EXPECT_EQ(std::vector<uint8_t>(r->packet.payload.begin(), r->packet.payload.end()),
            payloadOf(r->packet.sequence, r->packet.payload.size()));
  EXPECT_EQ(r->packet.timestamp, r->packet.sequence * 3000u);
  EXPECT_EQ(r->packet.marker, r->packet.sequence % 2 == 0);
  return Out{r->packet.sequence, r->lostBefore};
}

std::vector<Out> popAll(RtpReorderBuffer& buffer, int64_t nowMs) {
  std::vector<Out> out;
  while (auto r = check(buffer.pop(nowMs))) out.push_back(*r);
  return out;
}

TEST(RtpReorderBufferTest, InOrderPacketsComeOutAtOnce) {
  RtpReorderBuffer buffer(16, kWaitMs);
  EXPECT_FALSE(buffer.pop(0));
  push(buffer, 100);
  push(buffer, 101);
  EXPECT_EQ(buffer.held(), 2u);
  EXPECT_EQ(popAll(buffer, 0), (std::vector<Out>{{100, 0}, {101, 0}}));
  push(buffer, 102);
  EXPECT_EQ(popAll(buffer, 0), (std::vector<Out>{{102, 0}}));
  EXPECT_EQ(buffer.held(), 0u);
}

TEST(RtpReorderBufferTest, ReorderedPacketsComeOutInOrder) {
  RtpReorderBuffer buffer(16, kWaitMs);
  push(buffer, 10);
  push(buffer, 13);
  push(buffer, 12);
  EXPECT_EQ(popAll(buffer, 0), (std::vector<Out>{{10, 0}}));  // 11 is waited for
  push(buffer, 11);
  EXPECT_EQ(popAll(buffer, 1), (std::vector<Out>{{11, 0}, {12, 0}, {13, 0}}));
}

TEST(RtpReorderBufferTest, FirstPacketStartsTheStream) {
  RtpReorderBuffer buffer(16, kWaitMs);
  push(buffer, 500);
  push(buffer, 499);  // older than the start: nothing before the first packet is waited for
  EXPECT_EQ(buffer.late(), 1u);
  EXPECT_EQ(popAll(buffer, 0), (std::vector<Out>{{500, 0}}));
}

TEST(RtpReorderBufferTest, DuplicatesAndLatePacketsAreDroppedAndCounted) {
  RtpReorderBuffer buffer(16, kWaitMs);
  push(buffer, 1);
  push(buffer, 3);
  push(buffer, 3);
  EXPECT_EQ(buffer.duplicates(), 1u);
  EXPECT_EQ(popAll(buffer, 0), (std::vector<Out>{{1, 0}}));
  push(buffer, 1);  // already released
  EXPECT_EQ(buffer.late(), 1u);
  EXPECT_EQ(popAll(buffer, kWaitMs), (std::vector<Out>{{3, 1}}));
  push(buffer, 2);  // the retransmission came after 2 was given up
  EXPECT_EQ(buffer.late(), 2u);
  EXPECT_EQ(buffer.held(), 0u);
  EXPECT_EQ(buffer.duplicates(), 1u);
}

TEST(RtpReorderBufferTest, OversizedPayloadsAreDropped) {
  RtpReorderBuffer buffer(16, kWaitMs);
  push(buffer, 1, 0, RtpReorderBuffer::kMaxPayload + 1);
  EXPECT_EQ(buffer.oversized(), 1u);
  EXPECT_EQ(buffer.held(), 0u);
  push(buffer, 2, 0, RtpReorderBuffer::kMaxPayload);
  push(buffer, 3, 0, 0);
  EXPECT_EQ(popAll(buffer, 0), (std::vector<Out>{{2, 0}, {3, 0}}));
}

TEST(RtpReorderBufferTest, GapIsGivenUpAfterTheWait) {
  RtpReorderBuffer buffer(16, kWaitMs);
  push(buffer, 1, 1000);
  EXPECT_EQ(popAll(buffer, 1000), (std::vector<Out>{{1, 0}}));
  push(buffer, 4, 1010);  // 2 and 3 missing from here on
  push(buffer, 5, 1050);
  EXPECT_TRUE(popAll(buffer, 1010 + kWaitMs - 1).empty());
  EXPECT_EQ(popAll(buffer, 1010 + kWaitMs), (std::vector<Out>{{4, 2}, {5, 0}}));
}

TEST(RtpReorderBufferTest, WaitRunsFromTheOldestHeldArrival) {
  RtpReorderBuffer buffer(16, kWaitMs);
  push(buffer, 1, 0);
  popAll(buffer, 0);
  push(buffer, 5, 50);
  push(buffer, 3, 80);  // arrived later but earlier in sequence: the wait still runs from 50
  EXPECT_TRUE(popAll(buffer, 149).empty());
  // Then 4 is the missing one, and 5, held since 50, has waited as long.
  EXPECT_EQ(popAll(buffer, 150), (std::vector<Out>{{3, 1}, {5, 1}}));
  // A clock that went backwards waits instead of releasing.
  push(buffer, 7, 500);
  EXPECT_TRUE(popAll(buffer, 400).empty());
}

TEST(RtpReorderBufferTest, FullBufferGivesUpWithoutWaiting) {
  RtpReorderBuffer buffer(4, kWaitMs);
  push(buffer, 1);
  popAll(buffer, 0);
  push(buffer, 3);
  push(buffer, 4);
  EXPECT_TRUE(popAll(buffer, 0).empty());
  push(buffer, 5);  // 3, 4, 5 held: only the missing 2 would still fit
  EXPECT_EQ(popAll(buffer, 0), (std::vector<Out>{{3, 1}, {4, 0}, {5, 0}}));
}

TEST(RtpReorderBufferTest, CapacityIsRoundedUpToAPowerOfTwo) {
  EXPECT_EQ(RtpReorderBuffer(5, kWaitMs).capacity(), 8u);
  EXPECT_EQ(RtpReorderBuffer(0, kWaitMs).capacity(), 1u);
  EXPECT_EQ(RtpReorderBuffer(1u << 20, kWaitMs).capacity(), RtpReorderBuffer::kMaxCapacity);
}

TEST(RtpReorderBufferTest, FarAheadPacketFlushesAndStartsOver) {
  RtpReorderBuffer buffer(8, kWaitMs);
  push(buffer, 1);
  popAll(buffer, 0);
  push(buffer, 3);
  push(buffer, 5);
  push(buffer, 10);  // 10 - 2 = 8: does not fit behind the missing 2
  EXPECT_EQ(buffer.restarts(), 1u);
  // Released at once, gaps and all, then the numbering continues from 10.
  EXPECT_EQ(popAll(buffer, 0), (std::vector<Out>{{3, 1}, {5, 1}, {10, 4}}));
  push(buffer, 12);
  push(buffer, 11);
  EXPECT_EQ(popAll(buffer, 0), (std::vector<Out>{{11, 0}, {12, 0}}));
  // A sender that restarted its numbering far back is followed too.
  push(buffer, 40000);
  push(buffer, 40001);
  EXPECT_EQ(buffer.restarts(), 2u);
  EXPECT_EQ(popAll(buffer, 0),
            (std::vector<Out>{{40000, static_cast<uint16_t>(40000 - 12 - 1)}, {40001, 0}}));
}

TEST(RtpReorderBufferTest, FlushWithoutPopsKeepsOrderAcrossNumberings) {
  RtpReorderBuffer buffer(8, kWaitMs);
  push(buffer, 1);
  push(buffer, 3);
  push(buffer, 4);
  push(buffer, 1000);  // far ahead while 1, 3, 4 are still held
  push(buffer, 1002);
  push(buffer, 1001);
  EXPECT_EQ(buffer.held(), 6u);
  EXPECT_EQ(popAll(buffer, 0), (std::vector<Out>{{1, 0}, {3, 1}, {4, 0}, {1000, 995}, {1001, 0}, {1002, 0}}));
}

TEST(RtpReorderBufferTest, FlushIntoAFullBufferDropsTheNewPacket) {
  RtpReorderBuffer buffer(4, kWaitMs);
  for (uint16_t seq = 1; seq <= 4; ++seq) push(buffer, seq);
  push(buffer, 9);
  EXPECT_EQ(buffer.overflows(), 1u);
  EXPECT_EQ(popAll(buffer, 0), (std::vector<Out>{{1, 0}, {2, 0}, {3, 0}, {4, 0}}));
}

TEST(RtpReorderBufferTest, SequenceWrapAround) {
  RtpReorderBuffer buffer(16, kWaitMs);
  push(buffer, 65534);
  push(buffer, 0);
  push(buffer, 65535);
  push(buffer, 2);
  EXPECT_EQ(popAll(buffer, 0), (std::vector<Out>{{65534, 0}, {65535, 0}, {0, 0}}));
  EXPECT_EQ(popAll(buffer, kWaitMs), (std::vector<Out>{{2, 1}}));
  push(buffer, 65535);  // before the wrap: late, not far ahead
  EXPECT_EQ(buffer.late(), 1u);
  // A gap straddling the wrap is counted across it.
  RtpReorderBuffer wrap(16, kWaitMs);
  push(wrap, 65533);
  push(wrap, 1);
  EXPECT_EQ(popAll(wrap, kWaitMs), (std::vector<Out>{{65533, 0}, {1, 3}}));
}

TEST(RtpReorderBufferTest, LongRunWrapsManyTimes) {
  RtpReorderBuffer buffer(8, kWaitMs);
  uint16_t seq = 60000;
  push(buffer, seq++);
  uint64_t released = 0;
  for (int i = 0; i < 200000; ++i, seq = static_cast<uint16_t>(seq + 2)) {
    // Pairs swapped: seq + 1 first, then seq.
    push(buffer, static_cast<uint16_t>(seq + 1));
    push(buffer, seq);
    for (const auto& out : popAll(buffer, 0)) {
      EXPECT_EQ(out.lost, 0u);
      ++released;
    }
  }
  EXPECT_EQ(released, 400001u);
  EXPECT_EQ(buffer.restarts(), 0u);
}

TEST(RtpReorderBufferTest, DrainReleasesEverythingInOrder) {
  RtpReorderBuffer buffer(16, kWaitMs);
  push(buffer, 1);
  push(buffer, 4);
  push(buffer, 3);
  push(buffer, 7);
  std::vector<Out> out;
  while (auto r = check(buffer.drain())) out.push_back(*r);
  EXPECT_EQ(out, (std::vector<Out>{{1, 0}, {3, 1}, {4, 0}, {7, 2}}));
  EXPECT_FALSE(buffer.drain());
  EXPECT_EQ(buffer.held(), 0u);
}

TEST(RtpReorderBufferTest, PassThroughTakesOnlyTheNextPacketWhenNothingIsHeld) {
  RtpReorderBuffer buffer(16, 100);
  const auto in = [](uint16_t seq, const std::vector<uint8_t>& bytes) {
    RtpInput p;
    p.sequence = seq;
    p.payload = bytes;
    return p;
  };
  const auto b65534 = payloadOf(65534);
  auto first = buffer.passThrough(in(65534, b65534));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->lostBefore, 0u);
  EXPECT_EQ(first->packet.payload.data(), b65534.data()) << "no copy: the caller's bytes";
  const auto b65535 = payloadOf(65535);
  EXPECT_TRUE(buffer.passThrough(in(65535, b65535)));
  // 1 is not next (0 is missing): refused, pushed and held; 0 then must not pass by the held one.
  const auto b1 = payloadOf(1);
  EXPECT_FALSE(buffer.passThrough(in(1, b1)));
  push(buffer, 1, 0);
  const auto b0 = payloadOf(0);
  EXPECT_FALSE(buffer.passThrough(in(0, b0)));
  push(buffer, 0, 0);
  EXPECT_EQ(check(buffer.pop(0)), (Out{0, 0}));
  EXPECT_EQ(check(buffer.pop(0)), (Out{1, 0}));
  // Empty again and in order across the wrap: passes, and a duplicate of a released one does not.
  const auto b2 = payloadOf(2);
  EXPECT_TRUE(buffer.passThrough(in(2, b2)));
  EXPECT_FALSE(buffer.passThrough(in(2, b2)));
  push(buffer, 2, 0);
  EXPECT_FALSE(buffer.pop(1000));
  EXPECT_EQ(buffer.late(), 1u);
}

}  // namespace
}  // namespace rooms::recording
