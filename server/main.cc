// ddbd: parse options, set up logging, open the store, serve.
//
// Exit codes: 0 after SIGINT/SIGTERM (and after --help, --version or a
// healthy --health-check), 1 when the credentials file or the store cannot be
// opened (or --health-check finds no healthy server), 2 for a bad command
// line (one line on stderr), 3 when the address cannot be bound.
//
// SIGINT/SIGTERM stop gracefully: no new connections, idle keep-alive
// connections closed, requests in progress finished (answered with
// `Connection: close`), then exit 0; after --shutdown-timeout seconds the
// server exits 0 anyway.  A second signal exits at once.
//
// Order of life (api/services.hh): the store opens, background services
// start, the listener serves; at the end the listener drains, the heavy pool
// is joined, services stop (their threads joined), and only then the store
// closes.
#include <malloc.h>
#include <sched.h>
#include <sys/resource.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <iostream>
#include <thread>
#include <vector>

#include "api/backups.hh"
#include "api/pitr.hh"
#include "api/client_tokens.hh"
#include "api/context.hh"
#include "api/lambda/poller.hh"
#include "api/meter.hh"
#include "api/global_tables.hh"
#include "api/services.hh"
#include "api/stream_trim.hh"
#include "api/ttl_service.hh"
#include "server/auth.hh"
#include "server/health_check.hh"
#include "server/lazy_pool.hh"
#include "server/listener.hh"
#include "server/options.hh"
#include "server/router.hh"
#include "storage/clock.hh"
#include "storage/engine.hh"
#include "streams/stream_store.hh"

namespace {

// Threads of the heavy-work pool (see server/router.hh kHeavyRequestBytes).
constexpr std::size_t kHeavyThreads = 1;

unsigned usable_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0) return static_cast<unsigned>(n);
  }
  unsigned n = std::thread::hardware_concurrency();
  return n ? n : 1;
}

// glibc raises its mmap threshold to the size of the largest block freed
// (up to 32 MB), after which 10 MB request bodies and parse buffers come
// from the per-thread arenas and stay there, fragmented, after the request:
// 4 big requests then left ~2x more resident memory than they needed.  A
// fixed threshold keeps blocks of 4 MB and more in their own mappings,
// returned to the system when freed; below it (1 MB Scan pages, items)
// nothing changes.  The trim threshold is what glibc's dynamic rule would
// set (twice the mmap threshold).
void limit_retained_memory() {
  constexpr int kMmapThreshold = 4 << 20;
  mallopt(M_MMAP_THRESHOLD, kMmapThreshold);
  mallopt(M_TRIM_THRESHOLD, 2 * kMmapThreshold);
}

void setup_logging(const std::string& level) {
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  for (const char* name : {"server", "api", "storage", "streams", "lambda"}) {
    auto logger = std::make_shared<spdlog::logger>(name, sink);
    logger->set_level(spdlog::level::from_str(level));
    spdlog::register_logger(logger);
  }
  spdlog::set_default_logger(spdlog::get("server"));
}

// A server holds one descriptor per connection; the soft limit is often
// 1024 while the hard one is far higher.  Raising the soft limit to the hard
// one needs no privilege.
void raise_fd_limit(spdlog::logger& log) {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= rl.rlim_max) return;
  const rlim_t old = rl.rlim_cur;
  rl.rlim_cur = rl.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
    log.warn("cannot raise the open-files limit from {}: {}", static_cast<unsigned long long>(old), std::strerror(errno));
  else
    log.debug("open-files limit raised from {} to {}", static_cast<unsigned long long>(old),
              static_cast<unsigned long long>(rl.rlim_cur));
}

// Runs the io_context on `threads` threads until a signal's graceful stop
// is over (or its timeout passes, or a second signal arrives).  `ready` runs
// once SIGINT/SIGTERM are handled, before any thread serves: a signal sent
// as soon as the startup line is read stops the server gracefully.
void serve(boost::asio::io_context& ioc, unsigned threads, ddbd::server::Listener& listener, unsigned shutdown_timeout,
           const std::function<void()>& ready);

// A bad command line: one line on stderr, exit code 2.
int usage_error(const std::string& error) {
  std::cerr << "ddbd: " << error << " (see ddbd --help)\n";
  return 2;
}

// Parses the command line into `opt` and checks --log-level.  Returns the
// exit code when ddbd stops here (0 after --help or --version, 2 for a bad
// command line; --health-check's verdict), nullopt when it goes on.
std::optional<int> read_options(int argc, char** argv, ddbd::server::Options& opt) {
  std::string error;
  auto parsed = ddbd::server::parse_options(argc, argv, error);
  if (!parsed) return usage_error(error);
  opt = *parsed;
  if (opt.help) {
    std::cout << ddbd::server::usage();
    return 0;
  }
  if (opt.version) {
    std::cout << ddbd::server::version_string() << "\n";
    return 0;
  }
  static const char* kLevels[] = {"trace", "debug", "info", "warn", "warning", "error", "err", "critical", "off"};
  bool level_ok = false;
  for (const char* l : kLevels) level_ok = level_ok || opt.log_level == l;
  if (!level_ok) return usage_error("invalid --log-level: " + opt.log_level);
  if (opt.health_check) {
    const auto r = ddbd::server::health_check(ddbd::server::health_check_url(opt));
    if (!r.healthy) std::cerr << "ddbd: health check failed: " << r.problem << "\n";
    return r.healthy ? 0 : 1;
  }
  return std::nullopt;
}

// The authenticator for --credentials, or nullptr (the reason on stderr)
// when the file cannot be read or is malformed.
std::unique_ptr<ddbd::server::Authenticator> make_authenticator(const ddbd::server::Options& opt) {
  try {
    return std::make_unique<ddbd::server::Authenticator>(opt.credentials_file, !opt.allow_clock_skew);
  } catch (const std::exception& e) {
    std::cerr << "ddbd: " << e.what() << "\n";
    return nullptr;
  }
}

// The store's options.  `ioc` and `heavy` must outlive the engine: its
// `defer` posts to them.
ddbd::storage::EngineOptions engine_options(const ddbd::server::Options& opt, boost::asio::io_context& ioc,
                                            ddbd::server::LazyPool& heavy) {
  ddbd::storage::EngineOptions eo;
  eo.data_dir = opt.data_dir;
  eo.in_memory = opt.in_memory;
  eo.sync = opt.sync;
  eo.map_size = opt.map_size;
  eo.max_item_collection_bytes = opt.max_item_collection_bytes;
  // A write leader drains on the pool it submitted from: a big write
  // submitted from the heavy pool is committed there, not on an I/O thread.
  eo.defer = [&ioc, &heavy](std::function<void()> fn) {
    if (heavy.running_in_this_thread())
      boost::asio::post(heavy.get_executor(), std::move(fn));
    else
      boost::asio::post(ioc, std::move(fn));
  };
  return eo;
}

// The opened store, or nullptr (logged) when it cannot be opened.
std::unique_ptr<ddbd::storage::Engine> open_engine(const ddbd::storage::EngineOptions& eo, spdlog::logger& log) {
  try {
    return ddbd::storage::Engine::open(eo);
  } catch (const std::exception& e) {
    log.critical("{}", e.what());
    return nullptr;
  }
}

// The API layer's settings from the command line.
ddbd::api::ApiConfig api_config_of(const ddbd::server::Options& opt, ddbd::api::ClientTokenCache* client_tokens) {
  ddbd::api::ApiConfig c;
  c.shared_db = opt.shared_db;
  c.transient_status_seconds = opt.transient_status_seconds;
  c.client_tokens = client_tokens;
  c.ttl_cooldown_seconds = opt.ttl_cooldown_seconds;
  return c;
}

// Where Lambda functions run (--lambda-endpoint, --lambda-function).
ddbd::api::lambda::InvokeConfig lambda_config(const ddbd::server::Options& opt) {
  ddbd::api::lambda::InvokeConfig c;
  c.endpoint = opt.lambda_endpoint;
  for (const auto& [name, url] : opt.lambda_functions) c.functions[name] = url;
  return c;
}

std::chrono::milliseconds lambda_interval(const ddbd::server::Options& opt) {
  return std::chrono::milliseconds(static_cast<long long>(opt.lambda_poll_interval * 1000));
}

// A listener bound to --host/--port, or nullptr (logged) when the address
// cannot be bound.
std::unique_ptr<ddbd::server::Listener> bind_listener(boost::asio::io_context& ioc, const ddbd::server::Options& opt,
                                                      ddbd::server::Router& router, spdlog::logger& log) {
  try {
    ddbd::server::ListenerConfig lc;
    lc.header_timeout = std::chrono::seconds(opt.header_timeout);
    lc.io_threads = opt.threads ? opt.threads : usable_cores();
    return std::make_unique<ddbd::server::Listener>(ioc, opt.host, opt.port, router, lc);
  } catch (const std::exception& e) {
    log.critical("cannot listen on {}:{}: {}", opt.host, opt.port, e.what());
    return nullptr;
  }
}

// Prints "ddbd <version> listening on HOST:PORT, data in DIR" (or "data in
// memory") on stdout: tests and scripts read "listening on HOST:PORT" to
// learn the port of --port 0.  Logs the setup.
void announce(const ddbd::server::Listener& listener, const ddbd::server::Options& opt, unsigned threads,
              spdlog::logger& log) {
  auto ep = listener.local_endpoint();
  const std::string data = opt.in_memory ? "memory" : opt.data_dir;
  std::printf("ddbd %s listening on %s:%u, data in %s\n", ddbd::server::version_number().c_str(),
              ep.address().to_string().c_str(), static_cast<unsigned>(ep.port()), data.c_str());
  std::fflush(stdout);
  log.info("{} I/O threads{}{}", threads, opt.sync ? ", fsync on commit" : "",
           opt.credentials_file ? ", signatures verified" : "");
}

// One info line naming the Java options of a DynamoDB Local command line.
void log_ignored_java_args(const ddbd::server::Options& opt, spdlog::logger& log) {
  if (opt.ignored_java_args.empty()) return;
  std::string joined;
  for (const auto& a : opt.ignored_java_args) joined += (joined.empty() ? "" : " ") + a;
  log.info("ignored Java options (DynamoDB Local's command line): {}", joined);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ddbd;
  limit_retained_memory();
  server::Options opt;
  if (auto exit_code = read_options(argc, argv, opt)) return *exit_code;
  setup_logging(opt.log_level);
  auto log = spdlog::get("server");
  raise_fd_limit(*log);
  log_ignored_java_args(opt, *log);
  std::unique_ptr<server::Authenticator> auth = make_authenticator(opt);
  if (!auth) return 1;

  const unsigned threads = opt.threads ? opt.threads : usable_cores();
  // Destroyed explicitly before the router and the store: handlers still
  // pending after a shutdown timeout refer to both.
  auto ioc_owner = std::make_unique<boost::asio::io_context>(static_cast<int>(threads));
  boost::asio::io_context& ioc = *ioc_owner;
  // Heavy work (big requests, big responses) runs here, not on the I/O
  // threads; one thread also admits one heavy request at a time, which keeps
  // their decoded copies from adding up (issue 10, item 5).  Its thread
  // starts with the first heavy request.
  server::LazyPool heavy(kHeavyThreads, "ddbd-heavy");

  const storage::EngineOptions eo = engine_options(opt, ioc, heavy);
  std::unique_ptr<storage::Engine> engine = open_engine(eo, *log);
  if (!engine) return 1;

  storage::SystemClock clock;
  // DynamoDB Streams: the recorder writes each change's stream record in
  // the change's transaction; registered before the first write.
  const streams::StoreOptions stream_options{opt.stream_shard_rollover_seconds, opt.stream_retention_seconds};
  streams::StreamRecorder stream_recorder(stream_options);
  engine->add_observer(&stream_recorder);
  // Point-in-time recovery: the change log of PITR-enabled tables (api/pitr.hh).
  api::PitrRecorder pitr_recorder;
  engine->add_observer(&pitr_recorder);
  // Global tables: queues each change of a replica for the other regions
  // (and replicates STRONG tables in the write itself); a service below.
  auto replication =
      std::make_shared<api::global::Replication>(std::chrono::milliseconds(opt.replication_delay_ms));
  engine->add_observer(replication.get());
  // Declared after the engine, so destroyed (and stopped) before it; the
  // token cache outlives ioc_owner.reset(), whose dropped handlers release
  // their claims.
  auto client_tokens = std::make_shared<api::ClientTokenCache>(clock);
  api::Services services(api::ServiceContext{*engine, clock});
  services.add(client_tokens);
  auto ttl = std::make_shared<api::TtlService>(
      std::chrono::milliseconds(static_cast<long long>(opt.ttl_interval_seconds * 1000 + 0.5)));
  services.add(ttl);
  services.add(std::make_shared<api::lambda::Poller>(lambda_config(opt), lambda_interval(opt), stream_options));
  services.add(std::make_shared<api::StreamTrimService>(stream_options));
  auto backups = std::make_shared<api::BackupService>();
  services.add(backups);
  auto pitr = std::make_shared<api::PitrService>();
  services.add(pitr);
  services.add(replication);
  services.start();

  // Counters, GET /metrics and --enforce-throughput; outlives the router.
  api::Meter meter(api::MeterOptions{.enforce_throughput = opt.enforce_throughput,
                                     .burst_seconds = opt.throughput_burst_seconds},
                   clock);

  // The router keeps a reference to api_config.
  api::ApiConfig api_config = api_config_of(opt, client_tokens.get());
  api_config.stream_options = stream_options;
  api_config.stream_iterator_seconds = opt.stream_iterator_seconds;
  api_config.backups = backups.get();
  api_config.pitr = pitr.get();
  api_config.pitr_lag_seconds = opt.pitr_latest_lag_seconds;
  api_config.meter = &meter;
  server::RouterConfig router_config;
  router_config.cors = opt.cors;
  router_config.shared_db = opt.shared_db;
  router_config.heavy = heavy.get_executor();
  router_config.heavy_slots = kHeavyThreads;
  router_config.log_requests = opt.log_requests;
  // POST /_ddbd/services/ttl/run (server/router.hh): a sweep now.
  router_config.run_ttl_sweep = [&services, ttl]() -> std::optional<std::size_t> {
    if (!services.run_now(ttl->name())) return std::nullopt;
    return ttl->last_run_deleted();
  };
  server::Router router(*engine, api_config, clock, *auth, std::move(router_config));

  std::unique_ptr<server::Listener> listener = bind_listener(ioc, opt, router, *log);
  if (!listener) return 3;
  listener->start();
  serve(ioc, threads, *listener, opt.shutdown_timeout, [&] { announce(*listener, opt, threads, *log); });
  // Heavy work in progress finishes (it is bounded: one request's decode or
  // answer); what it posts back to the stopped io_context is dropped with it.
  heavy.stop();
  heavy.join();
  services.stop();
  log->info("stopped");
  listener.reset();
  ioc_owner.reset();
  return 0;
}

namespace {

void serve(boost::asio::io_context& ioc, unsigned threads, ddbd::server::Listener& listener, unsigned shutdown_timeout,
           const std::function<void()>& ready) {
  auto log = spdlog::get("server");
  // The signal set and the grace timer share a strand; ioc.stop() may be
  // called from any thread.
  auto control = boost::asio::make_strand(ioc);
  boost::asio::signal_set signals(control, SIGINT, SIGTERM);
  boost::asio::steady_timer grace(control);
  bool stopping = false;
  std::function<void(const boost::system::error_code&, int)> on_signal = [&](const boost::system::error_code& ec,
                                                                             int sig) {
    if (ec) return;
    if (stopping) {
      log->warn("signal {} again: exiting now", sig);
      ioc.stop();
      return;
    }
    stopping = true;
    log->info("signal {}: stopping; in-flight requests have {} s to finish", sig, shutdown_timeout);
    signals.async_wait(on_signal);
    grace.expires_after(std::chrono::seconds(shutdown_timeout));
    grace.async_wait([&](const boost::system::error_code& tec) {
      if (tec) return;
      log->warn("shutdown timeout: exiting with {} connection(s) still open", listener.open_connections());
      ioc.stop();
    });
    listener.shutdown([&ioc] { ioc.stop(); });
  };
  signals.async_wait(on_signal);
  ready();

  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
}

}  // namespace
