#pragma once
// Builds transcripts for the summary and dialog tests: lines said one after another, 5 s apart.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "store/RoomStore.h"

namespace rooms::testing {

class TestTranscript {
 public:
  // speechMs 0: a length that grows with the text, as a voice activity detector would measure.
  TestTranscript& say(const std::string& role, const std::string& text, int64_t speechMs = 0) {
    TranscriptSegmentRecord s;
    s.roomId = "room-1";
    s.role = role;
    s.participantId = role + "-id";
    s.name = role == "coach" ? "Sam" : role == "client" ? "Jordan" : "AI Orb";
    s.startMs = nextMs_;
    s.endMs = nextMs_ + 4500;
    s.text = text;
    s.confidence = 0.9;
    s.speechMs = speechMs > 0 ? speechMs : 300 + static_cast<int64_t>(text.size()) * 50;
    nextMs_ += 5000;
    segments_.push_back(std::move(s));
    return *this;
  }
  TestTranscript& coach(const std::string& text) { return say("coach", text); }
  TestTranscript& client(const std::string& text) { return say("client", text); }
  TestTranscript& orb(const std::string& text) { return say("aiOrb", text); }

  const std::vector<TranscriptSegmentRecord>& segments() const { return segments_; }

 private:
  int64_t nextMs_ = 0;
  std::vector<TranscriptSegmentRecord> segments_;
};

}  // namespace rooms::testing
