#include "server/http_headers.hh"

#include <chrono>
#include <string_view>

namespace ddbd::server {

std::string http_date(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  const std::size_t n = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return std::string(buf, n);
}

void set_server_headers(boost::beast::http::fields& fields) {
  thread_local std::time_t cached_at = -1;
  thread_local std::string cached;
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  if (now != cached_at) {
    cached = http_date(now);
    cached_at = now;
  }
  fields.set(boost::beast::http::field::server, "Server");
  fields.set(boost::beast::http::field::date, cached);
}

}  // namespace ddbd::server
