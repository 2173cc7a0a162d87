#include "ai/summary/TalkTime.h"

#include <algorithm>

namespace rooms::ai {

std::array<RoleTalk, 3> talkTime(const std::vector<TranscriptSegmentRecord>& segments) {
  std::array<RoleTalk, 3> roles{{{"coach"}, {"client"}, {"aiOrb"}}};
  for (const auto& s : segments) {
    for (auto& r : roles) {
      if (r.role == s.role) r.talkMs += std::max<int64_t>(s.speechMs, 0);
    }
  }
  int64_t total = 0;
  for (const auto& r : roles) total += r.talkMs;
  if (total == 0) return roles;
  // Largest remainder: floors first, then the leftover points to the biggest fractions (ties: role order),
  // so 33.3/33.3/33.3 shows as 34/33/33 and never 99 or 101.
  std::array<int64_t, 3> remainder{};
  int assigned = 0;
  for (size_t i = 0; i < roles.size(); ++i) {
    roles[i].percentage = static_cast<int>(roles[i].talkMs * 100 / total);
    remainder[i] = roles[i].talkMs * 100 % total;
    assigned += roles[i].percentage;
  }
  for (; assigned < 100; ++assigned) {
    size_t best = 0;
    for (size_t i = 1; i < roles.size(); ++i) {
      if (remainder[i] > remainder[best]) best = i;
    }
    roles[best].percentage++;
    remainder[best] = -1;
  }
  return roles;
}

}  // namespace rooms::ai
