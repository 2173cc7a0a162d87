#pragma once
// What the load generator's peers count while a measurement window is open. A window is a range of send
// times: a packet stamped inside it is expected at each of its stream's subscribers, and counts as received
// only if one of them gets it, so loss is exact however long packets spend in flight.
#include <cstdint>
#include <limits>

#include "LatencyHistogram.h"

namespace rooms::loadgen {

struct WindowStats {
  int64_t startNs = std::numeric_limits<int64_t>::max();
  int64_t endNs = std::numeric_limits<int64_t>::max();

  uint64_t sent = 0;      // packets sent to the server with a stamp in the window
  uint64_t expected = 0;  // sent x subscribers of the stream
  uint64_t received = 0;  // stamped in the window, arrived at a subscriber that should get them
  uint64_t receivedBytes = 0;
  uint64_t misrouted = 0;      // a stream the receiver is not subscribed to (another room's, its own)
  uint64_t reordered = 0;      // older than the newest packet of its stream already seen
  uint64_t videoExpected = 0;  // expected and received of the video streams alone: what NACKs can repair
  uint64_t videoReceived = 0;
  LatencyHistogram latency;

  bool contains(int64_t sentNs) const { return sentNs >= startNs && sentNs < endNs; }

  void reset(int64_t start, int64_t end) {
    *this = WindowStats{};
    startNs = start;
    endNs = end;
  }
};

// Counters over the whole run, for the soak report and for diagnosing a run that did not connect.
struct TotalStats {
  uint64_t packetsSent = 0;
  uint64_t packetsReceived = 0;
  uint64_t keyFrameRequests = 0;  // PLI/FIR received from the server
  uint64_t srtpErrors = 0;
  uint64_t sendErrors = 0;
  // Loss recovery, when the peers impair their own links (LinkImpairment).
  uint64_t droppedSent = 0;           // packets the peers' uplinks lost
  uint64_t droppedReceived = 0;       // RTP packets their downlinks lost
  uint64_t nacksSent = 0;             // sequence numbers the peers asked the server for
  uint64_t nacksReceived = 0;         // sequence numbers the server asked the peers for
  uint64_t retransmissionsSent = 0;   // of those, answered from the peers' send history
  uint64_t keyFrameRequestsSent = 0;  // PLIs after a gap that could not be repaired
};

}  // namespace rooms::loadgen
