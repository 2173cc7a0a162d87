#pragma once
// The room lifecycle as one explicit state machine:
//   waiting --pre-warm--> ready --first human joins--> active --end/timeout--> ended
//   waiting --first human joins--> active;  waiting|ready --end/no-show--> ended
#include <optional>
#include <string_view>

namespace rooms {

enum class RoomState { Waiting, Ready, Active, Ended };

bool canTransition(RoomState from, RoomState to);
std::string_view toString(RoomState s);
std::optional<RoomState> roomStateFromString(std::string_view s);
// The value GET /status reports: the spec knows waiting|active|ended, so a pre-warmed room reads "waiting".
std::string_view publicStatus(RoomState s);

}  // namespace rooms
