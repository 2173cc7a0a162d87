#include "rtc/WorkerPlacement.h"

#include <tuple>

namespace rooms::rtc {

size_t WorkerPlacement::choose(std::span<const WorkerLoad> loads) {
  const auto key = [](const WorkerLoad& load) {
    return std::make_tuple((load.packetsPerSecond + load.recentRooms * kRateQuantum) / kRateQuantum,
                           load.rooms);
  };
  size_t best = 0;
  for (size_t i = 1; i < loads.size(); ++i) {
    if (key(loads[i]) < key(loads[best])) {
      best = i;
    }
  }
  return best;
}

}  // namespace rooms::rtc
