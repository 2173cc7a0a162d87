#pragma once
// What the orb actually said of a reply it gave up: the transcript (and the summary built from it) must not
// put words in its mouth that nobody heard. A reply is voiced a sentence at a time, so where each sentence
// ends in the reply's frames is known exactly; speech synthesis gives no word timings, so inside the
// sentence that was cut off the words are counted in proportion to the frames played, by their letters
// (long words take longer to say), and a word counts only once its whole share has played.
#include <cstddef>
#include <span>
#include <string>

namespace rooms::ai {

struct SpokenPart {
  std::string text;
  size_t endFrame = 0;  // the reply's frames up to the end of this part, its own included
};

// The words of parts (in order, endFrame increasing) heard in the first framesPlayed frames, joined by a
// space.
std::string spokenText(std::span<const SpokenPart> parts, size_t framesPlayed);

}  // namespace rooms::ai
