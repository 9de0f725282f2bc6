// Command-line parsing tests (server/options): ddbd's flags and DynamoDB
// Local's aliases, "--flag=value" and "--flag value", the defaults, and the
// exact messages of a bad command line (ddbd prints them and exits 2).
#include "server/options.hh"

#include <gtest/gtest.h>

#include <initializer_list>
#include <map>
#include <string>
#include <vector>

namespace ddbd::server {
namespace {

// parse_options over "ddbd" followed by `args`; `error` gets its message.
std::optional<Options> parse(std::initializer_list<const char*> args, std::string* error = nullptr) {
  std::vector<std::string> storage{"ddbd"};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : storage) argv.push_back(s.data());
  std::string e;
  auto o = parse_options(static_cast<int>(argv.size()), argv.data(), e);
  if (error) *error = e;
  return o;
}

// The error message of a command line that must be rejected.
std::string error_of(std::initializer_list<const char*> args) {
  std::string e;
  EXPECT_FALSE(parse(args, &e).has_value());
  return e;
}

TEST(Options, DefaultsWithNoArguments) {
  auto o = parse({});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->host, "127.0.0.1");
  EXPECT_EQ(o->port, 8000);
  EXPECT_EQ(o->data_dir, "./data");
  EXPECT_FALSE(o->in_memory);
  EXPECT_EQ(o->transient_status_seconds, 0);
  EXPECT_FALSE(o->cors);
  EXPECT_EQ(o->shutdown_timeout, 10u);
  EXPECT_EQ(o->header_timeout, 20u);
  EXPECT_FALSE(o->help);
}

TEST(Options, SeparateAndInlineValues) {
  auto o = parse({"--host", "0.0.0.0", "--port=0", "--data-dir=/d", "--cors", "*", "--credentials=/c", "--threads", "3",
                  "--map-size=1048576", "--max-item-collection-bytes", "7", "--shutdown-timeout=0",
                  "--header-timeout", "86400", "--log-level=debug"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->host, "0.0.0.0");
  EXPECT_EQ(o->port, 0);
  EXPECT_EQ(o->data_dir, "/d");
  EXPECT_EQ(o->cors, "*");
  EXPECT_EQ(o->credentials_file, "/c");
  EXPECT_EQ(o->threads, 3u);
  EXPECT_EQ(o->map_size, std::size_t(1) << 20);
  EXPECT_EQ(o->max_item_collection_bytes, 7u);
  EXPECT_EQ(o->shutdown_timeout, 0u);
  EXPECT_EQ(o->header_timeout, 86400u);
  EXPECT_EQ(o->log_level, "debug");
}

TEST(Options, DynamoDbLocalAliases) {
  auto o = parse({"-port", "9", "-dbPath", "/x", "-sharedDb", "-cors", "a,b", "-optimizeDbBeforeStartup",
                  "-disableTelemetry", "-delayTransientStatuses"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->port, 9);
  EXPECT_EQ(o->data_dir, "/x");
  EXPECT_FALSE(o->in_memory);
  EXPECT_TRUE(o->shared_db);
  EXPECT_TRUE(parse({"-inMemory"})->in_memory);
  EXPECT_EQ(o->cors, "a,b");
  EXPECT_EQ(o->transient_status_seconds, 2);
}

// Only "--" flags carry an inline value; a single-dash alias with "=" is unknown.
TEST(Options, InlineValueOnlyForDoubleDashFlags) {
  EXPECT_EQ(error_of({"-port=9"}), "unknown option: -port=9");
  EXPECT_EQ(error_of({"--bogus=3"}), "unknown option: --bogus=3");
  EXPECT_EQ(error_of({"x"}), "unknown option: x");
}

// A separate value is the next argument, whatever it looks like.
TEST(Options, NextArgumentIsTheValue) {
  auto o = parse({"--host", "--port", "--port", "1"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->host, "--port");
  EXPECT_EQ(o->port, 1);
}

TEST(Options, DelayTransientStatuses) {
  EXPECT_EQ(parse({"--delay-transient-statuses"})->transient_status_seconds, 2);
  EXPECT_EQ(parse({"--delay-transient-statuses=0.25"})->transient_status_seconds, 0.25);
  EXPECT_EQ(parse({"--delay-transient-statuses=0"})->transient_status_seconds, 0);
  EXPECT_EQ(error_of({"--delay-transient-statuses="}), "invalid --delay-transient-statuses value: ");
  EXPECT_EQ(error_of({"--delay-transient-statuses=-1"}), "invalid --delay-transient-statuses value: -1");
  EXPECT_EQ(error_of({"--delay-transient-statuses=1s"}), "invalid --delay-transient-statuses value: 1s");
}

TEST(Options, TtlIntervalAndCooldown) {
  EXPECT_EQ(parse({})->ttl_interval_seconds, 5);
  EXPECT_EQ(parse({})->ttl_cooldown_seconds, 0);
  EXPECT_EQ(parse({"--ttl-interval", "0.25"})->ttl_interval_seconds, 0.25);
  EXPECT_EQ(parse({"--ttl-interval=60"})->ttl_interval_seconds, 60);
  EXPECT_EQ(parse({"--ttl-cooldown", "3600"})->ttl_cooldown_seconds, 3600);
  EXPECT_EQ(error_of({"--ttl-interval", "0"}), "invalid --ttl-interval value: 0");
  EXPECT_EQ(error_of({"--ttl-interval", "-1"}), "invalid --ttl-interval value: -1");
  EXPECT_EQ(error_of({"--ttl-interval", "nan"}), "invalid --ttl-interval value: nan");
  EXPECT_EQ(error_of({"--ttl-interval", "86401"}), "invalid --ttl-interval value: 86401");
  EXPECT_EQ(error_of({"--ttl-interval=5s"}), "invalid --ttl-interval value: 5s");
  EXPECT_EQ(error_of({"--ttl-interval"}), "missing value for --ttl-interval");
  EXPECT_EQ(error_of({"--ttl-cooldown", "-1"}), "invalid --ttl-cooldown value: -1");
}

TEST(Options, ReplicationDelay) {
  EXPECT_EQ(parse({})->replication_delay_ms, 5u);
  EXPECT_EQ(parse({"--replication-delay", "0"})->replication_delay_ms, 0u);
  EXPECT_EQ(parse({"--replication-delay=250"})->replication_delay_ms, 250u);
  EXPECT_EQ(error_of({"--replication-delay", "-1"}), "invalid --replication-delay value: -1");
  EXPECT_EQ(error_of({"--replication-delay", "3600001"}), "invalid --replication-delay value: 3600001");
  EXPECT_EQ(error_of({"--replication-delay", "5ms"}), "invalid --replication-delay value: 5ms");
}

TEST(Options, MissingValueNamesTheFlag) {
  EXPECT_EQ(error_of({"--port"}), "missing value for --port");
  EXPECT_EQ(error_of({"-dbPath"}), "missing value for -dbPath");
  EXPECT_EQ(error_of({"--in-memory", "--log-level"}), "missing value for --log-level");
}

TEST(Options, NumbersAreWholeAndInRange) {
  EXPECT_EQ(error_of({"--port", "70000"}), "invalid port: 70000");
  EXPECT_EQ(error_of({"--port=80x"}), "invalid port: 80x");
  EXPECT_EQ(error_of({"--threads", "0"}), "invalid --threads value: 0");
  EXPECT_EQ(error_of({"--threads", "257"}), "invalid --threads value: 257");
  EXPECT_EQ(parse({"--threads", "256"})->threads, 256u);
  EXPECT_EQ(error_of({"--map-size", "1048575"}), "invalid --map-size value: 1048575");
  EXPECT_EQ(error_of({"--max-item-collection-bytes=0"}), "invalid --max-item-collection-bytes value: 0");
  EXPECT_EQ(error_of({"--shutdown-timeout", "86401"}), "invalid --shutdown-timeout value: 86401");
  EXPECT_EQ(error_of({"--header-timeout", "0"}), "invalid --header-timeout value: 0");
  EXPECT_EQ(error_of({"--header-timeout", "-1"}), "invalid --header-timeout value: -1");
}

// --help does not stop parsing: a later bad argument still fails.
TEST(Options, HelpKeepsParsing) {
  auto o = parse({"--help=yes", "--sync"});
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->help);
  EXPECT_TRUE(o->sync);
  EXPECT_EQ(error_of({"-h", "--port", "x"}), "invalid port: x");
}

TEST(Options, EnforceThroughput) {
  auto o = parse({});
  ASSERT_TRUE(o);
  EXPECT_FALSE(o->enforce_throughput);
  EXPECT_EQ(o->throughput_burst_seconds, 300);
  o = parse({"--enforce-throughput", "--throughput-burst-seconds", "0.5"});
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->enforce_throughput);
  EXPECT_EQ(o->throughput_burst_seconds, 0.5);
  EXPECT_EQ(error_of({"--throughput-burst-seconds", "0"}), "invalid --throughput-burst-seconds value: 0");
  EXPECT_NE(usage().find("--enforce-throughput"), std::string::npos);
  EXPECT_EQ(usage().find("--throughput-burst-seconds"), std::string::npos) << "a hidden test flag";
}

TEST(Options, VersionAndLogRequests) {
  auto o = parse({});
  ASSERT_TRUE(o);
  EXPECT_FALSE(o->version);
  EXPECT_FALSE(o->log_requests);
  o = parse({"--version", "--log-requests"});
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->version);
  EXPECT_TRUE(o->log_requests);
  EXPECT_TRUE(version_string().starts_with("ddbd "));
  EXPECT_NE(version_string().find(" (git "), std::string::npos);
  EXPECT_NE(usage().find("--log-requests"), std::string::npos);
  EXPECT_NE(usage().find("--version"), std::string::npos);
}

// DynamoDB Local's whole command line as its image's entrypoint (java) gets
// it: the Java parts are set aside, as written, and the rest applies.
TEST(Options, DynamoDbLocalJavaArgumentsAreSetAside) {
  auto o = parse({"-Djava.library.path=./DynamoDBLocal_lib", "-Xmx256m", "-XX:+UseG1GC", "-jar", "DynamoDBLocal.jar",
                  "-sharedDb", "-inMemory", "-port", "8001"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->ignored_java_args, (std::vector<std::string>{"-Djava.library.path=./DynamoDBLocal_lib", "-Xmx256m",
                                                             "-XX:+UseG1GC", "-jar", "DynamoDBLocal.jar"}));
  EXPECT_TRUE(o->shared_db);
  EXPECT_TRUE(o->in_memory);
  EXPECT_EQ(o->port, 8001);
  EXPECT_TRUE(parse({})->ignored_java_args.empty());
  EXPECT_EQ(error_of({"-jar"}), "missing value for -jar");
  EXPECT_EQ(error_of({"-D"}), "unknown option: -D");
  EXPECT_EQ(error_of({"--Dx=1"}), "unknown option: --Dx=1");
}

// DynamoDB Local's usage notes: -dbPath and -inMemory exclude each other (in
// either spelling); -optimizeDbBeforeStartup needs -dbPath.
TEST(Options, DynamoDbLocalStorageRules) {
  EXPECT_EQ(error_of({"-dbPath", "d", "-inMemory"}), "-dbPath and -inMemory cannot be used together");
  EXPECT_EQ(error_of({"--in-memory", "--data-dir=d"}), "--data-dir and --in-memory cannot be used together");
  EXPECT_EQ(error_of({"-optimizeDbBeforeStartup"}), "-optimizeDbBeforeStartup needs -dbPath");
  EXPECT_EQ(error_of({"-optimizeDbBeforeStartup", "-inMemory"}), "-optimizeDbBeforeStartup needs -dbPath");
  auto o = parse({"-optimizeDbBeforeStartup", "-dbPath", "./data"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->data_dir, "./data");
  EXPECT_FALSE(o->in_memory);
}

// DDBD_HOST, DDBD_PORT, DDBD_DATA_DIR are defaults; flags win.
TEST(Options, EnvironmentDefaults) {
  std::map<std::string, std::string> env{{"DDBD_HOST", "0.0.0.0"}, {"DDBD_PORT", "9001"}, {"DDBD_DATA_DIR", "/data"}};
  auto getenv = [&env](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  std::vector<std::string> storage{"ddbd"};
  auto run = [&](std::initializer_list<const char*> args, std::string& error) {
    storage.assign({"ddbd"});
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : storage) argv.push_back(s.data());
    return parse_options(static_cast<int>(argv.size()), argv.data(), error, getenv);
  };
  std::string e;
  auto o = run({}, e);
  ASSERT_TRUE(o) << e;
  EXPECT_EQ(o->host, "0.0.0.0");
  EXPECT_EQ(o->port, 9001);
  EXPECT_EQ(o->data_dir, "/data");
  EXPECT_EQ(health_check_url(*o), "http://127.0.0.1:9001/");
  o = run({"--host", "127.0.0.1", "-port", "7", "-dbPath", "./data"}, e);
  ASSERT_TRUE(o) << e;
  EXPECT_EQ(o->host, "127.0.0.1");
  EXPECT_EQ(o->port, 7);
  EXPECT_EQ(o->data_dir, "./data");
  // The environment's data directory is no -dbPath: -inMemory goes with it.
  o = run({"-inMemory"}, e);
  ASSERT_TRUE(o) << e;
  EXPECT_TRUE(o->in_memory);
  env["DDBD_PORT"] = "80x";
  EXPECT_FALSE(run({}, e));
  EXPECT_EQ(e, "invalid DDBD_PORT: 80x");
  env["DDBD_PORT"] = "";
  o = run({}, e);
  ASSERT_TRUE(o) << e;
  EXPECT_EQ(o->port, 8000) << "an empty variable is unset";
}

TEST(Options, HealthCheckUrlIsOptional) {
  auto o = parse({"--health-check"});
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->health_check);
  EXPECT_EQ(health_check_url(*o), "http://127.0.0.1:8000/");
  o = parse({"--health-check", "--port", "9"});
  ASSERT_TRUE(o);
  EXPECT_EQ(health_check_url(*o), "http://127.0.0.1:9/");
  o = parse({"--health-check", "http://ddbd:8000/x"});
  ASSERT_TRUE(o);
  EXPECT_EQ(health_check_url(*o), "http://ddbd:8000/x");
  o = parse({"--health-check=http://[::1]:8000/"});
  ASSERT_TRUE(o);
  EXPECT_EQ(health_check_url(*o), "http://[::1]:8000/");
  EXPECT_EQ(error_of({"--health-check", "https://x/"}),
            "invalid --health-check URL (expected http://host[:port][/path]): https://x/");
  EXPECT_EQ(error_of({"--health-check", "localhost:8000"}),
            "invalid --health-check URL (expected http://host[:port][/path]): localhost:8000");
}

TEST(Options, HelpListsDynamoDbLocalOptions) {
  const std::string u = usage();
  const auto section = u.find("DynamoDB Local options");
  ASSERT_NE(section, std::string::npos);
  for (const char* flag : {"-port", "-dbPath", "-inMemory", "-sharedDb", "-cors", "-delayTransientStatuses",
                           "-optimizeDbBeforeStartup", "-disableTelemetry", "-help", "-jar", "shared-local-instance.db"})
    EXPECT_NE(u.find(flag, section), std::string::npos) << flag;
  EXPECT_NE(u.find("--health-check"), std::string::npos);
  EXPECT_NE(u.find("DDBD_DATA_DIR"), std::string::npos);
}

}  // namespace
}  // namespace ddbd::server
