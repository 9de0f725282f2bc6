#include "server/heavy_gate.hh"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>

namespace ddbd::server {

namespace asio = boost::asio;

asio::awaitable<HeavyGate::Ticket> HeavyGate::enter() {
  auto init = [this](auto handler) {
    using H = decltype(handler);
    auto h = std::make_shared<H>(std::move(handler));
    auto ex = asio::get_associated_executor(*h);
    std::function<void()> resume = [h, ex] { asio::post(ex, [h]() mutable { std::move (*h)(); }); };
    {
      std::lock_guard lock(mu_);
      if (free_ == 0) {
        waiters_.push_back(std::move(resume));
        return;
      }
      --free_;
    }
    resume();
  };
  co_await asio::async_initiate<const asio::use_awaitable_t<>, void()>(init, asio::use_awaitable);
  co_return Ticket(this);
}

void HeavyGate::release() {
  std::function<void()> next;
  {
    std::lock_guard lock(mu_);
    if (waiters_.empty()) {
      ++free_;
      return;
    }
    next = std::move(waiters_.front());
    waiters_.pop_front();
  }
  next();  // the slot passes straight to the oldest waiter
}

}  // namespace ddbd::server
