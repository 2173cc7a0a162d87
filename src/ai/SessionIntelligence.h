#pragma once
// What rooms knows about a session beyond the call (docs/ai.md): live transcription, the AI Orb and the
// session summary, wired to the rest of roomsd. Lives on the control-plane thread; the audio runs on the
// SpeechPipeline's thread, recognition on RecognitionWorkers, and the orb's replies and summaries on worker
// threads, each reporting back here by posting to the control-plane io_context. Only this thread writes
// the database.
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "ai/SpeechPipeline.h"
#include "ai/dialog/DialogEngine.h"
#include "ai/dialog/DialogEngineFactory.h"
#include "ai/speech/RecognitionWorkers.h"
#include "ai/summary/SummaryEngine.h"
#include "ai/summary/SummaryEngineFactory.h"
#include "ai/voice/OpusFrameEncoder.h"
#include "ai/voice/SpeechSynthesizer.h"
#include "core/Config.h"
#include "core/WorkerThread.h"
#include "rooms/RoomManager.h"
#include "rooms/RoomObserver.h"
#include "rtc/MediaWorkerPool.h"
#include "signaling/SignalingServer.h"
#include "store/RoomStore.h"

namespace rooms::ai {

inline constexpr const char* kOrbName = "AI Orb";

class SessionIntelligence : public signaling::SignalingServer::AudioListener,
                            public RoomObserver,
                            private SpeechPipeline::Listener,
                            private AiOrb::Listener {
 public:
  struct Options {
    int asrThreads = 1;
    // Recognizers (~100 MB each) for utterances spoken at once; beyond them an utterance is recognised whole
    // when it ends (docs/ai.md).
    int asrRecognizers = 2;
    RecognitionWorkers::Factory recognizerFactory;
    OrbTiming orbTiming;
  };

  SessionIntelligence(boost::asio::io_context& io, const Config& config, Options options, RoomManager& rooms,
                      RoomStore& store, signaling::SignalingServer& signaling, rtc::MediaWorkerPool& media);
  ~SessionIntelligence() override;

  // Starts the threads and produces the summaries a stop or crash left unwritten.
  void start();
  void stop();

  // A recognised sentence as if the pipeline had heard it (test hooks and tools); goes the same way.
  void injectTranscript(const std::string& roomId, const std::string& role, const std::string& text,
                        int64_t startMs, int64_t endMs);

  // signaling::SignalingServer::AudioListener
  void onAudioTrackStarted(const signaling::SignalingServer::AudioTrack& track) override;
  void onAudioTrackEnded(const std::string& roomId, const std::string& trackId) override;
  // RoomObserver
  void onRoomStarted(const Room& room) override;
  void onRoomTakenOver(const Room& room) override;
  void onRoomConfigChanged(const Room& room) override;
  void onRoomEnded(const Room& room) override;

  struct Stats {
    size_t microphones = 0;
    size_t recognitionQueued = 0;
    uint64_t recognized = 0;
    double realTimeFactor = 0;  // recognition seconds per second of audio
    uint64_t summaries = 0;
    size_t orbs = 0;
  };
  Stats stats() const;

 private:
  // SpeechPipeline::Listener (AI thread)
  void onUtterance(Utterance utterance) override;
  void onUtteranceAudio(UtteranceAudio audio) override;
  // AiOrb::Listener (AI thread)
  void onOrbPrompt(OrbPrompt prompt) override;
  void onOrbSpoke(const std::string& roomId, const std::string& text, int64_t startMs, int64_t endMs,
                  int64_t speechMs) override;
  void onOrbStateChanged(const std::string& roomId, OrbState state) override;

  void record(TranscriptSegmentRecord segment);
  // Synthesises text and appends it to reply as 20 ms Opus frames (voice worker).
  void voice(const std::string& text, const std::string& voiceModel, OpusFrameEncoder& encoder,
             OrbReply& reply);
  void heardPartial(const PartialRecognition& partial);
  // A caption frame to the room's pages; utteranceId joins an utterance's interim captions to its final one.
  void sendCaption(const TranscriptSegmentRecord& segment, bool final);
  void joinOrb(const std::string& roomId);
  void leaveOrb(const std::string& roomId, const std::string& reason);
  void summarize(const std::string& roomId);
  OrbSettings orbSettings(const Room& room) const;

  boost::asio::io_context& io_;
  const Config& config_;
  Options options_;
  RoomManager& rooms_;
  RoomStore& store_;
  signaling::SignalingServer& signaling_;
  rtc::MediaWorkerPool& media_;
  std::unique_ptr<DialogEngine> dialog_;
  std::unique_ptr<SummaryEngine> summaryEngine_;
  std::unique_ptr<SpeechSynthesizer> synthesizer_;
  std::unique_ptr<RecognitionWorkers> recognition_;
  std::unique_ptr<SpeechPipeline> pipeline_;
  std::unique_ptr<WorkerThread> voiceWorker_;
  std::unique_ptr<WorkerThread> summaryWorker_;
  std::map<std::string, std::string> orbTracks_;  // room id -> the orb's track id, while it is in the room
  std::set<std::string> summarizing_;
  std::map<std::string, std::string> interimCaptions_;  // utterance id -> the text last shown
  uint64_t summaries_ = 0;
  bool started_ = false;
};

}  // namespace rooms::ai
