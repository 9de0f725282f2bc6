// ddbd_loadgen: a closed-loop load generator for DynamoDB-compatible servers.
//
// Opens C keep-alive connections and keeps one request in flight on each,
// for D seconds, on one thread (pin it with taskset to keep it off the
// server's core).  Requests are built and SigV4-signed before the timed run
// (the signature covers a fixed X-Amz-Date, valid for 15 minutes), so the
// client spends its time on sockets, not on crypto.  Responses are parsed
// with Beast; any non-200 answer is counted as an error and the first one
// is printed.
//
//   ddbd_loadgen --endpoint http://127.0.0.1:8000 --workload get --connections 16 --duration 10
//
// Workloads (table `bench_<workload>`, created and filled before the run):
//   put    PutItem of ~1 KB items, a distinct key per request
//   get    GetItem of one of --items existing ~1 KB items
//   query  Query one partition of 100 items, Limit 10
//   update UpdateItem ADD of a counter, on 4 hot keys in turn
//   scan   full Scan of --items ~1 KB items, page by page, on one connection,
//          --scan-rounds times (default 1); prints seconds per full scan and,
//          with --server-pid, the server's CPU seconds for it
//   batchwrite  BatchWriteItem of 25 distinct ~1 KB items
//   transact    TransactWriteItems of 4 actions (2 Updates moving a balance
//               under a condition, a ConditionCheck, a ~1 KB Put)
// Output: one line "workload=<w> requests=<n> errors=<e> seconds=<s> req_per_s=<r> p50_ms=<a> p99_ms=<b>".
#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "server/sigv4.hh"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Config {
  std::string host = "127.0.0.1";
  std::string port = "8000";
  std::string workload = "get";
  int server_pid = 0;  // when set: report the server's CPU time per request
  int connections = 16;
  double duration = 10;
  int items = 10000;
  int item_bytes = 1000;
  int scan_rounds = 1;  // scan: full scans of the filled table, one line each
  std::string stream;   // a StreamViewType: the bench table gets a stream of that view
  // Shell commands run just before and just after the timed run (after the
  // table is set up): bench/instructions.sh switches callgrind on and off.
  std::string before_run, after_run;
  std::string access_key = "AKIDEXAMPLE";
  std::string secret = "secret";
  std::string region = "us-east-1";
};

std::string amz_date() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

// One complete, signed HTTP request.
std::string build_request(const Config& c, const std::string& date, std::string_view op, const std::string& body) {
  std::string host = c.host + ":" + c.port;
  std::string target = "DynamoDB_20120810." + std::string(op);
  std::vector<std::pair<std::string, std::string>> headers = {
      {"content-type", "application/x-amz-json-1.0"}, {"host", host}, {"x-amz-date", date}, {"x-amz-target", target}};
  ddbd::server::sigv4::SigningParams p;
  p.access_key_id = c.access_key;
  p.secret_access_key = c.secret;
  p.region = c.region;
  p.service = "dynamodb";
  p.amz_date = date;
  std::string auth = ddbd::server::sigv4::sign_request("POST", "/", "", headers, body, p);
  std::string r = "POST / HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Date: " +
                  date + "\r\nX-Amz-Target: " + target + "\r\nAuthorization: " + auth +
                  "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return r;
}

// A blocking round trip, for setup.
std::string call(tcp::socket& s, const std::string& request) {
  asio::write(s, asio::buffer(request));
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(s, buf, res);
  if (res.result_int() != 200) throw std::runtime_error("setup request failed: " + res.body());
  return res.body();
}

// A blocking round trip that reads the answer into `body`, reusing its
// capacity and `buf`'s across calls.  For the scan workload: with a fresh
// 1 MB body per page (call() above), page faults and zero-filling took about
// 0.6 s of client CPU per full scan of 100,000 items, twice the server's
// time, and the scan's seconds counted it.
void call_into(tcp::socket& s, const std::string& request, beast::flat_buffer& buf, std::string& body) {
  asio::write(s, asio::buffer(request));
  http::response_parser<http::buffer_body> p;
  p.body_limit(std::numeric_limits<std::uint64_t>::max());
  http::read_header(s, buf, p);
  if (!p.content_length()) throw std::runtime_error("response without Content-Length");
  body.resize(static_cast<std::size_t>(*p.content_length()));
  p.get().body().data = body.data();
  p.get().body().size = body.size();
  while (!p.is_done()) {
    beast::error_code ec;
    http::read(s, buf, p, ec);
    if (ec && ec != http::error::need_buffer) throw beast::system_error(ec);
  }
  body.resize(body.size() - p.get().body().size);
  if (p.get().result_int() != 200) throw std::runtime_error("request failed: " + body);
}

std::string payload(int bytes, int seed) {
  std::string s(static_cast<std::size_t>(bytes), 'x');
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<char>('a' + (seed + i * 7) % 26);
  return s;
}

std::string item_json(const std::string& pk, const std::string& sk, int bytes, int seed) {
  return R"({"pk":{"S":")" + pk + R"("},"sk":{"S":")" + sk + R"("},"data":{"S":")" + payload(bytes, seed) +
         R"("},"n":{"N":")" + std::to_string(seed) + R"("}})";
}

void setup_table(const Config& c, tcp::socket& s, const std::string& date, const std::string& table) {
  try {
    call(s, build_request(c, date, "DeleteTable", R"({"TableName":")" + table + R"("})"));
  } catch (const std::exception&) {
  }
  call(s, build_request(c, date, "CreateTable",
                        R"({"TableName":")" + table +
                            R"(","BillingMode":"PAY_PER_REQUEST","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}])" +
                            (c.stream.empty() ? std::string()
                                              : R"(,"StreamSpecification":{"StreamEnabled":true,"StreamViewType":")" +
                                                    c.stream + R"("})") +
                            "}"));
}

void fill(const Config& c, tcp::socket& s, const std::string& date, const std::string& table, int n,
          const std::string& pk_prefix, bool same_partition) {
  for (int i = 0; i < n; i += 25) {
    std::string body = R"({"RequestItems":{")" + table + R"(":[)";
    for (int j = i; j < std::min(n, i + 25); ++j) {
      if (j > i) body += ",";
      std::string pk = same_partition ? pk_prefix : pk_prefix + std::to_string(j);
      char sk[16];
      std::snprintf(sk, sizeof sk, "%08d", j);
      body += R"({"PutRequest":{"Item":)" + item_json(pk, sk, c.item_bytes, j) + "}}";
    }
    body += "]}}";
    try {
      call(s, build_request(c, date, "BatchWriteItem", body));
    } catch (const std::exception&) {
      // No BatchWriteItem yet: one PutItem per item.
      for (int j = i; j < std::min(n, i + 25); ++j) {
        std::string pk = same_partition ? pk_prefix : pk_prefix + std::to_string(j);
        char sk[16];
        std::snprintf(sk, sizeof sk, "%08d", j);
        call(s, build_request(c, date, "PutItem",
                              R"({"TableName":")" + table + R"(","Item":)" + item_json(pk, sk, c.item_bytes, j) + "}"));
      }
    }
  }
}

// User + system CPU seconds of process `pid` (0: none), from /proc: the sum
// over its threads of the nanosecond run time in /proc/PID/task/TID/schedstat
// (the clock-tick counts of /proc/PID/stat are 10 ms coarse, a twentieth of a
// full scan).
double process_cpu_seconds(int pid) {
  if (pid <= 0) return 0;
  std::error_code ec;
  unsigned long long ns = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::FILE* f = std::fopen((task.path() / "schedstat").c_str(), "r");
    if (!f) continue;
    unsigned long long run = 0;
    if (std::fscanf(f, "%llu", &run) == 1) ns += run;
    std::fclose(f);
  }
  return static_cast<double>(ns) / 1e9;
}

struct Stats {
  std::vector<double> latencies_ms;
  long errors = 0;
  std::string first_error;
};

asio::awaitable<void> worker(tcp::endpoint ep, const std::vector<std::string>& pool, std::size_t offset, std::size_t stride,
                             Clock::time_point end, Stats& stats) {
  tcp::socket s(co_await asio::this_coro::executor);
  co_await s.async_connect(ep, asio::use_awaitable);
  s.set_option(tcp::no_delay(true));
  beast::flat_buffer buf;
  buf.reserve(64 * 1024);  // else Beast reads 512 bytes per recv
  std::size_t i = offset;
  while (Clock::now() < end) {
    const std::string& req = pool[i % pool.size()];
    i += stride;
    auto t0 = Clock::now();
    co_await asio::async_write(s, asio::buffer(req), asio::use_awaitable);
    http::response<http::string_body> res;
    co_await http::async_read(s, buf, res, asio::use_awaitable);
    auto t1 = Clock::now();
    stats.latencies_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    if (res.result_int() != 200) {
      if (stats.errors++ == 0) stats.first_error = std::to_string(res.result_int()) + " " + res.body();
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  Config c;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--endpoint") {
      auto hp = v.substr(v.find("//") == std::string::npos ? 0 : v.find("//") + 2);
      auto colon = hp.rfind(':');
      c.host = hp.substr(0, colon);
      c.port = colon == std::string::npos ? "80" : hp.substr(colon + 1);
    } else if (k == "--server-pid") {
      c.server_pid = std::stoi(v);
    } else if (k == "--workload") {
      c.workload = v;
    } else if (k == "--connections") {
      c.connections = std::stoi(v);
    } else if (k == "--duration") {
      c.duration = std::stod(v);
    } else if (k == "--items") {
      c.items = std::stoi(v);
    } else if (k == "--item-bytes") {
      c.item_bytes = std::stoi(v);
    } else if (k == "--scan-rounds") {
      c.scan_rounds = std::stoi(v);
    } else if (k == "--stream") {
      c.stream = v;
    } else if (k == "--before-run") {
      c.before_run = v;
    } else if (k == "--after-run") {
      c.after_run = v;
    } else {
      std::cerr << "usage: ddbd_loadgen --endpoint URL --workload put|get|query|update|scan|batchwrite|transact [--connections N] [--duration S] [--items N] [--item-bytes B] [--scan-rounds N] [--stream VIEW_TYPE] [--before-run CMD] [--after-run CMD]\n";
      return 1;
    }
  }
  asio::io_context ioc(1);
  tcp::resolver resolver(ioc);
  tcp::endpoint ep = *resolver.resolve(c.host, c.port).begin();
  const std::string date = amz_date();
  const std::string table = "bench_" + c.workload;

  std::vector<std::string> pool;
  {
    tcp::socket s(ioc);
    s.connect(ep);
    setup_table(c, s, date, table);
    if (c.workload == "put") {
      const int n = 200000;
      pool.reserve(n);
      for (int j = 0; j < n; ++j)
        pool.push_back(build_request(c, date, "PutItem",
                                     R"({"TableName":")" + table + R"(","Item":)" +
                                         item_json("p" + std::to_string(j), "s", c.item_bytes, j) + "}"));
    } else if (c.workload == "get") {
      fill(c, s, date, table, c.items, "p", false);
      std::mt19937 rng(1);
      for (int j = 0; j < c.items; ++j) {
        int k = static_cast<int>(rng() % static_cast<unsigned>(c.items));
        char sk[16];
        std::snprintf(sk, sizeof sk, "%08d", k);
        pool.push_back(build_request(c, date, "GetItem",
                                     R"({"TableName":")" + table + R"(","Key":{"pk":{"S":"p)" + std::to_string(k) +
                                         R"("},"sk":{"S":")" + sk + R"("}}})"));
      }
    } else if (c.workload == "query") {
      fill(c, s, date, table, 100, "hot", true);
      pool.push_back(build_request(c, date, "Query",
                                   R"({"TableName":")" + table +
                                       R"(","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"hot"}},"Limit":10})"));
    } else if (c.workload == "update") {
      // UpdateItem ADD on 4 hot keys, round-robin (the items appear with
      // the first ADD).
      for (int j = 0; j < 4; ++j)
        pool.push_back(build_request(c, date, "UpdateItem",
                                     R"({"TableName":")" + table + R"(","Key":{"pk":{"S":"hot)" + std::to_string(j) +
                                         R"("},"sk":{"S":"c"}},"UpdateExpression":"ADD #c :one",)"
                                         R"("ExpressionAttributeNames":{"#c":"counter"},)"
                                         R"("ExpressionAttributeValues":{":one":{"N":"1"}}})"));
    } else if (c.workload == "batchwrite") {
      // 25 distinct ~1 KB items per BatchWriteItem.
      const int n = 8000;
      pool.reserve(n);
      for (int j = 0; j < n; ++j) {
        std::string body = R"({"RequestItems":{")" + table + R"(":[)";
        for (int k = 0; k < 25; ++k) {
          if (k) body += ",";
          body += R"({"PutRequest":{"Item":)" + item_json("b" + std::to_string(j), std::to_string(k), c.item_bytes, j + k) + "}}";
        }
        body += "]}}";
        pool.push_back(build_request(c, date, "BatchWriteItem", body));
      }
    } else if (c.workload == "transact") {
      // TransactWriteItems of 4 actions: a conditional transfer between two
      // accounts (two Updates), a ConditionCheck and a Put, over 1,000 accounts.
      const int accounts = 1000;
      for (int j = 0; j < accounts; j += 25) {
        std::string body = R"J({"RequestItems":{")J" + table + R"J(":[)J";
        for (int k = j; k < j + 25; ++k)
          body += std::string(k > j ? "," : "") + R"J({"PutRequest":{"Item":{"pk":{"S":"a)J" + std::to_string(k) +
                  R"J("},"sk":{"S":"acct"},"bal":{"N":"1000000"}}}})J";
        body += "]}}";
        call(s, build_request(c, date, "BatchWriteItem", body));
      }
      std::mt19937 rng(7);
      const int n = 20000;
      pool.reserve(n);
      for (int j = 0; j < n; ++j) {
        int a = static_cast<int>(rng() % accounts), b = static_cast<int>(rng() % accounts), d = static_cast<int>(rng() % accounts);
        while (b == a) b = static_cast<int>(rng() % accounts);
        while (d == a || d == b) d = static_cast<int>(rng() % accounts);
        auto key = [&](int k) { return R"J({"pk":{"S":"a)J" + std::to_string(k) + R"J("},"sk":{"S":"acct"}})J"; };
        std::string body =
            R"J({"TransactItems":[{"Update":{"TableName":")J" + table + R"J(","Key":)J" + key(a) +
            R"J(,"UpdateExpression":"SET bal = bal - :v","ConditionExpression":"bal >= :v","ExpressionAttributeValues":{":v":{"N":"1"}}}},)J"
            R"J({"Update":{"TableName":")J" + table + R"J(","Key":)J" + key(b) +
            R"J(,"UpdateExpression":"SET bal = bal + :v","ExpressionAttributeValues":{":v":{"N":"1"}}}},)J"
            R"J({"ConditionCheck":{"TableName":")J" + table + R"J(","Key":)J" + key(d) +
            R"J(,"ConditionExpression":"attribute_exists(bal)"}},)J"
            R"J({"Put":{"TableName":")J" + table + R"J(","Item":)J" + item_json("log" + std::to_string(j), "t", c.item_bytes, j) + "}}]}";
        pool.push_back(build_request(c, date, "TransactWriteItems", body));
      }
    } else if (c.workload == "scan") {
      fill(c, s, date, table, c.items, "p", false);
      // Server-side full-scan rate: walk all pages on one connection, once
      // per round, over the same filled table.
      for (int round = 0; round < c.scan_rounds; ++round) {
        auto t0 = Clock::now();
        const double cpu0 = process_cpu_seconds(c.server_pid), own0 = process_cpu_seconds(getpid());
        std::string start, out;
        beast::flat_buffer buf;
        // Beast reads at most the buffer's free space (at least 512 bytes,
        // at most 64 KB) per recv: without room it reads a page 512 bytes
        // at a time, 2,000 system calls per page.
        buf.reserve(64 * 1024);
        long pages = 0, items = 0;
        for (;;) {
          std::string body = R"({"TableName":")" + table + "\"" + (start.empty() ? "" : ",\"ExclusiveStartKey\":" + start) + "}";
          call_into(s, build_request(c, date, "Scan", body), buf, out);
          ++pages;
          auto cpos = out.find("\"Count\":");
          items += std::stol(out.substr(cpos + 8));
          auto lek = out.find("\"LastEvaluatedKey\":");
          if (lek == std::string::npos) break;
          auto open = out.find('{', lek);
          int depth = 0;
          std::size_t j = open;
          for (; j < out.size(); ++j) {
            if (out[j] == '{') ++depth;
            if (out[j] == '}' && --depth == 0) break;
          }
          start = out.substr(open, j - open + 1);
        }
        double secs = std::chrono::duration<double>(Clock::now() - t0).count();
        std::printf("workload=scan items=%ld pages=%ld seconds=%.3f items_per_s=%.0f", items, pages, secs, items / secs);
        if (c.server_pid) std::printf(" server_cpu_s=%.3f", process_cpu_seconds(c.server_pid) - cpu0);
        std::printf(" client_cpu_s=%.3f", process_cpu_seconds(getpid()) - own0);
        std::printf("\n");
        std::fflush(stdout);
      }
      return 0;
    } else {
      std::cerr << "unknown workload " << c.workload << "\n";
      return 1;
    }
  }

  if (!c.before_run.empty() && std::system(c.before_run.c_str()) != 0) {
    std::cerr << "--before-run failed: " << c.before_run << "\n";
    return 1;
  }
  std::vector<Stats> stats(static_cast<std::size_t>(c.connections));
  auto end = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(c.duration));
  const double cpu0 = process_cpu_seconds(c.server_pid);
  auto t0 = Clock::now();
  for (int i = 0; i < c.connections; ++i)
    asio::co_spawn(ioc, worker(ep, pool, static_cast<std::size_t>(i), static_cast<std::size_t>(c.connections), end, stats[i]),
                   [](std::exception_ptr e) {
                     if (e) try { std::rethrow_exception(e); } catch (const std::exception& ex) { std::cerr << "connection failed: " << ex.what() << "\n"; }
                   });
  ioc.run();
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  if (!c.after_run.empty() && std::system(c.after_run.c_str()) != 0) std::cerr << "--after-run failed: " << c.after_run << "\n";
  std::vector<double> all;
  long errors = 0;
  std::string first_error;
  for (auto& s : stats) {
    all.insert(all.end(), s.latencies_ms.begin(), s.latencies_ms.end());
    errors += s.errors;
    if (first_error.empty()) first_error = s.first_error;
  }
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) { return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<std::size_t>(p * all.size()))]; };
  std::printf("workload=%s requests=%zu errors=%ld seconds=%.2f req_per_s=%.0f p50_ms=%.3f p99_ms=%.3f\n", c.workload.c_str(),
              all.size(), errors, secs, all.size() / secs, pct(0.50), pct(0.99));
  if (c.server_pid && !all.empty())
    std::printf("workload=%s server_cpu_us_per_req=%.1f\n", c.workload.c_str(),
                (process_cpu_seconds(c.server_pid) - cpu0) * 1e6 / static_cast<double>(all.size()));
  if (errors) std::fprintf(stderr, "first error: %s\n", first_error.c_str());
  return errors ? 2 : 0;
}
