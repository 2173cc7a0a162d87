#include "recording/MediaProbe.h"

extern "C" {
#include <libavformat/avformat.h>
}

namespace rooms::recording {

std::optional<MediaProbeResult> probeMedia(const std::string& path) {
  AVFormatContext* ctx = nullptr;
  if (avformat_open_input(&ctx, path.c_str(), nullptr, nullptr) < 0) return std::nullopt;
  struct Close {
    AVFormatContext** c;
    ~Close() { avformat_close_input(c); }
  } close{&ctx};
  if (avformat_find_stream_info(ctx, nullptr) < 0) return std::nullopt;
  MediaProbeResult r;
  if (ctx->duration != AV_NOPTS_VALUE && ctx->duration > 0) r.durationMs = ctx->duration / 1000;
  for (unsigned i = 0; i < ctx->nb_streams; ++i) {
    const auto type = ctx->streams[i]->codecpar->codec_type;
    r.audio = r.audio || type == AVMEDIA_TYPE_AUDIO;
    r.video = r.video || type == AVMEDIA_TYPE_VIDEO;
  }
  return r;
}

}  // namespace rooms::recording
