#include "api/errors.hh"

#include <gtest/gtest.h>

namespace ddbd::api {
namespace {

TEST(ErrorsTest, NamespacesAndMessageCasingFollowTheTable) {
  EXPECT_EQ(error_body(ApiError::validation("bad")),
            R"({"__type":"com.amazon.coral.validate#ValidationException","message":"bad"})");
  EXPECT_EQ(error_body(ApiError::serialization("oops")),
            R"({"__type":"com.amazon.coral.service#SerializationException","Message":"oops"})");
  EXPECT_EQ(error_body(ApiError::resource_not_found()),
            R"({"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"})");
  EXPECT_EQ(error_info(ErrorCode::InternalServerError).http_status, 500);
  EXPECT_EQ(error_info(ErrorCode::TransactionCanceledException).capital_message, true);
  EXPECT_EQ(error_info(ErrorCode::MissingAuthenticationTokenException).ns, "com.amazon.coral.service#");
}

TEST(ErrorsTest, ExtraMembersAreAppended) {
  ApiError e = ApiError::conditional_check_failed();
  e.with_extra_json(R"("Item":{"pk":{"S":"a"}})");
  EXPECT_EQ(error_body(e),
            R"({"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed","Item":{"pk":{"S":"a"}}})");
}

TEST(ValidationErrorsTest, AggregatesAtMostTen) {
  ValidationErrors v;
  v.add(std::string("x y"), "tableName", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
  EXPECT_EQ(v.message(),
            "1 validation error detected: Value 'x y' at 'tableName' failed to satisfy constraint: Member must satisfy "
            "regular expression pattern: [a-zA-Z0-9_.-]+");
  v.add(std::nullopt, "keySchema", "Member must not be null");
  EXPECT_EQ(v.message().substr(0, 30), "2 validation errors detected: ");
  EXPECT_NE(v.message().find("; Value null at 'keySchema'"), std::string::npos);
  for (int i = 0; i < 20; ++i) v.add(std::nullopt, "x", "y");
  EXPECT_EQ(v.size(), 10u);
  EXPECT_THROW(v.throw_if_any(), ApiError);
}

TEST(ValidationErrorsTest, LineWithoutValueFormKeepsTheCountPrefix) {
  ValidationErrors v;
  v.add_line("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
  EXPECT_EQ(v.message(),
            "1 validation error detected: ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
}

TEST(ValidationErrorsTest, ThrowOneRendersOneViolation) {
  try {
    ValidationErrors::throw_one(std::nullopt, "transactItems.member.get", "Member must not be null");
    FAIL() << "throw_one returned";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), ErrorCode::ValidationException);
    EXPECT_EQ(e.message(),
              "1 validation error detected: Value null at 'transactItems.member.get' failed to satisfy constraint: "
              "Member must not be null");
  }
}

}  // namespace
}  // namespace ddbd::api
