// Tag rules (api/tags.hh) and the table settings' apply step
// (api/table_settings.hh), without a server: merging keeps order and
// replaces values in place, the limit counts the merged set, the content
// rules refuse what DynamoDB refuses, and settings follow the billing mode.
#include "api/tags.hh"

#include <gtest/gtest.h>

#include <string>

#include "api/errors.hh"
#include "api/table_settings.hh"

namespace ddbd::api {
namespace {

TEST(TagsTest, MergeReplacesInPlaceAppendsAndRemoves) {
  const TagList current = {{"a", "1"}, {"b", "2"}, {"c", "3"}};
  EXPECT_EQ(merge_tags(current, {{"b", "20"}, {"d", "4"}}, {"a", "zz"}),
            (TagList{{"b", "20"}, {"c", "3"}, {"d", "4"}}));
  // A key given twice in one request keeps its last value.
  EXPECT_EQ(merge_tags({}, {{"k", "x"}, {"k", "y"}}, {}), (TagList{{"k", "y"}}));
}

TEST(TagsTest, CountLimitIsFifty) {
  EXPECT_NO_THROW(check_tag_count(50));
  try {
    check_tag_count(51);
    FAIL() << "51 tags accepted";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), ErrorCode::ValidationException);
    EXPECT_EQ(e.message(),
              "One or more parameter values were invalid: The number of tags exceeds the limit of 50 tags per resource");
  }
}

TEST(TagsTest, ContentRules) {
  EXPECT_NO_THROW(check_tag_content({{"Cost Center", "a+b-c=d.e_f:g/h@i"}, {"ключ", "値"}, {"k", ""}}));
  for (const char* bad : {"a#b", "a|b", "<x>", "a;b", "a*b", "a\"b"}) {
    EXPECT_THROW(check_tag_content({{bad, "v"}}), ApiError) << bad;
    EXPECT_THROW(check_tag_content({{"k", bad}}), ApiError) << bad;
  }
  for (const char* reserved : {"aws:x", "AWS:x", "aWs:"}) EXPECT_THROW(check_tag_content({{reserved, "v"}}), ApiError);
  EXPECT_NO_THROW(check_tag_content({{"awsx", "v"}, {"my:aws:x", "v"}, {"k", "aws:v"}}));
}

TEST(TableSettingsTest, OnDemandFollowsBillingMode) {
  storage::TableDef def;
  def.billing_mode = "PAY_PER_REQUEST";
  TableSettingsRequest req;
  req.has_on_demand = true;
  req.on_demand_max_read = 100;
  apply_table_settings(req, def, "us-east-1", "000000000000");
  EXPECT_EQ(def.on_demand_max_read, 100);
  EXPECT_EQ(def.on_demand_max_write, 0);  // unset: shown as -1
  def.billing_mode = "PROVISIONED";
  EXPECT_THROW(apply_table_settings(req, def, "us-east-1", "000000000000"), ApiError);
  apply_table_settings(TableSettingsRequest{}, def, "us-east-1", "000000000000");
  EXPECT_EQ(def.on_demand_max_read, 0);
}

TEST(TableSettingsTest, SseKeysAndWarmThroughput) {
  storage::TableDef def;
  TableSettingsRequest req;
  req.sse = SseRequest{.enabled = true, .sse_type = std::nullopt, .kms_key_id = std::nullopt};
  apply_table_settings(req, def, "eu-west-1", "123456789012");
  EXPECT_TRUE(def.sse_kms);
  const std::string managed = def.kms_master_key_arn;
  EXPECT_TRUE(managed.starts_with("arn:aws:kms:eu-west-1:123456789012:key/")) << managed;
  storage::TableDef other;
  apply_table_settings(req, other, "eu-west-1", "123456789012");
  EXPECT_EQ(other.kms_master_key_arn, managed);  // one AWS-managed key per account and region
  req.sse = SseRequest{.enabled = true, .sse_type = std::string("AES256"), .kms_key_id = std::nullopt};
  EXPECT_THROW(apply_table_settings(req, def, "eu-west-1", "123456789012"), ApiError);
  EXPECT_EQ(def.kms_master_key_arn, managed);
  req = TableSettingsRequest{};
  req.has_warm = true;
  req.warm_read = 20000;
  apply_table_settings(req, def, "eu-west-1", "123456789012");
  req.warm_read = 15000;
  apply_table_settings(req, def, "eu-west-1", "123456789012");
  EXPECT_EQ(def.warm_read, 20000);
  EXPECT_EQ(def.warm_write, 0);
}

}  // namespace
}  // namespace ddbd::api
