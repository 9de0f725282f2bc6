#include "storage/key_codec.hh"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "storage/number.hh"

namespace ddbd::storage {
namespace {

std::string sort_key(const AttributeValue& v) {
  std::string out;
  encode_sort_component(v, out);
  return out;
}

TEST(KeyCodecTest, StringSortKeysOrderBytewise) {
  std::vector<std::string> values = {"", "a", "A", "ab", "b", "\xc3\xa9", "a\x01", "zz", "\x7f", "\x80"};
  std::sort(values.begin(), values.end(), [](const std::string& a, const std::string& b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                        [](char x, char y) { return static_cast<unsigned char>(x) < static_cast<unsigned char>(y); });
  });
  for (std::size_t i = 1; i < values.size(); ++i)
    EXPECT_LT(sort_key(AttributeValue::string(values[i - 1])), sort_key(AttributeValue::string(values[i])));
}

TEST(KeyCodecTest, NumberSortKeysOrderNumerically) {
  std::mt19937 rng(7);
  std::vector<Number> nums;
  for (const char* s : {"0", "-1", "1", "-0.5", "0.5", "10", "9.99", "1E+125", "-1E+125", "1E-130", "-1E-130", "100", "99"})
    nums.push_back(*Number::parse(s));
  for (int i = 0; i < 2000; ++i) {
    std::string s = (rng() & 1 ? "-" : "") + std::to_string(rng() % 100000) + "." + std::to_string(rng() % 1000) + "E" +
                    std::to_string(static_cast<int>(rng() % 60) - 30);
    auto n = Number::parse(s);
    ASSERT_TRUE(n) << s;
    nums.push_back(*n);
  }
  std::sort(nums.begin(), nums.end(), [](const Number& a, const Number& b) { return a.compare(b) < 0; });
  for (std::size_t i = 1; i < nums.size(); ++i) {
    auto a = sort_key(AttributeValue::number(nums[i - 1].to_string()));
    auto b = sort_key(AttributeValue::number(nums[i].to_string()));
    if (nums[i - 1].compare(nums[i]) == 0)
      EXPECT_EQ(a, b);
    else
      EXPECT_LT(a, b) << nums[i - 1].to_string() << " vs " << nums[i].to_string();
  }
}

TEST(KeyCodecTest, LongKeysStayWithinLmdbLimit) {
  PrimaryKey k;
  k.hash = AttributeValue::string(std::string(2048, 'h'));
  k.range = AttributeValue::string(std::string(1024, 'r'));
  std::string out;
  encode_primary_key(1, k, out);
  EXPECT_LE(out.size(), 511u);
  // Two long partition keys differing only at the end still differ.
  PrimaryKey k2 = k;
  k2.hash.str.back() = 'i';
  std::string out2;
  encode_primary_key(1, k2, out2);
  EXPECT_NE(out, out2);
}

TEST(KeyCodecTest, PartitionPrefixIsPrefixOfItemKeys) {
  PrimaryKey k;
  k.hash = AttributeValue::string("user#1");
  k.range = AttributeValue::number("12");
  std::string prefix, full;
  encode_partition_prefix(9, k.hash, prefix);
  encode_primary_key(9, k, full);
  EXPECT_TRUE(full.starts_with(prefix));
}

TEST(KeyCodecTest, SegmentsCoverTheHashSpace) {
  EXPECT_EQ(*segment_start(0, 1), 0u);
  EXPECT_FALSE(segment_start(1, 1));
  EXPECT_EQ(*segment_start(1, 2), 1ull << 63);
  for (uint32_t total : {3u, 7u, 1000000u}) {
    uint64_t prev = 0;
    for (uint32_t s = 1; s < std::min<uint32_t>(total, 50); ++s) {
      uint64_t cur = *segment_start(s, total);
      EXPECT_GT(cur, prev);
      prev = cur;
    }
  }
}

}  // namespace
}  // namespace ddbd::storage
