// Background services: periodic jobs beside the request path, with a
// lifecycle owned by main.
//
// A Service is one periodic job (the ClientRequestToken sweep, TTL, stream
// trimming, Lambda delivery, backups, PITR).  Services runs them on threads
// of its own, never on an I/O thread, and a long run delays only its own
// service, never a request or another service.  The services share their
// threads: an idle server has one, which sleeps until the earliest next run,
// a "run now" trigger, a service's wake() (work queued for it) or stop();
// nothing polls.  When that thread starts a run it hands the waiting over to
// another thread (an idle one, or a new one), so a second service that comes
// due meanwhile runs at once on that one; a thread with nothing to run for
// kSpareThreadLinger after its run ends exits.  So there are as many
// threads as runs in progress, plus one.
//
// Lifecycle (server/main.cc): the store opens, services start, the listener
// serves; on SIGTERM/SIGINT the listener drains, services stop (their runs
// waited for, their threads joined), then the store closes.  Services live
// in api/ because some services (TTL deletes) go through the operations'
// execute functions; storage knows nothing of them.
//
// Thread-safety: Services' methods may be called from any thread, except
// that add() must come before start(), and run_now() must not be called from
// a service's own run() (it would wait for itself).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string_view>
#include <thread>
#include <vector>

#include "storage/types.hh"

namespace spdlog {
class logger;
}

namespace ddbd::storage {
class Clock;
class Engine;
class WriteOp;
class WriteResult;
}  // namespace ddbd::storage

namespace ddbd::api {

// What a service's run may use.  Both outlive the Services holding them.
// Writes go through engine.submit() with a const WriteOp, like a request's,
// marked Origin::service (SingleWriteOp(action, storage::Origin::service)) so
// that change events tell them apart.
struct ServiceContext {
  storage::Engine& engine;
  const storage::Clock& clock;
};

// Submits `op` to the engine's group commit from a service thread and waits
// for its outcome, `result` filled in (the overload without one: an op with
// no result); io_error when `stop` is requested first (the op then
// completes, or not, on its own).  The completion owns `op` and `result`
// until the engine is done with them.
storage::Status submit_and_wait(storage::Engine& engine, std::shared_ptr<const storage::WriteOp> op,
                                std::shared_ptr<storage::WriteResult> result, std::stop_token stop);
storage::Status submit_and_wait(storage::Engine& engine, std::shared_ptr<const storage::WriteOp> op,
                                std::stop_token stop);

class Service {
 public:
  virtual ~Service() = default;
  // A short stable name, for logs and run_now().
  virtual std::string_view name() const = 0;
  // Time from the end of one run to the start of the next (steady time, not
  // the Clock: a ManualClock does not move), from 1 ms to a year.  The
  // first run comes one interval after start().  Read at start() and after
  // each run (on the thread that ran it), so a service with nothing to do
  // may answer a long time and wake() itself when work comes.
  virtual std::chrono::milliseconds interval() const = 0;
  // One pass of the job, on one of Services' threads, never concurrently
  // with itself.  A long pass should return early once `stop` is requested.  An
  // exception is logged and the next run comes on schedule.
  virtual void run(const ServiceContext& ctx, std::stop_token stop) = 0;
  // Called by start() on its caller's thread before the service's first
  // run.  An exception is logged and the service does not run.
  virtual void on_start(const ServiceContext&) {}
  // Called by stop() on its caller's thread once the service's last run has
  // returned (only if on_start succeeded).  An exception is logged.
  virtual void on_stop(const ServiceContext&) {}

 protected:
  // Asks for a run as soon as the service's run in progress (if any) has
  // ended, without waiting for it (work was queued for it), from any thread, on_start() included
  // (the first run then comes at once).  Does nothing when the service is
  // not in a started Services.
  void wake();

 private:
  friend class Services;
  std::mutex wake_mu_;
  std::function<void()> waker_;  // set by Services::start, cleared by stop
};

class Services {
 public:
  // How long a thread beyond the one waiting for the next run stays after
  // its run ends, in case another service comes due.
  static constexpr std::chrono::milliseconds kSpareThreadLinger{1000};

  // `log` receives start/stop lines and failed runs; null: the "api" logger
  // (or spdlog's default when there is none).
  explicit Services(ServiceContext ctx, std::shared_ptr<spdlog::logger> log = nullptr);
  // Stops every service (see stop()).
  ~Services();
  Services(const Services&) = delete;
  Services& operator=(const Services&) = delete;

  // Adds a service; started by start().  Throws std::logic_error after start().
  void add(std::shared_ptr<Service> service);
  // Starts the services in the order they were added (on_start()), then the
  // first thread.  Once only; a second call does nothing.
  void start();
  // Stops the services in the reverse order: requests its stop, waits for
  // its run in progress, then on_stop(); then joins the threads.  A service
  // between runs stops at once, one in the middle of a run once that run
  // returns.  Idempotent; before start() it only prevents a later start().
  void stop();
  // Runs the named service now and waits until a run that began after this
  // call has finished (successfully or not).  False when no such service is
  // running, or when it stopped before that run ended.  For tests and
  // operators; the periodic schedule restarts after the run.
  bool run_now(std::string_view name);
  // Threads alive now (for tests and diagnostics).
  std::size_t threads() const;

 private:
  struct Entry;
  struct Pool;
  void thread_main(bool leader);
  void spawn_leader();

  ServiceContext ctx_;
  std::shared_ptr<spdlog::logger> log_;
  std::mutex mu_;  // guards started_, stopped_ and entries_ (the vector); held by start() and stop()
  bool started_ = false;
  bool stopped_ = false;
  std::vector<std::unique_ptr<Entry>> entries_;
  std::unique_ptr<Pool> pool_;  // the scheduling state and the threads
};

}  // namespace ddbd::api
