#include "recording/Depacketizer.h"

#include <algorithm>
#include <cctype>

#include "recording/H264Depacketizer.h"
#include "recording/OpusDepacketizer.h"
#include "recording/Vp8Depacketizer.h"
#include "recording/Vp9Depacketizer.h"

namespace rooms::recording {

namespace {

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace

std::unique_ptr<Depacketizer> makeDepacketizer(std::string_view codec) {
  if (equalsIgnoringCase(codec, "opus")) {
    return std::make_unique<OpusDepacketizer>();
  }
  if (equalsIgnoringCase(codec, "VP8")) {
    return std::make_unique<Vp8Depacketizer>();
  }
  if (equalsIgnoringCase(codec, "VP9")) {
    return std::make_unique<Vp9Depacketizer>();
  }
  if (equalsIgnoringCase(codec, "H264")) {
    return std::make_unique<H264Depacketizer>();
  }
  return nullptr;
}

}  // namespace rooms::recording
