// Field spec tests: check_request() against declarative member specs, in
// DynamoDB's two stages (a wrong JSON type is a SerializationException at
// once; constraint violations are aggregated Coral lines in one
// ValidationException), plus the small helpers beside it.
#include "api/field_spec.hh"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "api/errors.hh"
#include "json_test_util.hh"

namespace ddbd::api {
namespace {

// Whether `text` contains `part` (gtest without gmock's HasSubstr).
::testing::AssertionResult Has(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" lacks \"" << part << "\"";
}

using test::Doc;

const std::vector<FieldSpec>& specs() {
  static const std::vector<FieldSpec> s = {
      FieldSpec{.name = "TableName", .not_null = true, .min_length = 3, .max_length = 255, .name_pattern = true},
      FieldSpec{.name = "Limit", .type = FieldType::Integer, .min_value = 1, .max_value = 100},
      FieldSpec{.name = "Select", .enum_values = {"ALL_ATTRIBUTES", "COUNT"}},
      FieldSpec{.name = "ConsistentRead", .type = FieldType::Boolean},
      FieldSpec{.name = "KeySchema",
                .type = FieldType::List,
                .min_length = 1,
                .max_length = 2,
                .element = {FieldSpec{.type = FieldType::Struct,
                                      .members = {FieldSpec{.name = "KeyType",
                                                            .not_null = true,
                                                            .enum_values = {"HASH", "RANGE"}}}}}},
  };
  return s;
}

// "Code: message" of what check_request() throws for `text`, or "ok".
std::string check(const std::string& text) {
  Doc d(text);
  return test::error_of(
      [&] {
        ValidationErrors errors;
        check_request(d.body(), specs(), errors);
        errors.throw_if_any();
      },
      "ok");
}

TEST(FieldSpec, ValidRequestPasses) {
  EXPECT_EQ(check(R"({"TableName": "Users", "Limit": 10, "Select": "COUNT", "ConsistentRead": true,
                      "KeySchema": [{"KeyType": "HASH"}]})"),
            "ok");
}

TEST(FieldSpec, MissingRequiredMember) {
  EXPECT_EQ(check("{}"),
            "ValidationException: 1 validation error detected: Value null at 'tableName' failed to satisfy "
            "constraint: Member must not be null");
}

TEST(FieldSpec, LengthAndPattern) {
  std::string m = check(R"({"TableName": "a!"})");
  EXPECT_TRUE(Has(m, "ValidationException: 2 validation errors detected: Value 'a!' at 'tableName'"));
  EXPECT_TRUE(Has(m, "Member must have length greater than or equal to 3"));
  EXPECT_TRUE(Has(m, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"));
  EXPECT_TRUE(Has(check("{\"TableName\": \"" + std::string(256, 'x') + "\"}"),
                  "Member must have length less than or equal to 255"));
}

TEST(FieldSpec, RangeAndEnumAreAggregated) {
  std::string m = check(R"({"TableName": "Users", "Limit": 0, "Select": "SOME"})");
  EXPECT_TRUE(Has(m, "ValidationException: 2 validation errors detected: "));
  EXPECT_TRUE(Has(m, "Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than "
                           "or equal to 1"));
  EXPECT_TRUE(Has(m, "Value 'SOME' at 'select' failed to satisfy constraint: Member must satisfy enum value "
                           "set: [ALL_ATTRIBUTES, COUNT]"));
  EXPECT_LT(m.find("'limit'"), m.find("'select'"));  // request order
}

TEST(FieldSpec, NestedMembersNameTheirPath) {
  EXPECT_TRUE(Has(check(R"({"TableName": "Users", "KeySchema": [{"KeyType": "HASH"}, {"KeyType": "SIDE"}]})"),
                  "Value 'SIDE' at 'keySchema.2.member.keyType' failed to satisfy constraint: Member must "
                        "satisfy enum value set: [HASH, RANGE]"));
  EXPECT_TRUE(Has(check(R"({"TableName": "Users", "KeySchema": []})"),
                  "at 'keySchema' failed to satisfy constraint: Member must have length greater than or "
                        "equal to 1"));
}

TEST(FieldSpec, WrongJsonTypeIsASerializationError) {
  EXPECT_TRUE(Has(check(R"({"TableName": 5})"), "SerializationException: "));
  EXPECT_TRUE(Has(check(R"({"TableName": "Users", "ConsistentRead": "yes"})"), "SerializationException: "));
  EXPECT_TRUE(Has(check(R"({"TableName": "Users", "KeySchema": {"KeyType": "HASH"}})"), "SerializationException: "));
}

TEST(FieldSpec, Helpers) {
  EXPECT_EQ(lower_first("TableName"), "tableName");
  EXPECT_EQ(lower_first(""), "");
  EXPECT_TRUE(matches_name_pattern("Ab-9_.x"));
  EXPECT_FALSE(matches_name_pattern("a b"));
  EXPECT_FALSE(matches_name_pattern(""));
  Doc d(R"({"l": ["a", "b"], "s": "x"})");
  EXPECT_EQ(display_value(d.body()["l"].value()), "[a, b]");
  EXPECT_EQ(display_value(d.body()["s"].value()), "x");
}

// check_table_name(): TableName of the operations that also take an ARN.
std::string table_name_errors(std::string_view name) {
  ValidationErrors errors;
  check_table_name(name, "tableName", errors);
  return errors.empty() ? "ok" : errors.message();
}

TEST(TableName, NameRulesHoldForNonArns) {
  EXPECT_EQ(table_name_errors("Users"), "ok");
  EXPECT_EQ(table_name_errors("a.b_c-D9"), "ok");
  EXPECT_EQ(table_name_errors("xx"),
            "1 validation error detected: Value 'xx' at 'tableName' failed to satisfy constraint: Member must have "
            "length greater than or equal to 3");
  EXPECT_EQ(table_name_errors(""),
            "2 validation errors detected: Value '' at 'tableName' failed to satisfy constraint: Member must have "
            "length greater than or equal to 3; Value '' at 'tableName' failed to satisfy constraint: Member must "
            "satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
  EXPECT_EQ(table_name_errors("bad name"),
            "1 validation error detected: Value 'bad name' at 'tableName' failed to satisfy constraint: Member must "
            "satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
  EXPECT_EQ(table_name_errors(std::string(255, 'a')), "ok");
  EXPECT_TRUE(Has(table_name_errors(std::string(256, 'a')), "Member must have length less than or equal to 255"));
  EXPECT_TRUE(Has(table_name_errors(std::string(256, '!')), "less than or equal to 255; Value"));
}

TEST(TableName, ArnsUpTo1024Characters) {
  EXPECT_EQ(table_name_errors("arn:aws:dynamodb:us-east-1:123456789012:table/Users"), "ok");
  EXPECT_EQ(table_name_errors("arn:" + std::string(1020, 'x')), "ok");
  const std::string m = table_name_errors("arn:" + std::string(1021, 'x'));
  EXPECT_TRUE(Has(m, "1 validation error detected: "));
  EXPECT_TRUE(Has(m, "Member must have length less than or equal to 1024"));
  // Over 1024, only Coral's bound is reported.
  EXPECT_TRUE(Has(table_name_errors(std::string(1025, '!')), "1 validation error detected: "));
}

TEST(TableName, SpecFlagUsesTheSameRules) {
  static const std::vector<FieldSpec> s = {
      FieldSpec{.name = "TableName", .not_null = true, .table_name_or_arn = true},
      FieldSpec{.name = "Limit", .type = FieldType::Integer, .min_value = 1}};
  auto run = [&](const std::string& text) {
    Doc d(text);
    return test::error_of(
        [&] {
          ValidationErrors errors;
          check_request(d.body(), s, errors);
        },
        "ok");
  };
  EXPECT_EQ(run(R"({"TableName": "Users"})"), "ok");
  EXPECT_EQ(run(R"({"TableName": "t", "Limit": 0})"),
            "ValidationException: 2 validation errors detected: Value 't' at 'tableName' failed to satisfy "
            "constraint: Member must have length greater than or equal to 3; Value '0' at 'limit' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1");
}

}  // namespace
}  // namespace ddbd::api
