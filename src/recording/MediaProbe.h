#pragma once
// What a finished file holds, read back with libavformat: its duration and whether it has audio and
// video. Recording jobs thread (or tests).
#include <cstdint>
#include <optional>
#include <string>

namespace rooms::recording {

struct MediaProbeResult {
  int64_t durationMs = 0;
  bool audio = false;
  bool video = false;
};

std::optional<MediaProbeResult> probeMedia(const std::string& path);

}  // namespace rooms::recording
