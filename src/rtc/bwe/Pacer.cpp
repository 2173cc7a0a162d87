#include "rtc/bwe/Pacer.h"

#include <algorithm>

namespace rooms::rtc {

void Pacer::setEstimate(uint64_t bps) {
  pacingBps_ = static_cast<uint64_t>(static_cast<double>(bps) * kPacingFactor);
}

int64_t Pacer::oldestWaitUs(int64_t nowUs) const {
  int64_t wait = 0;
  if (!media_.empty()) wait = std::max(wait, nowUs - media_.front().queuedUs);
  if (!retransmissions_.empty()) wait = std::max(wait, nowUs - retransmissions_.front().queuedUs);
  return wait;
}

void Pacer::offer(size_t size, int64_t nowUs) {
  if (windowStartUs_ < 0) windowStartUs_ = nowUs;
  const int64_t elapsed = nowUs - windowStartUs_;
  if (elapsed >= kRateWindowUs) {
    offeredBps_ =
        static_cast<uint64_t>(static_cast<double>(windowBytes_) * 8e6 / static_cast<double>(elapsed));
    windowBytes_ = 0;
    windowStartUs_ = nowUs;
  }
  windowBytes_ += size;
}

double Pacer::drainRate(int64_t nowUs) const {
  const double paced =
      std::max(static_cast<double>(pacingBps_), static_cast<double>(offeredBps_) * kOfferedFactor) / 8e6;
  if (empty()) return paced;
  const int64_t left = kMaxQueueUs - oldestWaitUs(nowUs);
  if (left <= 0) return std::max(paced, static_cast<double>(queuedBytes_));
  return std::max(paced, static_cast<double>(queuedBytes_) / static_cast<double>(left));
}

void Pacer::refill(int64_t nowUs) {
  const double rate = drainRate(nowUs);
  const double cap = std::max(static_cast<double>(kMinBurstBytes), rate * static_cast<double>(kBurstUs));
  if (!started_) {
    started_ = true;
    budgetBytes_ = cap;
  } else if (nowUs > budgetAtUs_) {
    budgetBytes_ = std::min(cap, budgetBytes_ + rate * static_cast<double>(nowUs - budgetAtUs_));
  }
  budgetAtUs_ = std::max(budgetAtUs_, nowUs);
}

bool Pacer::trySend(size_t size, int64_t nowUs) {
  if (pacingBps_ == 0) return true;
  offer(size, nowUs);          // sent now or queued: offered either way
  if (!empty()) return false;  // behind what waits: order within a stream is kept
  refill(nowUs);
  if (budgetBytes_ <= 0) return false;
  budgetBytes_ -= static_cast<double>(size);
  return true;
}

void Pacer::onSentUnpaced(size_t size, int64_t nowUs) {
  if (pacingBps_ == 0) return;
  offer(size, nowUs);
  refill(nowUs);
  budgetBytes_ -= static_cast<double>(size);
}

std::optional<Pacer::Due> Pacer::next(int64_t nowUs) {
  if (empty()) return std::nullopt;
  if (pacingBps_ != 0) {
    refill(nowUs);
    if (budgetBytes_ <= 0 && oldestWaitUs(nowUs) < kMaxQueueUs) return std::nullopt;
  }
  Due due;
  due.retransmission = !retransmissions_.empty();
  due.entry = due.retransmission ? retransmissions_.pop(queuedBytes_) : media_.pop(queuedBytes_);
  budgetBytes_ -= static_cast<double>(due.entry.size);
  return due;
}

}  // namespace rooms::rtc
