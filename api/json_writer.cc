#include "api/json_writer.hh"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include <charconv>

namespace ddbd::api {

void JsonWriter::key(std::string_view k) {
  sep();
  escaped(k);
  out_.push_back(':');
  after_key_ = true;
}

void JsonWriter::string(std::string_view s) {
  sep();
  escaped(s);
}

void JsonWriter::number(int64_t v) {
  sep();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, r.ptr);
}

void JsonWriter::number(uint64_t v) {
  sep();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, r.ptr);
}

void JsonWriter::number_double(double v) {
  sep();
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, r.ptr);
}

void JsonWriter::boolean(bool b) {
  sep();
  out_.append(b ? "true" : "false");
}

void JsonWriter::null() {
  sep();
  out_.append("null");
}

void JsonWriter::raw_member(std::string_view members) {
  sep();
  out_.append(members);
}

void JsonWriter::raw_value(std::string_view value) {
  sep();
  out_.append(value);
}

namespace {

// True when one of the 8 bytes of `w` is < 0x20, '"' or '\\' (SWAR).
inline bool word_needs_escape(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
  const std::uint64_t below_space = (w - kOnes * 0x20) & ~w & kHighs;
  const std::uint64_t q = w ^ (kOnes * '"'), b = w ^ (kOnes * '\\');
  const std::uint64_t quote = (q - kOnes) & ~q & kHighs;
  const std::uint64_t backslash = (b - kOnes) & ~b & kHighs;
  return (below_space | quote | backslash) != 0;
}

}  // namespace

void JsonWriter::escaped(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out_.reserve(out_.size() + s.size() + 2);
  out_.push_back('"');
  std::size_t start = 0;
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    // Skip clean 8-byte words; most text needs no escaping.
    while (i + 8 <= n) {
      std::uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if (word_needs_escape(w)) break;
      i += 8;
    }
    const std::size_t stop = std::min(n, i + 8);
    for (; i < stop; ++i) {
      auto c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      out_.append(s.data() + start, i - start);
      start = i + 1;
      switch (c) {
        case '"': out_.append("\\\""); break;
        case '\\': out_.append("\\\\"); break;
        case '\n': out_.append("\\n"); break;
        case '\r': out_.append("\\r"); break;
        case '\t': out_.append("\\t"); break;
        case '\b': out_.append("\\b"); break;
        case '\f': out_.append("\\f"); break;
        default:
          out_.append("\\u00");
          out_.push_back(kHex[c >> 4]);
          out_.push_back(kHex[c & 15]);
      }
    }
  }
  out_.append(s.data() + start, n - start);
  out_.push_back('"');
}

void JsonWriter::attribute_value(const AttributeValue& v) {
  begin_object();
  key(attr_type_name(v.type));
  switch (v.type) {
    case AttrType::S:
    case AttrType::N:
      string(v.str);
      break;
    case AttrType::B: {
      sep();
      std::string b64;
      base64_encode(v.str, b64);
      out_.push_back('"');
      out_.append(b64);
      out_.push_back('"');
      break;
    }
    case AttrType::BOOL:
      boolean(v.boolean);
      break;
    case AttrType::Null:
      boolean(true);
      break;
    case AttrType::M:
      item(v.map);
      break;
    case AttrType::L:
      begin_array();
      for (const auto& e : v.list) attribute_value(e);
      end_array();
      break;
    case AttrType::SS:
    case AttrType::NS:
      begin_array();
      for (const auto& e : v.set) string(e);
      end_array();
      break;
    case AttrType::BS:
      begin_array();
      for (const auto& e : v.set) {
        std::string b64;
        base64_encode(e, b64);
        string(b64);
      }
      end_array();
      break;
  }
  end_object();
}

void JsonWriter::item(const AttrMap& m) {
  begin_object();
  for (const auto& [name, value] : m) {
    key(name);
    attribute_value(value);
  }
  end_object();
}

void base64_encode(std::string_view in, std::string& out) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  out.reserve(out.size() + (in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t n = (uint32_t(uint8_t(in[i])) << 16) | (uint32_t(uint8_t(in[i + 1])) << 8) | uint8_t(in[i + 2]);
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
    out.push_back(kAlphabet[n & 63]);
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint32_t(uint8_t(in[i])) << 16;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.append("==");
  } else if (i + 2 == in.size()) {
    uint32_t n = (uint32_t(uint8_t(in[i])) << 16) | (uint32_t(uint8_t(in[i + 1])) << 8);
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
    out.push_back('=');
  }
}

bool base64_decode(std::string_view in, std::string& out) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (in.size() % 4 != 0) return false;
  out.reserve(out.size() + in.size() / 4 * 3);
  for (std::size_t i = 0; i < in.size(); i += 4) {
    int a = val(in[i]), b = val(in[i + 1]);
    if (a < 0 || b < 0) return false;
    bool last = i + 4 == in.size();
    char c3 = in[i + 2], c4 = in[i + 3];
    if (last && c3 == '=') {
      if (c4 != '=' || (b & 15)) return false;
      out.push_back(static_cast<char>((a << 2) | (b >> 4)));
      return true;
    }
    int c = val(c3);
    if (c < 0) return false;
    if (last && c4 == '=') {
      if (c & 3) return false;
      out.push_back(static_cast<char>((a << 2) | (b >> 4)));
      out.push_back(static_cast<char>(((b & 15) << 4) | (c >> 2)));
      return true;
    }
    int d = val(c4);
    if (d < 0) return false;
    out.push_back(static_cast<char>((a << 2) | (b >> 4)));
    out.push_back(static_cast<char>(((b & 15) << 4) | (c >> 2)));
    out.push_back(static_cast<char>(((c & 3) << 6) | d));
  }
  return true;
}

}  // namespace ddbd::api
