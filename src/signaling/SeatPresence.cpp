#include "signaling/SeatPresence.h"

#include "core/Ids.h"

namespace rooms::signaling {

PresenceResult SeatPresence::arrive(const std::string& roomId, Seat& seat) {
  if (seat.present) {
    return PresenceResult::Ok;
  }
  seat.presenceConnectionId = randomId("stay");
  const auto result = sink_.participantConnected(roomId, seat.role, seat.presenceConnectionId);
  seat.present = result == PresenceResult::Ok;
  return result;
}

// NOLINTNEXTLINE(performance-unnecessary-value-param): a copy on purpose (see below)
void SeatPresence::depart(const std::string& roomId, Seat& seat, std::string reason, int64_t atMs) {
  resume(seat);  // reason is a copy: it may have been the seat's lostReason, which this resets
  if (!seat.present) {
    return;
  }
  seat.present = false;
  sink_.participantDisconnected(roomId, seat.role, seat.presenceConnectionId, reason, atMs);
}

void SeatPresence::forget(Seat& seat) {
  seat.present = false;
  resume(seat);
}

bool SeatPresence::lose(Seat& seat, int64_t nowMs) {
  if (seat.lostAtMs) {
    return false;
  }
  seat.lostAtMs = nowMs;
  return true;
}

bool SeatPresence::resume(Seat& seat) {
  const bool wasLost = seat.lostAtMs.has_value();
  seat.lostAtMs.reset();
  seat.lostReason = "disconnected";
  return wasLost;
}

bool SeatPresence::graceOver(const Seat& seat, int64_t nowMs) const {
  return seat.lostAtMs && nowMs - *seat.lostAtMs >= graceMs_;
}

void SeatPresence::adoptStays(SignalingRoom& room, const Room& model, int64_t nowMs) {
  for (const char* role : {"coach", "client", "aiOrb"}) {
    const Participant* p = model.seat(role);
    if (p == nullptr || !p->connected()) {
      continue;
    }
    Seat& seat = room.seats[role];
    if (seat.present || seat.connected()) {
      continue;
    }
    seat.role = role;
    seat.userId = p->id();
    seat.presenceConnectionId = *p->connectionIds().begin();
    seat.present = true;
    seat.lostAtMs = nowMs;
    seat.lostReason = "node_failed";
  }
}

}  // namespace rooms::signaling
