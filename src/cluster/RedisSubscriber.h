#pragma once
// Listens on Redis channels on its own thread and connection, and hands each message to a callback on that
// thread (the caller posts it where it belongs). Reconnects and subscribes again after Redis goes away;
// what was published meanwhile is lost, which is why the events a subscriber missed are read back from the
// store (EventsWebSocket's replay), never from here.
#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "cluster/RedisUrl.h"

namespace rooms::cluster {

class RedisSubscriber {
 public:
  using Handler = std::function<void(const std::string& channel, const std::string& message)>;
  RedisSubscriber(RedisUrl url, std::vector<std::string> channels, Handler handler);
  ~RedisSubscriber();
  RedisSubscriber(const RedisSubscriber&) = delete;
  RedisSubscriber& operator=(const RedisSubscriber&) = delete;

  void start();
  void stop();

 private:
  void run();
  RedisUrl url_;
  std::vector<std::string> channels_;
  Handler handler_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace rooms::cluster
