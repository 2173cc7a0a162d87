#pragma once
// Groups acknowledged packets by send time for the delay-based estimator. A video frame leaves as a burst
// of packets; comparing single packets would measure the burst, not the link. So packets sent within
// kGroupSpanUs of a group's first one form a group, and the estimator sees, per pair of consecutive groups,
// how much further apart they arrived than they were sent. A packet that arrives with the previous one
// although it was sent later (a burst released by a wi-fi link or a queue ahead of us) joins the group:
// that spacing is the channel's, not a queue growing.
#include <cstdint>
#include <optional>

namespace rooms::rtc {

class InterArrivalGroups {
 public:
  static constexpr int64_t kGroupSpanUs = 5'000;
  static constexpr int64_t kBurstArrivalUs = 5'000;
  static constexpr int64_t kMaxBurstSpanUs = 100'000;
  // A jump this large in arrival times means the receiver's clock or the path changed: start afresh.
  static constexpr int64_t kResetArrivalJumpUs = 3'000'000;

  struct Delta {
    int64_t sendDeltaUs = 0;
    int64_t arrivalDeltaUs = 0;
    int64_t arrivalUs = 0;  // when the completed group finished arriving
  };

  // Packets in send order (the order of their sequence numbers). Returns the delta between the two
  // groups before this packet when the packet starts a new group.
  std::optional<Delta> onPacket(int64_t sendUs, int64_t arrivalUs);
  void reset();

 private:
  struct Group {
    int64_t firstSendUs = 0;
    int64_t lastSendUs = 0;
    int64_t firstArrivalUs = 0;
    int64_t lastArrivalUs = 0;
  };
  bool belongsToBurst(int64_t sendUs, int64_t arrivalUs) const;

  Group current_;
  Group previous_;
  bool hasCurrent_ = false;
  bool hasPrevious_ = false;
};

}  // namespace rooms::rtc
