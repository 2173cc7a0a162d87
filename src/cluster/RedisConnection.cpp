#include "cluster/RedisConnection.h"

#include <hiredis/hiredis.h>
#include <poll.h>

#include <cerrno>

namespace rooms::cluster {
namespace {

timeval toTimeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000),
                 static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

RedisReply convert(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::Integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::String;
      out.text.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::Status;
      out.text.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::Error;
      out.text.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::Array;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) {
        out.elements.push_back(convert(r->element[i]));
      }
      break;
    default:
      out.type = RedisReply::Type::Nil;
  }
  return out;
}

}  // namespace

void RedisConnection::ContextDeleter::operator()(redisContext* c) const {
  redisFree(c);
}

RedisConnection::RedisConnection(RedisUrl url, std::chrono::milliseconds timeout)
    : url_(std::move(url)), timeout_(timeout) {}

RedisConnection::~RedisConnection() = default;

void RedisConnection::disconnect() {
  ctx_.reset();
}

void RedisConnection::connect() {
  const timeval tv = toTimeval(timeout_);
  std::unique_ptr<redisContext, ContextDeleter> c(redisConnectWithTimeout(url_.host.c_str(), url_.port, tv));
  if (!c) {
    throw RedisError("cannot connect to Redis at " + url_.redacted() + ": out of memory");
  }
  if (c->err) {
    throw RedisError("cannot connect to Redis at " + url_.redacted() + ": " + c->errstr);
  }
  redisSetTimeout(c.get(), tv);
  ctx_ = std::move(c);
  auto check = [this](const std::vector<std::string>& args, const char* what) {
    append(args);
    auto r = readReply();
    if (r.type == RedisReply::Type::Error) {
      disconnect();
      throw RedisError(std::string("Redis refused ") + what + " at " + url_.redacted() + ": " + r.text);
    }
  };
  if (!url_.password.empty()) {
    if (url_.user.empty()) {
      check({"AUTH", url_.password}, "the password");
    } else {
      check({"AUTH", url_.user, url_.password}, "the user and password");
    }
  }
  if (url_.db != 0) {
    check({"SELECT", std::to_string(url_.db)}, "the database number");
  }
}

void RedisConnection::append(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  argv.reserve(args.size());
  lens.reserve(args.size());
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  if (redisAppendCommandArgv(ctx_.get(), static_cast<int>(args.size()), argv.data(), lens.data()) !=
      REDIS_OK) {
    std::string err = ctx_->errstr;
    disconnect();
    throw RedisError("Redis command failed: " + err);
  }
}

RedisReply RedisConnection::readReply() {
  void* raw = nullptr;
  if (redisGetReply(ctx_.get(), &raw) != REDIS_OK || raw == nullptr) {
    std::string err = ctx_->errstr[0] != '\0' ? ctx_->errstr : "connection lost";
    disconnect();
    throw RedisError("Redis at " + url_.redacted() + ": " + err);
  }
  std::unique_ptr<redisReply, void (*)(void*)> reply(static_cast<redisReply*>(raw), freeReplyObject);
  return convert(reply.get());
}

std::vector<RedisReply> RedisConnection::pipeline(const std::vector<std::vector<std::string>>& commands) {
  // A connection Redis closed (a restart, an idle timeout) shows only when used: one reconnect and retry.
  for (int attempt = 0;; ++attempt) {
    try {
      if (!ctx_) {
        connect();
      }
      for (const auto& c : commands) {
        append(c);
      }
      std::vector<RedisReply> out;
      out.reserve(commands.size());
      for (size_t i = 0; i < commands.size(); ++i) {
        out.push_back(readReply());
      }
      return out;
    } catch (const RedisError&) {
      disconnect();
      if (attempt >= 1) {
        throw;
      }
    }
  }
}

RedisReply RedisConnection::command(const std::vector<std::string>& args) {
  auto replies = pipeline({args});
  auto& r = replies.front();
  if (r.type == RedisReply::Type::Error) {
    throw RedisError("Redis " + args.front() + ": " + r.text);
  }
  return std::move(r);
}

void RedisConnection::send(const std::vector<std::string>& args) {
  if (!ctx_) {
    connect();
  }
  append(args);
  int done = 0;
  while (done == 0) {
    if (redisBufferWrite(ctx_.get(), &done) != REDIS_OK) {
      std::string err = ctx_->errstr;
      disconnect();
      throw RedisError("Redis at " + url_.redacted() + ": " + err);
    }
  }
}

std::optional<RedisReply> RedisConnection::readPush(std::chrono::milliseconds wait) {
  if (!ctx_) {
    throw RedisError("Redis subscriber is not connected");
  }
  // hiredis's own blocking read cannot time out without breaking the context, so wait on the socket here
  // and let hiredis parse only what has arrived.
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (true) {
    void* raw = nullptr;
    if (redisGetReplyFromReader(ctx_.get(), &raw) != REDIS_OK) {
      std::string err = ctx_->errstr;
      disconnect();
      throw RedisError("Redis at " + url_.redacted() + ": " + err);
    }
    if (raw != nullptr) {
      std::unique_ptr<redisReply, void (*)(void*)> reply(static_cast<redisReply*>(raw), freeReplyObject);
      return convert(reply.get());
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return std::nullopt;
    }
    pollfd p{ctx_->fd, POLLIN, 0};
    const int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n == 0) {
      return std::nullopt;
    }
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      disconnect();
      throw RedisError("Redis subscriber: poll failed");
    }
    if (redisBufferRead(ctx_.get()) != REDIS_OK) {
      std::string err = ctx_->errstr;
      disconnect();
      throw RedisError("Redis at " + url_.redacted() + ": " + err);
    }
  }
}

}  // namespace rooms::cluster
