#pragma once
// Browser signaling (docs/signaling.md) on the control-plane thread: the frames of each page's socket, seats
// and their connections, and connection analytics from the media plane's statistics. It hands the parts
// that are concepts of their own to SeatPresence (presence with the reconnect grace), OfferPlanner (offer
// to answer and media plan) and TrackAnnouncer (who is told which tracks a room publishes); the frames'
// shapes are SignalingFrames.
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "rooms/PresenceSink.h"
#include "rooms/RoomDirectory.h"
#include "rooms/RoomObserver.h"
#include "rtc/MediaWorkerPool.h"
#include "rtc/sdp/MediaSection.h"
#include "signaling/OfferPlanner.h"
#include "signaling/SeatPresence.h"
#include "signaling/SignalingChannel.h"
#include "signaling/SignalingPeer.h"
#include "signaling/SignalingRoom.h"
#include "signaling/TrackAnnouncer.h"
#include "store/RoomStore.h"

namespace rooms::signaling {

class SignalingServer : public rtc::MediaWorker::Listener, public RoomObserver {
 public:
  // The track announcements' types, under the names the speech pipeline and the recorder know them by.
  using AudioTrack = signaling::AudioTrack;
  using AudioListener = signaling::AudioListener;
  using PublishedTrack = signaling::PublishedTrack;
  using PublicationListener = signaling::PublicationListener;

  // A participant that lives inside roomsd (the AI Orb): present in the room, publishing one audio track.
  struct ServerParticipant {
    std::string role;  // "aiOrb"
    std::string userId;
    std::string name;
    rtc::ProducerSpec track;  // audio; extensions.audioLevel is the id the source writes levels with
  };

  struct Options {
    std::string announcedIp = "127.0.0.1";
    bool iceUdp = true;
    int64_t reconnectGraceMs = 30000;
    int64_t consentTimeoutMs = 30000;
    std::vector<std::string> turnUrls;
    std::string turnSecret;
    int64_t turnTtlSeconds = 86400;
    int64_t analyticsFlushMs = 5000;
  };

  // The largest signaling frame accepted (SDP offers of many sections stay far below).
  static constexpr size_t kMaxFrameBytes = 256 * 1024;

  // Rooms are looked up in directory and presence goes to presence: the manager behind them (one node's, or
  // a cluster's) is not signaling's business.
  SignalingServer(boost::asio::io_context& io, RoomDirectory& directory, PresenceSink& presence,
                  RoomStore& store, rtc::MediaWorkerPool& media, Options options);

  // A verified participant's socket was accepted. Sends welcome (or closes the channel with the reason).
  std::shared_ptr<SignalingPeer> connect(const ParticipantIdentity& identity,
                                         std::shared_ptr<SignalingChannel> channel);
  void onMessage(const std::shared_ptr<SignalingPeer>& peer, std::string_view text);
  // The socket closed (or failed) without a leave message.
  void onClosed(const std::shared_ptr<SignalingPeer>& peer);

  // Grace periods and analytics flushes; call about once a second.
  void tick(int64_t nowMs);
  // Server shutdown: every socket gets 1001.
  void shutdown();

  size_t connectedPeers() const;

  void setAudioListener(AudioListener* listener) { tracks_.setAudioListener(listener); }
  void setPublicationListener(PublicationListener* listener) { tracks_.setPublicationListener(listener); }
  // The tracks the room publishes now (for a recording switched on during the call).
  std::vector<PublishedTrack> publishedTracks(const std::string& roomId) const;
  // Joins a server-side participant to a live room; its packets come from source. False when the room has
  // no signaling state (nobody connected yet) or the seat is already taken.
  bool addServerParticipant(const std::string& roomId, const ServerParticipant& participant,
                            std::shared_ptr<rtc::RtpPacketRing> source);
  void removeServerParticipant(const std::string& roomId, const std::string& role, const std::string& reason);
  // A frame to every connected page of the room (captions, the orb's state).
  void sendToRoom(const std::string& roomId, std::string_view type, const nlohmann::ordered_json& data);
  const rtc::MediaWorkerPool& media() const { return media_; }

  // rtc::MediaWorker::Listener (any media thread: hop to ours)
  void onMediaTransportState(const std::string& roomId, const std::string& transportId,
                             rtc::WebRtcTransport::State state) override;
  void onMediaStats(const std::string& roomId, std::vector<rtc::TransportStats> stats) override;
  // RoomObserver
  void onRoomConfigChanged(const Room& room) override;
  void onRoomEnded(const Room& room) override;
  void onParticipantRemoved(const Room& room, const std::string& role, const std::string& reason,
                            bool allowRejoin) override;
  void onRoomTakenOver(const Room& room) override;

 private:
  // A join to a seat the main app removed: the `removed` frame, then close 4012.
  static void refuseRemoved(SignalingChannel& channel, const std::string& reason);
  nlohmann::ordered_json iceServers(const std::string& userId) const;
  void handleOffer(SignalingRoom& room, Seat& seat, SignalingPeer& peer, const nlohmann::json& data);
  void handleMute(SignalingRoom& room, Seat& seat, const nlohmann::json& data);
  void leave(SignalingRoom& room, Seat& seat, const std::string& reason, int64_t atMs);
  void detach(SignalingRoom& room, SignalingPeer& peer);
  void connectionLost(SignalingRoom& room, Seat& seat, int64_t nowMs);
  void tracksChanged(SignalingRoom& room, const std::string& changedRole);
  void flushAnalytics(SignalingRoom& room);
  SignalingRoom* findRoom(const std::string& roomId);
  std::pair<SignalingRoom*, Seat*> seatOf(const SignalingPeer& peer);

  boost::asio::io_context& io_;
  RoomDirectory& directory_;
  RoomStore& store_;
  rtc::MediaWorkerPool& media_;
  Options options_;
  SeatPresence seats_;
  OfferPlanner planner_;
  TrackAnnouncer tracks_;
  std::map<std::string, SignalingRoom> signalingRooms_;
  int64_t nextAnalyticsFlushMs_ = 0;
};

}  // namespace rooms::signaling
