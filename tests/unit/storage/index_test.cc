// index_key_of: which items an index holds (the sparse rule and the values a
// backfill leaves out).
#include "storage/index.hh"

#include <gtest/gtest.h>

#include <algorithm>

namespace ddbd::storage {
namespace {

IndexDef gsi(AttrType hash, std::optional<AttrType> range = std::nullopt) {
  IndexDef ix;
  ix.name = "g";
  ix.key.hash = KeyAttr{"h", hash};
  if (range) ix.key.range = KeyAttr{"r", *range};
  return ix;
}

Item item(std::optional<AttributeValue> h, std::optional<AttributeValue> r = std::nullopt) {
  Item it{{"pk", AttributeValue::string("p")}};
  if (h) it.emplace_back("h", *h);
  if (r) it.emplace_back("r", *r);
  std::sort(it.begin(), it.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return it;
}

TEST(IndexTest, KeyOfNeedsEveryAttributeWithTheDeclaredType) {
  PrimaryKey k;
  EXPECT_TRUE(index_key_of(gsi(AttrType::S), item(AttributeValue::string("x")), k));
  EXPECT_EQ(k.hash.str, "x");
  EXPECT_FALSE(index_key_of(gsi(AttrType::S), item(std::nullopt), k));
  EXPECT_FALSE(index_key_of(gsi(AttrType::N), item(AttributeValue::string("x")), k));
  EXPECT_FALSE(index_key_of(gsi(AttrType::S, AttrType::S), item(AttributeValue::string("x")), k));
}

TEST(IndexTest, KeyOfLeavesOutValuesAnIndexKeyCannotHold) {
  PrimaryKey k;
  // Empty strings and binaries (writes refuse them; a backfill finds them).
  EXPECT_FALSE(index_key_of(gsi(AttrType::S), item(AttributeValue::string("")), k));
  EXPECT_FALSE(index_key_of(gsi(AttrType::B), item(AttributeValue::binary("")), k));
  EXPECT_FALSE(index_key_of(gsi(AttrType::S, AttrType::S), item(AttributeValue::string("x"), AttributeValue::string("")), k));
  // 2048 bytes for the partition key, 1024 for the sort key.
  EXPECT_TRUE(index_key_of(gsi(AttrType::S), item(AttributeValue::string(std::string(2048, 'a'))), k));
  EXPECT_FALSE(index_key_of(gsi(AttrType::S), item(AttributeValue::string(std::string(2049, 'a'))), k));
  EXPECT_TRUE(index_key_of(gsi(AttrType::S, AttrType::B),
                           item(AttributeValue::string("x"), AttributeValue::binary(std::string(1024, 'b'))), k));
  EXPECT_FALSE(index_key_of(gsi(AttrType::S, AttrType::B),
                            item(AttributeValue::string("x"), AttributeValue::binary(std::string(1025, 'b'))), k));
}

}  // namespace
}  // namespace ddbd::storage
