#pragma once
// Bounds the HTTP connections one address and everyone together may hold, so one address cannot take every
// descriptor and leave the service deaf (300 idle connections from one address once made /health time out
// for everyone). A connection holds a Ticket from accept to close. A session waiting for a request marks
// its ticket idle with a way to close it; when the total is reached, or accept() runs out of descriptors,
// the oldest idle connection that never showed an API key is closed first, then the oldest idle one. A
// connection over its address's cap is refused at once. A WebSocket keeps its ticket for its whole life
// and is never shed; one opened with an API key (the main app's events sockets, one per room it follows)
// leaves its address's cap, so a busy main app is not refused, but still counts in the total.
// Control-plane thread only.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>

namespace rooms {

class ConnectionLimiter {
 public:
  struct Limits {
    size_t total = 10000;
    size_t perAddress = 256;
  };
  struct Counters {
    uint64_t refused = 0;  // over the address's cap, or over the total with nothing idle to close
    uint64_t shed = 0;     // idle connections closed to make room
  };

 private:
  struct Entry {
    std::string address;
    std::function<void()> close;  // set while idle
    int64_t idleSinceMs = 0;
    bool authenticated = false;
    bool released = false;       // shed: no longer counted
    bool addressCounted = true;  // counts toward its address's cap
  };

 public:
  // Returned by admit(); releases the connection's place when destroyed.
  class Ticket {
   public:
    Ticket(ConnectionLimiter& owner, std::list<Entry>::iterator entry) : owner_(owner), entry_(entry) {}
    ~Ticket();
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    // Waiting for a request: close() may be called to make room (it must end the connection).
    void idle(std::function<void()> close, int64_t nowMs);
    void busy();
    // The connection carried a request with a valid API key: it is shed only after those without.
    void authenticated();
    // The connection became a WebSocket: never idle again; apiKey: it leaves its address's cap.
    void upgraded(bool apiKey);

   private:
    ConnectionLimiter& owner_;
    std::list<Entry>::iterator entry_;
  };

  explicit ConnectionLimiter(Limits limits) : limits_(limits) {}

  // A place for a new connection from address, or nullptr: refuse it.
  std::unique_ptr<Ticket> admit(const std::string& address);
  // Closes the idle connection that matters least; false when none is idle.
  bool shedOne();

  size_t open() const { return open_; }
  const Limits& limits() const { return limits_; }
  const Counters& counters() const { return counters_; }

 private:
  void release(std::list<Entry>::iterator entry);
  void uncountAddress(const std::string& address);

  Limits limits_;
  Counters counters_;
  std::list<Entry> entries_;
  std::unordered_map<std::string, size_t> perAddress_;
  size_t open_ = 0;
};

// A connection's place in the limiter, held until the connection ends.
using ConnectionTicket = std::unique_ptr<ConnectionLimiter::Ticket>;

}  // namespace rooms
