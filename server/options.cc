#include "server/options.hh"

#include "ddbd_version.hh"  // generated: DDBD_VERSION, DDBD_GIT_SHA (cmake/Version.cmake)

#include <charconv>
#include <cstdlib>
#include <utility>
#include <string_view>

#include "api/lambda/invoke.hh"

namespace ddbd::server {

namespace {

template <class T>
bool parse_number(std::string_view s, T& out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// The arguments of a command line, one at a time.  A "--flag=value"
// argument is split into its name and inline value; other flags take their
// value from the next argument.
class Args {
 public:
  Args(int argc, char** argv, std::string& error) : argc_(argc), argv_(argv), error_(error) {}

  // Moves to the next argument; false after the last one.
  bool next() {
    if (++i_ >= argc_) return false;
    raw_ = argv_[i_];
    name_ = raw_;
    inline_value_ = {};
    has_inline_ = false;
    if (name_.starts_with("--")) {
      if (auto eq = name_.find('='); eq != std::string_view::npos) {
        inline_value_ = name_.substr(eq + 1);
        name_ = name_.substr(0, eq);
        has_inline_ = true;
      }
    }
    return true;
  }

  std::string_view name() const { return name_; }
  const char* raw() const { return raw_; }  // the argument as written
  bool has_inline() const { return has_inline_; }
  std::string_view inline_value() const { return inline_value_; }

  // An optional value: the inline one, else the next argument when there is
  // one that does not start with '-' (consumed).  False when there is none.
  bool optional_value(std::string_view& out) {
    if (has_inline_) {
      out = inline_value_;
      return true;
    }
    if (i_ + 1 >= argc_ || argv_[i_ + 1][0] == '-') return false;
    out = argv_[++i_];
    return true;
  }

  // The flag's value: its inline value, else the next argument (consumed).
  // False, with "missing value for FLAG" in the error, when there is none.
  bool value(std::string_view& out) {
    if (has_inline_) {
      out = inline_value_;
      return true;
    }
    if (i_ + 1 >= argc_) return fail("missing value for " + std::string(name_));
    out = argv_[++i_];
    return true;
  }

  // Sets the error; returns false.
  bool fail(std::string message) {
    error_ = std::move(message);
    return false;
  }

 private:
  int argc_;
  char** argv_;
  std::string& error_;
  int i_ = 0;
  const char* raw_ = nullptr;
  std::string_view name_, inline_value_;
  bool has_inline_ = false;
};

// What one parser made of the current argument.
enum class Flag { kNotMine, kOk, kBad };

Flag result(bool ok) { return ok ? Flag::kOk : Flag::kBad; }

// --delay-transient-statuses[=SECONDS]: the flag alone means 2 seconds; an
// inline value must be a non-negative number.
bool delay_flag(Args& args, Options& o) {
  o.transient_status_seconds = 2;
  if (!args.has_inline()) return true;
  std::string s(args.inline_value());
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || d < 0) return args.fail("invalid --delay-transient-statuses value: " + s);
  o.transient_status_seconds = d;
  return true;
}

// A flag whose value is a number of seconds (fractions allowed) within
// [min, max].
bool seconds_value(Args& args, double& out, double min, double max) {
  std::string_view v;
  if (!args.value(v)) return false;
  std::string s(v);
  char* end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || !(d >= min && d <= max))
    return args.fail("invalid " + std::string(args.name()) + " value: " + s);
  out = d;
  return true;
}

// Flags without a separate value.
Flag switch_flag(Args& args, Options& o) {
  const std::string_view a = args.name();
  if (a == "--help" || a == "-help" || a == "-h") o.help = true;
  else if (a == "--in-memory" || a == "-inMemory") o.in_memory = true;
  else if (a == "--shared-db" || a == "-sharedDb") o.shared_db = true;
  else if (a == "--sync") o.sync = true;
  else if (a == "--allow-clock-skew") o.allow_clock_skew = true;
  else if (a == "--version" || a == "-version") o.version = true;
  else if (a == "--log-requests") o.log_requests = true;
  else if (a == "--enforce-throughput") o.enforce_throughput = true;
  else if (a == "--delay-transient-statuses" || a == "-delayTransientStatuses") return result(delay_flag(args, o));
  else if (a == "-optimizeDbBeforeStartup" || a == "-disableTelemetry") {}  // DynamoDB Local flags with no meaning here
  else return Flag::kNotMine;
  return Flag::kOk;
}

// --health-check [URL]: the URL is optional (an inline value, or a next
// argument that is not a flag).
Flag health_flag(Args& args, Options& o) {
  if (args.name() != "--health-check") return Flag::kNotMine;
  o.health_check = true;
  std::string_view url;
  if (!args.optional_value(url)) return Flag::kOk;
  if (!api::lambda::parse_url(url))
    return result(args.fail("invalid --health-check URL (expected http://host[:port][/path]): " + std::string(url)));
  o.health_check_url = std::string(url);
  return Flag::kOk;
}

// Java's own arguments in a DynamoDB Local command line, where the image's
// entrypoint is `java`: system properties (-Dname=value), VM options
// (-Xmx256m, -XX:+UseG1GC) and -jar FILE.  Kept, as written, to be logged.
Flag java_flag(Args& args, Options& o) {
  const std::string_view a = args.name();
  if (a.size() > 2 && (a.starts_with("-D") || a.starts_with("-X"))) {
    o.ignored_java_args.emplace_back(args.raw());
    return Flag::kOk;
  }
  if (a != "-jar") return Flag::kNotMine;
  std::string_view jar;
  if (!args.value(jar)) return Flag::kBad;
  o.ignored_java_args.emplace_back("-jar");
  o.ignored_java_args.emplace_back(jar);
  return Flag::kOk;
}

// The defaults from the environment: DDBD_HOST, DDBD_PORT, DDBD_DATA_DIR
// (unset or empty: the built-in default).
bool environment_defaults(const Getenv& getenv, Options& o, std::string& error) {
  auto get = [&](const char* name) -> std::string_view {
    const char* v = getenv(name);
    return v ? std::string_view(v) : std::string_view();
  };
  if (auto host = get("DDBD_HOST"); !host.empty()) o.host = std::string(host);
  if (auto dir = get("DDBD_DATA_DIR"); !dir.empty()) o.data_dir = std::string(dir);
  if (auto port = get("DDBD_PORT"); !port.empty() && !parse_number(port, o.port)) {
    error = "invalid DDBD_PORT: " + std::string(port);
    return false;
  }
  return true;
}

// The flags DynamoDB Local's rules are about, as spelled on the command line.
struct StorageFlags {
  std::string data_dir;   // -dbPath or --data-dir
  std::string in_memory;  // -inMemory or --in-memory
  bool optimize = false;  // -optimizeDbBeforeStartup

  void note(std::string_view name) {
    if (name == "-dbPath" || name == "--data-dir") data_dir = std::string(name);
    else if (name == "-inMemory" || name == "--in-memory") in_memory = std::string(name);
    else if (name == "-optimizeDbBeforeStartup") optimize = true;
  }

  // DynamoDB Local's usage notes: -dbPath and -inMemory cannot be given
  // together; -optimizeDbBeforeStartup needs -dbPath.
  bool check(std::string& error) const {
    if (!data_dir.empty() && !in_memory.empty()) {
      error = data_dir + " and " + in_memory + " cannot be used together";
      return false;
    }
    if (optimize && data_dir.empty()) {
      error = "-optimizeDbBeforeStartup needs -dbPath";
      return false;
    }
    return true;
  }
};

// --lambda-endpoint URL, --lambda-function NAME=URL, --lambda-poll-interval SECONDS.
Flag lambda_flag(Args& args, Options& o) {
  const std::string_view a = args.name();
  if (a != "--lambda-endpoint" && a != "--lambda-function" && a != "--lambda-poll-interval") return Flag::kNotMine;
  std::string_view v;
  if (!args.value(v)) return Flag::kBad;
  if (a == "--lambda-poll-interval") {
    std::string str(v);
    char* end = nullptr;
    double d = std::strtod(str.c_str(), &end);
    if (str.empty() || *end != '\0' || !(d >= 0.01 && d <= 3600))
      return result(args.fail("invalid --lambda-poll-interval value: " + str));
    o.lambda_poll_interval = d;
    return Flag::kOk;
  }
  std::string_view name, url = v;
  if (a == "--lambda-function") {
    auto eq = v.find('=');
    if (eq == std::string_view::npos || eq == 0)
      return result(args.fail("invalid --lambda-function value (expected NAME=URL): " + std::string(v)));
    name = v.substr(0, eq);
    url = v.substr(eq + 1);
  }
  if (!api::lambda::parse_url(url)) return result(args.fail("invalid " + std::string(a) + " URL (expected http://host:port): " + std::string(url)));
  if (a == "--lambda-endpoint") o.lambda_endpoint = std::string(url);
  else o.lambda_functions.emplace_back(std::string(name), std::string(url));
  return Flag::kOk;
}

// Flags whose value is taken as written.
Flag text_flag(Args& args, Options& o) {
  const std::string_view a = args.name();
  std::string_view v;
  if (a == "--host") {
    if (!args.value(v)) return Flag::kBad;
    o.host = std::string(v);
  } else if (a == "--data-dir" || a == "-dbPath") {
    if (!args.value(v)) return Flag::kBad;
    o.data_dir = std::string(v);
  } else if (a == "--cors" || a == "-cors") {
    if (!args.value(v)) return Flag::kBad;
    o.cors = std::string(v);
  } else if (a == "--credentials") {
    if (!args.value(v)) return Flag::kBad;
    o.credentials_file = std::string(v);
  } else if (a == "--log-level") {
    if (!args.value(v)) return Flag::kBad;
    o.log_level = std::string(v);
  } else {
    return Flag::kNotMine;
  }
  return Flag::kOk;
}

// Reads the flag's value into `out`: a whole decimal number of T's range for
// which `valid(out)` holds, else the error `invalid` followed by the value.
template <class T, class Valid>
bool number_value(Args& args, T& out, std::string_view invalid, Valid valid) {
  std::string_view v;
  if (!args.value(v)) return false;
  if (!parse_number(v, out) || !valid(out)) return args.fail(std::string(invalid) + std::string(v));
  return true;
}

// A positive number of seconds (fractions allowed) for `flag`.
bool seconds_value(Args& args, double& out) {
  std::string_view v;
  if (!args.value(v)) return false;
  std::string s(v);
  char* end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || !(d > 0) || d > 1e9)
    return args.fail("invalid " + std::string(args.name()) + " value: " + s);
  out = d;
  return true;
}

// Hidden test flags (not in --help): DynamoDB Streams timings.
Flag test_flag(Args& args, Options& o) {
  const std::string_view a = args.name();
  if (a == "--stream-shard-rollover-seconds") return result(seconds_value(args, o.stream_shard_rollover_seconds));
  if (a == "--stream-retention-seconds") return result(seconds_value(args, o.stream_retention_seconds));
  if (a == "--pitr-latest-lag-seconds") return result(seconds_value(args, o.pitr_latest_lag_seconds, 0, 86400));
  if (a == "--stream-iterator-seconds") return result(seconds_value(args, o.stream_iterator_seconds));
  if (a == "--throughput-burst-seconds") return result(seconds_value(args, o.throughput_burst_seconds));
  return Flag::kNotMine;
}

// Flags whose value is a number.
Flag number_flag(Args& args, Options& o) {
  const std::string_view a = args.name();
  auto any = [](auto) { return true; };
  if (a == "--port" || a == "-port") return result(number_value(args, o.port, "invalid port: ", any));
  if (a == "--threads")
    return result(number_value(args, o.threads, "invalid --threads value: ", [](unsigned n) { return n != 0 && n <= 256; }));
  if (a == "--map-size")
    return result(number_value(args, o.map_size, "invalid --map-size value: ",
                               [](std::size_t n) { return n >= (std::size_t(1) << 20); }));
  if (a == "--max-item-collection-bytes")
    return result(number_value(args, o.max_item_collection_bytes, "invalid --max-item-collection-bytes value: ",
                               [](uint64_t n) { return n != 0; }));
  if (a == "--shutdown-timeout")
    return result(number_value(args, o.shutdown_timeout, "invalid --shutdown-timeout value: ",
                               [](unsigned n) { return n <= 86400; }));
  if (a == "--header-timeout")
    return result(number_value(args, o.header_timeout, "invalid --header-timeout value: ",
                               [](unsigned n) { return n != 0 && n <= 86400; }));
  if (a == "--ttl-interval") return result(seconds_value(args, o.ttl_interval_seconds, 0.001, 86400));
  if (a == "--ttl-cooldown") return result(seconds_value(args, o.ttl_cooldown_seconds, 0, 86400));
  if (a == "--replication-delay")
    return result(number_value(args, o.replication_delay_ms, "invalid --replication-delay value: ",
                               [](unsigned n) { return n <= 3600000; }));
  return Flag::kNotMine;
}

}  // namespace

std::string usage() {
  return R"(Usage: ddbd [options]

A DynamoDB-compatible server.

  --host ADDR                  address to bind (default 127.0.0.1)
  --port N, -port N            port to listen on (default 8000; 0 picks a free one)
  --data-dir DIR, -dbPath DIR  where the LMDB data lives (default ./data)
  --in-memory, -inMemory       throwaway store, gone when the server stops
  --shared-db, -sharedDb       one namespace for all credentials and regions
  --delay-transient-statuses[=SECONDS], -delayTransientStatuses
                               keep tables CREATING/UPDATING for a while
                               (default 0; the flag alone means 2 seconds)
  --cors ORIGINS, -cors ORIGINS
                               allowed CORS origins: * or a comma-separated list
  --credentials FILE           verify SigV4 signatures against FILE
                               (lines of "ACCESS_KEY_ID SECRET_ACCESS_KEY")
  --allow-clock-skew           without --credentials, accept request times more
                               than 15 minutes from ours (clients with frozen
                               clocks); DynamoDB refuses them
  --sync                       fsync every commit (survives an OS crash)
  --log-level LEVEL            trace, debug, info, warn, error, off (default info)
  --threads N                  I/O threads (default: the number of usable cores)
  --map-size BYTES             LMDB map size (default 34359738368 = 32 GiB)
  --max-item-collection-bytes BYTES
                               item collection size limit for tables with an LSI
                               (default 10737418240 = DynamoDB's 10 GB; lower it
                               to test ItemCollectionSizeLimitExceededException)
  --shutdown-timeout SECONDS   on SIGTERM/SIGINT, how long in-flight requests may
                               take to finish before the server exits anyway
                               (default 10; 0 exits at once)
  --header-timeout SECONDS     how long a request may take from its first byte to
                               the end of its headers (default 20)
  --ttl-interval SECONDS       how often expired TTL items are deleted
                               (default 5; fractions allowed, 0.001 to 86400)
  --ttl-cooldown SECONDS       refuse an UpdateTimeToLive within SECONDS of the
                               table's last TTL change, as DynamoDB does for
                               about an hour (default 0: off)
  --replication-delay MS       global tables: how long a committed change waits
                               before it reaches the other regions' replicas
                               (default 5; 0 to 3600000)
  --lambda-endpoint URL        where Lambda functions run for event source mappings:
                               the Invoke API base (http://host:port), e.g. the
                               Lambda Runtime Interface Emulator or sam local
  --lambda-function NAME=URL   the Invoke API base for function NAME (repeatable;
                               overrides --lambda-endpoint)
  --lambda-poll-interval SECONDS
                               time between stream delivery passes (default 0.5)
  --log-requests               log one line per request: time, request id,
                               operation, table, HTTP status, latency in ms
  --enforce-throughput         throttle PROVISIONED tables at their provisioned
                               capacity (plus DynamoDB's 300 s burst) with
                               ProvisionedThroughputExceededException (default off)
  --health-check [URL]         GET URL (default http://127.0.0.1:PORT/, PORT as
                               --port) and exit 0 on a 200 answer within 2 s,
                               else 1: a container HEALTHCHECK without a shell
  --version                    print the version and exit
  --help, -help                this text

DynamoDB Local options (its command lines run unchanged):
  -port N                      as --port
  -dbPath DIR                  as --data-dir: relative to the working directory,
                               created when missing; DynamoDB Local's own files
                               (shared-local-instance.db) are not read
  -inMemory                    as --in-memory; not together with -dbPath
  -sharedDb                    as --shared-db
  -cors ORIGINS                as --cors
  -delayTransientStatuses      as --delay-transient-statuses (2 seconds)
  -optimizeDbBeforeStartup     accepted, no effect; needs -dbPath
  -disableTelemetry            accepted, no effect (ddbd sends no telemetry)
  -help, -version              as --help, --version
  -Dname=value, -Xopt, -XX:opt, -jar FILE
                               Java's options (java -Djava.library.path=...
                               -jar DynamoDBLocal.jar ...): ignored, named in
                               one info line

Environment (defaults that the flags override):
  DDBD_HOST, DDBD_PORT, DDBD_DATA_DIR
                               as --host, --port, --data-dir; the container
                               image sets DDBD_HOST=0.0.0.0, DDBD_DATA_DIR=/data
)";
}

std::string version_number() { return DDBD_VERSION; }

std::string health_check_url(const Options& o) {
  if (!o.health_check_url.empty()) return o.health_check_url;
  return "http://127.0.0.1:" + std::to_string(o.port) + "/";
}

std::string version_string() {
  return std::string("ddbd ") + DDBD_VERSION + " (git " + DDBD_GIT_SHA + ")";
}

std::optional<Options> parse_options(int argc, char** argv, std::string& error, const Getenv& getenv) {
  Options o;
  if (!environment_defaults(getenv, o, error)) return std::nullopt;
  StorageFlags storage;
  for (Args args(argc, argv, error); args.next();) {
    Flag f = switch_flag(args, o);
    if (f == Flag::kNotMine) f = text_flag(args, o);
    if (f == Flag::kNotMine) f = number_flag(args, o);
    if (f == Flag::kNotMine) f = health_flag(args, o);
    if (f == Flag::kNotMine) f = java_flag(args, o);
    if (f == Flag::kNotMine) f = lambda_flag(args, o);
    if (f == Flag::kNotMine) f = test_flag(args, o);
    if (f == Flag::kNotMine) error = "unknown option: " + std::string(args.raw());
    if (f != Flag::kOk) return std::nullopt;
    storage.note(args.name());
  }
  if (!storage.check(error)) return std::nullopt;
  return o;
}

}  // namespace ddbd::server
