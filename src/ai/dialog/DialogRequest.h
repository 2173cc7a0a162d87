#pragma once
// What the AI Orb is asked to answer: someone spoke to it, or it is time for it to check in.
#include <cstdint>
#include <string>
#include <vector>

#include "store/RoomStore.h"

namespace rooms::ai {

enum class DialogTrigger { Addressed, CheckIn };

struct DialogRequest {
  DialogTrigger trigger = DialogTrigger::Addressed;
  std::string personality;  // supportive | direct | reflective (anything else: supportive)
  std::string utterance;    // what was said to the orb, its name stripped; empty for CheckIn
  std::string speakerName;
  std::string speakerRole;                      // coach | client
  std::vector<TranscriptSegmentRecord> recent;  // the last ~40 segments, oldest first, all roles
  int64_t elapsedSeconds = 0;                   // since the session started
};

}  // namespace rooms::ai
