#pragma once
// The bottleneck's rate, read from how a burst came apart on the way. Packets we sent back to back (a key
// frame forwarded as it arrived) leave a bottleneck one after another at the bottleneck's rate, so the
// receiver sees them spread over their bytes divided by that rate: a packet train, the measurement
// libwebrtc's prober makes on purpose. The acknowledged rate (AckedBitrate) says what arrived over half a
// second, which is the link's rate only while its queue never emptied; at the start of a call, after a
// pause, or when a burst sits in an otherwise quiet second, it is far lower, and a cut from it leaves the
// estimate at a fraction of the link. A train says what the link carried while it was busy.
//
// A train is a run of received packets, in send order, each sent within kMaxSendGapUs of the one before
// (a publisher's pacer spreads a key frame at 2.5 times its target, a packet every few milliseconds); it
// counts when it has kMinPackets, lasted at least kMinArrivalSpanUs at the receiver, and arrived at least
// kMinDispersion times as spread out as it was sent (a link faster than the burst leaves it as it was, and
// says nothing of its own rate; jitter alone rarely doubles a train's length). Lost packets are not reported
// here: one dropped at the queue never took the link's time. A train may run over several feedbacks. Media
// thread only; nothing allocates.
#include <cstddef>
#include <cstdint>

namespace rooms::rtc {

class PacketTrainRate {
 public:
  static constexpr int64_t kMaxSendGapUs = 15'000;
  static constexpr uint32_t kMinPackets = 8;
  static constexpr int64_t kMinArrivalSpanUs = 10'000;
  static constexpr int64_t kMinDispersion = 2;
  // A sample older than this describes a link that may have changed since.
  static constexpr int64_t kValidUs = 2'000'000;

  // Every received packet, in send order, with its arrival time on the receiver's clock.
  void onPacket(int64_t sendUs, int64_t arrivalUs, size_t bytes);

  // Bits per second of the train still arriving, once it counts (a key frame whose tail is still queued is
  // the best measurement there is while the queue is growing), else of the last train that counted if it
  // ended within kValidUs of the latest arrival; 0 when there is none.
  uint64_t bps() const;

 private:
  // The train's rate, or 0 while it does not count.
  uint64_t trainBps() const;
  void close();

  int64_t firstSendUs_ = 0;
  int64_t lastSendUs_ = 0;
  int64_t firstArrivalUs_ = 0;
  int64_t lastArrivalUs_ = 0;
  uint64_t bytesAfterFirst_ = 0;
  uint32_t packets_ = 0;
  uint64_t sampleBps_ = 0;
  int64_t sampleAtUs_ = 0;
};

}  // namespace rooms::rtc
