#include "signaling/SignalingServer.h"

#include <boost/asio/post.hpp>
#include <random>

#include "core/Clock.h"
#include "core/Ids.h"
#include "core/Log.h"
#include "rooms/Room.h"
#include "signaling/SignalingFrames.h"
#include "signaling/TurnCredentials.h"

namespace rooms::signaling {

using ojson = nlohmann::ordered_json;
using rtc::WebRtcTransport;

namespace {

uint64_t randomSessionId() {
  static std::mt19937_64 rng{std::random_device{}()};
  return rng() >> 2;  // SDP session ids are decimal and must fit 63 bits
}

const char* kindName(rtc::MediaKind kind) {
  return kind == rtc::MediaKind::Audio ? "audio" : "video";
}

}  // namespace

SignalingServer::SignalingServer(boost::asio::io_context& io, RoomDirectory& directory,
                                 PresenceSink& presence, RoomStore& store, rtc::MediaWorkerPool& media,
                                 Options options)
    : io_(io),
      directory_(directory),
      store_(store),
      media_(media),
      options_(std::move(options)),
      seats_(presence, options_.reconnectGraceMs),
      planner_(media, options_.announcedIp, options_.iceUdp, options_.consentTimeoutMs) {}

SignalingRoom* SignalingServer::findRoom(const std::string& roomId) {
  auto it = signalingRooms_.find(roomId);
  return it == signalingRooms_.end() ? nullptr : &it->second;
}

std::pair<SignalingRoom*, Seat*> SignalingServer::seatOf(const SignalingPeer& peer) {
  SignalingRoom* room = findRoom(peer.identity.roomId);
  if (!room) return {nullptr, nullptr};
  auto it = room->seats.find(peer.identity.role);
  if (it == room->seats.end() || it->second.peer.get() != &peer) return {room, nullptr};
  return {room, &it->second};
}

ojson SignalingServer::iceServers(const std::string& userId) const {
  ojson servers = ojson::array();
  if (!options_.turnUrls.empty()) {
    auto creds = TurnCredentials::make(options_.turnSecret, userId, nowMs() / 1000, options_.turnTtlSeconds);
    servers.push_back(
        {{"urls", options_.turnUrls}, {"username", creds.username}, {"credential", creds.credential}});
  }
  return servers;
}

std::shared_ptr<SignalingPeer> SignalingServer::connect(const ParticipantIdentity& identity,
                                                        std::shared_ptr<SignalingChannel> channel) {
  auto roomModel = directory_.find(identity.roomId);
  if (!roomModel) {
    channel->close(close_code::kRoomNotFound, "room not found");
    return nullptr;
  }
  if (roomModel->state() == RoomState::Ended) {
    channel->close(close_code::kRoomEnded, "the session has ended");
    return nullptr;
  }
  if (!directory_.holds(identity.roomId)) {
    // Cluster mode: the relay found no live owner, but the lease of the node that died has not run out, so
    // nobody may take the room yet. The page's next try, a moment later, finds it taken over.
    channel->close(close_code::kTryAgainLater, "the room is moving to another node");
    return nullptr;
  }
  if (const auto* seatModel = roomModel->seat(identity.role); seatModel && seatModel->removal()) {
    refuseRemoved(*channel, seatModel->removal()->reason);
    return nullptr;
  }
  auto& room = signalingRooms_[identity.roomId];
  room.roomId = identity.roomId;
  if (!room.analyticsDirty && room.seats.empty()) {
    if (auto stored = store_.findAnalytics(identity.roomId)) {
      room.analytics = ConnectionAnalytics::fromJson(nlohmann::json::parse(*stored, nullptr, false));
    }
  }
  Seat& seat = room.seats[identity.role];
  seat.role = identity.role;
  seat.userId = identity.userId;
  seat.name = identity.name;

  auto peer = std::make_shared<SignalingPeer>();
  peer->connectionId = randomId("conn");
  peer->identity = identity;
  peer->channel = std::move(channel);
  peer->localUfrag = randomHex(8);
  peer->localPwd = randomHex(16);
  peer->sessionId = randomSessionId();
  peer->rtcpSsrc = randomSsrc();
  peer->cname = randomHex(8);

  bool reconnected = false;
  if (seat.peer) {
    // A second tab or a reload that beat the old socket's close: the newer connection wins.
    auto old = seat.peer;
    detach(room, *old);
    old->channel->close(close_code::kReplaced, "opened in another tab or window");
    reconnected = true;
  }
  reconnected = SeatPresence::resume(seat) || reconnected;
  seat.peer = peer;

  const auto result = seats_.arrive(identity.roomId, seat);
  if (result == PresenceResult::RoomEnded) {
    seat.peer.reset();
    peer->channel->close(close_code::kRoomEnded, "the session has ended");
    return nullptr;
  }
  if (result == PresenceResult::Removed) {
    seat.peer.reset();
    refuseRemoved(*peer->channel, "");
    return nullptr;
  }
  if (reconnected) {
    room.analytics.addReconnection();
    room.analyticsDirty = true;
    broadcastFrame(room, identity.role, "reconnected", {{"participantId", seat.userId}, {"role", seat.role}});
  } else {
    broadcastFrame(room, identity.role, "participant-joined", seatJson(seat));
  }

  ojson participants = ojson::array();
  for (const auto& [role, other] : room.seats) {
    if (role != identity.role) participants.push_back(seatJson(other));
  }
  ojson permissions = ojson::array();
  for (const auto& p : identity.permissionNames) permissions.push_back(p);
  const auto& cfg = roomModel->config();
  sendFrame(*peer, "welcome",
            {{"participantId", identity.userId},
             {"role", identity.role},
             {"name", identity.name},
             {"permissions", permissions},
             {"sessionId", roomModel->sessionId()},
             {"reconnected", reconnected},
             {"iceServers", iceServers(identity.userId)},
             {"room",
              {{"status", std::string(publicStatus(roomModel->state()))},
               {"aiOrb", cfg.aiOrb.enabled},
               {"transcription", cfg.features.transcription},
               {"recording", cfg.features.recording}}},
             {"participants", participants},
             {"recv", receiveCounts(room, identity.role)}});
  log::info("signaling_connected", {{"roomId", identity.roomId},
                                    {"role", identity.role},
                                    {"connection", peer->connectionId},
                                    {"reconnected", reconnected}});
  return peer;
}

void SignalingServer::onMessage(const std::shared_ptr<SignalingPeer>& peer, std::string_view text) {
  if (!peer || peer->detached) return;
  auto [room, seat] = seatOf(*peer);
  if (!room || !seat) return;
  nlohmann::json frame = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (frame.is_discarded() || !frame.is_object() || !frame.contains("type") || !frame["type"].is_string()) {
    sendFrame(*peer, "error",
              {{"code", "invalid_message"}, {"message", "a frame must be {\"type\": ..., \"data\": ...}"}});
    return;
  }
  const std::string type = frame["type"].get<std::string>();
  const nlohmann::json data =
      frame.contains("data") && frame["data"].is_object() ? frame["data"] : nlohmann::json::object();
  if (type == "offer") {
    handleOffer(*room, *seat, *peer, data);
  } else if (type == "mute") {
    handleMute(*room, *seat, data);
  } else if (type == "leave") {
    leave(*room, *seat, "left", nowMs());
  } else if (type == "connection-info") {
    // The path the browser's ICE agent selected: a relayed candidate means TURN, TCP means the UDP path was
    // blocked. Only analytics use it, so an untrue report can only mislabel its own session.
    const auto text = [&](const char* key) {
      return data.contains(key) && data[key].is_string() ? data[key].get<std::string>() : std::string();
    };
    if (text("candidateType") == "relay") room->analytics.addFallback("TURN");
    if (text("protocol") == "tcp" || text("relayProtocol") == "tcp" || text("relayProtocol") == "tls") {
      room->analytics.addFallback("TCP");
    }
    room->analyticsDirty = true;
  } else if (type == "ping") {
    sendFrame(*peer, "pong", ojson::object());
  } else {
    sendFrame(*peer, "error", {{"code", "unknown_type"}, {"message", "unknown message type: " + type}});
  }
}

void SignalingServer::handleOffer(SignalingRoom& room, Seat& seat, SignalingPeer& peer,
                                  const nlohmann::json& data) {
  auto outcome = planner_.plan(room, seat, peer, data);
  if (!outcome.error.empty()) {
    sendFrame(peer, "error", {{"code", "invalid_offer"}, {"message", outcome.error}});
    return;
  }
  const auto& result = outcome.result;
  const auto trackKeys = [](const std::vector<Publication>& list) {
    std::vector<std::string> keys;
    for (const auto& p : list) keys.push_back(p.producer.trackId + "/" + toString(p.source));
    return keys;
  };

  ojson tracks = ojson::object();
  for (const auto& [mid, t] : result.assigned) {
    tracks[mid] = {{"participantId", t.participantId},
                   {"role", t.role},
                   {"name", t.name},
                   {"kind", kindName(t.kind)},
                   {"source", toString(t.source)}};
  }
  sendFrame(peer, "answer", {{"sdp", result.answerSdp}, {"tracks", tracks}});
  log::debug("signaling_answer", {{"roomId", room.roomId},
                                  {"role", seat.role},
                                  {"publications", peer.publications.size()},
                                  {"slots", peer.slots.size()},
                                  {"assigned", result.assigned.size()},
                                  {"remoteTracks", outcome.remoteTracks}});
  if (!result.refusedMids.empty()) {
    ojson mids = ojson::array();
    for (const auto& m : result.refusedMids) mids.push_back(m);
    sendFrame(peer, "error",
              {{"code", "not_permitted"},
               {"message", "some sending sections were refused (no permission or no usable codec)"},
               {"mids", mids}});
  }
  tracks_.announce(room, seat, outcome.previousPublications, peer.publications);

  const bool screen = std::any_of(peer.publications.begin(), peer.publications.end(),
                                  [](const Publication& p) { return p.source == TrackSource::Screen; });
  if (screen != seat.screenSharing) {
    seat.screenSharing = screen;
    broadcastFrame(room, seat.role, "participant-updated", seatJson(seat));
  }
  if (trackKeys(outcome.previousPublications) != trackKeys(peer.publications)) tracksChanged(room, seat.role);
  // More remote tracks of a kind than receiving sections for it: ask this page for more. (A track left out
  // for want of a codec the page can decode is not asked about again: another offer would not change that,
  // and asking would loop.)
  const auto wanted = receiveCounts(room, seat.role);
  int audioSlots = 0;
  int videoSlots = 0;
  for (const auto& s : peer.slots) (s.kind == rtc::MediaKind::Audio ? audioSlots : videoSlots)++;
  if (audioSlots < wanted["audio"].get<int>() || videoSlots < wanted["video"].get<int>()) {
    sendFrame(peer, "renegotiate", {{"recv", wanted}});
  }
}

void SignalingServer::handleMute(SignalingRoom& room, Seat& seat, const nlohmann::json& data) {
  if (data.contains("audio") && data["audio"].is_boolean()) seat.audioMuted = data["audio"].get<bool>();
  if (data.contains("video") && data["video"].is_boolean()) seat.videoMuted = data["video"].get<bool>();
  broadcastFrame(room, seat.role, "participant-updated", seatJson(seat));
}

void SignalingServer::tracksChanged(SignalingRoom& room, const std::string& changedRole) {
  for (auto& [role, seat] : room.seats) {
    if (role == changedRole || !seat.peer) continue;
    sendFrame(*seat.peer, "renegotiate", {{"recv", receiveCounts(room, role)}});
  }
}

std::vector<SignalingServer::PublishedTrack> SignalingServer::publishedTracks(
    const std::string& roomId) const {
  auto it = signalingRooms_.find(roomId);
  return it == signalingRooms_.end() ? std::vector<PublishedTrack>{} : TrackAnnouncer::published(it->second);
}

void SignalingServer::detach(SignalingRoom& room, SignalingPeer& peer) {
  if (peer.detached) return;
  peer.detached = true;
  media_.removeTransport(room.roomId, peer.connectionId);
  auto it = room.seats.find(peer.identity.role);
  if (it != room.seats.end()) tracks_.announce(room, it->second, peer.publications, {});
  if (it != room.seats.end() && it->second.peer.get() == &peer) {
    it->second.peer.reset();
    if (!peer.publications.empty()) tracksChanged(room, peer.identity.role);
  }
}

void SignalingServer::leave(SignalingRoom& room, Seat& seat, const std::string& reason, int64_t atMs) {
  auto peer = seat.peer;
  if (peer) {
    detach(room, *peer);
    peer->channel->close(close_code::kNormal, "left");
  }
  seats_.depart(room.roomId, seat, reason, atMs);
  broadcastFrame(room, seat.role, "participant-left",
                 {{"participantId", seat.userId}, {"role", seat.role}, {"reason", reason}});
  log::info("signaling_left", {{"roomId", room.roomId}, {"role", seat.role}, {"reason", reason}});
}

void SignalingServer::connectionLost(SignalingRoom& room, Seat& seat, int64_t nowMs) {
  if (!SeatPresence::lose(seat, nowMs)) return;
  broadcastFrame(room, seat.role, "reconnecting", {{"participantId", seat.userId}, {"role", seat.role}});
}

void SignalingServer::onClosed(const std::shared_ptr<SignalingPeer>& peer) {
  if (!peer || peer->detached) return;
  auto [room, seat] = seatOf(*peer);
  if (!room) return;
  detach(*room, *peer);
  if (seat) connectionLost(*room, *seat, nowMs());
}

void SignalingServer::tick(int64_t now) {
  for (auto& [roomId, room] : signalingRooms_) {
    for (auto& [role, seat] : room.seats) {
      if (seats_.graceOver(seat, now)) {
        const int64_t lostAt = *seat.lostAtMs;
        const std::string reason = seat.lostReason;
        if (seat.peer) {
          // The socket stayed but media never came back: give up on this connection.
          auto peer = seat.peer;
          detach(room, *peer);
          peer->channel->close(close_code::kTransportFailed, "media connection lost");
        }
        leave(room, seat, reason, lostAt);
      }
    }
  }
  if (now >= nextAnalyticsFlushMs_) {
    nextAnalyticsFlushMs_ = now + options_.analyticsFlushMs;
    for (auto& [roomId, room] : signalingRooms_) flushAnalytics(room);
  }
  std::erase_if(signalingRooms_, [](const auto& entry) {
    const auto& seats = entry.second.seats;
    return !entry.second.analyticsDirty && std::none_of(seats.begin(), seats.end(), [](const auto& s) {
      return s.second.present || s.second.peer;
    });
  });
}

void SignalingServer::flushAnalytics(SignalingRoom& room) {
  if (!room.analyticsDirty) return;
  try {
    store_.saveAnalytics(room.roomId, room.analytics.toJson().dump(), nowMs());
    room.analyticsDirty = false;
  } catch (const std::exception& e) {
    log::warn("analytics_save_failed", {{"roomId", room.roomId}, {"error", e.what()}});
  }
}

void SignalingServer::shutdown() {
  for (auto& [roomId, room] : signalingRooms_) {
    flushAnalytics(room);
    for (auto& [role, seat] : room.seats) {
      if (seat.peer) seat.peer->channel->close(close_code::kGoingAway, "server shutting down");
    }
  }
}

size_t SignalingServer::connectedPeers() const {
  size_t n = 0;
  for (const auto& [id, room] : signalingRooms_) {
    for (const auto& [role, seat] : room.seats) n += seat.peer ? 1 : 0;
  }
  return n;
}

bool SignalingServer::addServerParticipant(const std::string& roomId, const ServerParticipant& participant,
                                           std::shared_ptr<rtc::RtpPacketRing> source) {
  SignalingRoom* room = findRoom(roomId);
  if (!room) {
    // Nobody has a socket open (presence came another way, or everyone is away): the orb still joins.
    auto model = directory_.find(roomId);
    if (!model || model->state() == RoomState::Ended) return false;
    room = &signalingRooms_[roomId];
    room->roomId = roomId;
  }
  Seat& seat = room->seats[participant.role];
  if (seat.connected()) return false;
  SeatPresence::resume(seat);  // the orb back in a room taken over from a node that died: the same stay
  seat.role = participant.role;
  seat.userId = participant.userId;
  seat.name = participant.name;
  seat.server = true;
  RemoteTrack track;
  track.trackId = participant.track.trackId;
  track.kind = participant.track.kind;
  track.source = TrackSource::Microphone;
  track.codec = "opus";
  track.clockRate = participant.track.clockRate;
  track.participantId = participant.userId;
  track.role = participant.role;
  track.name = participant.name;
  seat.serverTracks = {track};
  media_.addLocalTrack(roomId, participant.track, std::move(source));
  tracks_.serverTrackPublished(roomId, seat, track);
  seats_.arrive(roomId, seat);
  broadcastFrame(*room, participant.role, "participant-joined", seatJson(seat));
  tracksChanged(*room, participant.role);
  log::info("server_participant_joined", {{"roomId", roomId}, {"role", participant.role}});
  return true;
}

void SignalingServer::removeServerParticipant(const std::string& roomId, const std::string& role,
                                              const std::string& reason) {
  SignalingRoom* room = findRoom(roomId);
  if (!room) return;
  auto it = room->seats.find(role);
  if (it == room->seats.end() || !it->second.server) return;
  Seat& seat = it->second;
  for (const auto& t : seat.serverTracks) {
    media_.removeLocalTrack(roomId, t.trackId);
    tracks_.serverTrackUnpublished(roomId, t.trackId);
  }
  seat.server = false;
  seat.serverTracks.clear();
  seats_.depart(roomId, seat, reason);
  broadcastFrame(*room, role, "participant-left",
                 {{"participantId", seat.userId}, {"role", role}, {"reason", reason}});
  tracksChanged(*room, role);
  log::info("server_participant_left", {{"roomId", roomId}, {"role", role}, {"reason", reason}});
}

void SignalingServer::sendToRoom(const std::string& roomId, std::string_view type, const ojson& data) {
  if (SignalingRoom* room = findRoom(roomId)) broadcastFrame(*room, "", type, data);
}

void SignalingServer::onMediaTransportState(const std::string& roomId, const std::string& transportId,
                                            WebRtcTransport::State state) {
  boost::asio::post(io_, [this, roomId, transportId, state] {
    SignalingRoom* room = findRoom(roomId);
    if (!room) return;
    auto peer = room->peerByConnection(transportId);
    if (!peer) return;
    peer->transportState = state;
    auto it = room->seats.find(peer->identity.role);
    if (it == room->seats.end()) return;
    Seat& seat = it->second;
    log::debug("media_transport_state",
               {{"roomId", roomId}, {"role", seat.role}, {"state", WebRtcTransport::toString(state)}});
    if (state == WebRtcTransport::State::Connected) {
      if (SeatPresence::resume(seat)) {
        room->analytics.addReconnection();
        room->analyticsDirty = true;
        broadcastFrame(*room, seat.role, "reconnected",
                       {{"participantId", seat.userId}, {"role", seat.role}});
      }
    } else if (state == WebRtcTransport::State::Disconnected || state == WebRtcTransport::State::Failed) {
      connectionLost(*room, seat, nowMs());
    }
  });
}

void SignalingServer::onMediaStats(const std::string& roomId, std::vector<rtc::TransportStats> stats) {
  boost::asio::post(io_, [this, roomId, stats = std::move(stats)] {
    SignalingRoom* room = findRoom(roomId);
    if (!room) return;
    ojson participants = ojson::object();
    for (const auto& s : stats) {
      auto peer = room->peerByConnection(s.transportId);
      if (!peer || s.state != WebRtcTransport::State::Connected) continue;
      room->analytics.addSample(peer->identity.role, {s.rttMs, s.packetLoss, s.uploadBps, s.downloadBps});
      room->analyticsDirty = true;
      const char* level = s.packetLoss > 10 || s.rttMs > 400  ? "poor"
                          : s.packetLoss > 2 || s.rttMs > 200 ? "fair"
                                                              : "good";
      participants[peer->identity.userId] = {{"rtt", s.rttMs < 0 ? 0 : std::lround(s.rttMs)},
                                             {"packetLoss", std::round(s.packetLoss * 10) / 10},
                                             {"level", level},
                                             {"playoutDelayMs", s.playoutDelayMs}};
    }
    if (!participants.empty()) broadcastFrame(*room, "", "quality", {{"participants", participants}});
  });
}

void SignalingServer::onRoomConfigChanged(const Room& roomModel) {
  // Everyone in the room sees what is switched on as it changes: a recording above all, which both sides
  // must be told about.
  const auto& cfg = roomModel.config();
  sendToRoom(roomModel.id(), "room-updated",
             {{"recording", cfg.features.recording},
              {"transcription", cfg.features.transcription},
              {"aiOrb", cfg.aiOrb.enabled}});
}

void SignalingServer::refuseRemoved(SignalingChannel& channel, const std::string& reason) {
  // The page learns why before the close, so it can show the main app's reason instead of retrying.
  channel.send(ojson{{"type", "removed"}, {"data", {{"reason", reason}, {"allowRejoin", false}}}}.dump());
  channel.close(close_code::kRemoved, "removed from the session");
}

void SignalingServer::onRoomTakenOver(const Room& model) {
  auto& room = signalingRooms_[model.id()];
  room.roomId = model.id();
  if (!room.analyticsDirty && room.seats.empty()) {
    if (auto stored = store_.findAnalytics(model.id())) {
      room.analytics = ConnectionAnalytics::fromJson(nlohmann::json::parse(*stored, nullptr, false));
    }
  }
  SeatPresence::adoptStays(room, model, nowMs());
  log::info("signaling_room_taken_over", {{"roomId", model.id()}, {"awaiting", room.seats.size()}});
}

void SignalingServer::onParticipantRemoved(const Room& roomModel, const std::string& role,
                                           const std::string& reason, bool allowRejoin) {
  SignalingRoom* room = findRoom(roomModel.id());
  if (!room) return;
  auto it = room->seats.find(role);
  if (it == room->seats.end()) return;
  Seat& seat = it->second;
  SeatPresence::forget(seat);  // the room model closed the stay itself
  if (auto peer = seat.peer) {
    sendFrame(*peer, "removed", {{"reason", reason}, {"allowRejoin", allowRejoin}});
    detach(*room, *peer);
    peer->channel->close(close_code::kRemoved, "removed from the session");
  }
  broadcastFrame(*room, role, "participant-left",
                 {{"participantId", seat.userId}, {"role", role}, {"reason", "removed"}});
  log::info("signaling_removed", {{"roomId", room->roomId}, {"role", role}, {"allowRejoin", allowRejoin}});
}

void SignalingServer::onRoomEnded(const Room& roomModel) {
  SignalingRoom* room = findRoom(roomModel.id());
  media_.closeRoom(roomModel.id());
  if (!room) return;
  for (auto& [role, seat] : room->seats) {
    SeatPresence::forget(seat);  // the room model closed every stay itself
    seat.server = false;
    seat.serverTracks.clear();
    if (!seat.peer) continue;
    auto peer = seat.peer;
    sendFrame(*peer, "room-ended", {{"reason", roomModel.endReason()}});
    peer->detached = true;
    seat.peer.reset();
    peer->channel->close(close_code::kRoomEnded, "the session has ended");
  }
  flushAnalytics(*room);
}

}  // namespace rooms::signaling
