#include "api/json_reader.hh"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "api/errors.hh"
#include "json_test_util.hh"

namespace ddbd::api {
namespace {

using test::Doc;
using test::error_of;

TEST(JsonReaderTest, IntegersMustFitTheirCoralType) {
  Doc d(R"({"a": 2147483647, "b": 2147483648, "c": 1e300, "d": -2147483648, "e": 9223372036854775807,
            "f": 18446744073709551615, "g": 7.9, "h": -1e300, "i": "5"})");
  EXPECT_EQ(*get_int(d.body(), "a"), 2147483647);
  EXPECT_EQ(*get_int(d.body(), "d"), -2147483648LL);
  EXPECT_EQ(*get_int(d.body(), "g"), 7);
  EXPECT_EQ(*get_long(d.body(), "b"), 2147483648LL);
  EXPECT_EQ(*get_long(d.body(), "e"), INT64_MAX);
  EXPECT_EQ(error_of([&] { get_int(d.body(), "b"); }), "SerializationException: Numeric value (2147483648) out of range of int");
  EXPECT_EQ(error_of([&] { get_int(d.body(), "c"); }).find("SerializationException: Numeric value ("), 0u);
  EXPECT_NE(error_of([&] { get_long(d.body(), "c"); }).find("out of range of long"), std::string::npos);
  EXPECT_NE(error_of([&] { get_long(d.body(), "h"); }).find("out of range of long"), std::string::npos);
  EXPECT_NE(error_of([&] { get_long(d.body(), "f"); }).find("out of range of long"), std::string::npos);
  EXPECT_EQ(error_of([&] { get_int(d.body(), "i"); }), "SerializationException: STRING_VALUE cannot be converted to Integer");
}

TEST(JsonReaderTest, BooleansMustBeBooleans) {
  Doc d(R"({"t": true, "z": 0, "h": 0.5, "s": "true", "l": [], "m": {}, "n": null})");
  EXPECT_TRUE(*get_bool(d.body(), "t"));
  EXPECT_FALSE(get_bool(d.body(), "n").has_value());
  EXPECT_EQ(error_of([&] { get_bool(d.body(), "z"); }), "SerializationException: NUMBER_VALUE cannot be converted to Boolean");
  EXPECT_EQ(error_of([&] { get_bool(d.body(), "h"); }), "SerializationException: DECIMAL_VALUE cannot be converted to Boolean");
  EXPECT_EQ(error_of([&] { get_bool(d.body(), "s"); }), "SerializationException: Unexpected token received from parser");
  EXPECT_EQ(error_of([&] { get_bool(d.body(), "l"); }),
            "SerializationException: Unrecognized collection type class java.lang.Boolean");
  EXPECT_EQ(error_of([&] { get_bool(d.body(), "m"); }),
            "SerializationException: Start of structure or map found where not expected");
}

TEST(JsonReaderTest, NullElementsOfAttributeValuesAreRefused) {
  for (const char* text : {R"({"v": {"L": [null, {"S": "x"}]}})", R"({"v": {"M": {"a": null}}})",
                           R"({"v": {"SS": ["a", null]}})", R"({"v": {"BS": [null]}})", R"({"v": null})"}) {
    Doc d(text);
    EXPECT_EQ(error_of([&] { decode_attribute_map(d.body()); }), "SerializationException: Unexpected value type in payload")
        << text;
  }
  Doc ok(R"({"v": {"L": [{"S": "x"}, {"NULL": true}], "N": null}})");
  AttrMap m = decode_attribute_map(ok.body());
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].second.list.size(), 2u);
}

// Maps are decoded into their sorted places: sorted by name, the last of
// equal names kept, every value (a replaced one too) checked, and the first
// error in input order reported; the same for maps past the small size.
TEST(JsonReaderTest, MapsAreSortedWithTheLastOfEqualNamesKept) {
  for (int extra : {0, 40}) {
    std::string text = R"({"b": {"S": "1"}, "a": {"N": "02"}, "b": {"S": "3"}, "c": {"M": {"y": {"S": "y"}, "x": {"S": "x"}}})";
    for (int i = 0; i < extra; ++i) text += ", \"k" + std::to_string(100 + i) + "\": {\"BOOL\": true}";
    text += R"(, "a": {"N": "2.50"}})";
    Doc d(text);
    AttrMap m = decode_attribute_map(d.body());
    ASSERT_EQ(m.size(), 3u + extra) << extra;
    EXPECT_TRUE(std::is_sorted(m.begin(), m.end(), [](const auto& x, const auto& y) { return x.first < y.first; }));
    EXPECT_EQ(m[0].first, "a");
    EXPECT_EQ(m[0].second.str, "2.5");
    EXPECT_EQ(m[1].first, "b");
    EXPECT_EQ(m[1].second.str, "3");
    EXPECT_EQ(m[2].first, "c");
    ASSERT_EQ(m[2].second.map.size(), 2u);
    EXPECT_EQ(m[2].second.map[0].first, "x");
    EXPECT_EQ(m[2].second.map[1].first, "y");
  }
  // A replaced value is still checked; the first bad value in input order
  // is the one reported.
  Doc replaced(R"({"a": {"N": "x1"}, "a": {"N": "1"}})");
  EXPECT_EQ(error_of([&] { decode_attribute_map(replaced.body()); }).find("ValidationException: "), 0u);
  Doc order(R"({"z": {"S": "ok", "N": "1"}, "a": {}})");
  EXPECT_EQ(error_of([&] { decode_attribute_map(order.body()); }),
            "ValidationException: Supplied AttributeValue has more than one datatypes set, must contain exactly one of "
            "the supported datatypes");
}

TEST(JsonReaderTest, AttributeNamesAreLimitedTo64KB) {
  std::string ok(limits::kMaxAttributeNameBytes, 'a');
  EXPECT_NO_THROW(check_attribute_name(ok));
  EXPECT_EQ(error_of([&] { check_attribute_name(ok + "a"); }).find("ValidationException: "), 0u);
  Doc d("{\"" + ok + "b\": {\"S\": \"x\"}}");
  EXPECT_EQ(error_of([&] { decode_attribute_map(d.body()); }).find("ValidationException: "), 0u);
}

TEST(JsonReaderTest, MalformedBodiesHaveAMessage) {
  for (const char* text : {"{not json", "", "[]", "\"x\"", "{\"a\": \"\xff\"}"}) {
    std::string e = error_of([&] { Doc d(text); });
    EXPECT_EQ(e.find("SerializationException: "), 0u) << text;
    EXPECT_GT(e.size(), std::string("SerializationException: ").size()) << text;
  }
}

}  // namespace
}  // namespace ddbd::api
