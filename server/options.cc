#include "server/options.hh"

#include <charconv>
#include <string_view>

namespace ddbd::server {

namespace {

template <class T>
bool parse_number(std::string_view s, T& out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
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
  -optimizeDbBeforeStartup, -disableTelemetry
                               accepted for DynamoDB Local compatibility; no effect
  --help, -help                this text
)";
}

std::optional<Options> parse_options(int argc, char** argv, std::string& error) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    std::string_view inline_value;
    bool has_inline = false;
    if (a.starts_with("--")) {
      if (auto eq = a.find('='); eq != std::string_view::npos) {
        inline_value = a.substr(eq + 1);
        a = a.substr(0, eq);
        has_inline = true;
      }
    }
    auto value = [&](std::string_view& out) -> bool {
      if (has_inline) {
        out = inline_value;
        return true;
      }
      if (i + 1 >= argc) {
        error = "missing value for " + std::string(a);
        return false;
      }
      out = argv[++i];
      return true;
    };
    std::string_view v;
    if (a == "--help" || a == "-help" || a == "-h") {
      o.help = true;
    } else if (a == "--host") {
      if (!value(v)) return std::nullopt;
      o.host = std::string(v);
    } else if (a == "--port" || a == "-port") {
      if (!value(v)) return std::nullopt;
      if (!parse_number(v, o.port)) {
        error = "invalid port: " + std::string(v);
        return std::nullopt;
      }
    } else if (a == "--data-dir" || a == "-dbPath") {
      if (!value(v)) return std::nullopt;
      o.data_dir = std::string(v);
    } else if (a == "--in-memory" || a == "-inMemory") {
      o.in_memory = true;
    } else if (a == "--shared-db" || a == "-sharedDb") {
      o.shared_db = true;
    } else if (a == "--delay-transient-statuses" || a == "-delayTransientStatuses") {
      o.transient_status_seconds = 2;
      if (has_inline) {
        std::string s(inline_value);
        char* end = nullptr;
        double d = std::strtod(s.c_str(), &end);
        if (s.empty() || *end != '\0' || d < 0) {
          error = "invalid --delay-transient-statuses value: " + s;
          return std::nullopt;
        }
        o.transient_status_seconds = d;
      }
    } else if (a == "--cors" || a == "-cors") {
      if (!value(v)) return std::nullopt;
      o.cors = std::string(v);
    } else if (a == "--credentials") {
      if (!value(v)) return std::nullopt;
      o.credentials_file = std::string(v);
    } else if (a == "--sync") {
      o.sync = true;
    } else if (a == "--log-level") {
      if (!value(v)) return std::nullopt;
      o.log_level = std::string(v);
    } else if (a == "--threads") {
      if (!value(v)) return std::nullopt;
      if (!parse_number(v, o.threads) || o.threads == 0 || o.threads > 256) {
        error = "invalid --threads value: " + std::string(v);
        return std::nullopt;
      }
    } else if (a == "--map-size") {
      if (!value(v)) return std::nullopt;
      if (!parse_number(v, o.map_size) || o.map_size < (std::size_t(1) << 20)) {
        error = "invalid --map-size value: " + std::string(v);
        return std::nullopt;
      }
    } else if (a == "--max-item-collection-bytes") {
      if (!value(v)) return std::nullopt;
      if (!parse_number(v, o.max_item_collection_bytes) || o.max_item_collection_bytes == 0) {
        error = "invalid --max-item-collection-bytes value: " + std::string(v);
        return std::nullopt;
      }
    } else if (a == "--shutdown-timeout") {
      if (!value(v)) return std::nullopt;
      if (!parse_number(v, o.shutdown_timeout) || o.shutdown_timeout > 86400) {
        error = "invalid --shutdown-timeout value: " + std::string(v);
        return std::nullopt;
      }
    } else if (a == "--header-timeout") {
      if (!value(v)) return std::nullopt;
      if (!parse_number(v, o.header_timeout) || o.header_timeout == 0 || o.header_timeout > 86400) {
        error = "invalid --header-timeout value: " + std::string(v);
        return std::nullopt;
      }
    } else if (a == "-optimizeDbBeforeStartup" || a == "-disableTelemetry") {
      // DynamoDB Local flags with no meaning here.
    } else {
      error = "unknown option: " + std::string(argv[i]);
      return std::nullopt;
    }
  }
  return o;
}

}  // namespace ddbd::server
