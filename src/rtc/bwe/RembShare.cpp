#include "rtc/bwe/RembShare.h"

#include <algorithm>

namespace rooms::rtc {

uint64_t RembShare::of(uint64_t estimate) const {
  const uint64_t audio =
      std::min(otherAudioStreams * kAudioReserveBps + redAudioStreams * kRedundancyBps, estimate / 2);
  const uint64_t videos = std::max<uint64_t>(videoStreams, 1);
  const uint64_t mine = std::clamp<uint64_t>(publisherVideoStreams, 1, videos);
  return (estimate - audio) / videos * mine;
}

}  // namespace rooms::rtc
