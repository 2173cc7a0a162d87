#include "cluster/RedisSubscriber.h"

#include "cluster/RedisConnection.h"
#include "core/Log.h"

namespace rooms::cluster {

RedisSubscriber::RedisSubscriber(RedisUrl url, std::vector<std::string> channels, Handler handler)
    : url_(std::move(url)), channels_(std::move(channels)), handler_(std::move(handler)) {}

RedisSubscriber::~RedisSubscriber() {
  stop();
}

void RedisSubscriber::start() {
  thread_ = std::thread([this] { run(); });
}

void RedisSubscriber::stop() {
  stopping_ = true;
  if (thread_.joinable()) {
    thread_.join();
  }
}

void RedisSubscriber::run() {
  constexpr auto kPoll = std::chrono::milliseconds(200);
  while (!stopping_) {
    try {
      RedisConnection conn(url_);
      std::vector<std::string> subscribe = {"SUBSCRIBE"};
      subscribe.insert(subscribe.end(), channels_.begin(), channels_.end());
      conn.send(subscribe);
      log::info("cluster_subscribed", {{"channels", channels_.size()}});
      while (!stopping_) {
        auto push = conn.readPush(kPoll);
        if (!push || push->type != RedisReply::Type::Array || push->elements.size() != 3) {
          continue;
        }
        if (push->elements[0].text != "message") {
          continue;  // subscribe confirmations
        }
        try {
          handler_(push->elements[1].text, push->elements[2].text);
        } catch (const std::exception& e) {
          log::warn("cluster_message_failed", {{"channel", push->elements[1].text}, {"error", e.what()}});
        }
      }
    } catch (const std::exception& e) {
      log::warn("cluster_subscriber_lost", {{"error", e.what()}});
      for (int i = 0; i < 10 && !stopping_; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  }
}

}  // namespace rooms::cluster
