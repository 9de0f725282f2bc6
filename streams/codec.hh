// The byte encodings of the aux records of streams/ and of api/'s
// global-table records (api/global_tables.cc): a writer that appends
// fixed-width big-endian integers, doubles and length-prefixed strings, and a reader that takes them back and reports a
// short or malformed buffer instead of reading past it.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace ddbd::streams::codec {

inline void put_u64(std::string& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (i * 8)) & 0xff));
}
inline void put_i64(std::string& out, int64_t v) { put_u64(out, static_cast<uint64_t>(v)); }
inline void put_u8(std::string& out, uint8_t v) { out.push_back(static_cast<char>(v)); }
inline void put_f64(std::string& out, double d) {
  uint64_t v;
  std::memcpy(&v, &d, sizeof v);
  put_u64(out, v);
}
inline void put_str(std::string& out, std::string_view s) {
  put_u64(out, s.size());
  out.append(s);
}

// Reads what the put_* functions wrote, in the same order.  Once a read
// fails, ok() stays false and every later read returns a zero value.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  uint64_t u64() {
    if (!need(8)) return 0;
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(in_[i]);
    in_.remove_prefix(8);
    return v;
  }
  int64_t i64() { return static_cast<int64_t>(u64()); }
  uint8_t u8() {
    if (!need(1)) return 0;
    uint8_t v = static_cast<unsigned char>(in_[0]);
    in_.remove_prefix(1);
    return v;
  }
  double f64() {
    uint64_t v = u64();
    double d;
    std::memcpy(&d, &v, sizeof d);
    return d;
  }
  std::string_view str() {
    uint64_t n = u64();
    if (!need(n)) return {};
    std::string_view s = in_.substr(0, n);
    in_.remove_prefix(n);
    return s;
  }

 private:
  bool need(uint64_t n) {
    if (ok_ && in_.size() >= n) return true;
    ok_ = false;
    return false;
  }
  std::string_view in_;
  bool ok_ = true;
};

}  // namespace ddbd::streams::codec
