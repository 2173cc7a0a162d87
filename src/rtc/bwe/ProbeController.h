#pragma once
// Finds a new subscriber's downlink before the publisher is let loose on it. Without it our estimate of the
// link is a guess until the first congestion, and the first congestion of a call is a key frame sent into a
// slow link at full speed: on a 300 kbit/s downlink a third of the first seconds' packets were lost, the
// repairs with them, and the picture froze for 4 s (bench-quality cap300k, the call's start). A direct
// call's sender starts low and probes its way up; so does this: the estimate starts at kStartBps (the
// publishers' REMB and the pacer follow it), and a cluster of padding at 3 times that (libwebrtc's first
// probe) measures the link (ProbeCluster). A cluster the link slowed down has found its capacity; one that
// arrived as sent is followed by one at kGrowth times its result, up to what the subscriber could ever be
// sent. One cluster at a time: the next waits for the last one's feedback, because every cluster a slow link
// has to queue is delay it then drains at an estimate just under its rate (two back to back put 150 ms
// into a 300 kbit/s link's queue, which took seconds to drain).
//
// States: Off (the subscriber cannot be probed: no RTX stream for padding, or no transport-cc to read it
// back) -> nothing; Armed -> Probing (the transport is up) -> Done. Media thread only; nothing allocates.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "rtc/bwe/ProbeCluster.h"

namespace rooms::rtc {

class ProbeController {
 public:
  enum class State : uint8_t { Off, Armed, Probing, Done };

  static constexpr uint64_t kStartBps = 300'000;
  static constexpr double kFirstCluster = 3.0;  // times kStartBps
  static constexpr double kGrowth = 3.0;
  // A cluster lasts this long, and has at least kMinPackets packets of about kPacketBytes (a padding-only
  // packet with its headers, as the link carries it): enough to read a rate from, too little to fill the
  // short queue of a slow link (10 kB at 300 kbit/s in bench-quality's profiles).
  static constexpr int64_t kClusterUs = 15'000;
  static constexpr uint32_t kMinPackets = 5;
  static constexpr size_t kPacketBytes = 320;
  // Probing goes on while the last cluster arrived at this share of its rate or more.
  static constexpr double kContinueShare = 0.7;
  static constexpr size_t kMaxClusters = 6;
  // A cluster not fully reported this long after its last packet is judged on what was (feedback lost).
  static constexpr int64_t kReportTimeoutUs = 1'000'000;

  struct Outcome {
    uint64_t bps = 0;         // 0: probing found nothing (no cluster could be read)
    bool atCapacity = false;  // a cluster saturated the link: this is about what it carries
    // Not one probe packet was reported received: the receiver does not count padding (or sends no
    // feedback at all), and probing says nothing about the link.
    bool ignored = false;
  };

  ProbeController() = default;
  // Probing up to maxBps, once start() is called.
  explicit ProbeController(uint64_t maxBps);

  State state() const { return state_; }
  bool inProgress() const { return state_ == State::Armed || state_ == State::Probing; }
  // Armed -> Probing: the first clusters are due from nowUs.
  void start(int64_t nowUs);
  // The cluster whose padding is due at nowUs (the caller sends a packet and reports it with onSent, and
  // asks again), 0 when none: nothing due yet, or nothing left to send. start(), due() and update() run on
  // the media thread's scheduling clock; onSent() takes the packet's precise send time, which the cluster's
  // rate is measured on (both are the steady clock outside tests).
  uint8_t due(int64_t nowUs);
  // Whether a cluster is being sent or waits to be: the caller keeps calling due().
  bool sending() const { return state_ == State::Probing && sendingIndex_ < count_; }

  // The cluster being sent right now (its first padding packet is out, its last is not), 0 when none:
  // media sent meanwhile shares the link with the padding and is measured with it.
  uint8_t sendingCluster() const;
  // A packet sent as part of the cluster: its padding (which the cluster's schedule counts) or media.
  void onSent(uint8_t cluster, int64_t sendUs, size_t bytes, bool padding);
  void onReceived(uint8_t cluster, int64_t arrivalUs, size_t bytes);
  void onLost(uint8_t cluster);
  // Judges the clusters that are fully reported or timed out. When the last one sent has been judged: the
  // outcome so far (probing then goes on with a higher cluster, or is Done).
  std::optional<Outcome> update(int64_t nowUs);

 private:
  struct Slot {
    ProbeCluster cluster;
    int64_t startUs = -1;   // when its first packet went out
    int64_t endUs = -1;     // when its last packet was due
    size_t totalBytes = 0;  // of padding
    int64_t durationUs = 0;
    size_t paddingBytes = 0;
    uint32_t paddingPackets = 0;
  };

  void transition(State next);
  void add(uint64_t targetBps);
  Slot* find(uint8_t cluster);

  State state_ = State::Off;
  uint64_t maxBps_ = 0;
  std::array<Slot, kMaxClusters> slots_{};
  size_t count_ = 0;         // clusters planned so far
  size_t sendingIndex_ = 0;  // the one being sent; count_ when none
  size_t judgedCount_ = 0;
  uint64_t best_ = 0;
  bool saturated_ = false;
  bool anyReceived_ = false;
};

}  // namespace rooms::rtc
