#include "recording/RecordingService.h"

#include <boost/asio/post.hpp>
#include <filesystem>

#include "core/Clock.h"
#include "core/Ids.h"
#include "core/Log.h"
#include "rooms/Room.h"

namespace rooms::recording {

namespace fs = std::filesystem;
namespace asio = boost::asio;
using signaling::SignalingServer;
using ojson = nlohmann::ordered_json;

namespace {

// Packets a ring holds before the media thread refuses: two and a half seconds of video at 1 Mbit/s
// (one at 2.5), more than a second of Opus. The recorder drains every 20 ms; the margin is for a disk that
// stalls its writes. Each slot is 1.3 KiB, so this is most of a recording's memory.
constexpr size_t kVideoRingSlots = 256;
constexpr size_t kAudioRingSlots = 64;

std::string kindName(rtc::MediaKind k) {
  return k == rtc::MediaKind::Video ? "video" : "audio";
}

ojson participantOf(const RecordingRecord& r) {
  return r.participantId ? ojson(*r.participantId) : ojson(nullptr);
}

std::string downloadPath(const RecordingRecord& r) {
  return "/api/rooms/" + r.roomId + "/recordings/" + r.id;
}

}  // namespace

RecordingService::RecordingService(asio::io_context& io, Options options, Database& db, RecordingStore& store,
                                   EventSink& events, RoomManager& rooms, SignalingServer& signaling,
                                   rtc::MediaWorkerPool& media, MetricsRegistry& metrics)
    : io_(io),
      options_(std::move(options)),
      db_(db),
      store_(store),
      events_(events),
      rooms_(rooms),
      signaling_(signaling),
      media_(media),
      recorder_(*this),
      jobs_(*this, options_.ffmpeg),
      started_(metrics.counter("rooms_recordings_started_total", "Recording files opened")),
      ready_(
          metrics.counter("rooms_recordings_ready_total", "Recording files finished (composites included)")),
      failed_(metrics.counter("rooms_recordings_failed_total", "Recording files that failed")),
      active_(metrics.gauge("rooms_recordings_active", "Recording files being written")),
      ringDrops_(metrics.counter("rooms_recording_ring_drops_total",
                                 "Packets the media thread could not hand to the recorder (a full ring)")),
      framesDropped_(metrics.counter("rooms_recording_frames_dropped_total",
                                     "Video frames not recorded while waiting for a key frame")) {}

RecordingService::~RecordingService() {
  *alive_ = false;
  stop();
}

void RecordingService::start() {
  fs::create_directories(options_.directory);
  recorder_.start();
  jobs_.start();
  recover();
}

void RecordingService::stop() {
  // The recorder finishes its files (trailers written) before the threads go; their reports are posted to
  // an io_context that no longer runs, so the rows are brought up to date here.
  recorder_.stop();
  jobs_.stop();
}

void RecordingService::onRoomConfigChanged(const Room& room) {
  scheduleReconcile(room.id());
}

void RecordingService::onRoomEnded(const Room& room) {
  auto it = byRoom_.find(room.id());
  if (it != byRoom_.end()) {
    auto& r = it->second;
    while (!r.active.empty()) stopFile(room.id(), r, r.active.begin()->first);
  }
  maybeCompose(room.id());
}

void RecordingService::onTrackPublished(const SignalingServer::PublishedTrack& track) {
  scheduleReconcile(track.roomId);
}

void RecordingService::onTrackUnpublished(const std::string& roomId, const std::string&) {
  scheduleReconcile(roomId);
}

void RecordingService::scheduleReconcile(const std::string& roomId) {
  if (!reconcileQueued_.insert(roomId).second) return;
  asio::post(io_, [this, alive = alive_, roomId] {
    if (!*alive) return;
    reconcileQueued_.erase(roomId);
    reconcile(roomId);
  });
}

void RecordingService::reconcile(const std::string& roomId) {
  auto room = rooms_.find(roomId);
  const bool on = room && room->recording();
  auto& r = byRoom_[roomId];
  // What should be recorded now: per participant, the camera with the microphones (or the microphones
  // alone), and the screen share with its audio.
  std::map<std::string, ActiveFile> wanted;
  if (on) {
    std::map<std::string, std::vector<SignalingServer::PublishedTrack>> byParticipant;
    for (auto& t : signaling_.publishedTracks(roomId)) byParticipant[t.participantId].push_back(t);
    for (auto& [participantId, tracks] : byParticipant) {
      const bool camera = std::any_of(tracks.begin(), tracks.end(), [](const auto& t) {
        return t.source == "camera" && t.kind == rtc::MediaKind::Video;
      });
      for (const auto& t : tracks) {
        const std::string source = t.source == "screen" ? "screen" : camera ? "camera" : "microphone";
        std::string key = participantId;
        key.append("/").append(source);
        ActiveFile& f = wanted[key];
        f.participantId = participantId;
        f.role = t.role;
        f.source = source;
        f.tracks.push_back(t);
      }
    }
  }
  const auto sameTracks = [](const ActiveFile& a, const ActiveFile& b) {
    if (a.tracks.size() != b.tracks.size()) return false;
    for (size_t i = 0; i < a.tracks.size(); ++i) {
      if (a.tracks[i].trackId != b.tracks[i].trackId || a.tracks[i].codec != b.tracks[i].codec) return false;
    }
    return true;
  };
  std::vector<std::string> stale;
  for (const auto& [key, file] : r.active) {
    auto it = wanted.find(key);
    if (it == wanted.end() || !sameTracks(file, it->second)) stale.push_back(key);
  }
  for (const auto& key : stale) stopFile(roomId, r, key);
  for (auto& [key, file] : wanted) {
    if (!r.active.count(key)) startFile(roomId, r, key, std::move(file));
  }
  if (r.active.empty() && r.finishing.empty()) byRoom_.erase(roomId);  // a room that records nothing
}

void RecordingService::startFile(const std::string& roomId, RoomRecordings& r, const std::string& key,
                                 ActiveFile file) {
  file.id = randomId("rec");
  RecordingFileSpec spec;
  spec.id = file.id;
  spec.roomId = roomId;
  const fs::path dir = fs::path(options_.directory) / roomId;
  std::error_code ec;
  fs::create_directories(dir, ec);
  spec.path = (dir / (file.id + "-" + file.role + "-" + file.source)).string();
  for (const auto& t : file.tracks) {
    const bool video = t.kind == rtc::MediaKind::Video;
    auto ring = std::make_shared<rtc::RtpPacketRing>(video ? kVideoRingSlots : kAudioRingSlots);
    spec.tracks.push_back(RecordedTrack{t.trackId, video, t.codec, t.clockRate, ring});
    media_.setTap(roomId, t.trackId, rtc::TapKind::Recording, ring);
  }
  log::info("recording_start", {{"roomId", roomId},
                                {"recordingId", file.id},
                                {"role", file.role},
                                {"source", file.source},
                                {"tracks", file.tracks.size()}});
  recorder_.startFile(std::move(spec));
  r.active.emplace(key, std::move(file));
}

void RecordingService::stopFile(const std::string& roomId, RoomRecordings& r, const std::string& key) {
  auto it = r.active.find(key);
  if (it == r.active.end()) return;
  for (const auto& t : it->second.tracks) media_.setTap(roomId, t.trackId, rtc::TapKind::Recording, nullptr);
  recorder_.stopFile(it->second.id);
  const std::string id = it->second.id;
  r.finishing.emplace(id, std::move(it->second));
  r.active.erase(it);
}

RecordingService::RoomRecordings* RecordingService::roomOf(const std::string& recordingId,
                                                           std::string* roomId) {
  for (auto& [id, r] : byRoom_) {
    const bool has = r.finishing.count(recordingId) ||
                     std::any_of(r.active.begin(), r.active.end(),
                                 [&](const auto& kv) { return kv.second.id == recordingId; });
    if (has) {
      if (roomId) *roomId = id;
      return &r;
    }
  }
  return nullptr;
}

void RecordingService::onRecordingOpened(const std::string& id, const SourceRecorder::Opened& opened) {
  asio::post(io_, [this, alive = alive_, id, opened] {
    if (*alive) this->opened(id, opened);
  });
}

void RecordingService::onRecordingFinished(const std::string& id, const RecordingFinished& done) {
  asio::post(io_, [this, alive = alive_, id, done] {
    if (*alive) finished(id, done);
  });
}

void RecordingService::onKeyFrameWanted(const std::string& roomId, const std::string& trackId) {
  asio::post(io_, [this, alive = alive_, roomId, trackId] {
    if (*alive) media_.requestKeyFrame(roomId, trackId);
  });
}

void RecordingService::onJobProgress(const std::string& recordingId, double fraction) {
  asio::post(io_, [this, alive = alive_, recordingId, fraction] {
    if (!*alive) return;
    auto rec = store_.find(recordingId);
    if (!rec || rec->status != "processing") return;
    rec->progress = fraction;
    store_.update(*rec);
  });
}

void RecordingService::onJobFinished(const std::string& recordingId, bool ok, bool cancelled,
                                     int64_t durationMs, int64_t bytes, const std::string& error) {
  asio::post(io_, [this, alive = alive_, recordingId, ok, cancelled, durationMs, bytes, error] {
    if (*alive) jobFinished(recordingId, ok, cancelled, durationMs, bytes, error);
  });
}

void RecordingService::opened(const std::string& id, const SourceRecorder::Opened& opened) {
  std::string roomId;
  RoomRecordings* r = roomOf(id, &roomId);
  if (!r) return;
  ActiveFile* file = nullptr;
  for (auto& [key, f] : r->active) {
    if (f.id == id) file = &f;
  }
  if (!file && r->finishing.count(id)) file = &r->finishing[id];
  if (!file) return;
  file->opened = true;
  RecordingRecord rec;
  rec.id = id;
  rec.roomId = roomId;
  rec.participantId = file->participantId;
  rec.role = file->role;
  rec.source = file->source;
  nlohmann::json kinds = nlohmann::json::array();
  nlohmann::json codecs = nlohmann::json::array();
  for (const auto& t : file->tracks) {
    const std::string k = kindName(t.kind);
    if (std::find(kinds.begin(), kinds.end(), k) == kinds.end()) kinds.push_back(k);
    if (std::find(codecs.begin(), codecs.end(), t.codec) == codecs.end()) codecs.push_back(t.codec);
  }
  rec.kindsJson = kinds.dump();
  rec.codecsJson = codecs.dump();
  rec.format = fs::path(opened.path).extension() == ".mkv" ? "mkv" : "webm";
  rec.path = opened.path;
  rec.status = "recording";
  // The file's time zero on the wall clock: what lines the files of a session up for the composite.
  rec.startedAt = nowMs() - (steadyNowMs() - opened.zeroSteadyMs);
  {
    auto tx = db_.transaction();
    store_.insert(rec);
    tx.commit();
  }
  started_.Increment();
  active_.Increment();
  log::info("recording_opened", {{"roomId", roomId},
                                 {"recordingId", id},
                                 {"tracks", file->tracks.size()},
                                 {"tracksSynced", opened.tracksSynced},
                                 {"waitedMs", steadyNowMs() - opened.zeroSteadyMs}});
  emit(roomId, "recording-started",
       {{"roomId", roomId},
        {"recordingId", id},
        {"participantId", participantOf(rec)},
        {"participantType", rec.role ? ojson(*rec.role) : ojson(nullptr)},
        {"source", rec.source},
        {"timestamp", formatIso8601(rec.startedAt)}});
}

void RecordingService::finished(const std::string& id, const RecordingFinished& done) {
  const std::string& error = done.error;
  ringDrops_.Increment(static_cast<double>(done.ringDropped));
  framesDropped_.Increment(static_cast<double>(done.framesDropped));
  std::string roomId;
  RoomRecordings* r = roomOf(id, &roomId);
  if (r) {
    // A file that failed while still wanted leaves the active set: the next reconcile would only start a
    // new one into the same failure.
    for (auto it = r->active.begin(); it != r->active.end(); ++it) {
      if (it->second.id == id) {
        for (const auto& t : it->second.tracks)
          media_.setTap(roomId, t.trackId, rtc::TapKind::Recording, nullptr);
        r->active.erase(it);
        break;
      }
    }
    r->finishing.erase(id);
  }
  auto rec = store_.find(id);
  if (!rec) {
    if (!error.empty() && r) {
      log::error("recording_failed", {{"roomId", roomId}, {"recordingId", id}, {"error", error}});
      failed_.Increment();
      emitFailed(roomId, id, error);
    }
    if (r) maybeCompose(roomId);
    return;
  }
  active_.Decrement();
  rec->endedAt = nowMs();
  rec->durationMs = done.durationMs;
  std::error_code ec;
  rec->bytes = static_cast<int64_t>(fs::file_size(rec->path, ec));
  if (ec) rec->bytes = 0;
  rec->status = error.empty() && done.written ? "ready" : "failed";
  log::info("recording_finished", {{"roomId", rec->roomId},
                                   {"recordingId", id},
                                   {"status", rec->status},
                                   {"durationMs", done.durationMs},
                                   {"ringDropped", done.ringDropped},
                                   {"framesDropped", done.framesDropped}});
  if (!error.empty()) rec->error = error;
  store_.update(*rec);
  if (rec->status == "ready") {
    ready_.Increment();
    emitReady(*rec);
  } else {
    failed_.Increment();
    log::error("recording_failed", {{"roomId", rec->roomId}, {"recordingId", id}, {"error", error}});
    emitFailed(rec->roomId, id, error);
  }
  maybeCompose(rec->roomId);
}

void RecordingService::maybeCompose(const std::string& roomId) {
  // After the room ended, once every file of it is finished (repairs after a crash included).
  auto it = byRoom_.find(roomId);
  if (it != byRoom_.end()) {
    if (!it->second.active.empty() || !it->second.finishing.empty()) return;
    byRoom_.erase(it);
  }
  auto room = rooms_.find(roomId);
  if (!room || room->state() != RoomState::Ended) return;
  const auto recordings = store_.forRoom(roomId);
  const bool busy = std::any_of(recordings.begin(), recordings.end(), [](const RecordingRecord& r) {
    return r.status == "recording" || r.status == "processing";
  });
  if (busy) return;
  const bool any = std::any_of(recordings.begin(), recordings.end(), [](const RecordingRecord& r) {
    return r.status == "ready" && (r.source == "camera" || r.source == "microphone");
  });
  const bool composed = std::any_of(recordings.begin(), recordings.end(),
                                    [](const RecordingRecord& r) { return r.source == "composite"; });
  if (!any || composed) return;
  RecordingRecord c;
  c.id = randomId("rec");
  c.roomId = roomId;
  c.source = "composite";
  c.kindsJson = R"(["audio","video"])";
  c.codecsJson = R"(["VP8","opus"])";
  c.format = "webm";
  c.path = (fs::path(options_.directory) / roomId / (c.id + "-composite.webm")).string();
  c.status = "processing";
  c.progress = 0.0;
  c.startedAt = recordings.front().startedAt;
  for (const auto& r : recordings) c.startedAt = std::min(c.startedAt, r.startedAt);
  store_.insert(c);
  submitComposite(c);
}

void RecordingService::submitComposite(const RecordingRecord& composite) {
  RecordingJobs::Job job;
  job.kind = RecordingJobs::Job::Kind::Composite;
  job.recordingId = composite.id;
  job.output = composite.path;
  for (const auto& r : store_.forRoom(composite.roomId)) {
    if (r.status != "ready" || (r.source != "camera" && r.source != "microphone")) continue;
    const auto kinds = nlohmann::json::parse(r.kindsJson, nullptr, false);
    CompositeInput in;
    in.path = r.path;
    in.role = r.role.value_or("");
    for (const auto& k : kinds) {
      if (k == "video") in.video = true;
      if (k == "audio") in.audio = true;
    }
    in.offsetMs = r.startedAt - composite.startedAt;
    in.durationMs = r.durationMs.value_or(0);
    job.inputs.push_back(in);
  }
  log::info("recording_composite",
            {{"roomId", composite.roomId}, {"recordingId", composite.id}, {"inputs", job.inputs.size()}});
  jobs_.submit(std::move(job));
}

void RecordingService::jobFinished(const std::string& id, bool ok, bool cancelled, int64_t durationMs,
                                   int64_t bytes, const std::string& error) {
  auto rec = store_.find(id);
  if (!rec || cancelled) return;  // deleted meanwhile, or roomsd is stopping (redone at the next start)
  const bool composite = rec->source == "composite";
  rec->endedAt = nowMs();
  rec->progress.reset();
  if (ok) {
    rec->status = "ready";
    rec->durationMs = durationMs;
    rec->bytes = bytes;
    rec->error.reset();
    store_.update(*rec);
    ready_.Increment();
    emitReady(*rec);
  } else {
    rec->status = "failed";
    rec->error = error;
    store_.update(*rec);
    failed_.Increment();
    log::error("recording_failed", {{"roomId", rec->roomId}, {"recordingId", id}, {"error", error}});
    emitFailed(rec->roomId, id, error);
  }
  // A repaired file may have been the last one an ended room waited for.
  if (!composite) maybeCompose(rec->roomId);
}

void RecordingService::recover() {
  // Files a crash (kill -9, power loss) left in the middle: their clusters up to the last second or so are
  // on the disk; a stream copy writes the index and duration they lack.
  const auto interrupted = store_.withStatus("processing");
  for (auto rec : store_.withStatus("recording")) {
    std::error_code ec;
    if (!fs::exists(rec.path, ec)) {
      rec.status = "failed";
      rec.error = "the file was lost when roomsd stopped";
      rec.endedAt = nowMs();
      store_.update(rec);
      emitFailed(rec.roomId, rec.id, *rec.error);
      continue;
    }
    rec.status = "processing";
    store_.update(rec);
    submitRepair(rec);
  }
  for (const auto& rec : interrupted) {
    if (rec.source == "composite") {
      submitComposite(rec);
    } else {
      submitRepair(rec);  // a repair that was interrupted: run it again
    }
  }
}

void RecordingService::submitRepair(const RecordingRecord& rec) {
  log::info("recording_repair", {{"roomId", rec.roomId}, {"recordingId", rec.id}});
  RecordingJobs::Job job;
  job.kind = RecordingJobs::Job::Kind::Repair;
  job.recordingId = rec.id;
  job.input = rec.path;
  job.output = rec.path;
  jobs_.submit(std::move(job));
}

void RecordingService::tick(int64_t now) {
  if (options_.retentionDays <= 0 || now < nextRetentionMs_) return;
  nextRetentionMs_ = now + int64_t{60} * 60 * 1000;
  for (const auto& rec : store_.endedBefore(now - options_.retentionDays * 24 * 3600 * 1000)) {
    std::error_code ec;
    fs::remove(rec.path, ec);
    store_.remove(rec.id);
    log::info("recording_expired", {{"roomId", rec.roomId}, {"recordingId", rec.id}});
  }
}

std::vector<RecordingRecord> RecordingService::list(const std::string& roomId) {
  return store_.forRoom(roomId);
}

std::optional<RecordingRecord> RecordingService::find(const std::string& roomId,
                                                      const std::string& recordingId) {
  auto rec = store_.find(recordingId);
  if (!rec || rec->roomId != roomId) return std::nullopt;
  return rec;
}

RecordingService::RemoveResult RecordingService::remove(const std::string& roomId,
                                                        const std::string& recordingId) {
  auto rec = find(roomId, recordingId);
  if (!rec) return RemoveResult::NotFound;
  if (rec->status == "recording" || rec->status == "processing") return RemoveResult::Active;
  std::error_code ec;
  fs::remove(rec->path, ec);
  store_.remove(rec->id);
  log::info("recording_deleted", {{"roomId", roomId}, {"recordingId", recordingId}});
  return RemoveResult::Removed;
}

void RecordingService::emit(const std::string& roomId, const std::string& type, const ojson& data) {
  try {
    Event e;
    {
      auto tx = db_.transaction();
      e = events_.append(roomId, type, data);
      tx.commit();
    }
    events_.publish(e);
  } catch (const std::exception& ex) {
    log::error("recording_event_failed", {{"roomId", roomId}, {"type", type}, {"error", ex.what()}});
  }
}

void RecordingService::emitReady(const RecordingRecord& r) {
  emit(r.roomId, "recording-ready",
       {{"roomId", r.roomId},
        {"recordingId", r.id},
        {"participantId", participantOf(r)},
        {"participantType", r.role ? ojson(*r.role) : ojson(nullptr)},
        {"source", r.source},
        {"duration", static_cast<double>(r.durationMs.value_or(0)) / 1000.0},
        {"bytes", r.bytes},
        {"downloadPath", downloadPath(r)},
        {"timestamp", formatIso8601(r.endedAt.value_or(nowMs()))}});
}

void RecordingService::emitFailed(const std::string& roomId, const std::string& recordingId,
                                  const std::string& message) {
  emit(roomId, "error",
       {{"roomId", roomId},
        {"error", "recording_failed"},
        {"message", "recording " + recordingId + " failed: " + message},
        {"recordingId", recordingId},
        {"timestamp", formatIso8601(nowMs())}});
}

}  // namespace rooms::recording
