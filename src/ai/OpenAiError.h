#pragma once
#include <stdexcept>
#include <string>

namespace rooms::ai {

// A call to an OpenAI-compatible server that gave no usable answer. The message says what failed and never
// contains the API key.
class OpenAiError : public std::runtime_error {
 public:
  enum class Kind { Connect, Timeout, Http, MalformedJson, MissingField };

  OpenAiError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

}  // namespace rooms::ai
