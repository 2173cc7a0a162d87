#pragma once
// Tells the rest of roomsd which tracks a room publishes as negotiations change them: every track to the
// publication listener (the recorder), microphones to the audio listener (the speech pipeline). Works out
// what started and stopped between two negotiations of a page. Control-plane thread only.
#include <cstdint>
#include <string>
#include <vector>

#include "rtc/router/TrackSpec.h"
#include "signaling/Negotiator.h"
#include "signaling/SignalingRoom.h"

namespace rooms::signaling {

// A participant's microphone as the speech pipeline needs to know it.
struct AudioTrack {
  std::string roomId;
  std::string trackId;
  std::string participantId;
  std::string role;
  std::string name;
};
// Told on the control-plane thread when a microphone track starts or stops being published.
class AudioListener {
 public:
  virtual ~AudioListener() = default;
  virtual void onAudioTrackStarted(const AudioTrack& track) = 0;
  virtual void onAudioTrackEnded(const std::string& roomId, const std::string& trackId) = 0;
};

// Every published track (camera, microphone, screen; the AI Orb's voice) as the recorder needs to know it.
struct PublishedTrack {
  std::string roomId;
  std::string trackId;
  std::string participantId;
  std::string role;
  std::string name;
  rtc::MediaKind kind = rtc::MediaKind::Audio;
  std::string source;  // "microphone" | "camera" | "screen"
  std::string codec;   // as negotiated: "opus", "VP8", "VP9", "H264"
  uint32_t clockRate = 48000;
};
// Told on the control-plane thread when any track starts or stops being published.
class PublicationListener {
 public:
  virtual ~PublicationListener() = default;
  virtual void onTrackPublished(const PublishedTrack& track) = 0;
  virtual void onTrackUnpublished(const std::string& roomId, const std::string& trackId) = 0;
};

class TrackAnnouncer {
 public:
  void setAudioListener(AudioListener* listener) { audioListener_ = listener; }
  void setPublicationListener(PublicationListener* listener) { publicationListener_ = listener; }

  // A page's publications went from before to after (a negotiation, or the page went away: after empty).
  void announce(const SignalingRoom& room, const Seat& seat, const std::vector<Publication>& before,
                const std::vector<Publication>& after) const;
  // A server-side participant's track (the orb's voice) started or stopped.
  void serverTrackPublished(const std::string& roomId, const Seat& seat, const RemoteTrack& track) const;
  void serverTrackUnpublished(const std::string& roomId, const std::string& trackId) const;
  // What the room publishes now (for a recording switched on during the call).
  static std::vector<PublishedTrack> published(const SignalingRoom& room);

 private:
  static PublishedTrack fromPublication(const SignalingRoom& room, const Seat& seat, const Publication& p);
  static PublishedTrack fromServerTrack(const std::string& roomId, const Seat& seat, const RemoteTrack& t);

  AudioListener* audioListener_ = nullptr;
  PublicationListener* publicationListener_ = nullptr;
};

}  // namespace rooms::signaling
