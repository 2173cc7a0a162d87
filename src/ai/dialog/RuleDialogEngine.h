#pragma once
// The embedded dialog engine: offline and deterministic. It recognises the common asks of a coaching
// session (a recap, the next steps, what to focus on, advice, a greeting, thanks) and answers from the key
// phrases and action items of the recent transcript; check-ins take the tone of the orb's personality.
// Templates vary with the elapsed time, and a check-in never repeats the orb's last words.
#include "ai/dialog/DialogEngine.h"

namespace rooms::ai {

class RuleDialogEngine final : public DialogEngine {
 public:
  std::string reply(const DialogRequest& request) override;
};

}  // namespace rooms::ai
