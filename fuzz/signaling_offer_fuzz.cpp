// What a participant's page can send over signaling, end to end through the Negotiator: a JSON frame whose
// "offer" carries arbitrary SDP and sources. Nothing may crash, and every answer we produce must be SDP our
// own parser accepts, with a consumer only for a slot it really assigned.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "rtc/sdp/SessionDescription.h"
#include "signaling/Negotiator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rooms;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  signaling::NegotiationInput in;
  // Either a whole signaling frame or bare SDP, so the corpus can hold both.
  const auto frame = nlohmann::json::parse(text, nullptr, false);
  if (!frame.is_discarded() && frame.is_object() && frame.contains("data") && frame["data"].is_object()) {
    const auto& d = frame["data"];
    if (!d.contains("sdp") || !d["sdp"].is_string()) return 0;
    in.offerSdp = d["sdp"].get<std::string>();
    if (d.contains("sources") && d["sources"].is_object()) {
      for (const auto& [mid, source] : d["sources"].items()) {
        if (source.is_string()) in.sources[mid] = source.get<std::string>();
      }
    }
  } else {
    in.offerSdp = std::string(text);
  }
  in.permissions = {true, true, size % 2 == 0};
  in.trackIdPrefix = "fuzz";
  in.localUfrag = "ufrag";
  in.localPwd = "passwordpasswordpassword";
  in.fingerprint = "AA:BB";
  in.cname = "fuzz";
  in.remoteTracks = {
      {"t-audio", rtc::MediaKind::Audio, signaling::TrackSource::Microphone, "opus", 48000, "u", "client",
       "U"},
      {"t-video", rtc::MediaKind::Video, signaling::TrackSource::Camera, "VP8", 90000, "u", "client", "U"},
  };
  uint32_t ssrc = 1;
  in.newSsrc = [&ssrc] { return ssrc++; };
  const auto result = signaling::Negotiator::negotiate(in);
  if (!result.error.empty()) return 0;
  std::string error;
  if (!sdp::SessionDescription::parse(result.answerSdp, error)) __builtin_trap();
  if (result.consumers.size() != result.assigned.size()) __builtin_trap();
  return 0;
}
