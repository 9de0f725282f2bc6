#include "server/http_parser.hh"

#include <boost/beast/core/string.hpp>
#include <array>
#include <cstring>
#include <limits>

namespace ddbd::server {

namespace {

// RFC 9110 §5.6.2: tchar, as a table (a header block has a few hundred
// name bytes).
constexpr std::array<bool, 256> kTchar = [] {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

constexpr bool tchar(unsigned char c) { return kTchar[c]; }

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!tchar(static_cast<unsigned char>(c))) return false;
  return true;
}

constexpr bool ows(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && ows(s.back())) s.remove_suffix(1);
  return s;
}

bool valid_byte(unsigned char c) { return (c >= 0x20 || c == '\t') && c != 0x7f; }

// Field values: HTAB, SP, VCHAR and obs-text (RFC 9110 §5.5).  Eight bytes
// at a time: a word with no byte below 0x20 and none equal to 0x7f is
// valid; the rare word with one (a tab) is checked byte by byte.
bool valid_value(std::string_view v) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  constexpr std::uint64_t kHigh = 0x8080808080808080ull;
  std::size_t i = 0;
  for (; i + 8 <= v.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, v.data() + i, 8);
    // Bytes below 0x20 (high bit clear and w - 0x20 borrows), and bytes
    // equal to 0x7f (w ^ 0x7f is zero there).
    const std::uint64_t below = (w - kOnes * 0x20) & ~w & kHigh;
    const std::uint64_t x = w ^ (kOnes * 0x7f);
    const std::uint64_t del = (x - kOnes) & ~x & kHigh;
    if (below | del)
      for (std::size_t j = i; j < i + 8; ++j)
        if (!valid_byte(static_cast<unsigned char>(v[j]))) return false;
  }
  for (; i < v.size(); ++i)
    if (!valid_byte(static_cast<unsigned char>(v[i]))) return false;
  return true;
}

// A comma-separated list whose elements are empty or tokens (the
// Connection header).
bool valid_token_list(std::string_view v) {
  for (;;) {
    const auto comma = v.find(',');
    const std::string_view item = trim(v.substr(0, comma));
    if (!item.empty() && !is_token(item)) return false;
    if (comma == std::string_view::npos) return true;
    v.remove_prefix(comma + 1);
  }
}

bool parse_decimal(std::string_view s, std::uint64_t& out) {
  if (s.empty()) return false;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (std::numeric_limits<std::uint64_t>::max() - d) / 10) return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The CRLF-terminated line at the start of `in`, at most `max` bytes with its
// LF: done, with `line` (without CRLF) and `taken` (the bytes to consume);
// need_more while no LF has come; bad_request for a longer line or a bare LF.
ParseStatus crlf_line(std::string_view in, std::size_t max, std::string_view& line, std::size_t& taken) {
  const auto nl = in.substr(0, max).find('\n');
  if (nl == std::string_view::npos) return in.size() >= max ? ParseStatus::bad_request : ParseStatus::need_more;
  line = in.substr(0, nl);
  if (line.empty() || line.back() != '\r') return ParseStatus::bad_request;
  line.remove_suffix(1);
  taken = nl + 1;
  return ParseStatus::done;
}

}  // namespace

ParseStatus RequestHeadParser::parse(std::string_view data, HttpRequest& req, RequestHead& head) {
  // Bytes that may belong to the head; past them it is too large.
  const std::size_t n = std::min(data.size(), header_limit_);
  if (line_end_ == 0) {
    // A method that is not a token is refused before the line is complete
    // (a TLS handshake sent to this port gets its 400 at once).
    for (std::size_t i = 0; i < n && data[i] != ' '; ++i)
      if (!tchar(static_cast<unsigned char>(data[i]))) return ParseStatus::bad_request;
    const void* nl = std::memchr(data.data(), '\n', n);
    if (!nl) return data.size() > header_limit_ ? ParseStatus::header_too_large : ParseStatus::need_more;
    const std::size_t end = static_cast<std::size_t>(static_cast<const char*>(nl) - data.data());
    std::string_view line = data.substr(0, end);
    if (line.empty() || line.back() != '\r') return ParseStatus::bad_request;
    line.remove_suffix(1);
    // method SP request-target SP HTTP-version (RFC 9112 §3).
    const auto sp1 = line.find(' ');
    if (sp1 == std::string_view::npos || sp1 == 0) return ParseStatus::bad_request;
    const auto sp2 = line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || sp2 == sp1 + 1) return ParseStatus::bad_request;
    for (char ch : line.substr(sp1 + 1, sp2 - sp1 - 1)) {
      const auto c = static_cast<unsigned char>(ch);
      if (c <= 0x20 || c == 0x7f) return ParseStatus::bad_request;
    }
    const std::string_view v = line.substr(sp2 + 1);
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (v.size() != 8 || !v.starts_with("HTTP/") || !digit(v[5]) || v[6] != '.' || !digit(v[7]))
      return ParseStatus::bad_request;
    if (v[5] != '1' || (v[7] != '0' && v[7] != '1')) return ParseStatus::version_not_supported;
    line_end_ = end + 1;
    scanned_ = line_end_;
  }
  // The empty line that ends the fields.
  std::size_t head_bytes = 0;
  while (head_bytes == 0) {
    const char* p = data.data() + scanned_;
    const void* nl = std::memchr(p, '\n', n - scanned_);
    if (!nl) return data.size() > header_limit_ ? ParseStatus::header_too_large : ParseStatus::need_more;
    const std::size_t len = static_cast<std::size_t>(static_cast<const char*>(nl) - p);
    if (len == 0 || p[len - 1] != '\r') return ParseStatus::bad_request;  // a bare LF
    scanned_ += len + 1;
    if (len == 1) head_bytes = scanned_;
  }
  // The request line again (it was checked above, maybe in an earlier call).
  const std::string_view line = data.substr(0, line_end_ - 2);
  const auto sp1 = line.find(' ');
  const auto sp2 = line.find(' ', sp1 + 1);
  req.method_string(line.substr(0, sp1));
  req.target(line.substr(sp1 + 1, sp2 - sp1 - 1));
  req.version(line[sp2 + 8] == '1' ? 11 : 10);
  head = RequestHead{};
  head.head_bytes = head_bytes;
  return parse_fields(data.substr(line_end_, head_bytes - line_end_), req, head);
}

ParseStatus RequestHeadParser::parse_fields(std::string_view block, HttpRequest& req, RequestHead& head) const {
  namespace http = boost::beast::http;
  bool has_length = false;
  bool chunked = false;
  for (;;) {
    const auto nl = block.find('\n');  // every line ends with CRLF (checked by parse())
    const std::string_view line = block.substr(0, nl - 1);
    block.remove_prefix(nl + 1);
    if (line.empty()) break;
    if (ows(line.front())) return ParseStatus::bad_request;  // obs-fold
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return ParseStatus::bad_request;
    const std::string_view name = line.substr(0, colon);
    if (!is_token(name)) return ParseStatus::bad_request;
    const std::string_view value = trim(line.substr(colon + 1));
    if (!valid_value(value)) return ParseStatus::bad_request;
    const http::field f = http::string_to_field(name);
    switch (f) {
      case http::field::content_length: {
        // A list of equal decimal numbers is one length (RFC 9110 §8.6).
        if (chunked) return ParseStatus::bad_request;
        std::string_view list = value;
        for (;;) {
          const auto comma = list.find(',');
          std::uint64_t v = 0;
          if (!parse_decimal(trim(list.substr(0, comma)), v)) return ParseStatus::bad_request;
          if (has_length && v != head.content_length) return ParseStatus::bad_request;
          has_length = true;
          head.content_length = v;
          if (comma == std::string_view::npos) break;
          list.remove_prefix(comma + 1);
        }
        break;
      }
      case http::field::transfer_encoding:
        if (chunked || has_length || !boost::beast::iequals(value, "chunked")) return ParseStatus::bad_request;
        chunked = true;
        break;
      case http::field::connection:
      case http::field::proxy_connection:
        if (!valid_token_list(value)) return ParseStatus::bad_request;
        break;
      case http::field::expect:
        if (req.version() >= 11 && boost::beast::iequals(value, "100-continue")) head.expect_continue = true;
        break;
      default:
        break;
    }
    req.insert(f, name, value);
  }
  if (chunked) {
    head.framing = BodyFraming::chunked;
  } else if (has_length) {
    if (head.content_length > body_limit_) return ParseStatus::body_too_large;
    head.framing = head.content_length > 0 ? BodyFraming::length : BodyFraming::none;
  }
  return ParseStatus::done;
}

ParseStatus ChunkedDecoder::feed(std::string_view& in, std::string& body, std::size_t limit) {
  for (;;) {
    switch (state_) {
      case State::size: {
        std::string_view line;
        std::size_t taken = 0;
        if (const ParseStatus st = crlf_line(in, kMaxLine, line, taken); st != ParseStatus::done) return st;
        std::uint64_t size = 0;
        std::size_t i = 0;
        for (; i < line.size() && hex_digit(line[i]) >= 0; ++i) {
          if (size > (std::numeric_limits<std::uint64_t>::max() >> 4)) return ParseStatus::bad_request;
          size = size * 16 + static_cast<std::uint64_t>(hex_digit(line[i]));
        }
        if (i == 0) return ParseStatus::bad_request;
        // Chunk extensions (RFC 9112 §7.1.1) are allowed and ignored.
        const std::string_view ext = trim(line.substr(i));
        if (!ext.empty() && (ext.front() != ';' || !valid_value(ext))) return ParseStatus::bad_request;
        in.remove_prefix(taken);
        if (size == 0) {
          state_ = State::trailer;
        } else {
          if (size > limit - std::min(limit, body.size())) return ParseStatus::body_too_large;
          left_ = size;
          state_ = State::data;
        }
        break;
      }
      case State::data: {
        if (in.empty()) return ParseStatus::need_more;
        const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(left_, in.size()));
        body.append(in.data(), take);
        in.remove_prefix(take);
        left_ -= take;
        if (left_ == 0) state_ = State::data_end;
        break;
      }
      case State::data_end:
        if (in.size() < 2) {
          if (!in.empty() && in[0] != '\r') return ParseStatus::bad_request;
          return ParseStatus::need_more;
        }
        if (in[0] != '\r' || in[1] != '\n') return ParseStatus::bad_request;
        in.remove_prefix(2);
        state_ = State::size;
        break;
      case State::trailer: {
        std::string_view line;
        std::size_t taken = 0;
        if (const ParseStatus st = crlf_line(in, kMaxLine, line, taken); st != ParseStatus::done) return st;
        trailer_bytes_ += taken;
        if (trailer_bytes_ > kMaxTrailer) return ParseStatus::bad_request;
        in.remove_prefix(taken);
        if (line.empty()) return ParseStatus::done;
        const auto colon = line.find(':');
        if (colon == std::string_view::npos || !is_token(line.substr(0, colon)) ||
            !valid_value(line.substr(colon + 1)))
          return ParseStatus::bad_request;
        break;
      }
    }
  }
}

}  // namespace ddbd::server
