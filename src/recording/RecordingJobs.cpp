#include "recording/RecordingJobs.h"

#include <pthread.h>

#include <filesystem>

#include "core/Log.h"
#include "recording/FfmpegRun.h"
#include "recording/MediaProbe.h"

namespace rooms::recording {

namespace fs = std::filesystem;

RecordingJobs::RecordingJobs(Listener& listener, std::string ffmpeg)
    : listener_(listener), ffmpeg_(std::move(ffmpeg)) {}

RecordingJobs::~RecordingJobs() {
  stop();
}

void RecordingJobs::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void RecordingJobs::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cancel_ = true;
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RecordingJobs::submit(Job job) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(job));
  }
  wake_.notify_all();
}

void RecordingJobs::run() {
  pthread_setname_np(pthread_self(), "rooms-rec-jobs");
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      execute(job);
    } catch (const std::exception& e) {
      listener_.onJobFinished(job.recordingId, false, false, 0, 0, e.what());
    }
  }
}

void RecordingJobs::execute(const Job& job) {
  const std::string tmp = job.output + ".part";
  std::vector<std::string> args;
  int64_t expectedMs = 0;
  if (job.kind == Job::Kind::Composite) {
    args = CompositeLayout::ffmpegArgs(job.inputs, tmp);
    expectedMs = CompositeLayout::durationMs(job.inputs);
    if (args.empty()) {
      listener_.onJobFinished(job.recordingId, false, false, 0, 0, "no recorded media to compose");
      return;
    }
  } else {
    // Stream copy: the frames stay as recorded; the muxer writes the index and duration a crash cut off.
    // A file cut mid-cluster ends with an error ffmpeg reports but survives: what came before is kept.
    const bool mkv = fs::path(job.output).extension() == ".mkv";
    args = {"-hide_banner",
            "-nostdin",
            "-v",
            "error",
            "-progress",
            "pipe:1",
            "-nostats",
            "-err_detect",
            "ignore_err",
            "-i",
            job.input,
            "-map",
            "0",
            "-c",
            "copy",
            "-f",
            mkv ? "matroska" : "webm",
            "-y",
            tmp};
  }
  const auto started = std::chrono::steady_clock::now();
  auto result = runFfmpeg(
      ffmpeg_, args,
      [&](int64_t ms) {
        if (expectedMs > 0)
          listener_.onJobProgress(job.recordingId,
                                  std::min(1.0, static_cast<double>(ms) / static_cast<double>(expectedMs)));
      },
      cancel_);
  std::error_code ec;
  const bool produced = fs::exists(tmp, ec) && fs::file_size(tmp, ec) > 0;
  if (!result.ok && !(job.kind == Job::Kind::Repair && produced && result.error != "cancelled")) {
    fs::remove(tmp, ec);
    listener_.onJobFinished(job.recordingId, false, result.error == "cancelled", 0, 0, result.error);
    return;
  }
  fs::rename(tmp, job.output, ec);
  if (ec) {
    listener_.onJobFinished(job.recordingId, false, false, 0, 0, "cannot move the result: " + ec.message());
    return;
  }
  if (job.kind == Job::Kind::Repair && job.input != job.output) fs::remove(job.input, ec);
  const auto probe = probeMedia(job.output);
  const auto bytes = static_cast<int64_t>(fs::file_size(job.output, ec));
  log::info("recording_job_done", {{"recordingId", job.recordingId},
                                   {"kind", job.kind == Job::Kind::Composite ? "composite" : "repair"},
                                   {"ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                              std::chrono::steady_clock::now() - started)
                                              .count()},
                                   {"warnings", result.error}});
  listener_.onJobFinished(job.recordingId, true, false, probe ? probe->durationMs : 0, bytes, "");
}

}  // namespace rooms::recording
