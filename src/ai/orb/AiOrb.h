#pragma once
// The AI Orb of one room, as a conversational agent: it follows the transcript, decides when to speak
// (addressed by name, or a check-in at a natural pause when aiAssistance is on), waits for silence so it
// never talks over a human, and plays its synthesised reply into its RtpPacketRing paced in real time. A
// human who starts talking while it speaks interrupts it. The slow parts (writing a reply, synthesis) are
// asked of the Listener and come back through replyReady(). Runs on the AI thread.
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "ai/orb/OrbState.h"
#include "rtc/router/RtpPacketRing.h"
#include "store/RoomStore.h"

namespace rooms::ai {

struct OrbSettings {
  std::string personality = "supportive";
  std::string voiceModel = "default";
  bool assistance = false;  // features.aiAssistance: false keeps it a silent listener
};

struct OrbTiming {
  int64_t checkInPauseMs = 8000;        // silence before a check-in
  int64_t checkInIntervalMs = 180000;   // at least this long between check-ins
  int64_t firstCheckInMs = 60000;       // not before this long into the session
  int64_t silenceBeforeSpeakingMs = 600;
  int64_t bargeInMs = 300;              // a human talking this long interrupts the orb
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

// A reply ready to play: its text and 20 ms Opus frames with their RFC 6464 levels.
struct OrbReply {
  uint64_t generation = 0;
  std::string text;
  std::vector<std::vector<uint8_t>> frames;
  std::vector<uint8_t> levels;
};

class AiOrb {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void onOrbPrompt(OrbPrompt prompt) = 0;
    // What it said, for the transcript (spoken part only when interrupted).
    virtual void onOrbSpoke(const std::string& roomId, const std::string& text, int64_t startMs, int64_t endMs,
                            int64_t speechMs) = 0;
    virtual void onOrbStateChanged(const std::string& roomId, OrbState state) = 0;
  };

  static constexpr size_t kRecentSegments = 40;
  static constexpr int64_t kFrameMs = 20;
  static constexpr int64_t kLeadMs = 60;  // how far ahead frames are queued for the media thread

  AiOrb(std::string roomId, OrbSettings settings, OrbTiming timing, std::shared_ptr<rtc::RtpPacketRing> ring,
        Listener& listener, int64_t sessionStartMs);

  const std::string& roomId() const { return roomId_; }
  OrbState state() const { return state_; }
  void updateSettings(const OrbSettings& settings) { settings_ = settings; }
  const OrbSettings& settings() const { return settings_; }

  // A final transcript segment (any speaker, the orb's own included).
  void onTranscript(const TranscriptSegmentRecord& segment, int64_t nowMs);
  void replyReady(OrbReply reply, int64_t nowMs);
  // Every 20 ms. humanSpeaking/lastHumanVoiceMs come from the room's voice activity.
  void tick(int64_t nowMs, int64_t steadyNowMs, bool humanSpeaking, int64_t lastHumanVoiceMs);

 private:
  void transition(OrbState to);
  void prompt(OrbTrigger trigger, std::string utterance, const std::string& speakerName,
              const std::string& speakerRole, int64_t nowMs);
  void startSpeaking(int64_t nowMs, int64_t steadyNowMs);
  void finishSpeaking(int64_t nowMs, bool interrupted);

  std::string roomId_;
  OrbSettings settings_;
  OrbTiming timing_;
  std::shared_ptr<rtc::RtpPacketRing> ring_;
  Listener& listener_;
  int64_t sessionStartMs_;
  OrbState state_ = OrbState::Listening;
  std::deque<TranscriptSegmentRecord> recent_;
  uint64_t generation_ = 0;
  int64_t thinkingSinceMs_ = 0;
  int64_t readySinceMs_ = 0;
  OrbReply reply_;
  // Playback
  size_t nextFrame_ = 0;
  int64_t playStartSteadyMs_ = 0;
  int64_t playStartWallMs_ = 0;
  int64_t humanTalkSinceMs_ = -1;
  uint16_t sequence_ = 0;
  uint32_t timestampBase_ = 0;
  int64_t timestampOriginSteadyMs_ = -1;
  // Check-ins
  int64_t lastSpokeMs_ = 0;
  int64_t lastCheckInMs_ = 0;
  int64_t humanSpeechSinceSpokeMs_ = 0;  // since it last spoke or checked in: nothing new, nothing to say
};

}  // namespace rooms::ai
