#include "rtc/bwe/ProbeCluster.h"

#include <algorithm>

namespace rooms::rtc {

void ProbeCluster::Span::add(int64_t us, size_t size) {
  if (packets == 0) {
    firstUs = us;
    firstBytes = size;
  }
  // Feedback reports in sequence order, which a reordering link may not keep in time.
  firstUs = std::min(firstUs, us);
  lastUs = std::max(lastUs, us);
  lastBytes = size;
  bytes += size;
  ++packets;
}

void ProbeCluster::onSent(int64_t sendUs, size_t bytes) {
  sent_.add(sendUs, bytes);
}

void ProbeCluster::onReceived(int64_t arrivalUs, size_t bytes) {
  received_.add(arrivalUs, bytes);
}

std::optional<ProbeCluster::Result> ProbeCluster::result() const {
  if (sent_.packets < 2 || received_.packets < 2) return std::nullopt;
  if (static_cast<double>(received_.packets) < kMinReceivedPackets * sent_.packets ||
      static_cast<double>(received_.bytes) < kMinReceivedBytes * static_cast<double>(sent_.bytes)) {
    return std::nullopt;
  }
  const int64_t sendUs = sent_.lastUs - sent_.firstUs;
  const int64_t receiveUs = received_.lastUs - received_.firstUs;
  if (sendUs <= 0 || receiveUs <= 0) return std::nullopt;
  const double sendBps =
      static_cast<double>(sent_.bytes - sent_.lastBytes) * 8e6 / static_cast<double>(sendUs);
  const double receiveBps =
      static_cast<double>(received_.bytes - received_.firstBytes) * 8e6 / static_cast<double>(receiveUs);
  if (receiveBps > kMaxReceiveOverSend * sendBps) return std::nullopt;
  if (receiveBps < kSaturated * sendBps) {
    return Result{static_cast<uint64_t>(kBelowCapacity * receiveBps), true};
  }
  return Result{static_cast<uint64_t>(std::min(sendBps, receiveBps)), false};
}

}  // namespace rooms::rtc
