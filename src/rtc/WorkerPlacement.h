#pragma once
// Which media worker a new room goes to. A room stays on its worker for its whole life (its router, and the
// rings the speech pipeline and the orb read and write, are that thread's), so the choice is made once, from
// what each worker carries when the room's first media arrives: the packets it forwards per second, then the
// rooms it holds (rooms created together, before any of them sends media, would otherwise all land on one).
#include <cstddef>
#include <cstdint>
#include <span>

namespace rooms::rtc {

struct WorkerLoad {
  uint64_t packetsPerSecond = 0;  // datagrams sent, over the worker's last second
  size_t rooms = 0;
};

class WorkerPlacement {
 public:
  // Rates closer than this count as equal, so that rooms decide between workers whose traffic differs by
  // less than one call (two 1 Mbit/s participants: about 200 video and 100 audio packets per second each
  // way).
  static constexpr uint64_t kRateQuantum = 300;

  // The index of the least-loaded worker; loads must not be empty. Ties go to the lowest index.
  static size_t choose(std::span<const WorkerLoad> loads);
};

}  // namespace rooms::rtc
