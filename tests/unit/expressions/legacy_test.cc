// Legacy parameter tests: Expected / QueryFilter / ScanFilter conditions and
// AttributeUpdates translated into expression trees, checked by evaluating
// them (API Reference, "Condition", "ExpectedAttributeValue",
// "AttributeValueUpdate"), and DynamoDB's messages for invalid forms.
#include "expressions/legacy.hh"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "expressions/error.hh"
#include "expressions/eval.hh"

#include "../test_util.hh"

namespace ddbd::expr {
namespace {

AttributeValue S(const std::string& s) { return AttributeValue::string(s); }
AttributeValue N(const std::string& s) { return AttributeValue::number(s); }

Item ITEM(AttrMap xs) { return test::item_of(std::move(xs)); }

LegacyCondition op(std::string attribute, std::string name, std::vector<AttributeValue> values) {
  LegacyCondition c;
  c.attribute = std::move(attribute);
  c.op = std::move(name);
  if (!values.empty()) c.values = std::move(values);
  return c;
}

// Evaluates the translation of `conds` against `item`.
bool holds(const std::vector<LegacyCondition>& conds, const Item& item, std::string_view join = "AND",
           bool expected = false) {
  LegacyHolder holder;
  Condition c = legacy_condition(conds, join, expected, holder);
  return evaluate(c, &item);
}

// The ExpressionError message of translating `conds` ("" if accepted).
std::string error(const std::vector<LegacyCondition>& conds, bool expected = false) {
  LegacyHolder holder;
  try {
    legacy_condition(conds, "AND", expected, holder);
  } catch (const ExpressionError& e) {
    return e.what();
  }
  return "";
}

const Item kItem = ITEM({{"s", S("hello")}, {"n", N("10")}});

TEST(LegacyCondition, ComparisonOperators) {
  EXPECT_TRUE(holds({op("s", "EQ", {S("hello")})}, kItem));
  EXPECT_FALSE(holds({op("s", "EQ", {S("other")})}, kItem));
  EXPECT_TRUE(holds({op("s", "NE", {S("other")})}, kItem));
  EXPECT_TRUE(holds({op("n", "GT", {N("9")})}, kItem));
  EXPECT_FALSE(holds({op("n", "LT", {N("9")})}, kItem));
  EXPECT_TRUE(holds({op("n", "BETWEEN", {N("1"), N("10")})}, kItem));
  EXPECT_TRUE(holds({op("n", "IN", {N("3"), N("10")})}, kItem));
  EXPECT_TRUE(holds({op("s", "BEGINS_WITH", {S("he")})}, kItem));
  EXPECT_TRUE(holds({op("s", "CONTAINS", {S("ell")})}, kItem));
  EXPECT_TRUE(holds({op("s", "NOT_NULL", {})}, kItem));
  EXPECT_TRUE(holds({op("missing", "NULL", {})}, kItem));
  EXPECT_FALSE(holds({op("s", "NULL", {})}, kItem));
}

TEST(LegacyCondition, ConditionalOperatorJoins) {
  const std::vector<LegacyCondition> one_true = {op("s", "EQ", {S("hello")}), op("n", "EQ", {N("11")})};
  EXPECT_FALSE(holds(one_true, kItem, "AND"));
  EXPECT_TRUE(holds(one_true, kItem, "OR"));
}

TEST(LegacyCondition, ExpectedValueAndExists) {
  LegacyCondition value;
  value.attribute = "s";
  value.value = S("hello");
  EXPECT_TRUE(holds({value}, kItem, "AND", true));
  LegacyCondition absent;
  absent.attribute = "missing";
  absent.exists = false;
  EXPECT_TRUE(holds({absent}, kItem, "AND", true));
  absent.attribute = "s";
  EXPECT_FALSE(holds({absent}, kItem, "AND", true));
}

TEST(LegacyCondition, InvalidForms) {
  const std::string invalid = "One or more parameter values were invalid: ";
  EXPECT_EQ(error({op("s", "EQ", {S("a"), S("b")})}), invalid + "Invalid number of argument(s) for the EQ ComparisonOperator");
  EXPECT_EQ(error({op("n", "BEGINS_WITH", {N("1")})}),
            invalid + "ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type");
  LegacyCondition exists_without_value;
  exists_without_value.attribute = "s";
  exists_without_value.exists = true;
  EXPECT_EQ(error({exists_without_value}, true), invalid + "Value must be provided when Exists is true for Attribute: s");
  EXPECT_NE(error({op("s", "NOPE", {S("a")})}), "");
}

// An unknown operator or action is a constraint violation, reported in its
// parts so that api formats it like every other (ValidationErrors).
TEST(LegacyCondition, UnknownComparisonOperatorIsAConstraintError) {
  LegacyHolder holder;
  try {
    legacy_condition({op("s", "NOPE", {S("a")})}, "AND", false, holder);
    FAIL() << "accepted";
  } catch (const ConstraintError& e) {
    EXPECT_EQ(e.value(), "NOPE");
    EXPECT_EQ(e.member(), "comparisonOperator");
    EXPECT_EQ(e.constraint(),
              "Member must satisfy enum value set: "
              "[IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]");
  }
}

TEST(LegacyUpdate, UnknownActionIsAConstraintError) {
  LegacyHolder holder;
  std::vector<LegacyUpdate> updates = {{.attribute = "a", .action = "REPLACE", .value = S("x")}};
  try {
    legacy_update(updates, holder);
    FAIL() << "accepted";
  } catch (const ConstraintError& e) {
    EXPECT_EQ(e.value(), "REPLACE");
    EXPECT_EQ(e.member(), "attributeUpdates.a.member.action");
    EXPECT_EQ(e.constraint(), "Member must satisfy enum value set: [ADD, PUT, DELETE]");
  }
}

TEST(LegacyUpdate, PutAddDelete) {
  LegacyHolder holder;
  std::vector<LegacyUpdate> updates(3);
  updates[0] = {.attribute = "s", .action = "PUT", .value = S("bye")};
  updates[1] = {.attribute = "n", .action = "ADD", .value = N("5")};
  updates[2] = {.attribute = "gone", .action = "DELETE"};
  UpdateExpr u = legacy_update(updates, holder);
  Item item = ITEM({{"s", S("hello")}, {"n", N("10")}, {"gone", S("x")}});
  apply_update(u, item);
  EXPECT_EQ(item, ITEM({{"s", S("bye")}, {"n", N("15")}}));
}

TEST(LegacyUpdate, DeleteWithValueOfScalarTypeIsInvalid) {
  LegacyHolder holder;
  std::vector<LegacyUpdate> updates = {{.attribute = "s", .action = "DELETE", .value = S("x")}};
  EXPECT_THROW(legacy_update(updates, holder), ExpressionError);
}

}  // namespace
}  // namespace ddbd::expr
