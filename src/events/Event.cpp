#include "events/Event.h"

namespace rooms {

bool isEventType(const std::string& type) {
  for (const char* t : kEventTypes) {
    if (type == t) return true;
  }
  return false;
}

std::string toJsCompatibleJson(const nlohmann::ordered_json& j) {
  // nlohmann's compact dump matches JSON.stringify for strings (\b \f \n \r \t, \u00XX lowercase for other
  // control characters, no escaping of '/' or non-ASCII) and for integers; events carry no floats.
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string Event::frame() const {
  std::string out;
  out.reserve(dataJson.size() + type.size() + 48);
  out += "{\"id\":";
  out += std::to_string(id);
  out += ",\"type\":";
  out += toJsCompatibleJson(type);
  out += ",\"data\":";
  out += dataJson;
  out += '}';
  return out;
}

}  // namespace rooms
