#include "api/json_writer.hh"

#include <gtest/gtest.h>

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
  AttributeValue ss;
  ss.type = AttrType::SS;
  ss.set = {"a", "b"};
  map_set(item, "ss", ss);
  AttributeValue bs;
  bs.type = AttrType::BS;
  bs.set = {"\x01"};
  map_set(item, "bs", bs);
  AttributeValue l;
  l.type = AttrType::L;
  l.list.push_back(AttributeValue::number("2"));
  map_set(item, "l", l);
  AttributeValue m;
  m.type = AttrType::M;
  map_set(m.map, "in", AttributeValue::string("y"));
  map_set(item, "m", m);
  JsonWriter w;
  w.item(item);
  EXPECT_EQ(w.str(),
            R"({"b":{"B":"aGk="},"bs":{"BS":["AQ=="]},"l":{"L":[{"N":"2"}]},"m":{"M":{"in":{"S":"y"}}},"n":{"N":"1.5"},"s":{"S":"x"},"ss":{"SS":["a","b"]},"t":{"BOOL":true},"z":{"NULL":true}})");
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
