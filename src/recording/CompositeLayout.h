#pragma once
// How the composite is made from a room's per-track files: the ffmpeg arguments for one WebM with the
// coach left and the client right (each camera file at its place in the session, letterboxed into its
// half) and every voice mixed (cameras' microphones, microphone-only files, the AI Orb), on the session's
// clock: each file starts at its own offset. Screen shares stay as their own files. Pure: unit-tested.
#include <cstdint>
#include <string>
#include <vector>

namespace rooms::recording {

struct CompositeInput {
  std::string path;
  std::string role;  // coach | client | aiOrb
  bool video = false;
  bool audio = false;
  int64_t offsetMs = 0;  // its time zero, after the session's first file's
  int64_t durationMs = 0;
};

struct CompositeLayout {
  static constexpr int kTileWidth = 640;
  static constexpr int kTileHeight = 360;
  static constexpr int kFrameRate = 25;

  // Empty when no input has audio or video.
  static std::vector<std::string> ffmpegArgs(const std::vector<CompositeInput>& inputs,
                                             const std::string& output);
  static int64_t durationMs(const std::vector<CompositeInput>& inputs);
};

}  // namespace rooms::recording
