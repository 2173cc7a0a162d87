#include "ai/SessionIntelligence.h"

#include <boost/asio/post.hpp>
#include <cmath>

#include "ai/audio/Resampler.h"
#include "ai/audio/VoiceActivityDetector.h"
#include "ai/orb/OrbAddress.h"
#include "ai/summary/SessionSummary.h"
#include "ai/text/Sentences.h"
#include "ai/voice/EspeakSynthesizer.h"
#include "ai/voice/OpusFrameEncoder.h"
#include "core/Clock.h"
#include "core/Ids.h"
#include "core/Log.h"
#include "rooms/Room.h"

namespace rooms::ai {

namespace asio = boost::asio;
using ojson = nlohmann::ordered_json;

namespace {

// A microphone's ring holds this many packets (2.5 s at 50 packets/s) for the AI thread, which drains it
// every 20 ms; the orb's holds the frames it queues ahead.
constexpr size_t kMicrophoneRingPackets = 128;
constexpr size_t kOrbRingPackets = 64;
constexpr uint8_t kOrbAudioLevelId = 1;
// Ended rooms older than this do not get a late summary at start.
constexpr int64_t kSummaryRecoveryWindowMs = 7LL * 24 * 3600 * 1000;

// RFC 6464 level of a frame: -dBov, 0 (loudest) to 127 (silence).
uint8_t audioLevel(std::span<const int16_t> frame) {
  const double db = VoiceActivityDetector::levelDb(frame);
  return static_cast<uint8_t>(std::clamp(-db, 0.0, 127.0));
}

TranscriptSegmentRecord segmentOf(const Speaker& speaker, int64_t startMs, int64_t endMs, int64_t speechMs) {
  TranscriptSegmentRecord s;
  s.roomId = speaker.roomId;
  s.participantId = speaker.participantId;
  s.role = speaker.role;
  s.name = speaker.name;
  s.startMs = startMs;
  s.endMs = endMs;
  s.speechMs = speechMs;
  return s;
}

}  // namespace

SessionIntelligence::SessionIntelligence(asio::io_context& io, const Config& config, Options options,
                                         RoomManager& rooms, RoomStore& store,
                                         signaling::SignalingServer& signaling, rtc::MediaWorkerPool& media)
    : io_(io),
      config_(config),
      options_(std::move(options)),
      rooms_(rooms),
      store_(store),
      signaling_(signaling),
      media_(media) {
  dialog_ = makeDialogEngine(config_);
  summaryEngine_ = makeSummaryEngine(config_);
}

SessionIntelligence::~SessionIntelligence() {
  stop();
}

void SessionIntelligence::start() {
  if (started_) return;
  started_ = true;
  try {
    synthesizer_ = std::make_unique<EspeakSynthesizer>();
  } catch (const std::exception& e) {
    // The orb still listens and is counted; it cannot answer aloud.
    log::error("orb_voice_unavailable", {{"error", e.what()}});
  }
  voiceWorker_ = std::make_unique<WorkerThread>("orb-voice");
  summaryWorker_ = std::make_unique<WorkerThread>("summary");
  recognition_ = std::make_unique<RecognitionWorkers>(
      options_.asrThreads, options_.asrRecognizers, options_.recognizerFactory,
      [this](RecognizedUtterance r) {
        // The keyword pass's evidence is used here, off the control thread; the transcript says "orb".
        markOrbAddress(r.recognition);
        asio::post(io_, [this, r = std::move(r)] {
          const bool shownWords = interimCaptions_.erase(utteranceId(r.speaker, r.startMs)) > 0;
          TranscriptSegmentRecord s = segmentOf(r.speaker, r.startMs, r.endMs, r.speechMs);
          s.text = r.recognition.text;
          s.confidence = r.recognition.confidence;
          // Words were shown while it was spoken and in the end nothing was recognised: an empty final
          // caption takes them down.
          if (shownWords && s.text.empty()) sendCaption(s, true);
          record(std::move(s));
        });
      },
      [this](PartialRecognition p) {
        markOrbAddress(p.recognition);
        asio::post(io_, [this, p = std::move(p)] { heardPartial(p); });
      });
  SpeechPipeline::Listener& heard = *this;
  AiOrb::Listener& orbs = *this;
  pipeline_ = std::make_unique<SpeechPipeline>(heard, orbs, options_.orbTiming);
  pipeline_->start();
  for (const auto& roomId : store_.endedRoomsWithoutSummary(nowMs() - kSummaryRecoveryWindowMs)) {
    log::info("summary_recovering", {{"roomId", roomId}});
    summarize(roomId);
  }
}

void SessionIntelligence::stop() {
  if (!started_) return;
  started_ = false;
  // Order: nothing new from the audio thread, then recognition drains, then the workers finish.
  if (pipeline_) pipeline_->stop();
  recognition_.reset();
  voiceWorker_.reset();
  summaryWorker_.reset();
}

OrbSettings SessionIntelligence::orbSettings(const Room& room) const {
  OrbSettings s;
  s.personality = room.config().aiOrb.personality;
  s.voiceModel = room.config().aiOrb.voiceModel;
  s.assistance = room.config().features.aiAssistance;
  return s;
}

void SessionIntelligence::onAudioTrackStarted(const signaling::SignalingServer::AudioTrack& track) {
  if (!started_) return;
  auto room = rooms_.find(track.roomId);
  if (!room || room->state() == RoomState::Ended) return;
  const auto& cfg = room->config();
  // Talk time feeds the summary and the orb's turn-taking, so the microphone is heard whenever any of
  // transcription, summary or orb is on.
  if (!cfg.features.transcription && !cfg.features.generateSummary && !cfg.aiOrb.enabled) return;
  auto ring = std::make_shared<rtc::RtpPacketRing>(kMicrophoneRingPackets);
  media_.setTap(track.roomId, track.trackId, rtc::TapKind::Speech, ring);
  pipeline_->addMicrophone(track.trackId, Speaker{track.roomId, track.participantId, track.role, track.name},
                           ring);
  log::info("microphone_tapped", {{"roomId", track.roomId}, {"role", track.role}, {"track", track.trackId}});
  // After a restart the room is already active: the orb comes back with its people.
  if (cfg.aiOrb.enabled && room->state() == RoomState::Active) {
    const std::string roomId = track.roomId;
    asio::post(io_, [this, roomId] { joinOrb(roomId); });
  }
}

void SessionIntelligence::onAudioTrackEnded(const std::string& roomId, const std::string& trackId) {
  if (!started_) return;
  media_.setTap(roomId, trackId, rtc::TapKind::Speech, nullptr);
  pipeline_->removeMicrophone(trackId);
}

void SessionIntelligence::onRoomStarted(const Room& room) {
  if (!started_ || !room.config().aiOrb.enabled) return;
  // Not from inside the presence change that started the room: the joining page gets its welcome first.
  const std::string roomId = room.id();
  asio::post(io_, [this, roomId] { joinOrb(roomId); });
}

void SessionIntelligence::onRoomTakenOver(const Room& room) {
  // The orb was in the room on the node that died: it comes back here with the people.
  onRoomStarted(room);
}

void SessionIntelligence::onRoomConfigChanged(const Room& room) {
  if (!started_ || room.state() == RoomState::Ended) return;
  if (!room.config().aiOrb.enabled) {
    leaveOrb(room.id(), "disabled");
    return;
  }
  pipeline_->updateOrb(room.id(), orbSettings(room));
  if (room.state() == RoomState::Active) {
    const std::string roomId = room.id();
    asio::post(io_, [this, roomId] { joinOrb(roomId); });
  }
}

void SessionIntelligence::onRoomEnded(const Room& room) {
  if (!started_) return;
  const std::string roomId = room.id();
  orbTracks_.erase(roomId);  // signaling and the room model closed its seat with everyone else's
  // The summary waits for what was still being said and recognised when the room ended.
  pipeline_->finishRoom(roomId, [this, roomId] {
    asio::post(io_, [this, roomId] {
      if (!recognition_) return;
      recognition_->whenRoomDone(roomId,
                                 [this, roomId] { asio::post(io_, [this, roomId] { summarize(roomId); }); });
    });
  });
}

void SessionIntelligence::joinOrb(const std::string& roomId) {
  if (!started_ || orbTracks_.count(roomId)) return;
  auto room = rooms_.find(roomId);
  if (!room || room->state() != RoomState::Active || !room->config().aiOrb.enabled) return;
  rtc::ProducerSpec spec;
  spec.trackId = "orb-" + randomHex(8);
  spec.kind = rtc::MediaKind::Audio;
  spec.mid = "orb";
  spec.ssrc = randomSsrc();
  spec.payloadType = 111;
  spec.clockRate = 48000;
  spec.extensions.audioLevel = kOrbAudioLevelId;
  auto ring = std::make_shared<rtc::RtpPacketRing>(kOrbRingPackets);
  signaling::SignalingServer::ServerParticipant orb{"aiOrb", kAiOrbParticipantId, kOrbName, spec};
  if (!signaling_.addServerParticipant(roomId, orb, ring)) return;
  orbTracks_[roomId] = spec.trackId;
  pipeline_->addOrb(roomId, orbSettings(*room), ring, room->startedAt().value_or(nowMs()));
  log::info("orb_joined", {{"roomId", roomId}, {"personality", room->config().aiOrb.personality}});
}

void SessionIntelligence::leaveOrb(const std::string& roomId, const std::string& reason) {
  auto it = orbTracks_.find(roomId);
  if (it == orbTracks_.end()) return;
  orbTracks_.erase(it);
  pipeline_->removeOrb(roomId);
  signaling_.removeServerParticipant(roomId, "aiOrb", reason);
  log::info("orb_left", {{"roomId", roomId}, {"reason", reason}});
}

void SessionIntelligence::onUtterance(Utterance utterance) {
  asio::post(io_, [this, u = std::move(utterance)]() mutable {
    auto room = rooms_.find(u.speaker.roomId);
    if (room && room->config().features.transcription && recognition_) {
      recognition_->submit(std::move(u));
      return;
    }
    // Without transcription the utterance is talk time only (and if transcription was switched off while
    // it was spoken, its recognizer is let go).
    if (recognition_) recognition_->discard(u.speaker, u.startMs);
    interimCaptions_.erase(utteranceId(u.speaker, u.startMs));
    record(segmentOf(u.speaker, u.startMs, u.endMs, u.speechMs));
  });
}

void SessionIntelligence::onUtteranceAudio(UtteranceAudio audio) {
  asio::post(io_, [this, a = std::move(audio)]() mutable {
    auto room = rooms_.find(a.speaker.roomId);
    if (room && room->config().features.transcription && recognition_) recognition_->feed(std::move(a));
  });
}

void SessionIntelligence::heardPartial(const PartialRecognition& p) {
  auto room = rooms_.find(p.speaker.roomId);
  if (!room || !room->config().features.transcription) return;
  const std::string id = utteranceId(p.speaker, p.startMs);
  if (pipeline_) {
    pipeline_->orbHeardPartial(p.speaker.roomId,
                               {id, p.speaker.role, p.speaker.name, p.recognition.text, p.untilMs});
  }
  // The words so far are shown while the person speaks; the final caption (record) replaces them.
  auto [it, fresh] = interimCaptions_.try_emplace(id);
  if (!fresh && it->second == p.recognition.text) return;
  it->second = p.recognition.text;
  TranscriptSegmentRecord s = segmentOf(p.speaker, p.startMs, std::max(p.untilMs, p.startMs), 0);
  s.text = p.recognition.text;
  sendCaption(s, false);
}

void SessionIntelligence::sendCaption(const TranscriptSegmentRecord& segment, bool final) {
  signaling_.sendToRoom(segment.roomId, "caption",
                        {{"participantId", segment.participantId},
                         {"role", segment.role},
                         {"name", segment.name},
                         {"text", segment.text},
                         {"startTime", formatIso8601(segment.startMs)},
                         {"endTime", formatIso8601(segment.endMs)},
                         {"final", final},
                         {"utteranceId", utteranceId(segment.participantId, segment.startMs)}});
}

void SessionIntelligence::injectTranscript(const std::string& roomId, const std::string& role,
                                           const std::string& text, int64_t startMs, int64_t endMs) {
  auto room = rooms_.find(roomId);
  if (!room) return;
  const Participant* seat = room->seat(role);
  TranscriptSegmentRecord s;
  s.roomId = roomId;
  s.participantId = seat ? seat->id() : role;
  s.role = role;
  s.name = role == "aiOrb" ? kOrbName : role;
  s.startMs = startMs;
  s.endMs = std::max(endMs, startMs);
  s.speechMs = s.endMs - s.startMs;
  s.text = text;
  s.confidence = 1;
  record(std::move(s));
}

void SessionIntelligence::record(TranscriptSegmentRecord segment) {
  try {
    segment.id = rooms_.recordTranscript(segment);
  } catch (const std::exception& e) {
    log::error("transcript_store_failed", {{"roomId", segment.roomId}, {"error", e.what()}});
    return;
  }
  if (segment.id == 0 || segment.text.empty()) return;
  auto room = rooms_.find(segment.roomId);
  if (room && room->config().features.transcription) sendCaption(segment, true);
  if (pipeline_) pipeline_->orbHeard(segment);
}

void SessionIntelligence::onOrbPrompt(OrbPrompt prompt) {
  voiceWorker_->post([this, prompt = std::move(prompt)] {
    OrbReply reply;
    reply.generation = prompt.generation;
    std::vector<std::string> sentences;
    OpusFrameEncoder encoder;  // one for the whole reply: its parts are one stream
    // The first sentence is synthesised and handed over alone, so the orb can start speaking while the rest
    // is being made (docs/ai.md, "Latency").
    try {
      DialogRequest request;
      request.trigger =
          prompt.trigger == OrbTrigger::Addressed ? DialogTrigger::Addressed : DialogTrigger::CheckIn;
      request.personality = prompt.personality;
      request.utterance = prompt.utterance;
      request.speakerName = prompt.speakerName;
      request.speakerRole = prompt.speakerRole;
      request.recent = prompt.recent;
      request.elapsedSeconds = prompt.elapsedSeconds;
      reply.text = dialog_->reply(request);
      if (!synthesizer_) throw std::runtime_error("no speech synthesizer");
      sentences = splitSentences(reply.text);
      if (sentences.empty()) sentences.push_back(reply.text);
      voice(sentences.front(), prompt.voiceModel, encoder, reply);
      reply.complete = sentences.size() == 1;
      log::info("orb_reply", {{"roomId", prompt.roomId},
                              {"trigger", prompt.trigger == OrbTrigger::Addressed ? "addressed" : "check-in"},
                              {"sentences", sentences.size()},
                              {"firstFrames", reply.frames.size()}});
    } catch (const std::exception& e) {
      log::warn("orb_reply_failed", {{"roomId", prompt.roomId}, {"error", e.what()}});
      reply.frames.clear();
      reply.complete = true;
    }
    const bool more = !reply.complete;
    if (pipeline_) pipeline_->orbReply(prompt.roomId, std::move(reply));
    if (!more) return;
    OrbReply rest;
    rest.generation = prompt.generation;
    rest.complete = true;
    try {
      for (size_t i = 1; i < sentences.size(); ++i) voice(sentences[i], prompt.voiceModel, encoder, rest);
    } catch (const std::exception& e) {
      // What was made is still spoken; the reply ends there.
      log::warn("orb_reply_failed", {{"roomId", prompt.roomId}, {"error", e.what()}});
    }
    if (pipeline_) pipeline_->orbReplyContinues(prompt.roomId, std::move(rest));
  });
}

void SessionIntelligence::voice(const std::string& text, const std::string& voiceModel,
                                OpusFrameEncoder& encoder, OrbReply& reply) {
  const SynthesizedSpeech speech = synthesizer_->synthesize(text, voiceModel);
  std::vector<int16_t> pcm;
  Resampler up(speech.sampleRate, OpusFrameEncoder::kSampleRate);
  up.process(speech.pcm, pcm);
  pcm.resize((pcm.size() + OpusFrameEncoder::kFrameSamples - 1) / OpusFrameEncoder::kFrameSamples *
             OpusFrameEncoder::kFrameSamples);
  for (size_t i = 0; i < pcm.size(); i += OpusFrameEncoder::kFrameSamples) {
    const std::span<const int16_t> frame(pcm.data() + i, OpusFrameEncoder::kFrameSamples);
    auto payload = encoder.encode(frame);
    if (payload.empty()) continue;
    reply.frames.push_back(std::move(payload));
    reply.levels.push_back(audioLevel(frame));
  }
  reply.parts.push_back({text, reply.frames.size()});
}

void SessionIntelligence::onOrbSpoke(const std::string& roomId, const std::string& text, int64_t startMs,
                                     int64_t endMs, int64_t speechMs) {
  asio::post(io_, [this, roomId, text, startMs, endMs, speechMs] {
    TranscriptSegmentRecord s =
        segmentOf({roomId, kAiOrbParticipantId, "aiOrb", kOrbName}, startMs, endMs, speechMs);
    s.text = text;
    s.confidence = 1;  // it knows what it said
    record(std::move(s));
  });
}

void SessionIntelligence::onOrbStateChanged(const std::string& roomId, OrbState state) {
  asio::post(io_, [this, roomId, state] {
    signaling_.sendToRoom(roomId, "orb-state", {{"state", toString(state)}});
  });
}

void SessionIntelligence::summarize(const std::string& roomId) {
  auto room = rooms_.find(roomId);
  if (!room || room->state() != RoomState::Ended || !room->config().features.generateSummary) return;
  if (summarizing_.count(roomId) || store_.findSummary(roomId)) return;
  summarizing_.insert(roomId);
  SummaryInput input;
  input.roomId = roomId;
  input.sessionId = room->sessionId();
  input.startedAtMs = room->startedAt().value_or(0);
  input.endedAtMs = room->endedAt().value_or(nowMs());
  input.finalDurationSeconds = room->finalDuration();
  input.segments = store_.segments(roomId);
  input.intervals = store_.intervals(roomId);
  input.transcriptionEnabled = room->config().features.transcription;
  input.personality = room->config().aiOrb.personality;
  summaryWorker_->post([this, input = std::move(input)] {
    const auto started = std::chrono::steady_clock::now();
    std::string json;
    const int64_t generatedAt = nowMs();
    try {
      json = buildSessionSummary(input, *summaryEngine_, generatedAt).dump();
    } catch (const std::exception& e) {
      log::error("summary_failed", {{"roomId", input.roomId}, {"error", e.what()}});
    }
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    asio::post(io_, [this, roomId = input.roomId, json = std::move(json), generatedAt, ms] {
      summarizing_.erase(roomId);
      if (json.empty()) return;
      try {
        rooms_.recordSummary(roomId, json, generatedAt);
        ++summaries_;
        log::info("summary_ready", {{"roomId", roomId}, {"ms", std::lround(ms)}});
      } catch (const std::exception& e) {
        log::error("summary_store_failed", {{"roomId", roomId}, {"error", e.what()}});
      }
    });
  });
}

SessionIntelligence::Stats SessionIntelligence::stats() const {
  Stats s;
  if (pipeline_) s.microphones = pipeline_->microphones();
  if (recognition_) {
    s.recognitionQueued = recognition_->queued();
    s.recognized = recognition_->recognized();
    const double audio = recognition_->audioSeconds();
    s.realTimeFactor = audio > 0 ? recognition_->busySeconds() / audio : 0;
  }
  s.summaries = summaries_;
  s.orbs = orbTracks_.size();
  return s;
}

}  // namespace rooms::ai
