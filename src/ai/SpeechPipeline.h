#pragma once
// The AI thread: every 20 ms it drains the microphones' rings (MicrophoneStream: decode, resample, voice
// activity, utterances) and drives each room's AI Orb with the room's voice activity. Utterances and the
// orb's wishes leave through Listener; nothing here blocks or touches the database. The public methods are
// thread-safe (they post to the AI thread).
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "ai/orb/AiOrb.h"
#include "ai/speech/MicrophoneStream.h"
#include "ai/speech/Utterance.h"
#include "rtc/router/RtpPacketRing.h"

namespace rooms::ai {

class SpeechPipeline {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    // All on the AI thread.
    virtual void onUtterance(Utterance utterance) = 0;
    // The utterance in progress, as it is spoken, for recognition that keeps up with the speaker.
    virtual void onUtteranceAudio(UtteranceAudio audio) = 0;
  };

  static constexpr int64_t kTickMs = 20;

  SpeechPipeline(Listener& listener, AiOrb::Listener& orbListener, OrbTiming orbTiming);
  ~SpeechPipeline();
  SpeechPipeline(const SpeechPipeline&) = delete;
  SpeechPipeline& operator=(const SpeechPipeline&) = delete;

  void start();
  void stop();

  void addMicrophone(std::string trackId, Speaker speaker, std::shared_ptr<rtc::RtpPacketRing> ring);
  // Flushes what it was saying.
  void removeMicrophone(std::string trackId);
  // Flushes every microphone of the room, removes them and the orb, then runs done (on the AI thread) after
  // the flushed utterances have gone to the listener.
  void finishRoom(std::string roomId, std::function<void()> done);

  void addOrb(std::string roomId, OrbSettings settings, std::shared_ptr<rtc::RtpPacketRing> ring,
              int64_t sessionStartMs);
  void updateOrb(std::string roomId, OrbSettings settings);
  void removeOrb(std::string roomId);
  void orbHeard(TranscriptSegmentRecord segment);
  void orbHeardPartial(std::string roomId, HeardPartial partial);
  void orbReply(std::string roomId, OrbReply reply);
  void orbReplyContinues(std::string roomId, OrbReply rest);

  size_t microphones() const { return microphoneCount_.load(); }

 private:
  void scheduleTick();
  void tick();

  Listener& listener_;
  AiOrb::Listener& orbListener_;
  OrbTiming orbTiming_;
  boost::asio::io_context io_{1};
  boost::asio::steady_timer timer_{io_};
  std::thread thread_;
  int64_t steadyToWallMs_ = 0;
  std::map<std::string, std::unique_ptr<MicrophoneStream>> microphones_;  // by track id
  std::map<std::string, std::unique_ptr<AiOrb>> orbs_;                    // by room id
  std::atomic<size_t> microphoneCount_{0};
  std::vector<Utterance> scratch_;
  std::vector<UtteranceAudio> audioScratch_;
};

}  // namespace rooms::ai
