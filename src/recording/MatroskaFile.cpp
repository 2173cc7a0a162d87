#include "recording/MatroskaFile.h"

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/mem.h>
}

#include <algorithm>
#include <cstring>

#include "recording/RecordingError.h"

namespace rooms::recording {
namespace {

std::string avError(int code) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, buf, sizeof(buf));
  return buf;
}

AVCodecID codecId(const std::string& codec) {
  std::string c = codec;
  std::transform(c.begin(), c.end(), c.begin(), [](unsigned char ch) { return std::tolower(ch); });
  if (c == "opus") return AV_CODEC_ID_OPUS;
  if (c == "vp8") return AV_CODEC_ID_VP8;
  if (c == "vp9") return AV_CODEC_ID_VP9;
  if (c == "h264") return AV_CODEC_ID_H264;
  return AV_CODEC_ID_NONE;
}

// RFC 7845 5.1: the identification header Matroska stores as the Opus track's codec private data.
std::vector<uint8_t> opusHead(int channels) {
  std::vector<uint8_t> h = {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1, static_cast<uint8_t>(channels)};
  const uint16_t preSkip = 0;
  const uint32_t rate = 48000;
  h.push_back(preSkip & 0xFF);
  h.push_back(preSkip >> 8);
  for (int i = 0; i < 4; ++i) h.push_back(static_cast<uint8_t>(rate >> (8 * i)));
  h.push_back(0);  // output gain
  h.push_back(0);
  h.push_back(0);  // channel mapping family 0: mono or stereo
  return h;
}

void setExtradata(AVCodecParameters* par, const std::vector<uint8_t>& bytes) {
  if (bytes.empty()) return;
  par->extradata = static_cast<uint8_t*>(av_mallocz(bytes.size() + AV_INPUT_BUFFER_PADDING_SIZE));
  if (!par->extradata) throw RecordingError("out of memory");
  std::memcpy(par->extradata, bytes.data(), bytes.size());
  par->extradata_size = static_cast<int>(bytes.size());
}

}  // namespace

void MatroskaFile::Closer::operator()(AVFormatContext* ctx) const {
  if (!ctx) return;
  if (ctx->pb) avio_closep(&ctx->pb);
  avformat_free_context(ctx);
}

void MatroskaFile::PacketFree::operator()(AVPacket* p) const {
  av_packet_free(&p);
}

bool MatroskaFile::needsMatroska(const std::vector<TrackFormat>& tracks) {
  return std::any_of(tracks.begin(), tracks.end(),
                     [](const TrackFormat& t) { return codecId(t.codec) == AV_CODEC_ID_H264; });
}

MatroskaFile::MatroskaFile(std::string path, const std::vector<TrackFormat>& tracks)
    : path_(std::move(path)) {
  if (tracks.empty()) throw RecordingError("a recording needs at least one track");
  AVFormatContext* raw = nullptr;
  const char* format = needsMatroska(tracks) ? "matroska" : "webm";
  int rc = avformat_alloc_output_context2(&raw, nullptr, format, path_.c_str());
  if (rc < 0 || !raw) throw RecordingError("cannot make a " + std::string(format) + " muxer: " + avError(rc));
  ctx_.reset(raw);
  for (const auto& t : tracks) {
    const AVCodecID id = codecId(t.codec);
    if (id == AV_CODEC_ID_NONE) throw RecordingError("codec " + t.codec + " cannot be recorded");
    AVStream* st = avformat_new_stream(raw, nullptr);
    if (!st) throw RecordingError("out of memory");
    st->time_base = AVRational{1, 1000};
    AVCodecParameters* par = st->codecpar;
    par->codec_id = id;
    if (t.video) {
      par->codec_type = AVMEDIA_TYPE_VIDEO;
      par->width = t.width > 0 ? t.width : 640;
      par->height = t.height > 0 ? t.height : 480;
      setExtradata(par, t.extradata);
    } else {
      par->codec_type = AVMEDIA_TYPE_AUDIO;
      par->sample_rate = 48000;
      av_channel_layout_default(&par->ch_layout, 2);
      setExtradata(par, opusHead(2));
    }
  }
  lastPts_.assign(tracks.size(), -1);
  rc = avio_open(&raw->pb, path_.c_str(), AVIO_FLAG_WRITE);
  if (rc < 0) throw RecordingError("cannot open " + path_ + ": " + avError(rc));
  AVDictionary* options = nullptr;
  // One-second clusters, each written and flushed as it closes: what a crash loses.
  av_dict_set(&options, "cluster_time_limit", "1000", 0);
  av_dict_set(&options, "flush_packets", "1", 0);
  rc = avformat_write_header(raw, &options);
  av_dict_free(&options);
  if (rc < 0) throw RecordingError("cannot start " + path_ + ": " + avError(rc));
  packet_.reset(av_packet_alloc());
  if (!packet_) throw RecordingError("out of memory");
}

MatroskaFile::~MatroskaFile() {
  try {
    close();
  } catch (const std::exception&) {
    // The owner already knows of the failure that brought it here, or will find the file incomplete.
  }
}

void MatroskaFile::write(size_t track, int64_t ptsMs, bool keyFrame, std::span<const uint8_t> data) {
  if (closed_) throw RecordingError("the file is closed");
  if (track >= lastPts_.size() || data.empty()) return;
  if (ptsMs <= lastPts_[track]) return;  // the muxer needs increasing times per track
  // Not reference-counted: av_write_frame muxes it before returning, and the Matroska muxer copies the
  // bytes into its cluster, so the frame's own buffer is written from without another copy.
  AVPacket* pkt = packet_.get();
  av_packet_unref(pkt);
  pkt->data = const_cast<uint8_t*>(data.data());
  pkt->size = static_cast<int>(data.size());
  pkt->stream_index = static_cast<int>(track);
  pkt->pts = ptsMs;
  pkt->dts = ptsMs;
  if (keyFrame) pkt->flags |= AV_PKT_FLAG_KEY;
  const int64_t previous = lastPts_[track];
  lastPts_[track] = ptsMs;
  const int rc = av_write_frame(ctx_.get(), pkt);
  pkt->data = nullptr;
  pkt->size = 0;
  if (rc < 0) throw RecordingError("cannot write " + path_ + ": " + avError(rc));
  if (ctx_->pb && ctx_->pb->error < 0)
    throw RecordingError("cannot write " + path_ + ": " + avError(ctx_->pb->error));
  if (ptsMs > lastPtsMs_) {
    lastFrameMs_ = previous >= 0 ? std::clamp<int64_t>(ptsMs - previous, 0, 100) : 20;
    lastPtsMs_ = ptsMs;
  }
}

void MatroskaFile::close() {
  if (closed_ || !ctx_) return;
  closed_ = true;
  const int rc = av_write_trailer(ctx_.get());
  int ioError = ctx_->pb ? ctx_->pb->error : 0;
  if (ctx_->pb) {
    avio_flush(ctx_->pb);
    ioError = ioError < 0 ? ioError : ctx_->pb->error;
    avio_closep(&ctx_->pb);
  }
  if (rc < 0) throw RecordingError("cannot finish " + path_ + ": " + avError(rc));
  if (ioError < 0) throw RecordingError("cannot finish " + path_ + ": " + avError(ioError));
}

int64_t MatroskaFile::bytesWritten() const {
  if (!ctx_ || !ctx_->pb) return 0;
  return avio_tell(ctx_->pb);
}

}  // namespace rooms::recording
