#include "api/ConnectionLimiter.h"

namespace rooms {

ConnectionLimiter::Ticket::~Ticket() {
  owner_.release(entry_);
  owner_.entries_.erase(entry_);
}

void ConnectionLimiter::Ticket::idle(std::function<void()> close, int64_t nowMs) {
  entry_->close = std::move(close);
  entry_->idleSinceMs = nowMs;
}

void ConnectionLimiter::Ticket::busy() {
  entry_->close = nullptr;
}

void ConnectionLimiter::Ticket::authenticated() {
  entry_->authenticated = true;
}

void ConnectionLimiter::Ticket::upgraded(bool apiKey) {
  busy();
  if (apiKey && entry_->addressCounted && !entry_->released) {
    entry_->addressCounted = false;
    owner_.uncountAddress(entry_->address);
  }
}

std::unique_ptr<ConnectionLimiter::Ticket> ConnectionLimiter::admit(const std::string& address) {
  auto count = perAddress_.find(address);
  if (count != perAddress_.end() && count->second >= limits_.perAddress) {
    ++counters_.refused;
    return nullptr;
  }
  if (open_ >= limits_.total && !shedOne()) {
    ++counters_.refused;
    return nullptr;
  }
  ++perAddress_[address];
  ++open_;
  entries_.push_back(Entry{address, nullptr, 0, false, false, true});
  return std::make_unique<Ticket>(*this, std::prev(entries_.end()));
}

bool ConnectionLimiter::shedOne() {
  auto victim = entries_.end();
  // Entries are in order of arrival; among the idle ones, those that never showed a key go first, then the
  // longest idle.
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->released || !it->close) continue;
    if (victim == entries_.end() || (!it->authenticated && victim->authenticated) ||
        (it->authenticated == victim->authenticated && it->idleSinceMs < victim->idleSinceMs)) {
      victim = it;
    }
  }
  if (victim == entries_.end()) return false;
  ++counters_.shed;
  release(victim);
  // The session ends when its pending read sees the socket closed; its place is free already.
  auto close = std::move(victim->close);
  victim->close = nullptr;
  close();
  return true;
}

void ConnectionLimiter::release(std::list<Entry>::iterator entry) {
  if (entry->released) return;
  entry->released = true;
  --open_;
  if (entry->addressCounted) uncountAddress(entry->address);
}

void ConnectionLimiter::uncountAddress(const std::string& address) {
  auto count = perAddress_.find(address);
  if (count != perAddress_.end() && --count->second == 0) perAddress_.erase(count);
}

}  // namespace rooms
