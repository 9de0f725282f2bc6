#include "server/http_compression.hh"

#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <new>

namespace ddbd::server {

namespace {

// zlib's level for responses: level 1 compresses a Query's JSON about as
// well as the default (6) for a third of the CPU time.
constexpr int kResponseLevel = 1;
// Largest chunk handed to zlib at once (its counters are 32-bit).
constexpr std::size_t kZlibChunk = std::size_t{1} << 30;

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

bool blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

// Releases a z_stream's state on every path.
struct InflateGuard {
  z_stream* zs;
  ~InflateGuard() { inflateEnd(zs); }
};
struct DeflateGuard {
  z_stream* zs;
  ~DeflateGuard() { deflateEnd(zs); }
};

// A two-byte zlib header (RFC 1950 §2.2): method 8, window ≤ 32 KB, check
// bits.  Anything else under "deflate" is taken as raw deflate.
bool zlib_header(std::string_view in) {
  if (in.size() < 2) return false;
  const auto b0 = static_cast<unsigned char>(in[0]);
  const auto b1 = static_cast<unsigned char>(in[1]);
  return (b0 & 0x0f) == 8 && (b0 >> 4) <= 7 && ((b0 << 8) | b1) % 31 == 0;
}

bool gzip_magic(const unsigned char* p, std::size_t n) { return n >= 2 && p[0] == 0x1f && p[1] == 0x8b; }

}  // namespace

std::optional<BodyCoding> parse_content_encoding(std::string_view value) {
  value = trim(value);
  if (value.empty() || iequals(value, "identity")) return BodyCoding::identity;
  if (iequals(value, "gzip")) return BodyCoding::gzip;
  if (iequals(value, "deflate")) return BodyCoding::deflate;
  return std::nullopt;
}

InflateStatus inflate_body(std::string_view in, BodyCoding coding, std::size_t limit, std::size_t padding,
                           std::string& out) {
  out.clear();
  if (in.empty() || coding == BodyCoding::identity) {
    out.shrink_to_fit();
    return in.empty() ? InflateStatus::corrupt : InflateStatus::ok;
  }
  z_stream zs{};
  const int window = coding == BodyCoding::gzip ? 16 + MAX_WBITS : zlib_header(in) ? MAX_WBITS : -MAX_WBITS;
  if (inflateInit2(&zs, window) != Z_OK) throw std::bad_alloc();
  InflateGuard guard{&zs};

  auto fail = [&](InflateStatus s) {
    out.clear();
    out.shrink_to_fit();
    return s;
  };
  const auto* next = reinterpret_cast<const unsigned char*>(in.data());
  std::size_t left = in.size();
  std::size_t produced = 0;
  // The buffer grows by doubling from a guess of 4x the input, up to
  // limit + 1 bytes: one byte past the limit tells a body that is too large
  // from one that ends exactly there.
  out.resize(std::min(std::max<std::size_t>(in.size() * 4, 4096), limit + 1));
  for (;;) {
    if (produced == out.size()) {
      if (produced > limit) return fail(InflateStatus::too_large);
      out.resize(std::min(out.size() * 2, limit + 1));
    }
    const std::size_t in_chunk = std::min(left, kZlibChunk);
    const std::size_t out_chunk = std::min(out.size() - produced, kZlibChunk);
    zs.next_in = const_cast<unsigned char*>(next);
    zs.avail_in = static_cast<uInt>(in_chunk);
    zs.next_out = reinterpret_cast<unsigned char*>(out.data() + produced);
    zs.avail_out = static_cast<uInt>(out_chunk);
    const int rc = ::inflate(&zs, Z_NO_FLUSH);
    const std::size_t used = in_chunk - zs.avail_in;
    next += used;
    left -= used;
    produced += out_chunk - zs.avail_out;
    if (produced > limit) return fail(InflateStatus::too_large);
    if (rc == Z_STREAM_END) {
      // Another gzip member follows: part of the same body.
      if (coding == BodyCoding::gzip && gzip_magic(next, left)) {
        if (inflateReset(&zs) != Z_OK) return fail(InflateStatus::corrupt);
        continue;
      }
      break;  // anything else after the end is ignored
    }
    if (rc == Z_OK || rc == Z_BUF_ERROR) {
      // No progress possible: all input read and the stream did not end.
      if (left == 0 && zs.avail_out > 0) return fail(InflateStatus::corrupt);
      continue;
    }
    return fail(InflateStatus::corrupt);  // Z_DATA_ERROR, Z_NEED_DICT, Z_MEM_ERROR
  }
  out.resize(produced);
  out.reserve(produced + padding);
  return InflateStatus::ok;
}

BodyCoding choose_response_coding(std::string_view header) {
  // q of gzip, deflate and "*" as listed (negative: not listed).
  double q[3] = {-1, -1, -1};
  int chosen = -1;  // index into q of the best entry so far
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    std::string_view entry = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);

    std::size_t semi = entry.find(';');
    const std::string_view name = trim(entry.substr(0, semi));
    int which = iequals(name, "gzip") ? 0 : iequals(name, "deflate") ? 1 : name == "*" ? 2 : -1;
    if (which < 0) continue;        // unknown codings and identity
    if (q[which] > 0) continue;     // listed before with a non-zero q: that entry counts
    double quality = 1;             // no q, or none that parses
    while (semi != std::string_view::npos) {
      entry.remove_prefix(semi + 1);
      semi = entry.find(';');
      std::string_view param = trim(entry.substr(0, semi));
      if (param.empty() || lower(param.front()) != 'q') continue;
      param = trim(param.substr(1));
      if (param.empty() || param.front() != '=') continue;
      param = trim(param.substr(1));
      double v = 0;
      auto [end, ec] = std::from_chars(param.data(), param.data() + param.size(), v);
      if (ec != std::errc() || end != param.data() + param.size()) continue;
      quality = std::clamp(v, 0.0, 1.0);
      break;
    }
    q[which] = quality;
    if (quality <= 0) continue;
    // First listed wins a tie, except over "*", which a named coding of
    // the same q replaces.
    if (chosen < 0 || quality > q[chosen] || (chosen == 2 && quality >= q[2])) chosen = which;
  }
  if (chosen == 0) return BodyCoding::gzip;
  if (chosen == 1) return BodyCoding::deflate;
  if (chosen < 0) return BodyCoding::identity;
  // "*": a coding not listed, gzip first; else the better of those listed.
  if (q[0] < 0) return BodyCoding::gzip;
  if (q[1] < 0) return BodyCoding::deflate;
  if (q[0] <= 0 && q[1] <= 0) return BodyCoding::identity;
  return q[0] >= q[1] ? BodyCoding::gzip : BodyCoding::deflate;
}

std::string compress(std::string_view in, BodyCoding coding) {
  z_stream zs{};
  const int window = coding == BodyCoding::gzip ? 16 + MAX_WBITS : MAX_WBITS;
  if (deflateInit2(&zs, kResponseLevel, Z_DEFLATED, window, 8, Z_DEFAULT_STRATEGY) != Z_OK) throw std::bad_alloc();
  DeflateGuard guard{&zs};
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(in.size())));
  const auto* next = reinterpret_cast<const unsigned char*>(in.data());
  std::size_t left = in.size();
  std::size_t produced = 0;
  for (;;) {
    if (produced == out.size()) out.resize(out.size() * 2);
    const std::size_t in_chunk = std::min(left, kZlibChunk);
    const std::size_t out_chunk = std::min(out.size() - produced, kZlibChunk);
    zs.next_in = const_cast<unsigned char*>(next);
    zs.avail_in = static_cast<uInt>(in_chunk);
    zs.next_out = reinterpret_cast<unsigned char*>(out.data() + produced);
    zs.avail_out = static_cast<uInt>(out_chunk);
    const int rc = ::deflate(&zs, in_chunk == left ? Z_FINISH : Z_NO_FLUSH);
    const std::size_t used = in_chunk - zs.avail_in;
    next += used;
    left -= used;
    produced += out_chunk - zs.avail_out;
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK && rc != Z_BUF_ERROR) throw std::bad_alloc();  // zlib fails here only without memory
  }
  out.resize(produced);
  return out;
}

std::string_view coding_name(BodyCoding coding) {
  switch (coding) {
    case BodyCoding::gzip:
      return "gzip";
    case BodyCoding::deflate:
      return "deflate";
    case BodyCoding::identity:
      break;
  }
  return "identity";
}

}  // namespace ddbd::server
