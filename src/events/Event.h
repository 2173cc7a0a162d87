#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace rooms {

// The six event types of the spec, `transcript` (a recognised sentence), the recording's two, and the main
// app's removing and readmitting a participant.
inline constexpr const char* kEventTypes[] = {
    "participant-joined",  "participant-left",      "room-started",
    "room-ended",          "summary-ready",         "error",
    "transcript",          "recording-started",     "recording-ready",
    "participant-removed", "participant-readmitted"};
bool isEventType(const std::string& type);

struct Event {
  int64_t id = 0;
  std::string roomId;
  std::string type;
  std::string dataJson;  // compact JSON object, key order as emitted
  int64_t createdAt = 0;

  // The wire frame for the events WebSocket and the webhook body: {"id":N,"type":"...","data":{...}}.
  // Compact and in JavaScript's JSON.stringify form, so JSON.stringify(JSON.parse(frame)) == frame and the
  // spec's verifyWebhookSignature holds on the parsed body.
  std::string frame() const;
};

// Dumps j exactly as JavaScript's JSON.stringify would (no spaces, non-ASCII kept, keys in order).
std::string toJsCompatibleJson(const nlohmann::ordered_json& j);

}  // namespace rooms
