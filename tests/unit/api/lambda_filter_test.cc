// Lambda event filtering: each pattern form matches and fails where Lambda's
// does, and malformed patterns are rejected.
#include "api/lambda/filter.hh"

#include <gtest/gtest.h>

namespace ddbd::api::lambda {
namespace {

constexpr const char* kRecord = R"({"eventName":"INSERT","eventSource":"aws:dynamodb",
  "dynamodb":{"Keys":{"pk":{"S":"user#1"}},
              "NewImage":{"pk":{"S":"user#1"},"qty":{"N":"7"},"tags":{"SS":["a","b"]},"ok":{"BOOL":true}}}})";

bool match(const std::string& pattern) { return FilterSet::compile({pattern}).matches_json(kRecord); }

TEST(LambdaFilter, ExactValuesAndNesting) {
  EXPECT_TRUE(match(R"({"eventName":["INSERT"]})"));
  EXPECT_FALSE(match(R"({"eventName":["MODIFY"]})"));
  EXPECT_TRUE(match(R"({"eventName":["MODIFY","INSERT"]})")) << "a list is an OR";
  EXPECT_TRUE(match(R"({"dynamodb":{"NewImage":{"pk":{"S":["user#1"]}}}})"));
  EXPECT_FALSE(match(R"({"dynamodb":{"NewImage":{"missing":{"S":["x"]}}}})"));
  EXPECT_TRUE(match(R"({"dynamodb":{"NewImage":{"ok":{"BOOL":[true]}}}})"));
  EXPECT_TRUE(match(R"({"dynamodb":{"NewImage":{"tags":{"SS":["b"]}}}})")) << "any element of an event array";
  EXPECT_FALSE(match(R"({"eventName":["INSERT"],"eventSource":["aws:sqs"]})")) << "keys are ANDed";
}

TEST(LambdaFilter, PrefixSuffixAnythingButIgnoreCase) {
  EXPECT_TRUE(match(R"({"dynamodb":{"Keys":{"pk":{"S":[{"prefix":"user#"}]}}}})"));
  EXPECT_FALSE(match(R"({"dynamodb":{"Keys":{"pk":{"S":[{"prefix":"order#"}]}}}})"));
  EXPECT_TRUE(match(R"({"dynamodb":{"Keys":{"pk":{"S":[{"suffix":"#1"}]}}}})"));
  EXPECT_TRUE(match(R"({"eventName":[{"anything-but":["REMOVE","MODIFY"]}]})"));
  EXPECT_FALSE(match(R"({"eventName":[{"anything-but":"INSERT"}]})"));
  EXPECT_FALSE(match(R"({"eventName":[{"anything-but":{"prefix":"INS"}}]})"));
  EXPECT_TRUE(match(R"({"eventName":[{"equals-ignore-case":"insert"}]})"));
}

TEST(LambdaFilter, NumericRangesOnNumberStrings) {
  EXPECT_TRUE(match(R"({"dynamodb":{"NewImage":{"qty":{"N":[{"numeric":[">",5,"<=",7]}]}}}})"));
  EXPECT_FALSE(match(R"({"dynamodb":{"NewImage":{"qty":{"N":[{"numeric":[">",7]}]}}}})"));
  EXPECT_TRUE(match(R"({"dynamodb":{"NewImage":{"qty":{"N":[{"numeric":["=",7]}]}}}})"));
}

TEST(LambdaFilter, Exists) {
  EXPECT_TRUE(match(R"({"dynamodb":{"NewImage":{"qty":[{"exists":true}]}}})"));
  EXPECT_FALSE(match(R"({"dynamodb":{"OldImage":[{"exists":true}]}})"));
  EXPECT_TRUE(match(R"({"dynamodb":{"OldImage":[{"exists":false}]}})"));
  EXPECT_FALSE(match(R"({"dynamodb":{"NewImage":[{"exists":false}]}})"));
}

TEST(LambdaFilter, AnyFilterOfTheSetMatches) {
  auto set = FilterSet::compile({R"({"eventName":["REMOVE"]})", R"({"eventName":["INSERT"]})"});
  EXPECT_TRUE(set.matches_json(kRecord));
  EXPECT_TRUE(FilterSet::compile({}).matches_json(kRecord)) << "no filter: everything";
}

TEST(LambdaFilter, RejectsMalformedPatterns) {
  for (const char* bad : {"not json", "[1]", R"({"eventName":"INSERT"})", R"({"eventName":[]})",
                          R"({"eventName":[{"nope":1}]})", R"({"x":[{"numeric":[">"]}]})",
                          R"({"x":[{"numeric":["~",1]}]})", R"({"x":[{"exists":"yes"}]})", "{}"})
    EXPECT_THROW(FilterSet::compile({bad}), InvalidPattern) << bad;
  std::vector<std::string> six(6, R"({"eventName":["INSERT"]})");
  EXPECT_THROW(FilterSet::compile(six), InvalidPattern);
}

}  // namespace
}  // namespace ddbd::api::lambda
