#pragma once
// Renders a room's transcript segments as text, WebVTT (with <v Name> voice tags) or JSON.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "store/RoomStore.h"

namespace rooms {

// Offsets are measured from originMs (the room's actual start, or the first segment).
std::string transcriptAsText(const std::vector<TranscriptSegmentRecord>& segments, int64_t originMs);
std::string transcriptAsVtt(const std::vector<TranscriptSegmentRecord>& segments, int64_t originMs);
nlohmann::ordered_json transcriptAsJson(const std::vector<TranscriptSegmentRecord>& segments,
                                        int64_t originMs);

}  // namespace rooms
