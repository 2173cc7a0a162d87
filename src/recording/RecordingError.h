#pragma once
#include <stdexcept>
#include <string>

namespace rooms::recording {

// A recording could not be written (the disk is full, the directory is gone, the muxer refused a frame).
class RecordingError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace rooms::recording
