#include "ai/orb/AiOrb.h"

#include <algorithm>
#include <random>
#include <stdexcept>

#include "ai/orb/OrbAddress.h"
#include "ai/orb/TurnEnd.h"
#include "ai/speech/Utterance.h"
#include "ai/voice/OpusFrameEncoder.h"
#include "core/Log.h"

namespace rooms::ai {

AiOrb::AiOrb(std::string roomId, OrbSettings settings, OrbTiming timing,
             std::shared_ptr<rtc::RtpPacketRing> ring, Listener& listener, int64_t sessionStartMs)
    : roomId_(std::move(roomId)),
      settings_(std::move(settings)),
      timing_(timing),
      ring_(std::move(ring)),
      listener_(listener),
      sessionStartMs_(sessionStartMs),
      lastSpokeMs_(sessionStartMs),
      lastCheckInMs_(sessionStartMs) {
  std::random_device rd;
  sequence_ = static_cast<uint16_t>(rd());
  timestampBase_ = rd();
  const std::vector<int16_t> zeros(OpusFrameEncoder::kFrameSamples, 0);
  silentFrame_ = OpusFrameEncoder().encode(zeros);
}

void AiOrb::transition(OrbState to) {
  if (!isAllowed(state_, to)) {
    throw std::logic_error(std::string("orb: illegal transition ") + toString(state_) + " -> " +
                           toString(to));
  }
  state_ = to;
  listener_.onOrbStateChanged(roomId_, to);
}

void AiOrb::onTranscript(const TranscriptSegmentRecord& segment, int64_t nowMs) {
  recent_.push_back(segment);
  while (recent_.size() > kRecentSegments) recent_.pop_front();
  if (segment.role == "aiOrb") return;
  humanSpeechSinceSpokeMs_ += segment.speechMs;
  const std::string id = utteranceId(segment.participantId, segment.startMs);
  if (finishedRequest_ && finishedRequest_->utteranceId == id) finishedRequest_.reset();
  if (segment.text.empty()) return;
  auto request = orbAddressedRequest(segment.text);
  // Its name is not what the session is about: the context keeps the request only.
  if (request) recent_.back().text = *request;
  if (id == earlyUtterance_) {
    // Already answered from its words so far. Ask again only when the speaker went on after the pause that
    // ended the turn, and the orb has not begun to speak.
    earlyUtterance_.clear();
    const auto count = [](const std::string& s) {
      return std::count(s.begin(), s.end(), ' ') + (s.empty() ? 0 : 1);
    };
    if (!request || count(*request) < count(earlyRequest_) + 2) return;
    if (state_ != OrbState::Thinking && state_ != OrbState::WaitingForSilence) return;
    transition(OrbState::Listening);
  }
  if (state_ != OrbState::Listening) return;
  if (request) {
    if (!settings_.assistance) return;  // a silent listener does not answer either
    prompt(OrbTrigger::Addressed, *request, segment.name, segment.role, nowMs);
  }
}

void AiOrb::onPartial(const HeardPartial& partial) {
  if (partial.role == "aiOrb" || partial.utteranceId == earlyUtterance_) return;
  auto request = orbAddressedRequest(partial.text);
  if (request && isFinishedRequest(*request)) {
    finishedRequest_ = partial;
    finishedRequest_->text = *request;
  } else if (finishedRequest_ && finishedRequest_->utteranceId == partial.utteranceId) {
    finishedRequest_.reset();  // the speaker went on: the request is open again
  }
}

void AiOrb::prompt(OrbTrigger trigger, std::string utterance, const std::string& speakerName,
                   const std::string& speakerRole, int64_t nowMs) {
  OrbPrompt p;
  p.roomId = roomId_;
  p.trigger = trigger;
  p.utterance = std::move(utterance);
  p.speakerName = speakerName;
  p.speakerRole = speakerRole;
  p.personality = settings_.personality;
  p.voiceModel = settings_.voiceModel;
  p.recent.assign(recent_.begin(), recent_.end());
  p.elapsedSeconds = std::max<int64_t>(0, (nowMs - sessionStartMs_) / 1000);
  p.generation = ++generation_;
  trigger_ = trigger;
  thinkingSinceMs_ = nowMs;
  transition(OrbState::Thinking);
  listener_.onOrbPrompt(std::move(p));
}

void AiOrb::replyReady(OrbReply reply, int64_t nowMs) {
  if (state_ != OrbState::Thinking || reply.generation != generation_) return;
  if (reply.frames.empty() || reply.text.empty()) {
    transition(OrbState::Listening);
    return;
  }
  reply_ = std::move(reply);
  readySinceMs_ = nowMs;
  transition(OrbState::WaitingForSilence);
}

void AiOrb::replyContinues(OrbReply rest) {
  if (rest.generation != generation_ || reply_.complete) return;
  if (state_ != OrbState::WaitingForSilence && state_ != OrbState::Speaking) return;
  const size_t before = reply_.frames.size();
  for (auto& part : rest.parts) reply_.parts.push_back({std::move(part.text), before + part.endFrame});
  for (auto& f : rest.frames) reply_.frames.push_back(std::move(f));
  reply_.levels.insert(reply_.levels.end(), rest.levels.begin(), rest.levels.end());
  reply_.complete = rest.complete;
}

void AiOrb::tick(int64_t nowMs, int64_t steadyNowMs, bool humanSpeaking, int64_t lastHumanVoiceMs) {
  switch (state_) {
    case OrbState::Listening: {
      if (!settings_.assistance) return;
      if (finishedRequest_ && !humanSpeaking && nowMs - lastHumanVoiceMs >= timing_.finishedTurnPauseMs &&
          finishedRequest_->untilMs + 2 * kFrameMs >= lastHumanVoiceMs) {
        // The words so far cover everything said, they ask the orb something complete, and the speaker has
        // paused: the turn is over without waiting for the end of the utterance.
        HeardPartial heard = std::move(*finishedRequest_);
        finishedRequest_.reset();
        earlyUtterance_ = heard.utteranceId;
        earlyRequest_ = heard.text;
        prompt(OrbTrigger::Addressed, heard.text, heard.name, heard.role, nowMs);
        return;
      }
      const bool pause =
          !humanSpeaking && nowMs - std::max(lastHumanVoiceMs, lastSpokeMs_) >= timing_.checkInPauseMs;
      if (pause && nowMs - sessionStartMs_ >= timing_.firstCheckInMs &&
          nowMs - std::max(lastSpokeMs_, lastCheckInMs_) >= timing_.checkInIntervalMs &&
          humanSpeechSinceSpokeMs_ > 0) {
        lastCheckInMs_ = nowMs;
        humanSpeechSinceSpokeMs_ = 0;
        prompt(OrbTrigger::CheckIn, "", "", "", nowMs);
      }
      return;
    }
    case OrbState::Thinking:
      return;  // the reply comes back through replyReady
    case OrbState::WaitingForSilence:
      if (nowMs - readySinceMs_ > timing_.maxWaitForSilenceMs) {
        log::info("orb_reply_dropped", {{"roomId", roomId_}, {"reason", "no silence"}});
        transition(OrbState::Listening);
        return;
      }
      if (!humanSpeaking &&
          nowMs - lastHumanVoiceMs >= (trigger_ == OrbTrigger::Addressed ? timing_.silenceBeforeReplyMs
                                                                         : timing_.silenceBeforeSpeakingMs)) {
        startSpeaking(nowMs, steadyNowMs);
      }
      return;
    case OrbState::Speaking: {
      if (humanSpeaking) {
        if (humanTalkSinceMs_ < 0) humanTalkSinceMs_ = nowMs;
        const int64_t talked = nowMs - humanTalkSinceMs_;
        if (talked >= timing_.bargeInMs) {
          if (!paused_) fallSilent(steadyNowMs);
          finishSpeaking(nowMs, true);
          return;
        }
        if (talked >= timing_.pauseOnVoiceMs && !paused_) {
          log::info("orb_paused", {{"roomId", roomId_}, {"playedMs", nextFrame_ * kFrameMs}});
          paused_ = true;
          fallSilent(steadyNowMs);
        }
      } else {
        humanTalkSinceMs_ = -1;
        paused_ = false;  // they fell silent before taking the turn: go on where it stopped
      }
      if (paused_) return;
      // Queue what is due within the lead time; the media thread sends each frame at its moment.
      while (nextFrame_ < reply_.frames.size()) {
        int64_t due = playStartSteadyMs_ + static_cast<int64_t>(nextFrame_) * kFrameMs + stalledMs_;
        // After a pause, or when the rest of the reply came after the first part had been played: go on
        // now (after any silence queued), not in the past.
        const int64_t earliest = std::max(steadyNowMs, lastDueMs_ + kFrameMs);
        if (due < earliest) {
          stalledMs_ += earliest - due;
          due = earliest;
        }
        if (due > steadyNowMs + kLeadMs) break;
        if (timestampOriginSteadyMs_ < 0) timestampOriginSteadyMs_ = due;
        // The RTP clock follows real time across silences, as a microphone's would.
        const auto ts = static_cast<uint32_t>(timestampBase_ + (due - timestampOriginSteadyMs_) * 48);
        const auto& frame = reply_.frames[nextFrame_];
        const uint8_t level = nextFrame_ < reply_.levels.size() ? reply_.levels[nextFrame_] : 127;
        if (!ring_->push(due, sequence_, ts, nextFrame_ == 0, level, frame)) break;  // full: try next tick
        ++sequence_;
        lastDueMs_ = due;
        ++nextFrame_;
      }
      const int64_t endSteady =
          playStartSteadyMs_ + static_cast<int64_t>(reply_.frames.size()) * kFrameMs + stalledMs_;
      if (reply_.complete && nextFrame_ >= reply_.frames.size() && steadyNowMs >= endSteady) {
        finishSpeaking(nowMs, false);
      }
      return;
    }
  }
}

void AiOrb::startSpeaking(int64_t nowMs, int64_t steadyNowMs) {
  nextFrame_ = 0;
  playStartSteadyMs_ = steadyNowMs + kFrameMs;
  playStartWallMs_ = nowMs + kFrameMs;
  humanTalkSinceMs_ = -1;
  stalledMs_ = 0;
  paused_ = false;
  lastDueMs_ = playStartSteadyMs_ - kFrameMs;
  transition(OrbState::Speaking);
  log::info("orb_speaking", {{"roomId", roomId_}, {"frames", reply_.frames.size()}});
}

void AiOrb::fallSilent(int64_t steadyNowMs) {
  if (silentFrame_.empty() || timestampOriginSteadyMs_ < 0) return;
  for (int i = 0; i < kSilenceFrames; ++i) {
    const int64_t due = std::max(steadyNowMs, lastDueMs_ + kFrameMs);
    const auto ts = static_cast<uint32_t>(timestampBase_ + (due - timestampOriginSteadyMs_) * 48);
    if (!ring_->push(due, sequence_, ts, false, 127, silentFrame_)) return;
    ++sequence_;
    lastDueMs_ = due;
  }
}

void AiOrb::finishSpeaking(int64_t nowMs, bool interrupted) {
  const int64_t played = static_cast<int64_t>(nextFrame_) * kFrameMs;
  const int64_t endMs = playStartWallMs_ + played + stalledMs_;
  if (interrupted) {
    log::info("orb_interrupted", {{"roomId", roomId_}, {"playedMs", played}});
  }
  // What was voiced and played, interrupted or not: a reply whose later sentences failed to synthesise ends
  // after the ones that did.
  if (reply_.parts.empty()) {
    reply_.parts.push_back({reply_.text, reply_.frames.size()});
  }
  listener_.onOrbSpoke(roomId_, spokenText(reply_.parts, nextFrame_), playStartWallMs_, endMs, played);
  lastSpokeMs_ = std::max(nowMs, endMs);
  humanSpeechSinceSpokeMs_ = 0;
  reply_ = OrbReply{};
  transition(OrbState::Listening);
}

}  // namespace rooms::ai
