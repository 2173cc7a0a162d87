#pragma once
// One blocking connection to Redis (hiredis), for one thread. A command that meets a broken connection
// reconnects once and tries again; what still fails throws RedisError, which callers treat like a database
// error: the operation fails, the service goes on. Commands are sent as argument vectors, never formatted,
// so no value can change a command's meaning.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cluster/RedisUrl.h"

struct redisContext;

namespace rooms::cluster {

class RedisError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RedisReply {
  enum class Type { Nil, Integer, String, Status, Array, Error };
  Type type = Type::Nil;
  int64_t integer = 0;
  std::string text;  // String, Status, Error
  std::vector<RedisReply> elements;

  bool isNil() const { return type == Type::Nil; }
};

class RedisConnection {
 public:
  explicit RedisConnection(RedisUrl url, std::chrono::milliseconds timeout = std::chrono::milliseconds(1000));
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Throws RedisError when Redis cannot be reached or answers with an error.
  RedisReply command(const std::vector<std::string>& args);
  // Several commands in one round trip; each reply in order (an error reply does not throw here).
  std::vector<RedisReply> pipeline(const std::vector<std::vector<std::string>>& commands);

  // For a subscriber: sends without waiting (SUBSCRIBE's replies come as pushes), then reads pushes one by
  // one: nullopt when none came within `wait` (the connection stays usable), RedisError when it broke.
  void send(const std::vector<std::string>& args);
  std::optional<RedisReply> readPush(std::chrono::milliseconds wait);

  const RedisUrl& url() const { return url_; }

 private:
  void connect();
  void disconnect();
  void append(const std::vector<std::string>& args);
  RedisReply readReply();

  RedisUrl url_;
  std::chrono::milliseconds timeout_;
  struct ContextDeleter {
    void operator()(redisContext* c) const;
  };
  std::unique_ptr<redisContext, ContextDeleter> ctx_;
};

}  // namespace rooms::cluster
