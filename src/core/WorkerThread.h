#pragma once
// A thread that runs queued tasks in order: blocking work (speech synthesis, LLM calls, summaries) that must
// stay off the control-plane and media threads. The destructor finishes the queue and joins.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace rooms {

class WorkerThread {
 public:
  explicit WorkerThread(std::string name);
  ~WorkerThread();
  WorkerThread(const WorkerThread&) = delete;
  WorkerThread& operator=(const WorkerThread&) = delete;

  // A task that throws is logged; the thread goes on.
  void post(std::function<void()> task);
  size_t queued() const;

 private:
  void run();

  std::string name_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace rooms
