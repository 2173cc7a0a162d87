#include "rtc/bwe/ProbeController.h"

#include <algorithm>
#include <cassert>

namespace rooms::rtc {

ProbeController::ProbeController(uint64_t maxBps) : state_(State::Armed), maxBps_(maxBps) {}

void ProbeController::transition(State next) {
  [[maybe_unused]] const bool allowed =
      (state_ == State::Armed && next == State::Probing) || (state_ == State::Probing && next == State::Done);
  assert(allowed);
  state_ = next;
}

void ProbeController::add(uint64_t targetBps) {
  Slot& slot = slots_[count_];
  slot = Slot{};
  slot.cluster = ProbeCluster(static_cast<uint8_t>(count_ + 1), targetBps);
  slot.totalBytes = std::max(static_cast<size_t>(static_cast<double>(targetBps) * kClusterUs / 8e6),
                             kMinPackets * kPacketBytes);
  slot.durationUs =
      static_cast<int64_t>(static_cast<double>(slot.totalBytes) * 8e6 / static_cast<double>(targetBps));
  ++count_;
}

ProbeController::Slot* ProbeController::find(uint8_t cluster) {
  if (cluster == 0 || cluster > count_) return nullptr;
  return &slots_[cluster - 1];
}

void ProbeController::start(int64_t nowUs) {
  if (state_ != State::Armed) return;
  transition(State::Probing);
  add(std::min(static_cast<uint64_t>(kFirstCluster * kStartBps), maxBps_));
  slots_[0].startUs = nowUs;
}

uint8_t ProbeController::due(int64_t nowUs) {
  if (!sending()) return 0;
  Slot& slot = slots_[sendingIndex_];
  if (slot.startUs < 0) slot.startUs = nowUs;
  const double elapsed =
      std::clamp(static_cast<double>(nowUs - slot.startUs) / static_cast<double>(slot.durationUs), 0.0, 1.0);
  // The first packet at once, the rest spread over the cluster's duration.
  const double allowed =
      static_cast<double>(kPacketBytes) +
      static_cast<double>(slot.totalBytes - std::min(slot.totalBytes, kPacketBytes)) * elapsed;
  if (static_cast<double>(slot.paddingBytes) >= allowed) return 0;
  slot.endUs = nowUs;
  return slot.cluster.id();
}

uint8_t ProbeController::sendingCluster() const {
  if (!sending()) return 0;
  const Slot& slot = slots_[sendingIndex_];
  return slot.paddingPackets > 0 ? slot.cluster.id() : 0;
}

void ProbeController::onSent(uint8_t cluster, int64_t sendUs, size_t bytes, bool padding) {
  Slot* slot = find(cluster);
  if (!slot) return;
  slot->cluster.onSent(sendUs, bytes);
  if (!padding) return;
  slot->paddingBytes += bytes;
  ++slot->paddingPackets;
  if (sendingIndex_ < count_ && &slots_[sendingIndex_] == slot && slot->paddingBytes >= slot->totalBytes &&
      slot->paddingPackets >= kMinPackets) {
    ++sendingIndex_;  // the next planned cluster (if any) starts on the next due()
  }
}

void ProbeController::onReceived(uint8_t cluster, int64_t arrivalUs, size_t bytes) {
  if (Slot* slot = find(cluster)) slot->cluster.onReceived(arrivalUs, bytes);
}

void ProbeController::onLost(uint8_t cluster) {
  if (Slot* slot = find(cluster)) slot->cluster.onLost();
}

std::optional<ProbeController::Outcome> ProbeController::update(int64_t nowUs) {
  if (state_ != State::Probing) return std::nullopt;
  // Judged in the order sent: a later cluster's verdict builds on the earlier ones'.
  std::optional<ProbeCluster::Result> last;
  bool judgedAny = false;
  while (judgedCount_ < sendingIndex_) {
    Slot& slot = slots_[judgedCount_];
    if (!slot.cluster.reported() && nowUs - slot.endUs < kReportTimeoutUs) break;
    last = slot.cluster.result();
    if (last) {
      best_ = std::max(best_, last->bps);
      saturated_ = saturated_ || last->saturated;
    } else if (slot.cluster.packetsReceived() > 0 &&
               static_cast<double>(slot.cluster.packetsLost()) >
                   (1 - ProbeCluster::kMinReceivedPackets) * slot.cluster.packetsSent()) {
      // The link dropped a good part of it: too little arrived to read a rate from, but enough to know that
      // going higher would only lose more.
      saturated_ = true;
    }
    anyReceived_ = anyReceived_ || slot.cluster.packetsReceived() > 0;
    ++judgedCount_;
    judgedAny = true;
  }
  if (!judgedAny || judgedCount_ < count_) return std::nullopt;
  // Everything planned is judged: go higher while the link kept up with the last cluster.
  const Slot& lastSlot = slots_[count_ - 1];
  const uint64_t lastTarget = lastSlot.cluster.targetBps();
  if (!saturated_ && last &&
      static_cast<double>(last->bps) >= kContinueShare * static_cast<double>(lastTarget) &&
      lastTarget < maxBps_ && count_ < kMaxClusters) {
    add(std::min(static_cast<uint64_t>(kGrowth * static_cast<double>(last->bps)), maxBps_));
    return Outcome{best_, false, false};
  }
  transition(State::Done);
  return Outcome{best_, saturated_ && best_ > 0, !anyReceived_};
}

}  // namespace rooms::rtc
