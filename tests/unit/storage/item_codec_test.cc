#include "storage/item_codec.hh"

#include <gtest/gtest.h>

#include <random>

#include "../test_util.hh"

namespace ddbd::storage {
namespace {

AttributeValue random_value(std::mt19937& rng, int depth) {
  std::uniform_int_distribution<int> type(0, depth > 3 ? 4 : 9);
  auto rand_str = [&](int max) {
    std::string s(std::uniform_int_distribution<int>(0, max)(rng), 'x');
    for (auto& c : s) c = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
    return s;
  };
  AttributeValue v;
  switch (type(rng)) {
    case 0: v = AttributeValue::string(rand_str(40)); break;
    case 1: v = AttributeValue::number(std::to_string(std::uniform_int_distribution<int>(-1000, 1000)(rng))); break;
    case 2: v = AttributeValue::binary(rand_str(40)); break;
    case 3: v = AttributeValue::boolean_value(rng() & 1); break;
    case 4: v = AttributeValue::null(); break;
    case 5:
      v.type = AttrType::M;
      for (int i = 0, n = static_cast<int>(rng() % 5); i < n; ++i) map_set(v.map, rand_str(8), random_value(rng, depth + 1));
      break;
    case 6:
      v.type = AttrType::L;
      for (int i = 0, n = static_cast<int>(rng() % 5); i < n; ++i) v.list.push_back(random_value(rng, depth + 1));
      break;
    case 7: v.type = AttrType::SS; v.set = {"a", rand_str(10) + "b"}; break;
    case 8: v.type = AttrType::NS; v.set = {"1", "2.5", "-3"}; break;
    default: v.type = AttrType::BS; v.set = {rand_str(3) + "\x01", rand_str(3) + "\x02"}; break;
  }
  return v;
}

// Up to 7 attributes named attr0..attr19 with random values.
Item random_item(std::mt19937& rng) {
  Item item;
  for (int a = 0, n = static_cast<int>(rng() % 8); a < n; ++a)
    map_set(item, "attr" + std::to_string(rng() % 20), random_value(rng, 1));
  return item;
}

// {"pk": S "hello", "l": L [N 42]}: small, with a nested value.
Item small_item() {
  return test::item_of({{"pk", AttributeValue::string("hello")}, {"l", test::list_of({AttributeValue::number("42")})}});
}

TEST(ItemCodecTest, RoundTripsRandomItems) {
  std::mt19937 rng(42);
  for (int i = 0; i < 2000; ++i) {
    const Item item = random_item(rng);
    std::string bytes;
    encode_item(item, bytes);
    Item back;
    ASSERT_TRUE(decode_item(bytes, back));
    ASSERT_EQ(back.size(), item.size());
    for (std::size_t k = 0; k < item.size(); ++k) {
      EXPECT_EQ(back[k].first, item[k].first);
      EXPECT_TRUE(back[k].second == item[k].second);
    }
  }
}

TEST(ItemCodecTest, RejectsTruncatedAndGarbageInput) {
  std::string bytes;
  encode_item(small_item(), bytes);
  Item out;
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) EXPECT_FALSE(decode_item(bytes.substr(0, cut), out)) << cut;
  EXPECT_FALSE(decode_item(bytes + "x", out));
  EXPECT_FALSE(decode_item(std::string("\x01\x01" "a\x7f", 4), out));  // unknown tag
}

// Rebuilds the item from visit_item's calls.
class RebuildVisitor final : public ItemVisitor {
 public:
  Item item;

  void begin_map(std::size_t) override {
    if (stack_.empty()) {
      stack_.push_back(nullptr);  // the item itself
      return;
    }
    AttributeValue* v = place();
    v->type = AttrType::M;
    stack_.push_back(v);
  }
  void member_name(std::string_view name) override { name_ = std::string(name); }
  void end_map() override { stack_.pop_back(); }
  void begin_list(std::size_t) override {
    AttributeValue* v = place();
    v->type = AttrType::L;
    stack_.push_back(v);
  }
  void end_list() override { stack_.pop_back(); }
  void scalar(AttrType type, std::string_view bytes) override {
    AttributeValue* v = place();
    v->type = type;
    v->str = std::string(bytes);
  }
  void boolean(bool b) override { *place() = AttributeValue::boolean_value(b); }
  void null() override { *place() = AttributeValue::null(); }
  void begin_set(AttrType type, std::size_t) override {
    set_ = place();
    set_->type = type;
  }
  void set_member(std::string_view bytes) override { set_->set.emplace_back(bytes); }
  void end_set() override { set_ = nullptr; }

 private:
  // Where the next value goes: a member of the innermost map (named by the
  // last member_name) or the next element of the innermost list.
  AttributeValue* place() {
    AttributeValue* top = stack_.back();
    if (!top) {
      item.emplace_back(name_, AttributeValue{});
      return &item.back().second;
    }
    if (top->type == AttrType::L) {
      top->list.emplace_back();
      return &top->list.back();
    }
    top->map.emplace_back(name_, AttributeValue{});
    return &top->map.back().second;
  }

  std::vector<AttributeValue*> stack_;
  AttributeValue* set_ = nullptr;
  std::string name_;
};

TEST(ItemCodecTest, VisitSeesWhatDecodeReturns) {
  std::mt19937 rng(43);
  for (int i = 0; i < 2000; ++i) {
    const Item item = random_item(rng);
    std::string bytes;
    encode_item(item, bytes);
    RebuildVisitor v;
    ASSERT_TRUE(visit_item(bytes, v));
    AttributeValue a, b;
    a.type = b.type = AttrType::M;
    a.map = item;
    b.map = v.item;
    ASSERT_EQ(v.item.size(), item.size());
    EXPECT_TRUE(a == b);
  }
}

TEST(ItemCodecTest, VisitRejectsTruncatedAndGarbageInput) {
  std::string bytes;
  encode_item(small_item(), bytes);
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    RebuildVisitor v;
    EXPECT_FALSE(visit_item(bytes.substr(0, cut), v)) << cut;
  }
  RebuildVisitor v1, v2;
  EXPECT_FALSE(visit_item(bytes + "x", v1));
  EXPECT_FALSE(visit_item(std::string("\x01\x01" "a\x7f", 4), v2));  // unknown tag
}

TEST(ItemCodecTest, VarintBoundaries) {
  for (uint64_t v : {0ull, 1ull, 127ull, 128ull, 16383ull, 16384ull, (1ull << 35) + 7, ~0ull}) {
    std::string s;
    put_varint(s, v);
    std::string_view in = s;
    uint64_t back = 0;
    ASSERT_TRUE(get_varint(in, back));
    EXPECT_EQ(back, v);
    EXPECT_TRUE(in.empty());
  }
}

}  // namespace
}  // namespace ddbd::storage
