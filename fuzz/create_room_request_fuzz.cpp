// Request bodies from the network: JSON parsing with the depth limit, then create-room validation. Any
// input must end in a value or an ApiError, never a crash or another exception.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/ApiError.h"
#include "api/CreateRoomRequest.h"
#include "api/JsonBody.h"
#include "rooms/RoomConfig.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const rooms::ParticipantTokenVerifier verifier("fuzz-secret");
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auto body = rooms::parseJsonText(text);
    if (body.is_object()) {
      rooms::parseCreateRoomRequest(body, verifier, 1750000000000);
    }
    rooms::RoomConfig config;
    config.applyPatch(body);
  } catch (const rooms::ApiError&) {
  } catch (const rooms::ValidationError&) {
  }
  return 0;
}
