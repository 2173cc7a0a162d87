#pragma once
// One run of Debian's ffmpeg as a child process (the composite, the repair of a file a crash left open),
// with its progress read from `-progress pipe:1`. The recording jobs thread runs these; the media and
// control threads never wait on one.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace rooms::recording {

struct FfmpegResult {
  bool ok = false;
  std::string error;  // ffmpeg's own last lines of stderr, or why it could not run
};

// args excludes the program name. onProgress gets the output time reached, in ms. cancel, when it turns
// true, stops the child (SIGTERM, then SIGKILL).
FfmpegResult runFfmpeg(const std::string& program, const std::vector<std::string>& args,
                       const std::function<void(int64_t)>& onProgress, const std::atomic<bool>& cancel);

}  // namespace rooms::recording
