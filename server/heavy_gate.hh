// HeavyGate: admits at most `limit` heavy requests at a time, the others
// wait asynchronously (their connection's coroutine suspends; no thread is
// held).  The router holds a slot from before a big request is parsed until
// its response is built, so the decoded copies of only `limit` big requests
// exist at once: a request suspended in the middle (waiting for its commit)
// keeps its slot, which a thread pool alone would not ensure.
//
// Waiters are admitted in arrival order.  A slot is released when its
// Ticket is destroyed, on any thread.
//
// Thread-safety: all members may be called from any thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>

namespace ddbd::server {

class HeavyGate {
 public:
  explicit HeavyGate(std::size_t limit) : free_(limit) {}
  HeavyGate(const HeavyGate&) = delete;
  HeavyGate& operator=(const HeavyGate&) = delete;

  // Owns one slot; releases it when destroyed.  Movable.
  class Ticket {
   public:
    explicit Ticket(HeavyGate* gate) : gate_(gate) {}
    Ticket(Ticket&& o) noexcept : gate_(o.gate_) { o.gate_ = nullptr; }
    Ticket& operator=(Ticket&&) = delete;
    ~Ticket() {
      if (gate_) gate_->release();
    }

   private:
    HeavyGate* gate_;
  };

  // Resumes the caller (on its own executor) once a slot is its.
  boost::asio::awaitable<Ticket> enter();

 private:
  void release();

  std::mutex mu_;
  std::size_t free_;
  std::deque<std::function<void()>> waiters_;  // each resumes one waiter, slot already given
};

}  // namespace ddbd::server
