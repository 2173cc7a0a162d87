#pragma once
// A transcript as an LLM prompt sees it: one "Name (role): text" line per segment with recognised text.
#include <cstddef>
#include <string>
#include <vector>

#include "store/RoomStore.h"

namespace rooms::ai {

// Keeps the most recent lines that fit in maxChars (the end of a session matters most for its summary and
// for what the orb answers); a first line says when older ones were left out.
std::string promptTranscript(const std::vector<TranscriptSegmentRecord>& segments, size_t maxChars);

}  // namespace rooms::ai
