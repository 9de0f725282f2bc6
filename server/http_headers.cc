#include "server/http_headers.hh"

#include <chrono>
#include <string_view>

namespace ddbd::server {

namespace {

// Writes `t` as an IMF-fixdate (29 characters) into `buf`; returns its length.
std::size_t format_http_date(std::time_t t, char (&buf)[40]) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  return std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

}  // namespace

std::string http_date(std::time_t t) {
  char buf[40];
  const std::size_t n = format_http_date(t, buf);
  return std::string(buf, n);
}

std::string_view current_http_date() {
  // An IMF-fixdate is 29 characters; the buffer is the thread's, so a second
  // change costs one strftime and no allocation.
  thread_local std::time_t cached_at = -1;
  thread_local char cached[40];
  thread_local std::size_t cached_size = 0;
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  if (now != cached_at) {
    cached_size = format_http_date(now, cached);
    cached_at = now;
  }
  return {cached, cached_size};
}

void serialize_head(const boost::beast::http::response_header<HttpFields>& head, std::string& out) {
  out.clear();
  out += head.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  const unsigned code = head.result_int();
  const char digits[3] = {static_cast<char>('0' + code / 100 % 10), static_cast<char>('0' + code / 10 % 10),
                          static_cast<char>('0' + code % 10)};
  out.append(digits, 3);
  out += ' ';
  const auto reason = head.reason();
  out.append(reason.data(), reason.size());
  out += "\r\nServer: Server\r\nDate: ";
  out += current_http_date();
  out += "\r\n";
  for (const auto& f : head) {
    const auto name = f.name_string();
    const auto value = f.value();
    out.append(name.data(), name.size());
    out += ": ";
    out.append(value.data(), value.size());
    out += "\r\n";
  }
  out += "\r\n";
}

}  // namespace ddbd::server
