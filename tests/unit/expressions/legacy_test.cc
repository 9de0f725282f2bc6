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

// The AttributeValueList rules of each ComparisonOperator (DynamoDB's
// legacy validation): its length, the types it takes, one type for all, and
// BETWEEN's bounds in order.
TEST(LegacyCondition, ArgumentRulesOfEachOperator) {
  const std::string invalid = "One or more parameter values were invalid: ";
  auto args_error = [](const std::string& name, std::vector<AttributeValue> vs) {
    try {
      check_comparison_arguments(name, vs);
    } catch (const ExpressionError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  const AttributeValue bool_v = AttributeValue::boolean_value(true);
  const AttributeValue null_v = AttributeValue::null();
  const AttributeValue ss = test::set_of(AttrType::SS, {"a"});
  const AttributeValue list = test::list_of({S("a")});
  const AttributeValue map = test::map_of({{"k", S("v")}});
  for (const std::string name : {"EQ", "NE", "LE", "LT", "GE", "GT", "CONTAINS", "NOT_CONTAINS", "BEGINS_WITH"}) {
    EXPECT_EQ(args_error(name, {}), invalid + "Invalid number of argument(s) for the " + name + " ComparisonOperator");
    EXPECT_EQ(args_error(name, {S("a"), S("a")}),
              invalid + "Invalid number of argument(s) for the " + name + " ComparisonOperator");
  }
  for (const std::string name : {"NULL", "NOT_NULL"}) {
    EXPECT_EQ(args_error(name, {}), "");
    EXPECT_EQ(args_error(name, {S("a")}), invalid + "Invalid number of argument(s) for the " + name + " ComparisonOperator");
  }
  EXPECT_EQ(args_error("IN", {}), invalid + "Invalid number of argument(s) for the IN ComparisonOperator");
  EXPECT_EQ(args_error("BETWEEN", {S("a")}), invalid + "Invalid number of argument(s) for the BETWEEN ComparisonOperator");
  EXPECT_EQ(args_error("BETWEEN", {S("a"), S("b"), S("c")}),
            invalid + "Invalid number of argument(s) for the BETWEEN ComparisonOperator");
  // Types.
  for (const auto& v : {bool_v, null_v, ss, list, map}) {
    const std::string t(attr_type_name(v.type));
    for (const std::string name : {"LE", "LT", "GE", "GT", "IN", "BEGINS_WITH"})
      EXPECT_EQ(args_error(name, {v}), invalid + "ComparisonOperator " + name + " is not valid for " + t + " AttributeValue type");
    EXPECT_EQ(args_error("BETWEEN", {v, v}), invalid + "ComparisonOperator BETWEEN is not valid for " + t + " AttributeValue type");
    EXPECT_EQ(args_error("EQ", {v}), "") << t;
    EXPECT_EQ(args_error("NE", {v}), "") << t;
  }
  for (const auto& v : {ss, list, map})
    for (const std::string name : {"CONTAINS", "NOT_CONTAINS"})
      EXPECT_EQ(args_error(name, {v}), invalid + "ComparisonOperator " + name + " is not valid for " +
                                           std::string(attr_type_name(v.type)) + " AttributeValue type");
  for (const auto& v : {S("a"), N("1"), AttributeValue::binary("b"), bool_v, null_v}) EXPECT_EQ(args_error("CONTAINS", {v}), "");
  EXPECT_EQ(args_error("BEGINS_WITH", {N("1")}), invalid + "ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type");
  // One type for all; BETWEEN in order.
  EXPECT_EQ(args_error("IN", {S("b"), N("1")}), invalid + "AttributeValues inside AttributeValueList must be of same type");
  EXPECT_EQ(args_error("BETWEEN", {S("a"), N("1")}), invalid + "AttributeValues inside AttributeValueList must be of same type");
  EXPECT_EQ(args_error("BETWEEN", {S("b"), S("a")}),
            "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound");
  EXPECT_EQ(args_error("BETWEEN", {N("10"), N("9")}),
            "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound");
  EXPECT_EQ(args_error("BETWEEN", {N("9"), N("10")}), "");
  EXPECT_EQ(args_error("IN", {S("a"), S("b"), S("c")}), "");
}

// Expected entries are checked in DynamoDB's order, and Value stands for a
// one-element AttributeValueList next to a ComparisonOperator.
TEST(LegacyCondition, ExpectedFormsInDynamoDBsOrder) {
  const std::string invalid = "One or more parameter values were invalid: ";
  auto entry = [](std::optional<std::string> op, std::optional<AttributeValue> value,
                  std::optional<std::vector<AttributeValue>> values, std::optional<bool> exists) {
    LegacyCondition c;
    c.attribute = "a";
    c.op = std::move(op);
    c.value = std::move(value);
    c.values = std::move(values);
    c.exists = exists;
    return c;
  };
  using V = std::vector<AttributeValue>;
  EXPECT_EQ(error({entry("EQ", S("x"), V{S("x")}, true)}, true),
            invalid + "Exists and ComparisonOperator cannot be used together for Attribute: a");
  EXPECT_EQ(error({entry("EQ", S("x"), V{S("x")}, std::nullopt)}, true),
            invalid + "Value and AttributeValueList cannot be used together for Attribute: a");
  EXPECT_EQ(error({entry(std::nullopt, std::nullopt, V{S("x")}, std::nullopt)}, true),
            invalid + "AttributeValueList can only be used with a ComparisonOperator for Attribute: a");
  EXPECT_EQ(error({entry(std::nullopt, S("x"), std::nullopt, false)}, true),
            invalid + "Value cannot be used when Exists is false for Attribute: a");
  EXPECT_EQ(error({entry("EQ", std::nullopt, std::nullopt, std::nullopt)}, true),
            invalid + "Value or AttributeValueList must be used with ComparisonOperator: EQ for Attribute: a");
  EXPECT_EQ(error({entry(std::nullopt, std::nullopt, std::nullopt, std::nullopt)}, true),
            invalid + "Value must be provided when Exists is null for Attribute: a");
  EXPECT_EQ(error({entry("EQ", std::nullopt, V{}, std::nullopt)}, true),
            invalid + "Invalid number of argument(s) for the EQ ComparisonOperator");
  EXPECT_EQ(error({entry("NULL", std::nullopt, std::nullopt, std::nullopt)}, true), "");
  EXPECT_EQ(error({entry("BETWEEN", S("x"), std::nullopt, std::nullopt)}, true),
            invalid + "Invalid number of argument(s) for the BETWEEN ComparisonOperator");
  // Value with a ComparisonOperator is its argument.
  LegacyHolder holder;
  LegacyCondition gt = entry("GT", N("9"), std::nullopt, std::nullopt);
  gt.attribute = "n";
  EXPECT_TRUE(evaluate(legacy_condition({gt}, "AND", true, holder), &kItem));
  gt.op = "LT";
  EXPECT_FALSE(evaluate(legacy_condition({gt}, "AND", true, holder), &kItem));
  // Filters have no Value or Exists members: they are ignored.
  EXPECT_EQ(error({entry("EQ", S("x"), V{S("hello")}, true)}), "");
}

TEST(LegacyCondition, ConditionalOperatorNeedsTwoConditions) {
  EXPECT_NO_THROW(check_conditional_operator(false, 0));
  EXPECT_NO_THROW(check_conditional_operator(true, 2));
  try {
    check_conditional_operator(true, 0);
    ADD_FAILURE();
  } catch (const ExpressionError& e) {
    EXPECT_STREQ(e.what(), "ConditionalOperator cannot be used without Filter or Expected");
  }
  try {
    check_conditional_operator(true, 1);
    ADD_FAILURE();
  } catch (const ExpressionError& e) {
    EXPECT_STREQ(e.what(), "ConditionalOperator can only be used when Filter or Expected has two or more elements");
  }
}

}  // namespace
}  // namespace ddbd::expr
