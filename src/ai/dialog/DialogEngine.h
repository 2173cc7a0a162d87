#pragma once
// The AI Orb's voice: what it says when addressed or when it checks in. Engines are pure functions of the
// request (plus HTTP for the LLM one); the caller runs them off the control-plane and media threads.
#include <string>

#include "ai/dialog/DialogRequest.h"

namespace rooms::ai {

class DialogEngine {
 public:
  virtual ~DialogEngine() = default;
  // Always a non-empty, speakable English reply of one to three short sentences, without markup.
  virtual std::string reply(const DialogRequest& request) = 0;
};

}  // namespace rooms::ai
