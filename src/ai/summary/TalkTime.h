#pragma once
// Who talked how much: voiced time per role from the transcript segments, and whole percentages of the
// total that add up to exactly 100.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "store/RoomStore.h"

namespace rooms::ai {

struct RoleTalk {
  std::string role;  // coach | client | aiOrb
  int64_t talkMs = 0;
  int percentage = 0;  // 0 for every role when nobody talked
};

// Always the three roles, in the order coach, client, aiOrb.
std::array<RoleTalk, 3> talkTime(const std::vector<TranscriptSegmentRecord>& segments);

}  // namespace rooms::ai
