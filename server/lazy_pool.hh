// LazyPool: a small thread pool whose threads start when the first work is
// posted to it, for the heavy-work pool (big requests and responses,
// server/router.hh): most servers never get a heavy request, and an idle
// server then has no thread for it.
//
// get_executor() is an Asio executor (it converts to any_io_executor) that
// starts the threads, once, before it queues the first function; after that
// it is the io_context's executor plus one atomic load.  The threads run the
// pool's own io_context until stop().
//
// Thread-safety: get_executor(), its executors and running_in_this_thread()
// from any thread; stop() and join() from the owner, once the pool is no
// longer posted to (join() after stop()).
#pragma once

#include <boost/asio/execution.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/require.hpp>
#include <pthread.h>
#include <atomic>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace ddbd::server {

class LazyPool {
 public:
  // An io_context executor that starts the pool's threads before its first
  // execute().  Properties (blocking, outstanding work, ...) are those of
  // the io_context executor it wraps.
  template <class Inner>
  class Executor {
   public:
    Executor(LazyPool& pool, Inner inner) noexcept : pool_(&pool), inner_(std::move(inner)) {}

    template <class F>
    void execute(F&& f) const {
      pool_->start_threads();
      inner_.execute(std::forward<F>(f));
    }
    template <class Property>
    auto query(const Property& p) const noexcept(noexcept(boost::asio::query(std::declval<const Inner&>(), p)))
        -> decltype(boost::asio::query(std::declval<const Inner&>(), p)) {
      return boost::asio::query(inner_, p);
    }
    template <class Property>
    auto require(const Property& p) const
        -> Executor<std::decay_t<decltype(boost::asio::require(std::declval<const Inner&>(), p))>> {
      return {*pool_, boost::asio::require(inner_, p)};
    }
    template <class Property>
    auto prefer(const Property& p) const
        -> Executor<std::decay_t<decltype(boost::asio::prefer(std::declval<const Inner&>(), p))>> {
      return {*pool_, boost::asio::prefer(inner_, p)};
    }
    bool running_in_this_thread() const noexcept { return inner_.running_in_this_thread(); }

    friend bool operator==(const Executor& a, const Executor& b) noexcept {
      return a.pool_ == b.pool_ && a.inner_ == b.inner_;
    }
    friend bool operator!=(const Executor& a, const Executor& b) noexcept { return !(a == b); }

   private:
    template <class>
    friend class Executor;
    LazyPool* pool_;
    Inner inner_;
  };
  using executor_type = Executor<boost::asio::io_context::executor_type>;

  // `name`: the threads' name (at most 15 characters), for ps, top and
  // /proc/PID/task/*/comm.
  LazyPool(std::size_t threads, std::string name) : threads_wanted_(threads ? threads : 1), name_(std::move(name)) {}
  ~LazyPool() {
    stop();
    join();
  }
  LazyPool(const LazyPool&) = delete;
  LazyPool& operator=(const LazyPool&) = delete;

  executor_type get_executor() noexcept { return {*this, ioc_.get_executor()}; }
  // True on one of the pool's threads.
  bool running_in_this_thread() noexcept { return ioc_.get_executor().running_in_this_thread(); }
  // Work not yet started is dropped; work in progress finishes.
  void stop() {
    std::lock_guard lock(mu_);
    stopped_ = true;
    ioc_.stop();
  }
  void join() {
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mu_);
      threads.swap(threads_);
    }
    for (auto& t : threads) t.join();
  }
  // Threads started so far (0 until the first work).
  std::size_t threads() const {
    std::lock_guard lock(mu_);
    return threads_.size();
  }

 private:
  void start_threads() {
    if (started_.load(std::memory_order_acquire)) return;
    std::lock_guard lock(mu_);
    if (started_.load(std::memory_order_relaxed) || stopped_) return;
    for (std::size_t i = 0; i < threads_wanted_; ++i)
      threads_.emplace_back([this] {
        pthread_setname_np(pthread_self(), name_.c_str());
        ioc_.run();
      });
    started_.store(true, std::memory_order_release);
  }

  const std::size_t threads_wanted_;
  const std::string name_;
  boost::asio::io_context ioc_{static_cast<int>(threads_wanted_)};
  // Keeps run() from returning while the pool has nothing to do.
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{ioc_.get_executor()};
  mutable std::mutex mu_;  // guards threads_ and stopped_, and the start
  std::atomic<bool> started_{false};
  bool stopped_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ddbd::server
