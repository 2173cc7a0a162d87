#include "ai/SpeechPipeline.h"

#include <boost/asio/post.hpp>

#include "core/Clock.h"
#include "core/IoLoop.h"
#include "core/Log.h"

namespace rooms::ai {

namespace asio = boost::asio;

SpeechPipeline::SpeechPipeline(Listener& listener, AiOrb::Listener& orbListener, OrbTiming orbTiming)
    : listener_(listener), orbListener_(orbListener), orbTiming_(orbTiming) {}

SpeechPipeline::~SpeechPipeline() {
  stop();
}

void SpeechPipeline::start() {
  // The media thread stamps ring slots with its steady clock; utterances need wall time.
  steadyToWallMs_ = nowMs() - steadyNowMs();
  scheduleTick();
  thread_ = std::thread([this] { runResilient(io_, "speech_pipeline_exception"); });
}

void SpeechPipeline::stop() {
  if (!thread_.joinable()) return;
  asio::post(io_, [this] {
    timer_.cancel();
    io_.stop();
  });
  thread_.join();
}

void SpeechPipeline::scheduleTick() {
  timer_.expires_after(std::chrono::milliseconds(kTickMs));
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    tick();
    scheduleTick();
  });
}

void SpeechPipeline::tick() {
  const int64_t now = nowMs();
  const int64_t steadyNow = steadyNowMs();
  struct RoomVoice {
    bool speaking = false;
    int64_t lastVoiceMs = 0;
  };
  std::map<std::string, RoomVoice> voice;
  for (auto& [trackId, mic] : microphones_) {
    scratch_.clear();
    audioScratch_.clear();
    try {
      mic->poll(steadyToWallMs_, scratch_, &audioScratch_);
    } catch (const std::exception& e) {
      log::warn("microphone_failed", {{"track", trackId}, {"error", e.what()}});
    }
    // In order: an utterance's audio before its end.
    for (auto& a : audioScratch_) listener_.onUtteranceAudio(std::move(a));
    for (auto& u : scratch_) listener_.onUtterance(std::move(u));
    auto& v = voice[mic->speaker().roomId];
    v.speaking = v.speaking || mic->speaking();
    v.lastVoiceMs = std::max(v.lastVoiceMs, mic->lastVoiceMs());
  }
  for (auto& [roomId, orb] : orbs_) {
    const auto it = voice.find(roomId);
    const RoomVoice v = it == voice.end() ? RoomVoice{} : it->second;
    orb->tick(now, steadyNow, v.speaking, v.lastVoiceMs);
  }
}

void SpeechPipeline::addMicrophone(std::string trackId, Speaker speaker,
                                   std::shared_ptr<rtc::RtpPacketRing> ring) {
  asio::post(io_, [this, trackId = std::move(trackId), speaker = std::move(speaker), ring = std::move(ring)] {
    microphones_[trackId] = std::make_unique<MicrophoneStream>(speaker, ring);
    microphoneCount_ = microphones_.size();
  });
}

void SpeechPipeline::removeMicrophone(std::string trackId) {
  asio::post(io_, [this, trackId = std::move(trackId)] {
    auto it = microphones_.find(trackId);
    if (it == microphones_.end()) return;
    scratch_.clear();
    it->second->poll(steadyToWallMs_, scratch_);
    it->second->flush(scratch_);
    for (auto& u : scratch_) listener_.onUtterance(std::move(u));
    microphones_.erase(it);
    microphoneCount_ = microphones_.size();
  });
}

void SpeechPipeline::finishRoom(std::string roomId, std::function<void()> done) {
  asio::post(io_, [this, roomId = std::move(roomId), done = std::move(done)] {
    for (auto it = microphones_.begin(); it != microphones_.end();) {
      if (it->second->speaker().roomId != roomId) {
        ++it;
        continue;
      }
      scratch_.clear();
      it->second->poll(steadyToWallMs_, scratch_);
      it->second->flush(scratch_);
      for (auto& u : scratch_) listener_.onUtterance(std::move(u));
      it = microphones_.erase(it);
    }
    microphoneCount_ = microphones_.size();
    orbs_.erase(roomId);
    done();
  });
}

void SpeechPipeline::addOrb(std::string roomId, OrbSettings settings,
                            std::shared_ptr<rtc::RtpPacketRing> ring, int64_t sessionStartMs) {
  asio::post(io_, [this, roomId = std::move(roomId), settings = std::move(settings), ring = std::move(ring),
                   sessionStartMs] {
    orbs_[roomId] = std::make_unique<AiOrb>(roomId, settings, orbTiming_, ring, orbListener_, sessionStartMs);
  });
}

void SpeechPipeline::updateOrb(std::string roomId, OrbSettings settings) {
  asio::post(io_, [this, roomId = std::move(roomId), settings = std::move(settings)] {
    if (auto it = orbs_.find(roomId); it != orbs_.end()) it->second->updateSettings(settings);
  });
}

void SpeechPipeline::removeOrb(std::string roomId) {
  asio::post(io_, [this, roomId = std::move(roomId)] { orbs_.erase(roomId); });
}

void SpeechPipeline::orbHeard(TranscriptSegmentRecord segment) {
  asio::post(io_, [this, segment = std::move(segment)] {
    if (auto it = orbs_.find(segment.roomId); it != orbs_.end()) it->second->onTranscript(segment, nowMs());
  });
}

void SpeechPipeline::orbReplyContinues(std::string roomId, OrbReply rest) {
  asio::post(io_, [this, roomId = std::move(roomId), rest = std::move(rest)]() mutable {
    if (auto it = orbs_.find(roomId); it != orbs_.end()) it->second->replyContinues(std::move(rest));
  });
}

void SpeechPipeline::orbHeardPartial(std::string roomId, HeardPartial partial) {
  asio::post(io_, [this, roomId = std::move(roomId), partial = std::move(partial)] {
    if (auto it = orbs_.find(roomId); it != orbs_.end()) it->second->onPartial(partial);
  });
}

void SpeechPipeline::orbReply(std::string roomId, OrbReply reply) {
  asio::post(io_, [this, roomId = std::move(roomId), reply = std::move(reply)]() mutable {
    if (auto it = orbs_.find(roomId); it != orbs_.end()) it->second->replyReady(std::move(reply), nowMs());
  });
}

}  // namespace rooms::ai
