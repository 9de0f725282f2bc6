#include "api/json_writer.hh"

#include <gtest/gtest.h>

#include <cstdio>
#include <iterator>
#include <random>

#include "storage/item_codec.hh"

#include "../test_util.hh"

namespace ddbd::api {
namespace {

TEST(JsonWriterTest, EscapesStrings) {
  JsonWriter w;
  w.begin_object();
  w.key("k\"ey");
  w.string(std::string("a\\b\n\t\x01\x1f\xc3\xa9", 9));
  w.end_object();
  EXPECT_EQ(w.str(), "{\"k\\\"ey\":\"a\\\\b\\n\\t\\u0001\\u001f\xc3\xa9\"}");
}

TEST(JsonWriterTest, CommasBetweenMembersAndElements) {
  JsonWriter w;
  w.begin_object();
  w.key("a");
  w.begin_array();
  w.number(1);
  w.number(int64_t{-2});
  w.boolean(true);
  w.null();
  w.end_array();
  w.key("b");
  w.begin_object();
  w.end_object();
  w.end_object();
  EXPECT_EQ(w.str(), R"({"a":[1,-2,true,null],"b":{}})");
}

TEST(JsonWriterTest, WritesEveryAttributeType) {
  Item item;
  map_set(item, "s", AttributeValue::string("x"));
  map_set(item, "n", AttributeValue::number("1.5"));
  map_set(item, "b", AttributeValue::binary("hi"));
  map_set(item, "t", AttributeValue::boolean_value(true));
  map_set(item, "z", AttributeValue::null());
  map_set(item, "ss", test::set_of(AttrType::SS, {"a", "b"}));
  map_set(item, "bs", test::set_of(AttrType::BS, {"\x01"}));
  map_set(item, "l", test::list_of({AttributeValue::number("2")}));
  map_set(item, "m", test::map_of({{"in", AttributeValue::string("y")}}));
  JsonWriter w;
  w.item(item);
  EXPECT_EQ(w.str(),
            R"({"b":{"B":"aGk="},"bs":{"BS":["AQ=="]},"l":{"L":[{"N":"2"}]},"m":{"M":{"in":{"S":"y"}}},"n":{"N":"1.5"},"s":{"S":"x"},"ss":{"SS":["a","b"]},"t":{"BOOL":true},"z":{"NULL":true}})");
}

// Text that needs escaping at every position relative to the 8- and 16-byte
// blocks the escaper skips, next to clean text and multi-byte UTF-8.
std::string random_text(std::mt19937& rng) {
  static const std::string kPieces[] = {"a", "bcdefgh", "0123456789abcdef", "\"", "\\", "\n", "\x01", "\x1f", " ", "\x7f",
                                        "\xc3\xa9", "\xe2\x82\xac"};
  std::string s;
  for (int i = 0, n = static_cast<int>(rng() % 40); i < n; ++i) s += kPieces[rng() % std::size(kPieces)];
  return s;
}

AttributeValue random_value(std::mt19937& rng, int depth) {
  AttributeValue v;
  switch (rng() % (depth > 3 ? 5 : 10)) {
    case 0: v = AttributeValue::string(random_text(rng)); break;
    case 1: v = AttributeValue::number(std::to_string(static_cast<int>(rng() % 2001) - 1000)); break;
    case 2: v = AttributeValue::binary(random_text(rng)); break;
    case 3: v = AttributeValue::boolean_value(rng() & 1); break;
    case 4: v = AttributeValue::null(); break;
    case 5:
      v.type = AttrType::M;
      for (int i = 0, n = static_cast<int>(rng() % 4); i < n; ++i) map_set(v.map, random_text(rng), random_value(rng, depth + 1));
      break;
    case 6:
      v.type = AttrType::L;
      for (int i = 0, n = static_cast<int>(rng() % 4); i < n; ++i) v.list.push_back(random_value(rng, depth + 1));
      break;
    case 7: v.type = AttrType::SS; v.set = {random_text(rng) + "x", "y"}; break;
    case 8: v.type = AttrType::NS; v.set = {"1", "-2.5"}; break;
    default: v.type = AttrType::BS; v.set = {random_text(rng) + "\x02", "\x03"}; break;
  }
  return v;
}

TEST(JsonWriterTest, EncodedItemWritesWhatItemWrites) {
  std::mt19937 rng(5);
  for (int i = 0; i < 3000; ++i) {
    Item item;
    for (int a = 0, n = static_cast<int>(rng() % 6); a < n; ++a) map_set(item, random_text(rng), random_value(rng, 1));
    std::string bytes;
    storage::encode_item(item, bytes);
    JsonWriter expected, got;
    expected.begin_array();
    expected.item(item);
    expected.item(item);
    expected.end_array();
    got.begin_array();
    ASSERT_TRUE(got.encoded_item(bytes));
    ASSERT_TRUE(got.encoded_item(bytes));
    got.end_array();
    ASSERT_EQ(got.str(), expected.str());
  }
  JsonWriter w;
  EXPECT_FALSE(w.encoded_item(std::string("\x01\x01", 2)));
}

TEST(JsonWriterTest, EscapesAroundBlockBoundaries) {
  // Past two 64-byte steps and the 16-byte steps after them.
  for (std::size_t len = 0; len < 150; ++len) {
    for (std::size_t at = 0; at < len; ++at) {
      for (char special : {'"', '\\', '\n', '\x01'}) {
        std::string s(len, 'a');
        s[at] = special;
        JsonWriter w;
        w.string(s);
        const std::string esc = special == '"' ? "\\\"" : special == '\\' ? "\\\\" : special == '\n' ? "\\n" : "\\u0001";
        ASSERT_EQ(w.str(), "\"" + std::string(at, 'a') + esc + std::string(len - at - 1, 'a') + "\"") << len << " " << at;
      }
    }
  }
}

TEST(Base64Test, RoundTripsAndRejectsMalformed) {
  for (const std::string& s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar", std::string("\0\xff\x10", 3)}) {
    std::string enc, dec;
    base64_encode(s, enc);
    ASSERT_TRUE(base64_decode(enc, dec)) << enc;
    EXPECT_EQ(dec, s);
  }
  std::string out;
  EXPECT_FALSE(base64_decode("abc", out));
  EXPECT_FALSE(base64_decode("ab!=", out));
  EXPECT_FALSE(base64_decode("a===", out));
  EXPECT_FALSE(base64_decode("ab=c", out));
  EXPECT_FALSE(base64_decode("Zh==", out));  // non-zero bits after the last symbol
}

}  // namespace
}  // namespace ddbd::api

namespace ddbd::api {
namespace {

// The word-at-a-time scan must find a character to escape at any offset.
TEST(JsonWriterEscape, EveryOffsetAndCharacter) {
  auto reference = [](const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
          if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
          } else {
            out.push_back(static_cast<char>(c));
          }
      }
    }
    return out + "\"";
  };
  const std::string specials = std::string("\"\\\n\x01\x1f", 5) + std::string(1, '\0');
  for (std::size_t len = 0; len < 40; ++len) {
    for (std::size_t pos = 0; pos < len; ++pos) {
      for (char sp : specials) {
        std::string s(len, 'a');
        s[pos] = sp;
        if (len > 3) s[len / 2] = static_cast<char>(0xC3);  // a UTF-8 lead byte stays as it is
        JsonWriter w;
        w.string(s);
        EXPECT_EQ(w.str(), reference(s)) << "len " << len << " pos " << pos;
      }
    }
  }
}

}  // namespace
}  // namespace ddbd::api
