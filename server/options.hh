// Command line of ddbd: its own flags and DynamoDB Local's, so scripts
// written for DynamoDB Local work unchanged.
//
//   ddbd flag                      DynamoDB Local alias
//   --host ADDR (127.0.0.1)
//   --port N (8000; 0 = any)       -port N
//   --data-dir DIR (./data)        -dbPath DIR
//   --in-memory                    -inMemory
//   --shared-db                    -sharedDb
//   --delay-transient-statuses[=S] -delayTransientStatuses   (S seconds; the flag alone: 2)
//   --cors ORIGINS                 -cors ORIGINS  ("*" or a comma-separated list)
//   --credentials FILE
//   --sync
//   --log-level LEVEL (info)
//   --threads N (the number of usable cores)
//   --map-size BYTES (32 GiB)
//   --max-item-collection-bytes BYTES (10 GiB)
//   --shutdown-timeout SECONDS (10)
//   --header-timeout SECONDS (20)
//   --ttl-interval SECONDS (5; fractional allowed, 0.001 .. 86400)
//   --ttl-cooldown SECONDS (0: off; UpdateTimeToLive's once-per-interval rule)
//   --replication-delay MS (5; global tables: how long a change waits before it is forwarded)
//   --lambda-endpoint URL (none)
//   --lambda-function NAME=URL (repeatable)
//   --lambda-poll-interval SECONDS (0.5)
//   --log-requests                 one log line per request (off)
//   --enforce-throughput           throttle PROVISIONED tables (off; api/meter.hh)
//   --version                      print the version and exit       -version
//   --health-check [URL]           probe a running ddbd and exit (server/health_check.hh)
//   --help                         print usage() and exit            -help
//   -optimizeDbBeforeStartup (needs -dbPath), -disableTelemetry: accepted, no effect.
//   Java's own arguments in a DynamoDB Local command line (-D..., -X...,
//   -XX:..., -jar FILE) are set aside in `ignored_java_args`.
//
// Environment: DDBD_HOST, DDBD_PORT and DDBD_DATA_DIR are defaults that the
// command line overrides (the container image sets DDBD_HOST=0.0.0.0 and
// DDBD_DATA_DIR=/data).
//
// DynamoDB Local's rules: -dbPath (or --data-dir) and -inMemory (or
// --in-memory) together are an error; so is -optimizeDbBeforeStartup
// without -dbPath.
//
// Thread-safety: plain value.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/limits.hh"

namespace ddbd::server {

struct Options {
  std::string host = "127.0.0.1";
  unsigned short port = 8000;
  std::string data_dir = "./data";
  bool in_memory = false;
  bool shared_db = false;
  double transient_status_seconds = 0;
  std::optional<std::string> cors;  // allowed origins; unset = CORS headers only for "*"
  std::optional<std::string> credentials_file;
  bool allow_clock_skew = false;  // without credentials: no 15-minute window on X-Amz-Date
  bool sync = false;
  std::string log_level = "info";
  unsigned threads = 0;  // 0 = number of usable cores
  std::size_t map_size = std::size_t(32) << 30;
  uint64_t max_item_collection_bytes = limits::kMaxItemCollectionBytes;
  unsigned shutdown_timeout = 10;  // seconds in-flight requests get after SIGTERM/SIGINT
  unsigned header_timeout = 20;    // seconds from a request's first byte to the end of its headers
  double ttl_interval_seconds = 5;  // how often the TTL sweeper runs
  unsigned replication_delay_ms = 5;  // global tables (api/global_tables.hh)
  double ttl_cooldown_seconds = 0;  // UpdateTimeToLive's "modified multiple times" window; 0 = off
  // Where Lambda functions run (api/lambda/invoke.hh): the Invoke API base
  // URL for every function, and per-function overrides.
  std::string lambda_endpoint;
  std::vector<std::pair<std::string, std::string>> lambda_functions;
  double lambda_poll_interval = 0.5;  // seconds between delivery passes
  bool help = false;
  bool version = false;       // --version: print version_string() and exit 0
  // --health-check [URL]: GET the URL (default http://127.0.0.1:<port>/),
  // exit 0 on a 200 within 2 s, else 1 (server/health_check.hh).
  bool health_check = false;
  std::string health_check_url;  // empty: the default
  // The Java parts of a DynamoDB Local command line, as written; main logs
  // them once at info.
  std::vector<std::string> ignored_java_args;
  bool log_requests = false;  // --log-requests: one info line per request (server/router.cc)
  // --enforce-throughput: token buckets for PROVISIONED tables (api/meter.hh).
  bool enforce_throughput = false;
  // Hidden, for tests: the burst window of unused capacity the buckets keep
  // (DynamoDB: 300 seconds).
  double throughput_burst_seconds = 300;
  // Hidden, for tests: DynamoDB Streams' shard rollover, record retention
  // and shard iterator lifetime in seconds (defaults: 4 h, 24 h, 15 min).
  double stream_shard_rollover_seconds = 4 * 3600;
  double stream_retention_seconds = 24 * 3600;
  double stream_iterator_seconds = 15 * 60;
  // Hidden, for tests: LatestRestorableDateTime = now - this (DynamoDB:
  // "typically 5 minutes"); 0 lets a test restore to the present.
  double pitr_latest_lag_seconds = 300;
};

// Looks up an environment variable; nullptr when unset.
using Getenv = std::function<const char*(const char*)>;

// Parses argv over the defaults that `getenv` gives (DDBD_HOST, DDBD_PORT,
// DDBD_DATA_DIR).  On a bad command line or environment returns nullopt and
// writes a one-line message to `error` (main prints it and exits 2).
std::optional<Options> parse_options(int argc, char** argv, std::string& error, const Getenv& getenv = ::getenv);

// The --help text: ddbd's flags, then DynamoDB Local's.
std::string usage();

// The health check's URL for `o`: --health-check's URL, else
// http://127.0.0.1:<port>/.
std::string health_check_url(const Options& o);

// "0.14.0", from CMake.
std::string version_number();

// "ddbd <version> (git <short sha>)", from CMake at build time.
std::string version_string();

}  // namespace ddbd::server
