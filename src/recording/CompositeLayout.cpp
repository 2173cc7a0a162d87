#include "recording/CompositeLayout.h"

#include <algorithm>
#include <cstdio>

namespace rooms::recording {
namespace {

std::string seconds(int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3f", static_cast<double>(ms) / 1000.0);
  return buf;
}

}  // namespace

int64_t CompositeLayout::durationMs(const std::vector<CompositeInput>& inputs) {
  int64_t end = 0;
  for (const auto& in : inputs) end = std::max(end, in.offsetMs + in.durationMs);
  return end;
}

std::vector<std::string> CompositeLayout::ffmpegArgs(const std::vector<CompositeInput>& inputs,
                                                     const std::string& output) {
  const int64_t total = durationMs(inputs);
  const bool anyAudio = std::any_of(inputs.begin(), inputs.end(), [](const auto& i) { return i.audio; });
  const bool anyVideo = std::any_of(inputs.begin(), inputs.end(), [](const auto& i) { return i.video; });
  if (total <= 0 || (!anyAudio && !anyVideo)) return {};
  std::vector<std::string> args = {"-hide_banner", "-nostdin", "-v",      "error",
                                   "-progress",    "pipe:1",   "-nostats"};
  for (const auto& in : inputs) {
    args.insert(args.end(), {"-i", in.path});
  }
  std::string graph;
  // The canvas lasts the whole session; each camera is laid on its half from its offset on and leaves the
  // canvas black where it has no picture (before it started, after it ended, across a pause).
  graph += "color=c=black:s=" + std::to_string(2 * kTileWidth) + "x" + std::to_string(kTileHeight) +
           ":r=" + std::to_string(kFrameRate) + ":d=" + seconds(total) + "[base0];";
  int layer = 0;
  std::vector<std::string> audioLabels;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const auto& in = inputs[i];
    const std::string n = std::to_string(i);
    if (in.video && (in.role == "coach" || in.role == "client")) {
      const std::string w = std::to_string(kTileWidth);
      const std::string h = std::to_string(kTileHeight);
      graph.append("[").append(n).append(":v]setpts=PTS+").append(seconds(in.offsetMs));
      graph.append("/TB,scale=").append(w).append(":").append(h);
      graph.append(":force_original_aspect_ratio=decrease,pad=").append(w).append(":").append(h);
      graph.append(":(ow-iw)/2:(oh-ih)/2[v").append(n).append("];");
      const std::string x = in.role == "coach" ? "0" : w;
      graph.append("[base")
          .append(std::to_string(layer))
          .append("][v")
          .append(n)
          .append("]overlay=x=")
          .append(x);
      graph.append(":y=0:eof_action=pass[base").append(std::to_string(layer + 1)).append("];");
      ++layer;
    }
    if (in.audio) {
      // Resampled against its timestamps first (from the file's zero, as the video keeps its own), so a pause
      // in the file stays a pause in the mix and the voice stays with the picture.
      graph.append("[").append(n).append(":a]aresample=48000:async=1:first_pts=0,adelay=");
      graph.append(std::to_string(in.offsetMs)).append(":all=1[a").append(n).append("];");
      audioLabels.push_back("[a" + n + "]");
    }
  }
  std::string audioOut;
  if (audioLabels.size() == 1) {
    audioOut = audioLabels.front();
  } else if (!audioLabels.empty()) {
    for (const auto& l : audioLabels) graph += l;
    graph += "amix=inputs=" + std::to_string(audioLabels.size()) + ":duration=longest:normalize=0[mix];";
    audioOut = "[mix]";
  }
  // Overlays leave an alpha plane that VP8 cannot carry.
  graph += "[base" + std::to_string(layer) + "]format=yuv420p[vout]";
  args.insert(args.end(), {"-filter_complex", graph, "-map", "[vout]"});
  if (!audioOut.empty()) args.insert(args.end(), {"-map", audioOut});
  args.insert(args.end(), {"-t", seconds(total), "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8",
                           "-b:v", "1200k", "-g", "50"});
  if (!audioOut.empty()) args.insert(args.end(), {"-c:a", "libopus", "-b:a", "96k", "-ar", "48000"});
  args.insert(args.end(), {"-f", "webm", "-y", output});
  return args;
}

}  // namespace rooms::recording
