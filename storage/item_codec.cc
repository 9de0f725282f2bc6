#include "storage/item_codec.hh"

#include <array>

namespace ddbd::storage {

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

bool get_varint(std::string_view& in, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in.empty()) return false;
    auto b = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    v |= uint64_t(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

void put_bytes(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

bool get_bytes(std::string_view& in, std::string_view& s) {
  uint64_t n;
  if (!get_varint(in, n) || n > in.size()) return false;
  s = in.substr(0, n);
  in.remove_prefix(n);
  return true;
}

namespace {

void encode_value(const AttributeValue& v, std::string& out);

void encode_map(const AttrMap& m, std::string& out) {
  put_varint(out, m.size());
  for (const auto& [name, value] : m) {
    put_bytes(out, name);
    encode_value(value, out);
  }
}

void encode_value(const AttributeValue& v, std::string& out) {
  out.push_back(static_cast<char>(v.type));
  switch (v.type) {
    case AttrType::S:
    case AttrType::N:
    case AttrType::B:
      put_bytes(out, v.str);
      break;
    case AttrType::BOOL:
      out.push_back(v.boolean ? 1 : 0);
      break;
    case AttrType::Null:
      break;
    case AttrType::M:
      encode_map(v.map, out);
      break;
    case AttrType::L:
      put_varint(out, v.list.size());
      for (const auto& e : v.list) encode_value(e, out);
      break;
    case AttrType::SS:
    case AttrType::NS:
    case AttrType::BS:
      put_varint(out, v.set.size());
      for (const auto& e : v.set) put_bytes(out, e);
      break;
  }
}

// Depth is bounded by what the api accepts (32 levels); the guard protects
// against a corrupt buffer recursing without end.
constexpr int kMaxDecodeDepth = 64;

bool visit_value(std::string_view& in, ItemVisitor& v, int depth);

bool visit_map(std::string_view& in, ItemVisitor& v, int depth) {
  uint64_t n;
  if (!get_varint(in, n) || n > in.size()) return false;
  v.begin_map(n);
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view name;
    if (!get_bytes(in, name)) return false;
    v.member_name(name);
    if (!visit_value(in, v, depth)) return false;
  }
  v.end_map();
  return true;
}

bool visit_value(std::string_view& in, ItemVisitor& v, int depth) {
  if (depth > kMaxDecodeDepth || in.empty()) return false;
  auto tag = static_cast<uint8_t>(in.front());
  in.remove_prefix(1);
  if (tag > static_cast<uint8_t>(AttrType::BS)) return false;
  const auto type = static_cast<AttrType>(tag);
  std::string_view s;
  uint64_t n;
  switch (type) {
    case AttrType::S:
    case AttrType::N:
    case AttrType::B:
      if (!get_bytes(in, s)) return false;
      v.scalar(type, s);
      return true;
    case AttrType::BOOL:
      if (in.empty()) return false;
      v.boolean(in.front() != 0);
      in.remove_prefix(1);
      return true;
    case AttrType::Null:
      v.null();
      return true;
    case AttrType::M:
      return visit_map(in, v, depth + 1);
    case AttrType::L:
      if (!get_varint(in, n) || n > in.size()) return false;
      v.begin_list(n);
      for (uint64_t i = 0; i < n; ++i)
        if (!visit_value(in, v, depth + 1)) return false;
      v.end_list();
      return true;
    case AttrType::SS:
    case AttrType::NS:
    case AttrType::BS:
      if (!get_varint(in, n) || n > in.size()) return false;
      v.begin_set(type, n);
      for (uint64_t i = 0; i < n; ++i) {
        if (!get_bytes(in, s)) return false;
        v.set_member(s);
      }
      v.end_set();
      return true;
  }
  return false;
}

// Builds an Item from the walk, so that visit_value is the one reader of the
// encoding.  Each open map or list is a frame; a value goes to the last
// member of the innermost map, or is appended to the innermost list.
class ItemBuilder final : public ItemVisitor {
 public:
  explicit ItemBuilder(Item& root) : root_(root) {}
  bool ok() const { return ok_; }

  void begin_map(std::size_t count) override {
    AttrMap* m = &root_;
    if (top_ > 0) {
      AttributeValue& v = slot();
      v.type = AttrType::M;
      m = &v.map;
    } else {
      root_.clear();
    }
    m->reserve(count);
    push(Frame{m, nullptr});
  }
  void member_name(std::string_view name) override {
    frames_[top_ - 1].map->emplace_back(std::string(name), AttributeValue{});
  }
  void end_map() override { --top_; }
  void begin_list(std::size_t count) override {
    AttributeValue& v = slot();
    v.type = AttrType::L;
    v.list.reserve(count);
    push(Frame{nullptr, &v.list});
  }
  void end_list() override { --top_; }
  void scalar(AttrType type, std::string_view bytes) override {
    AttributeValue& v = slot();
    v.type = type;
    v.str.assign(bytes);
  }
  void boolean(bool b) override {
    AttributeValue& v = slot();
    v.type = AttrType::BOOL;
    v.boolean = b;
  }
  void null() override { slot().type = AttrType::Null; }
  void begin_set(AttrType type, std::size_t count) override {
    AttributeValue& v = slot();
    v.type = type;
    v.set.reserve(count);
    set_ = &v.set;
  }
  void set_member(std::string_view bytes) override { set_->emplace_back(bytes); }
  void end_set() override {}

 private:
  struct Frame {
    AttrMap* map;
    std::vector<AttributeValue>* list;
  };
  AttributeValue& slot() {
    Frame& f = frames_[top_ - 1];
    if (f.map) return f.map->back().second;
    return f.list->emplace_back();
  }
  void push(Frame f) {
    // visit_value stops at kMaxDecodeDepth, so this never overflows; the
    // check keeps a corrupt buffer from writing past the frames regardless.
    if (top_ == frames_.size()) {
      ok_ = false;
      --top_;
    }
    frames_[top_++] = f;
  }

  Item& root_;
  std::array<Frame, kMaxDecodeDepth + 4> frames_{};
  std::size_t top_ = 0;
  std::vector<std::string>* set_ = nullptr;
  bool ok_ = true;
};

}  // namespace

void encode_item(const Item& item, std::string& out) { encode_map(item, out); }

bool visit_item(std::string_view bytes, ItemVisitor& v) { return visit_map(bytes, v, 0) && bytes.empty(); }

bool decode_item(std::string_view bytes, Item& out) {
  ItemBuilder b(out);
  return visit_item(bytes, b) && b.ok();
}

}  // namespace ddbd::storage
