#pragma once
#include <string>

namespace rooms::ai {

// One message of a chat completion request.
struct ChatMessage {
  std::string role;  // system | user | assistant
  std::string content;
};

}  // namespace rooms::ai
