#include "signaling/TrackAnnouncer.h"

#include <algorithm>

namespace rooms::signaling {

PublishedTrack TrackAnnouncer::fromPublication(const SignalingRoom& room, const Seat& seat,
                                               const Publication& p) {
  return {room.roomId,     p.producer.trackId, seat.userId, seat.role,           seat.name,
          p.producer.kind, toString(p.source), p.codec,     p.producer.clockRate};
}

PublishedTrack TrackAnnouncer::fromServerTrack(const std::string& roomId, const Seat& seat,
                                               const RemoteTrack& t) {
  return {roomId, t.trackId,          seat.userId, seat.role,  seat.name,
          t.kind, toString(t.source), t.codec,     t.clockRate};
}

std::vector<PublishedTrack> TrackAnnouncer::published(const SignalingRoom& room) {
  std::vector<PublishedTrack> out;
  for (const auto& [role, seat] : room.seats) {
    if (seat.peer && !seat.peer->detached) {
      for (const auto& p : seat.peer->publications) {
        out.push_back(fromPublication(room, seat, p));
      }
    }
    if (seat.server) {
      for (const auto& t : seat.serverTracks) {
        out.push_back(fromServerTrack(room.roomId, seat, t));
      }
    }
  }
  return out;
}

void TrackAnnouncer::serverTrackPublished(const std::string& roomId, const Seat& seat,
                                          const RemoteTrack& track) const {
  if (publicationListener_) {
    publicationListener_->onTrackPublished(fromServerTrack(roomId, seat, track));
  }
}

void TrackAnnouncer::serverTrackUnpublished(const std::string& roomId, const std::string& trackId) const {
  if (publicationListener_) {
    publicationListener_->onTrackUnpublished(roomId, trackId);
  }
}

void TrackAnnouncer::announce(const SignalingRoom& room, const Seat& seat,
                              const std::vector<Publication>& before,
                              const std::vector<Publication>& after) const {
  if (publicationListener_) {
    const auto has = [](const std::vector<Publication>& list, const Publication& p) {
      return std::any_of(list.begin(), list.end(), [&](const Publication& q) {
        return q.producer.trackId == p.producer.trackId && q.codec == p.codec && q.source == p.source;
      });
    };
    for (const auto& p : before) {
      if (!has(after, p)) {
        publicationListener_->onTrackUnpublished(room.roomId, p.producer.trackId);
      }
    }
    for (const auto& p : after) {
      if (!has(before, p)) {
        publicationListener_->onTrackPublished(fromPublication(room, seat, p));
      }
    }
  }
  if (!audioListener_) {
    return;
  }
  // Only microphones are transcribed: a screen share's audio is not someone speaking.
  const auto isMic = [](const Publication& p) {
    return p.producer.kind == rtc::MediaKind::Audio && p.source == TrackSource::Microphone &&
           p.codec == "opus";
  };
  const auto contains = [&](const std::vector<Publication>& list, const Publication& p) {
    return std::any_of(list.begin(), list.end(), [&](const Publication& q) {
      return isMic(q) && q.producer.trackId == p.producer.trackId;
    });
  };
  for (const auto& p : before) {
    if (isMic(p) && !contains(after, p)) {
      audioListener_->onAudioTrackEnded(room.roomId, p.producer.trackId);
    }
  }
  for (const auto& p : after) {
    if (isMic(p) && !contains(before, p)) {
      audioListener_->onAudioTrackStarted(
          {room.roomId, p.producer.trackId, seat.userId, seat.role, seat.name});
    }
  }
}

}  // namespace rooms::signaling
