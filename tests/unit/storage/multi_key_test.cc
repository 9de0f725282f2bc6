// Multi-attribute index keys (storage/key_codec.hh, storage/index.hh): the
// tuple encoding against a reference comparator over random tuples, the cut
// of long tuples, sparse entries, and the single-attribute layout unchanged.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <random>

#include "storage/index.hh"
#include "storage/key_codec.hh"
#include "storage/number.hh"

namespace ddbd::storage {
namespace {

int sign(int c) { return (c > 0) - (c < 0); }

int compare_bytes(std::string_view a, std::string_view b) {
  const int c = a.compare(b);  // std::char_traits<char>::compare is memcmp: unsigned bytes
  return sign(c);
}

// DynamoDB's order of one key value: N numerically, S and B bytewise.
int compare_value(const AttributeValue& a, const AttributeValue& b) {
  if (a.type == AttrType::N) return sign(Number::parse(a.str)->compare(*Number::parse(b.str)));
  return compare_bytes(a.str, b.str);
}

// The reference: tuples compare lexicographically, component by component.
int compare_tuples(const std::vector<AttributeValue>& a, const std::vector<AttributeValue>& b) {
  for (std::size_t i = 0; i < a.size(); ++i)
    if (int c = compare_value(a[i], b[i]); c != 0) return c;
  return 0;
}

std::string tuple_bytes(const std::vector<AttributeValue>& t) {
  std::string out;
  for (const auto& v : t) append_tuple_component(v, out);
  return out;
}

// Random values that stress the encoding: short strings over an alphabet
// with 00, 01 and FF bytes (escaping, terminators, prefixes of each other),
// and numbers of both signs and many magnitudes.
class Gen {
 public:
  explicit Gen(unsigned seed) : rng_(seed) {}

  AttributeValue value(AttrType t) {
    if (t == AttrType::N) {
      std::string s = (rng_() % 3 == 0 ? "-" : "") + std::to_string(rng_() % 1000);
      if (rng_() % 2) s += "." + std::to_string(rng_() % 100);
      if (rng_() % 3 == 0) s += "E" + std::to_string(static_cast<int>(rng_() % 40) - 20);
      return AttributeValue::number(Number::parse(s)->to_string());
    }
    static const char alphabet[] = {'\0', '\x01', 'a', 'b', '\xff', '\x7f'};
    std::string s;
    const std::size_t n = rng_() % 5 + (t == AttrType::S ? 1 : 0);
    for (std::size_t i = 0; i < n; ++i) s.push_back(alphabet[rng_() % sizeof alphabet]);
    return t == AttrType::S ? AttributeValue::string(s) : AttributeValue::binary(s);
  }

  std::vector<AttrType> schema() {
    std::vector<AttrType> types;
    const std::size_t n = rng_() % 4 + 1;
    for (std::size_t i = 0; i < n; ++i) types.push_back(std::array{AttrType::S, AttrType::N, AttrType::B}[rng_() % 3]);
    return types;
  }

  std::vector<AttributeValue> tuple(const std::vector<AttrType>& types) {
    std::vector<AttributeValue> t;
    for (AttrType ty : types) t.push_back(value(ty));
    return t;
  }

  std::mt19937& rng() { return rng_; }

 private:
  std::mt19937 rng_;
};

TEST(MultiKeyTest, TupleBytesOrderAsTheTuples) {
  Gen g(15);
  for (int round = 0; round < 200; ++round) {
    const auto types = g.schema();
    std::vector<std::vector<AttributeValue>> tuples;
    for (int i = 0; i < 40; ++i) tuples.push_back(g.tuple(types));
    // Every pair, both ways.
    for (const auto& a : tuples)
      for (const auto& b : tuples)
        ASSERT_EQ(compare_bytes(tuple_bytes(a), tuple_bytes(b)), compare_tuples(a, b));
  }
}

TEST(MultiKeyTest, EqualNumbersEncodeAlike) {
  const auto a = tuple_bytes({AttributeValue::number("1"), AttributeValue::string("x")});
  auto one = AttributeValue::number("1");
  one.str = "1.0";  // not canonical text: the same number
  EXPECT_EQ(a, tuple_bytes({one, AttributeValue::string("x")}));
}

TEST(MultiKeyTest, EntryKeysOrderAsTheTuplesThenStayWithinLmdb) {
  Gen g(16);
  for (int round = 0; round < 100; ++round) {
    const auto types = g.schema();
    std::vector<std::vector<AttributeValue>> tuples;
    for (int i = 0; i < 30; ++i) tuples.push_back(g.tuple(types));
    PrimaryKey base{AttributeValue::string("p"), std::nullopt};
    auto entry = [&](const std::vector<AttributeValue>& t) {
      PrimaryKey ik{AttributeValue::binary("h"), AttributeValue::binary(tuple_bytes(t))};
      std::string k;
      encode_multi_index_key(9, 3, ik, base, k);
      return k;
    };
    for (const auto& a : tuples)
      for (const auto& b : tuples) ASSERT_EQ(compare_bytes(entry(a), entry(b)), compare_tuples(a, b));
  }
}

TEST(MultiKeyTest, LongTuplesAreCutButKeepTheirOrderUpToTheCut) {
  // Four 1024-byte strings: the tuple is cut to kMultiSkInline bytes + SHA-256.
  std::vector<std::vector<AttributeValue>> tuples;
  std::mt19937 rng(17);
  for (int i = 0; i < 50; ++i) {
    std::vector<AttributeValue> t;
    for (int c = 0; c < 4; ++c) {
      std::string s(1024, 'x');
      s[rng() % 200] = static_cast<char>('a' + rng() % 3);  // differences early in the component
      t.push_back(AttributeValue::string(s));
    }
    tuples.push_back(std::move(t));
  }
  // Short tuples sharing the long ones' start, and uncut tuples near the limit.
  tuples.push_back({AttributeValue::string("x"), AttributeValue::string("x"), AttributeValue::string("x"),
                    AttributeValue::string("x")});
  tuples.push_back({AttributeValue::string(std::string(355, 'x')), AttributeValue::string("a"),
                    AttributeValue::string("a"), AttributeValue::string("a")});
  PrimaryKey base{AttributeValue::binary(std::string(2048, 'b')), AttributeValue::binary(std::string(1024, 'r'))};
  auto entry = [&](const std::vector<AttributeValue>& t) {
    PrimaryKey ik{AttributeValue::binary(std::string(300, 'h')), AttributeValue::binary(tuple_bytes(t))};
    std::string k;
    encode_multi_index_key(9, 3, ik, base, k);
    EXPECT_LE(k.size(), 511u);
    return k;
  };
  for (const auto& a : tuples)
    for (const auto& b : tuples) {
      const std::string ta = tuple_bytes(a), tb = tuple_bytes(b);
      // Decided within the kept bytes: the order is exact.
      const std::size_t common = std::mismatch(ta.begin(), ta.end(), tb.begin(), tb.end()).first - ta.begin();
      if (common < kMultiSkInline) {
        EXPECT_EQ(compare_bytes(entry(a), entry(b)), compare_tuples(a, b));
      }
    }
}

IndexDef multi_index() {
  IndexDef ix;
  ix.name = "gsi";
  ix.index_id = 4;
  ix.key.hash = KeyAttr{"h1", AttrType::S};
  ix.key.hash_more = {KeyAttr{"h2", AttrType::N}};
  ix.key.range = KeyAttr{"r1", AttrType::N};
  ix.key.range_more = {KeyAttr{"r2", AttrType::B}};
  return ix;
}

Item item(std::vector<std::pair<std::string, AttributeValue>> attrs) {
  std::sort(attrs.begin(), attrs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return attrs;
}

TEST(MultiKeyTest, AnItemMissingAnyKeyAttributeOrOfAnotherTypeIsNotIndexed) {
  const IndexDef ix = multi_index();
  const Item full = item({{"h1", AttributeValue::string("a")},
                          {"h2", AttributeValue::number("2")},
                          {"r1", AttributeValue::number("3")},
                          {"r2", AttributeValue::binary("b")}});
  PrimaryKey k;
  ASSERT_TRUE(index_key_of(ix, full, k));
  EXPECT_EQ(k.hash.str, tuple_bytes({AttributeValue::string("a"), AttributeValue::number("2")}));
  ASSERT_TRUE(k.range);
  EXPECT_EQ(k.range->str, tuple_bytes({AttributeValue::number("3"), AttributeValue::binary("b")}));
  EXPECT_EQ(k.hash, key_tuple({&full[0].second, &full[1].second}));
  for (std::size_t drop = 0; drop < full.size(); ++drop) {
    Item partial = full;
    partial.erase(partial.begin() + static_cast<std::ptrdiff_t>(drop));
    EXPECT_FALSE(index_key_of(ix, partial, k)) << full[drop].first;
    Item wrong = full;
    wrong[drop].second = AttributeValue::boolean_value(true);
    EXPECT_FALSE(index_key_of(ix, wrong, k)) << full[drop].first;
  }
}

TEST(MultiKeyTest, SingleAttributeIndexesKeepTheirLayout) {
  IndexDef ix;
  ix.index_id = 2;
  ix.key.hash = KeyAttr{"g", AttrType::S};
  ix.key.range = KeyAttr{"s", AttrType::N};
  const PrimaryKey ik{AttributeValue::string("x"), AttributeValue::number("5")};
  const PrimaryKey base{AttributeValue::string("p"), std::nullopt};
  std::string a, b;
  encode_index_key(7, ix, ik, base, a);
  encode_index_key(7, 2, ik, base, b);
  EXPECT_EQ(a, b);
}

TEST(MultiKeyTest, BeginsWithPrefixIsAPrefixOfEveryMatchingComponent) {
  Gen g(18);
  for (int i = 0; i < 2000; ++i) {
    const AttributeValue v = g.value(AttrType::B);
    const std::string whole = tuple_bytes({v});
    for (std::size_t n = 0; n <= v.str.size(); ++n) {
      std::string p;
      append_tuple_prefix(std::string_view(v.str).substr(0, n), p);
      ASSERT_TRUE(std::string_view(whole).starts_with(p));
    }
  }
}

}  // namespace
}  // namespace ddbd::storage
