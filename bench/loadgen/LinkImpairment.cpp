#include "LinkImpairment.h"

#include <algorithm>
#include <limits>

namespace rooms::loadgen {

LinkImpairment::LinkImpairment(const ImpairmentSpec& spec, uint64_t stream)
    : spec_(spec),
      sendThreshold_(thresholdOf(spec.sendLossPercent)),
      receiveThreshold_(thresholdOf(spec.receiveLossPercent)),
      // Each peer its own sequence of the same seed: peers that dropped in step would lose the same packet
      // of a burst on both legs.
      random_(spec.seed * 0x9E3779B97F4A7C15ull + stream) {}

uint64_t LinkImpairment::thresholdOf(double percent) {
  const double p = std::clamp(percent, 0.0, 100.0) / 100.0;
  if (p <= 0) return 0;
  if (p >= 1) return std::numeric_limits<uint64_t>::max();
  return static_cast<uint64_t>(p * 18446744073709551616.0);  // 2^64
}

}  // namespace rooms::loadgen
