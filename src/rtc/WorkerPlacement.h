#pragma once
// Which media worker a new room goes to. A room stays on its worker for its whole life (its router, and the
// rings the speech pipeline and the orb read and write, are that thread's), so the choice is made once, from
// what each worker carries when the room's first media arrives: the packets it forwards per second, then the
// rooms it holds. A worker's rate is measured over its last second, so rooms placed on it within the last
// two seconds are not in it yet: each counts as one call's worth (kRateQuantum) until it can be. Without
// that, rooms created together all went to whichever worker's rate read lower (seen in make bench's ramp: 20
// new rooms on one worker, none on the other, because their rates fell on either side of a quantum's edge).
#include <cstddef>
#include <cstdint>
#include <span>

namespace rooms::rtc {

struct WorkerLoad {
  uint64_t packetsPerSecond = 0;  // datagrams sent, over the worker's last second
  size_t rooms = 0;
  size_t recentRooms = 0;  // of those, placed within kRecentMs: their traffic is not in the rate yet
};

class WorkerPlacement {
 public:
  // Rates closer than this count as equal, so that rooms decide between workers whose traffic differs by
  // less than one call (two 1 Mbit/s participants: about 200 video and 100 audio packets per second each
  // way).
  static constexpr uint64_t kRateQuantum = 300;
  // How long a new room's traffic may take to show in its worker's rate: the rate's one-second window, and
  // a second for the pages to connect.
  static constexpr int64_t kRecentMs = 2000;

  // The index of the least-loaded worker; loads must not be empty. Ties go to the lowest index.
  static size_t choose(std::span<const WorkerLoad> loads);
};

}  // namespace rooms::rtc
