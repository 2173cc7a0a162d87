#pragma once
// Runs an io_context until it is stopped, surviving handlers that throw: the exception is logged under
// `event` and run() resumes (Asio allows that), so one bad request, packet or utterance cannot stop a
// thread that every room depends on.
#include <boost/asio/io_context.hpp>

#include "core/Log.h"

namespace rooms {

inline void runResilient(boost::asio::io_context& io, const char* event) {
  for (;;) {
    try {
      io.run();
      return;
    } catch (const std::exception& e) {
      log::error(event, {{"error", e.what()}});
    }
  }
}

}  // namespace rooms
