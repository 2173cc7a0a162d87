#include "recording/Recorder.h"

#include <pthread.h>

#include "core/Clock.h"
#include "core/Log.h"
#include "recording/RecordingError.h"

namespace rooms::recording {

Recorder::Recorder(Listener& listener) : listener_(listener) {}

Recorder::~Recorder() {
  stop();
}

void Recorder::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void Recorder::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Recorder::startFile(RecordingFileSpec spec) {
  {
    std::lock_guard lock(mutex_);
    commands_.push_back(Command{true, std::move(spec), {}});
  }
  wake_.notify_all();
}

void Recorder::stopFile(const std::string& id) {
  {
    std::lock_guard lock(mutex_);
    commands_.push_back(Command{false, {}, id});
  }
  wake_.notify_all();
}

void Recorder::finish(const std::string& id, SourceRecorder& file, int64_t nowMs, std::string error) {
  const bool wasOpen = file.opened();
  RecordingFinished done;
  done.written = wasOpen;
  if (error.empty()) {
    try {
      done.written = file.finish(nowMs);
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  // A short recording can open only now, with what its tracks still held.
  if (!wasOpen && file.opened()) listener_.onRecordingOpened(id, file.openedInfo());
  done.durationMs = file.durationMs();
  done.ringDropped = file.ringDropped();
  done.framesDropped = file.framesDropped();
  done.error = std::move(error);
  listener_.onRecordingFinished(id, done);
}

void Recorder::apply(std::deque<Command>& commands, int64_t nowMs) {
  for (auto& c : commands) {
    if (c.start) {
      const std::string id = c.spec.id;
      try {
        files_[id] = std::make_unique<SourceRecorder>(std::move(c.spec));
      } catch (const std::exception& e) {
        RecordingFinished failed;
        failed.error = e.what();
        listener_.onRecordingFinished(id, failed);
      }
      continue;
    }
    auto it = files_.find(c.id);
    if (it == files_.end()) continue;
    finish(it->first, *it->second, nowMs, "");
    files_.erase(it);
  }
  commands.clear();
}

void Recorder::run() {
  pthread_setname_np(pthread_self(), "rooms-recorder");
  std::deque<Command> commands;
  for (;;) {
    bool stopping = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, std::chrono::milliseconds(kPollIntervalMs),
                     [&] { return stopping_ || !commands_.empty(); });
      commands.swap(commands_);
      stopping = stopping_;
    }
    const int64_t nowMs = steadyNowMs();
    apply(commands, nowMs);
    for (auto it = files_.begin(); it != files_.end();) {
      SourceRecorder& file = *it->second;
      try {
        auto opened = file.poll(nowMs, [&](const std::string& trackId) {
          listener_.onKeyFrameWanted(file.spec().roomId, trackId);
        });
        if (opened) listener_.onRecordingOpened(it->first, *opened);
        ++it;
      } catch (const std::exception& e) {
        // The disk is full or the file is gone: this file stops, the call and the other files go on.
        log::error("recording_write_failed", {{"recordingId", it->first}, {"error", e.what()}});
        finish(it->first, file, nowMs, e.what());
        it = files_.erase(it);
      }
    }
    if (stopping) {
      for (auto& [id, f] : files_) finish(id, *f, nowMs, "");
      files_.clear();
      return;
    }
  }
}

}  // namespace rooms::recording
