#pragma once
// Asserts that an object is only ever touched by one thread: the first one that checks owns it. The media
// plane is lock-free because each room's objects live on exactly one worker's thread; a control-plane call
// that reaches into them directly instead of posting would be a data race that no test might catch. Active in
// debug builds and in the sanitizer tree (ROOMS_THREAD_CHECKS); compiles to nothing in release.
#include <atomic>
#include <cassert>
#include <thread>

namespace rooms {

#if !defined(NDEBUG) || defined(ROOMS_THREAD_CHECKS)
class ThreadChecker {
 public:
  static constexpr bool kEnabled = true;

  // True on the owning thread (binding it on first use); meant for assert().
  bool onOwnThread() const {
    const std::thread::id self = std::this_thread::get_id();
    std::thread::id expected{};
    if (owner_.compare_exchange_strong(expected, self, std::memory_order_relaxed)) {
      return true;
    }
    return expected == self;
  }
  // Hands the object to whichever thread checks next (a worker's thread, after set-up on another).
  void detach() { owner_.store(std::thread::id{}, std::memory_order_relaxed); }

 private:
  mutable std::atomic<std::thread::id> owner_{};
};
#else
class ThreadChecker {
 public:
  static constexpr bool kEnabled = false;
  bool onOwnThread() const { return true; }
  void detach() {}
};
#endif

}  // namespace rooms

// Aborts (with file and line) when the calling thread is not the checker's owner. Not assert(): the
// sanitizer tree builds with NDEBUG and still checks.
#if !defined(NDEBUG) || defined(ROOMS_THREAD_CHECKS)
#include <cstdio>
#include <cstdlib>
#define ROOMS_CHECK_THREAD(checker)                                                       \
  do {                                                                                    \
    if (!(checker).onOwnThread()) {                                                       \
      std::fprintf(stderr, "%s:%d: touched off its owning thread\n", __FILE__, __LINE__); \
      std::abort();                                                                       \
    }                                                                                     \
  } while (0)
#else
#define ROOMS_CHECK_THREAD(checker) \
  do {                              \
  } while (0)
#endif
