#include "core/WorkerThread.h"

#include "core/Log.h"

namespace rooms {

WorkerThread::WorkerThread(std::string name) : name_(std::move(name)), thread_([this] { run(); }) {}

WorkerThread::~WorkerThread() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void WorkerThread::post(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
}

size_t WorkerThread::queued() const {
  std::lock_guard lock(mutex_);
  return tasks_.size();
}

void WorkerThread::run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    try {
      task();
    } catch (const std::exception& e) {
      log::error("worker_task_failed", {{"worker", name_}, {"error", e.what()}});
    }
  }
}

}  // namespace rooms
