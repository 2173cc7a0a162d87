#pragma once
// The embedded summary engine: offline, deterministic and fast (a 60-minute transcript in milliseconds).
// It writes a paragraph from facts (length, who talked how much), key topics, the most central sentences
// and the action items, and takes topics, items and tone from the transcript's own words.
#include "ai/summary/SummaryEngine.h"

namespace rooms::ai {

class ExtractiveSummaryEngine final : public SummaryEngine {
 public:
  SummaryText summarize(const SummaryInput& in) override;
};

}  // namespace rooms::ai
