#pragma once
// A seat's presence in the room model, with the reconnect grace. A stay opens when a seat first connects
// and goes on across dropped connections that come back within the grace (reconnections); it closes when
// the participant leaves, when the grace runs out (dated when the connection was lost), or when the room
// model closes it itself (the room ended, the main app removed the participant). After a takeover the stays
// that were open on the node that died become seats in their grace. Control-plane thread only.
#include <cstdint>
#include <string>

#include "rooms/PresenceSink.h"
#include "rooms/Room.h"
#include "signaling/SignalingRoom.h"

namespace rooms::signaling {

class SeatPresence {
 public:
  SeatPresence(PresenceSink& sink, int64_t graceMs) : sink_(sink), graceMs_(graceMs) {}

  // Opens the seat's stay unless one is open. Ok, or why the room model refused (the room ended, the seat
  // was removed, ...); the seat is present only on Ok.
  PresenceResult arrive(const std::string& roomId, Seat& seat);
  // Closes the seat's stay if one is open, as reason, dated atMs (0: now); ends any grace.
  void depart(const std::string& roomId, Seat& seat, std::string reason, int64_t atMs = 0);
  // The room model closed the stay itself: the seat only forgets it.
  static void forget(Seat& seat);

  // The seat's connection went away: its grace starts. False when it was already running.
  static bool lose(Seat& seat, int64_t nowMs);
  // The seat is connected again: true when that ends a grace (a reconnection).
  static bool resume(Seat& seat);
  bool graceOver(const Seat& seat, int64_t nowMs) const;

  // Takeover (cluster mode): each seat of the room model that is still connected (its stay was open on the
  // node that died) becomes a present seat in its grace, under the stay's connection id, so its page's return
  // is a reconnection and no return ends the stay as "node_failed".
  static void adoptStays(SignalingRoom& room, const Room& model, int64_t nowMs);

 private:
  PresenceSink& sink_;
  int64_t graceMs_;
};

}  // namespace rooms::signaling
