#pragma once
// The AI Orb of one room, as a conversational agent: it follows the transcript, decides when to speak
// (addressed by name, or a check-in at a natural pause when aiAssistance is on), waits for silence so it
// never talks over a human, and plays its synthesised reply into its RtpPacketRing paced in real time. A
// human who starts talking while it speaks interrupts it. The slow parts (writing a reply, synthesis) are
// asked of the Listener and come back through replyReady(). Runs on the AI thread.
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ai/orb/OrbState.h"
#include "ai/orb/SpokenText.h"
#include "rtc/router/RtpPacketRing.h"
#include "store/RoomStore.h"

namespace rooms::ai {

struct OrbSettings {
  std::string personality = "supportive";
  std::string voiceModel = "default";
  bool assistance = false;  // features.aiAssistance: false keeps it a silent listener
};

struct OrbTiming {
  int64_t checkInPauseMs = 8000;          // silence before a check-in
  int64_t checkInIntervalMs = 180000;     // at least this long between check-ins
  int64_t firstCheckInMs = 60000;         // not before this long into the session
  int64_t silenceBeforeSpeakingMs = 600;  // before a check-in
  // An addressed request that reads as finished (TurnEnd) ends the turn after this pause, from the words
  // recognised so far, instead of waiting for the end of the utterance.
  int64_t finishedTurnPauseMs = 300;
  int64_t silenceBeforeReplyMs = 300;  // before answering: the turn has already been judged over
  // A human talking over the orb: after pauseOnVoiceMs it stops sending (and resumes where it stopped when
  // they fall silent again: a cough, "mm-hm"); after bargeInMs it gives the turn up.
  int64_t pauseOnVoiceMs = 60;
  int64_t bargeInMs = 500;
  int64_t maxWaitForSilenceMs = 20000;  // a reply not spoken by then is dropped
};

enum class OrbTrigger { Addressed, CheckIn };

// What the orb wants a reply for.
struct OrbPrompt {
  std::string roomId;
  OrbTrigger trigger = OrbTrigger::Addressed;
  std::string utterance;  // the request, name removed (empty for a check-in)
  std::string speakerName;
  std::string speakerRole;
  std::string personality;
  std::string voiceModel;
  std::vector<TranscriptSegmentRecord> recent;
  int64_t elapsedSeconds = 0;
  uint64_t generation = 0;  // replies for an older prompt are ignored
};

// Words so far of an utterance still being spoken.
struct HeardPartial {
  std::string utteranceId;
  std::string role;
  std::string name;
  std::string text;
  int64_t untilMs = 0;  // wall time the words cover
};

// A reply ready to play: its text and 20 ms Opus frames with their RFC 6464 levels. A reply may come in
// parts (its first sentence, then the rest: replyContinues); complete marks the last.
struct OrbReply {
  uint64_t generation = 0;
  std::string text;
  std::vector<std::vector<uint8_t>> frames;
  std::vector<uint8_t> levels;
  // Each voiced sentence and where it ends in frames (counted within this part of the reply). Empty: the
  // whole text spans all the frames.
  std::vector<SpokenPart> parts;
  bool complete = true;
};

class AiOrb {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void onOrbPrompt(OrbPrompt prompt) = 0;
    // What it said, for the transcript (spoken part only when interrupted).
    virtual void onOrbSpoke(const std::string& roomId, const std::string& text, int64_t startMs,
                            int64_t endMs, int64_t speechMs) = 0;
    virtual void onOrbStateChanged(const std::string& roomId, OrbState state) = 0;
  };

  static constexpr size_t kRecentSegments = 40;
  static constexpr int64_t kFrameMs = 20;
  // How far ahead frames are queued for the media thread: two ticks. What is queued is sent even when the
  // orb pauses, so this is part of how fast it falls silent.
  static constexpr int64_t kLeadMs = 40;
  // When it pauses or gives up, this many frames of encoded silence follow what was queued: a receiver
  // that just stops getting packets conceals the gap with sound fading out over a few hundred
  // milliseconds; silence ends it at once (measured by tests/browser/orb-barge-in.test.mjs).
  static constexpr int kSilenceFrames = 4;

  AiOrb(std::string roomId, OrbSettings settings, OrbTiming timing, std::shared_ptr<rtc::RtpPacketRing> ring,
        Listener& listener, int64_t sessionStartMs);

  const std::string& roomId() const { return roomId_; }
  OrbState state() const { return state_; }
  void updateSettings(const OrbSettings& settings) { settings_ = settings; }
  const OrbSettings& settings() const { return settings_; }

  // A final transcript segment (any speaker, the orb's own included).
  void onTranscript(const TranscriptSegmentRecord& segment, int64_t nowMs);
  // Words so far of someone speaking; a finished request to the orb ends their turn early (tick).
  void onPartial(const HeardPartial& partial);
  void replyReady(OrbReply reply, int64_t nowMs);
  // The rest of a reply that came in parts (frames appended; text is not repeated).
  void replyContinues(OrbReply rest);
  // Every 20 ms. humanSpeaking/lastHumanVoiceMs come from the room's voice activity.
  void tick(int64_t nowMs, int64_t steadyNowMs, bool humanSpeaking, int64_t lastHumanVoiceMs);

 private:
  void transition(OrbState to);
  void prompt(OrbTrigger trigger, std::string utterance, const std::string& speakerName,
              const std::string& speakerRole, int64_t nowMs);
  void startSpeaking(int64_t nowMs, int64_t steadyNowMs);
  void finishSpeaking(int64_t nowMs, bool interrupted);
  void fallSilent(int64_t steadyNowMs);

  std::string roomId_;
  OrbSettings settings_;
  OrbTiming timing_;
  std::shared_ptr<rtc::RtpPacketRing> ring_;
  Listener& listener_;
  int64_t sessionStartMs_;
  OrbState state_ = OrbState::Listening;
  std::deque<TranscriptSegmentRecord> recent_;
  uint64_t generation_ = 0;
  OrbTrigger trigger_ = OrbTrigger::Addressed;
  // Early turn ends: the finished request heard so far, and the utterance it was answered from.
  std::optional<HeardPartial> finishedRequest_;
  std::string earlyUtterance_;
  std::string earlyRequest_;
  int64_t thinkingSinceMs_ = 0;
  int64_t readySinceMs_ = 0;
  OrbReply reply_;
  // Playback
  size_t nextFrame_ = 0;
  int64_t playStartSteadyMs_ = 0;
  int64_t playStartWallMs_ = 0;
  int64_t humanTalkSinceMs_ = -1;
  int64_t stalledMs_ = 0;  // time the playback waited (the rest of its reply, a human talking over it)
  bool paused_ = false;
  int64_t lastDueMs_ = 0;             // steady time of the last frame queued
  std::vector<uint8_t> silentFrame_;  // 20 ms of encoded silence
  uint16_t sequence_ = 0;
  uint32_t timestampBase_ = 0;
  int64_t timestampOriginSteadyMs_ = -1;
  // Check-ins
  int64_t lastSpokeMs_ = 0;
  int64_t lastCheckInMs_ = 0;
  int64_t humanSpeechSinceSpokeMs_ = 0;  // since it last spoke or checked in: nothing new, nothing to say
};

}  // namespace rooms::ai
