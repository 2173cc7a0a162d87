#pragma once
// Session recording on the control plane (docs/recording.md). While a room's features.recording is on,
// every participant's published tracks are recorded: one file per participant and source (the camera with
// the microphone, a microphone alone, a screen share), started and stopped as tracks come and go and as
// the config changes. The media thread copies each packet into the track's recording ring; the Recorder
// thread writes the files; the RecordingJobs thread makes the composite when the room ends and repairs
// files a crash left open. This class keeps the recordings table, emits recording-started,
// recording-ready and error (recording_failed) events, and enforces retention. Control-plane thread only;
// the threads' reports are posted to it.
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/Metrics.h"
#include "events/EventSink.h"
#include "recording/Recorder.h"
#include "recording/RecordingJobs.h"
#include "rooms/RoomManager.h"
#include "rooms/RoomObserver.h"
#include "rtc/MediaWorkerPool.h"
#include "signaling/SignalingServer.h"
#include "store/Database.h"
#include "store/RecordingStore.h"

namespace rooms::recording {

class RecordingService : public RoomObserver,
                         public signaling::SignalingServer::PublicationListener,
                         private Recorder::Listener,
                         private RecordingJobs::Listener {
 public:
  struct Options {
    std::string directory;
    int64_t retentionDays = 30;
    std::string ffmpeg = "ffmpeg";
  };

  RecordingService(boost::asio::io_context& io, Options options, Database& db, RecordingStore& store,
                   EventSink& events, RoomManager& rooms, signaling::SignalingServer& signaling,
                   rtc::MediaWorkerPool& media, MetricsRegistry& metrics);
  ~RecordingService() override;

  // Starts the threads, repairs what a crash left and composes what an interrupted composite left.
  void start();
  // Finishes every open file (they stay playable and are marked ready), then stops the threads.
  void stop();
  // Retention; called about once a second.
  void tick(int64_t nowMs);

  std::vector<RecordingRecord> list(const std::string& roomId);
  std::optional<RecordingRecord> find(const std::string& roomId, const std::string& recordingId);
  enum class RemoveResult { Removed, NotFound, Active };
  RemoveResult remove(const std::string& roomId, const std::string& recordingId);

  // RoomObserver
  void onRoomConfigChanged(const Room& room) override;
  void onRoomEnded(const Room& room) override;
  // PublicationListener
  void onTrackPublished(const signaling::SignalingServer::PublishedTrack& track) override;
  void onTrackUnpublished(const std::string& roomId, const std::string& trackId) override;

 private:
  struct ActiveFile {
    std::string id;
    std::string participantId;
    std::string role;
    std::string source;
    std::vector<signaling::SignalingServer::PublishedTrack> tracks;
    bool opened = false;
  };
  struct RoomRecordings {
    std::map<std::string, ActiveFile> active;     // by group key (participant and source)
    std::map<std::string, ActiveFile> finishing;  // by recording id: stopped, the recorder not done yet
  };

  // Recorder::Listener and RecordingJobs::Listener (their threads): posted here.
  void onRecordingOpened(const std::string& id, const SourceRecorder::Opened& opened) override;
  void onRecordingFinished(const std::string& id, const RecordingFinished& finished) override;
  void onKeyFrameWanted(const std::string& roomId, const std::string& trackId) override;
  void onJobProgress(const std::string& recordingId, double fraction) override;
  void onJobFinished(const std::string& recordingId, bool ok, bool cancelled, int64_t durationMs,
                     int64_t bytes, const std::string& error) override;

  // Brings the room's files to what its config and published tracks call for (after the current handler,
  // so the tracks of one negotiation start one file).
  void scheduleReconcile(const std::string& roomId);
  void reconcile(const std::string& roomId);
  void startFile(const std::string& roomId, RoomRecordings& r, const std::string& key, ActiveFile file);
  void stopFile(const std::string& roomId, RoomRecordings& r, const std::string& key);
  void opened(const std::string& id, const SourceRecorder::Opened& opened);
  void finished(const std::string& id, const RecordingFinished& done);
  void jobFinished(const std::string& id, bool ok, bool cancelled, int64_t durationMs, int64_t bytes,
                   const std::string& error);
  void maybeCompose(const std::string& roomId);
  void submitComposite(const RecordingRecord& composite);
  // A file a crash left open: remuxed in place, then ready.
  void submitRepair(const RecordingRecord& rec);
  void recover();
  void emit(const std::string& roomId, const std::string& type, const nlohmann::ordered_json& data);
  void emitReady(const RecordingRecord& r);
  void emitFailed(const std::string& roomId, const std::string& recordingId, const std::string& message);
  RoomRecordings* roomOf(const std::string& recordingId, std::string* roomId);

  boost::asio::io_context& io_;
  Options options_;
  Database& db_;
  RecordingStore& store_;
  EventSink& events_;
  RoomManager& rooms_;
  signaling::SignalingServer& signaling_;
  rtc::MediaWorkerPool& media_;
  Recorder recorder_;
  RecordingJobs jobs_;
  std::map<std::string, RoomRecordings> byRoom_;
  std::set<std::string> reconcileQueued_;
  int64_t nextRetentionMs_ = 0;
  Counter& started_;
  Counter& ready_;
  Counter& failed_;
  Gauge& active_;
  Counter& ringDrops_;
  Counter& framesDropped_;
  // Lives as long as the posted handlers that check it.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace rooms::recording
