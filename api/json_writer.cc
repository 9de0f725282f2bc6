#include "api/json_writer.hh"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include <charconv>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "api/hex.hh"
#include "storage/encoded_item.hh"

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

namespace {

// Appends std::to_chars' form of `v`: integers exactly, doubles in the
// shortest text that reads back to the same value.
template <class T>
void append_chars(std::string& out, T v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

}  // namespace

void JsonWriter::number(int64_t v) {
  sep();
  append_chars(out_, v);
}

void JsonWriter::number(uint64_t v) {
  sep();
  append_chars(out_, v);
}

void JsonWriter::number_double(double v) {
  sep();
  append_chars(out_, v);
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

// Bytes that JSON strings must escape: control characters, '"' and '\\'.
constexpr std::array<bool, 256> kNeedsEscape = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = true;
  t['"'] = t['\\'] = true;
  return t;
}();

// The index of the first byte of s[0, n) that needs escaping, or n.
inline std::size_t first_to_escape(const char* s, std::size_t n) {
  std::size_t i = 0;
#if defined(__SSE2__)
  // SSE2 is part of x86-64.  64 bytes per step with one branch, then 16:
  // an item's long strings are most of a read's answer (a 1 KB attribute
  // was a third of a Query's server instructions with 16 bytes a step and
  // a branch for each).
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), max_control = _mm_set1_epi8(0x1f);
  auto hits = [&](const char* p) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // x <= 0x1f (unsigned) exactly when max(x, 0x1f) == 0x1f.
    return _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)),
                        _mm_cmpeq_epi8(_mm_max_epu8(x, max_control), max_control));
  };
  for (; i + 64 <= n; i += 64) {
    const __m128i any = _mm_or_si128(_mm_or_si128(hits(s + i), hits(s + i + 16)),
                                     _mm_or_si128(hits(s + i + 32), hits(s + i + 48)));
    if (_mm_movemask_epi8(any) != 0) break;
  }
  for (; i + 16 <= n; i += 16) {
    const int mask = _mm_movemask_epi8(hits(s + i));
    if (mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  for (; i < n; ++i)
    if (kNeedsEscape[static_cast<unsigned char>(s[i])]) return i;
  return n;
}

}  // namespace

void JsonWriter::escaped(std::string_view s) {
  const std::size_t n = s.size();
  std::size_t i = first_to_escape(s.data(), n);
  out_.reserve(out_.size() + n + 2);
  out_.push_back('"');
  // Most text needs no escaping: one copy.
  if (i == n) {
    out_.append(s.data(), n);
    out_.push_back('"');
    return;
  }
  std::size_t start = 0;
  while (i < n) {
    out_.append(s.data() + start, i - start);
    const auto c = static_cast<unsigned char>(s[i]);
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
        append_hex_byte(out_, c);
    }
    start = i + 1;
    i = start + first_to_escape(s.data() + start, n - start);
  }
  out_.append(s.data() + start, n - start);
  out_.push_back('"');
}

namespace {

// `{"T":` for each type, in AttrType order.
constexpr std::string_view kOpenTyped[] = {
    R"({"S":)", R"({"N":)", R"({"B":)", R"({"BOOL":)", R"({"NULL":)", R"({"M":)", R"({"L":)", R"({"SS":)", R"({"NS":)", R"({"BS":)",
};

}  // namespace

void JsonWriter::open_typed(AttrType type) {
  // begin_object() then key(name): the type names need no escaping.
  sep();
  out_.append(kOpenTyped[static_cast<std::size_t>(type)]);
  first_ = false;
  after_key_ = true;
}

void JsonWriter::attribute_value(const AttributeValue& v) {
  open_typed(v.type);
  switch (v.type) {
    case AttrType::S:
    case AttrType::N:
      string(v.str);
      break;
    case AttrType::B:
      base64_string(v.str);
      break;
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
      for (const auto& e : v.set) base64_string(e);
      end_array();
      break;
  }
  end_object();
}

void JsonWriter::base64_string(std::string_view raw) {
  sep();
  out_.push_back('"');
  base64_encode(raw, out_);  // the alphabet needs no escaping
  out_.push_back('"');
}

// Writes what JsonWriter::item / attribute_value would write for the decoded
// item, as storage::visit_item walks the encoding.  `depth_` counts the open
// maps and lists: the item's own map (depth 0) has no {"M":...} wrapper.
class EncodedItemWriter final : public storage::ItemVisitor {
 public:
  explicit EncodedItemWriter(JsonWriter& w) : w_(w) {}

  void begin_map(std::size_t) override {
    if (depth_++ > 0) open_value(AttrType::M);
    w_.begin_object();
  }
  void member_name(std::string_view name) override { w_.key(name); }
  void end_map() override {
    w_.end_object();
    if (--depth_ > 0) w_.end_object();
  }
  void begin_list(std::size_t) override {
    ++depth_;
    open_value(AttrType::L);
    w_.begin_array();
  }
  void end_list() override {
    --depth_;
    w_.end_array();
    w_.end_object();
  }
  void scalar(AttrType type, std::string_view bytes) override {
    open_value(type);
    if (type == AttrType::B)
      w_.base64_string(bytes);
    else
      w_.string(bytes);
    w_.end_object();
  }
  void boolean(bool b) override {
    open_value(AttrType::BOOL);
    w_.boolean(b);
    w_.end_object();
  }
  void null() override {
    open_value(AttrType::Null);
    w_.boolean(true);
    w_.end_object();
  }
  void begin_set(AttrType type, std::size_t) override {
    set_type_ = type;
    open_value(type);
    w_.begin_array();
  }
  void set_member(std::string_view bytes) override {
    if (set_type_ == AttrType::BS)
      w_.base64_string(bytes);
    else
      w_.string(bytes);
  }
  void end_set() override {
    w_.end_array();
    w_.end_object();
  }

 private:
  // `{"T":` for a value of type `type`.
  void open_value(AttrType type) { w_.open_typed(type); }

  JsonWriter& w_;
  int depth_ = 0;
  AttrType set_type_ = AttrType::SS;
};

bool JsonWriter::encoded_item(std::string_view encoded) {
  EncodedItemWriter v(*this);
  return storage::visit_item(encoded, v);
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
