#include "storage/attribute_value.hh"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "../test_util.hh"
#include "storage/number.hh"

namespace ddbd {
namespace {

using test::list_of;
using test::map_of;
using test::set_of;

std::vector<std::string> names(const AttrMap& m) {
  std::vector<std::string> out;
  for (const auto& e : m) out.push_back(e.first);
  return out;
}

TEST(AttributeValueTest, TypeNamesRoundTrip) {
  struct Case {
    AttrType type;
    std::string name;
    uint8_t tag;  // on-disk value: frozen
  };
  const std::vector<Case> cases = {
      {AttrType::S, "S", 0},     {AttrType::N, "N", 1},       {AttrType::B, "B", 2},   {AttrType::BOOL, "BOOL", 3},
      {AttrType::Null, "NULL", 4}, {AttrType::M, "M", 5},     {AttrType::L, "L", 6},   {AttrType::SS, "SS", 7},
      {AttrType::NS, "NS", 8},   {AttrType::BS, "BS", 9},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(attr_type_name(c.type), c.name);
    EXPECT_EQ(static_cast<uint8_t>(c.type), c.tag);
    AttrType out = AttrType::S;
    ASSERT_TRUE(attr_type_from_name(c.name, out)) << c.name;
    EXPECT_EQ(out, c.type);
  }
  for (const char* bad : {"", "s", "n", "Null", "null", "Bool", "SSS", "NSS", "X", "S "}) {
    AttrType out = AttrType::BS;
    EXPECT_FALSE(attr_type_from_name(bad, out)) << bad;
    EXPECT_EQ(out, AttrType::BS);  // untouched on failure
  }
}

TEST(AttributeValueTest, EqualityFollowsDynamoDbSemantics) {
  using AV = AttributeValue;
  struct Case {
    const char* what;
    AV a, b;
    bool equal;
  };
  const std::vector<Case> cases = {
      {"same string", AV::string("x"), AV::string("x"), true},
      {"different string", AV::string("x"), AV::string("y"), false},
      {"S vs B with the same bytes", AV::string("x"), AV::binary("x"), false},
      {"binary", AV::binary(std::string("\0\1", 2)), AV::binary(std::string("\0\1", 2)), true},
      {"numbers compare numerically", AV::number("1.0"), AV::number("1"), true},
      {"numbers in exponent form", AV::number("1E+2"), AV::number("100"), true},
      {"different numbers", AV::number("1"), AV::number("2"), false},
      {"N vs S", AV::number("1"), AV::string("1"), false},
      {"null", AV::null(), AV::null(), true},
      {"bool", AV::boolean_value(true), AV::boolean_value(true), true},
      {"bool differs", AV::boolean_value(true), AV::boolean_value(false), false},
      {"null vs false", AV::null(), AV::boolean_value(false), false},
      {"SS order ignored", set_of(AttrType::SS, {"a", "b"}), set_of(AttrType::SS, {"b", "a"}), true},
      {"SS differ", set_of(AttrType::SS, {"a", "b"}), set_of(AttrType::SS, {"a", "c"}), false},
      {"SS sizes differ", set_of(AttrType::SS, {"a"}), set_of(AttrType::SS, {"a", "b"}), false},
      {"NS numeric and unordered", set_of(AttrType::NS, {"1", "2"}), set_of(AttrType::NS, {"2.0", "1"}), true},
      {"NS differ", set_of(AttrType::NS, {"1", "2"}), set_of(AttrType::NS, {"1", "3"}), false},
      {"BS order ignored", set_of(AttrType::BS, {"\x01", "\x02"}), set_of(AttrType::BS, {"\x02", "\x01"}), true},
      {"SS vs BS", set_of(AttrType::SS, {"a"}), set_of(AttrType::BS, {"a"}), false},
      {"list in order", list_of({AV::string("a"), AV::number("1")}), list_of({AV::string("a"), AV::number("1.00")}), true},
      {"list order matters", list_of({AV::string("a"), AV::string("b")}), list_of({AV::string("b"), AV::string("a")}), false},
      {"list lengths differ", list_of({AV::string("a")}), list_of({}), false},
      {"empty lists", list_of({}), list_of({}), true},
      {"empty list vs empty map", list_of({}), map_of({}), false},
      {"map order ignored", map_of({{"a", AV::string("1")}, {"b", AV::number("2")}}),
       map_of({{"b", AV::number("2.0")}, {"a", AV::string("1")}}), true},
      {"map values differ", map_of({{"a", AV::string("1")}}), map_of({{"a", AV::string("2")}}), false},
      {"map names differ", map_of({{"a", AV::string("1")}}), map_of({{"b", AV::string("1")}}), false},
      {"map sizes differ", map_of({{"a", AV::string("1")}}), map_of({}), false},
      {"nested", map_of({{"l", list_of({map_of({{"x", set_of(AttrType::NS, {"1", "10"})}})})}}),
       map_of({{"l", list_of({map_of({{"x", set_of(AttrType::NS, {"1e1", "1"})}})})}}), true},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.a == c.b, c.equal) << c.what;
    EXPECT_EQ(c.b == c.a, c.equal) << c.what << " (swapped)";
    EXPECT_EQ(c.a != c.b, !c.equal) << c.what;
  }
}

TEST(AttributeValueTest, MapSetKeepsSortedOrderAndReplaces) {
  AttrMap m;
  for (const char* n : {"m", "b", "\xc3\xa9", "z", "a", "B", "", "aa"}) map_set(m, n, AttributeValue::string(n));
  // std::string order: bytewise, unsigned ("\xc3\xa9" after "z").
  EXPECT_EQ(names(m), (std::vector<std::string>{"", "B", "a", "aa", "b", "m", "z", "\xc3\xa9"}));
  map_set(m, "b", AttributeValue::number("7"));
  EXPECT_EQ(m.size(), 8u);
  ASSERT_NE(map_find(m, "b"), nullptr);
  EXPECT_EQ(*map_find(m, "b"), AttributeValue::number("7"));
}

TEST(AttributeValueTest, MapFindAndErase) {
  AttrMap m;
  for (const char* n : {"a", "c", "e"}) map_set(m, n, AttributeValue::string(n));
  const AttrMap& cm = m;
  for (const char* n : {"a", "c", "e"}) {
    ASSERT_NE(map_find(cm, n), nullptr) << n;
    EXPECT_EQ(map_find(cm, n)->str, n);
  }
  for (const char* n : {"", "b", "d", "f", "A", "aa"}) EXPECT_EQ(map_find(cm, n), nullptr) << n;
  // The mutable overload returns a usable pointer.
  map_find(m, "c")->str = "changed";
  EXPECT_EQ(map_find(cm, "c")->str, "changed");

  EXPECT_FALSE(map_erase(m, "b"));
  EXPECT_TRUE(map_erase(m, "c"));
  EXPECT_FALSE(map_erase(m, "c"));
  EXPECT_EQ(names(m), (std::vector<std::string>{"a", "e"}));
  EXPECT_TRUE(map_erase(m, "a"));
  EXPECT_TRUE(map_erase(m, "e"));
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(map_find(cm, "a"), nullptr);
}

TEST(AttributeValueTest, MapNormalizeSortsAndKeepsLastDuplicate) {
  AttrMap m = {
      {"b", AttributeValue::string("b1")}, {"a", AttributeValue::string("a1")}, {"b", AttributeValue::string("b2")},
      {"c", AttributeValue::string("c1")}, {"a", AttributeValue::string("a2")}, {"b", AttributeValue::string("b3")},
  };
  map_normalize(m);
  EXPECT_EQ(names(m), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(map_find(m, "a")->str, "a2");
  EXPECT_EQ(map_find(m, "b")->str, "b3");
  EXPECT_EQ(map_find(m, "c")->str, "c1");

  AttrMap empty;
  map_normalize(empty);
  EXPECT_TRUE(empty.empty());

  AttrMap sorted = {{"x", AttributeValue::null()}, {"y", AttributeValue::null()}};
  map_normalize(sorted);
  EXPECT_EQ(names(sorted), (std::vector<std::string>{"x", "y"}));
}

// Small maps are sorted by insertion, big ones by std::stable_sort: both
// keep the last of equal names, whatever the input order.
TEST(AttributeValueTest, MapNormalizeMatchesAStableSortAtEverySize) {
  std::mt19937 rng(17);
  for (std::size_t n = 0; n <= 70; ++n) {
    for (int round = 0; round < 20; ++round) {
      AttrMap m;
      for (std::size_t i = 0; i < n; ++i) {
        // Few distinct names in some rounds (duplicates), many in others.
        const unsigned names = round % 2 ? 5 : 200;
        m.emplace_back("n" + std::to_string(rng() % names), AttributeValue::number(std::to_string(i)));
      }
      if (round == 3) std::sort(m.begin(), m.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      // The reference: the last value given for each name, names in order.
      std::map<std::string, std::string> want;
      for (const auto& [name, v] : m) want[name] = v.str;
      map_normalize(m);
      ASSERT_EQ(m.size(), want.size()) << n;
      std::size_t i = 0;
      for (const auto& [name, value] : want) {
        ASSERT_EQ(m[i].first, name) << n;
        ASSERT_EQ(m[i].second.str, value) << n << " " << name;
        ++i;
      }
    }
  }
}

// value_size() sizes N text without an exponent from its digits; it must
// agree with the parsed number's size for every form of text.
TEST(AttributeValueTest, NumberSizeFromTextMatchesTheParsedNumber) {
  std::mt19937 rng(5);
  const std::string chars = "0000123456789";
  for (int round = 0; round < 20000; ++round) {
    std::string t;
    if (rng() % 3 == 0) t.push_back(rng() % 2 ? '-' : '+');
    const int int_digits = static_cast<int>(rng() % 12);
    for (int i = 0; i < int_digits; ++i) t.push_back(chars[rng() % chars.size()]);
    if (rng() % 2) {
      t.push_back('.');
      const int frac = static_cast<int>(rng() % 12);
      for (int i = 0; i < frac; ++i) t.push_back(chars[rng() % chars.size()]);
    }
    auto n = Number::parse(t);
    if (!n) continue;
    ASSERT_EQ(value_size(AttributeValue::number(t)), n->size_bytes()) << t;
    ASSERT_EQ(value_size(AttributeValue::number(n->to_string())), n->size_bytes()) << t;
  }
  // With an exponent the text is parsed.
  EXPECT_EQ(value_size(AttributeValue::number("1.5E+100")), Number::parse("1.5E+100")->size_bytes());
  EXPECT_EQ(value_size(AttributeValue::number("100e-3")), 2u);
}

TEST(AttributeValueTest, ValueSizeFollowsDynamoDbRules) {
  using AV = AttributeValue;
  // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
  struct Case {
    const char* what;
    AV v;
    std::size_t size;
  };
  const std::vector<Case> cases = {
      {"empty string", AV::string(""), 0},
      {"ascii string", AV::string("hello"), 5},
      {"utf-8 string counts bytes", AV::string("\xc3\xa9\xe2\x82\xac"), 5},
      {"binary counts raw bytes", AV::binary(std::string("\0\1\2", 3)), 3},
      {"zero", AV::number("0"), 1},
      {"one digit", AV::number("7"), 2},
      {"two digits", AV::number("27"), 2},
      {"three digits", AV::number("461"), 3},
      {"trailing zeros trimmed", AV::number("1000000"), 2},
      {"leading zeros trimmed", AV::number("0.0001"), 2},
      {"38 digits", AV::number("12345678901234567890123456789012345678"), 20},
      {"bool", AV::boolean_value(false), 1},
      {"null", AV::null(), 1},
      {"SS: sum of members, no overhead", set_of(AttrType::SS, {"ab", "cde"}), 5},
      {"BS: sum of members", set_of(AttrType::BS, {std::string("\0", 1), "xy"}), 3},
      {"NS: sum of number sizes", set_of(AttrType::NS, {"1", "123", "0.5"}), 2 + 3 + 2},
      {"empty list", list_of({}), 3},
      {"empty map", map_of({}), 3},
      {"list: 3 + (1 + element) each", list_of({AV::string("ab"), AV::null()}), 3 + (1 + 2) + (1 + 1)},
      {"map: 3 + (1 + name + value) each", map_of({{"k", AV::string("vv")}, {"kk", AV::boolean_value(true)}}),
       3 + (1 + 1 + 2) + (1 + 2 + 1)},
      {"nested", list_of({map_of({{"a", list_of({})}})}), 3 + 1 + (3 + 1 + 1 + 3)},
  };
  for (const auto& c : cases) EXPECT_EQ(value_size(c.v), c.size) << c.what;
}

TEST(AttributeValueTest, ItemSizeAddsNameBytes) {
  Item item;
  EXPECT_EQ(item_size(item), 0u);
  map_set(item, "pk", AttributeValue::string("hello"));               // 2 + 5
  map_set(item, "n", AttributeValue::number("123.45"));               // 1 + 4
  map_set(item, "\xc3\xa9", AttributeValue::boolean_value(true));     // 2 + 1
  map_set(item, "l", list_of({AttributeValue::string("x")}));         // 1 + 3 + 1 + 1
  EXPECT_EQ(item_size(item), 7u + 5u + 3u + 6u);
}

TEST(AttributeValueTest, ValueDepth) {
  using AV = AttributeValue;
  EXPECT_EQ(value_depth(AV::string("x")), 1);
  EXPECT_EQ(value_depth(AV::null()), 1);
  EXPECT_EQ(value_depth(set_of(AttrType::SS, {"a"})), 1);
  EXPECT_EQ(value_depth(list_of({})), 1);
  EXPECT_EQ(value_depth(map_of({})), 1);
  EXPECT_EQ(value_depth(list_of({AV::string("x")})), 2);
  EXPECT_EQ(value_depth(list_of({AV::string("x"), list_of({list_of({})})})), 3);
  EXPECT_EQ(value_depth(map_of({{"a", AV::null()}, {"b", map_of({{"c", list_of({AV::number("1")})}})}})), 4);
  AV deep = AV::string("leaf");
  for (int i = 0; i < 40; ++i) deep = (i % 2) ? list_of({deep}) : map_of({{"m", deep}});
  EXPECT_EQ(value_depth(deep), 41);
}

}  // namespace
}  // namespace ddbd
