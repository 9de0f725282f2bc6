// Key condition tests: a parsed KeyConditionExpression reduced to the key
// range a Query reads, and DynamoDB's messages for the shapes a key condition
// may not take (API Reference, Query, "KeyConditionExpression").
#include "expressions/key_condition.hh"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "expressions/error.hh"
#include "expressions/parser.hh"

namespace ddbd::expr {
namespace {

class KeyConditionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    values = {{":a", AttributeValue::string("A")},
              {":b", AttributeValue::string("B")},
              {":n", AttributeValue::number("1")},
              {":p", AttributeValue::string("pk1")}};
    map_normalize(values);
    key.hash = "pk";
    key.range = "sk";
  }

  // Parses `text` as a KeyConditionExpression and extracts its key range.
  KeyRange range(const std::string& text) {
    Params p;
    p.names = &names;
    p.values = &values;
    cond = parse_condition(text, ExprKind::KeyCondition, p);
    return extract_key_range(cond, key);
  }

  // The ExpressionError message `text` is rejected with ("" if accepted).
  std::string error(const std::string& text) {
    try {
      range(text);
    } catch (const ExpressionError& e) {
      return e.what();
    }
    return "";
  }

  std::map<std::string, std::string, std::less<>> names = {{"#s", "sk"}};
  AttrMap values;
  KeyNames key;
  Condition cond;
};

TEST_F(KeyConditionTest, HashOnly) {
  KeyRange r = range("pk = :p");
  ASSERT_NE(r.hash, nullptr);
  EXPECT_EQ(r.hash->str, "pk1");
  EXPECT_FALSE(r.sort_op.has_value());
  EXPECT_EQ(r.sort1, nullptr);
}

TEST_F(KeyConditionTest, EachSortOperator) {
  const std::pair<const char*, SortOp> cases[] = {
      {"pk = :p AND sk = :a", SortOp::EQ},  {"pk = :p AND sk < :a", SortOp::LT},
      {"pk = :p AND sk <= :a", SortOp::LE}, {"pk = :p AND sk > :a", SortOp::GT},
      {"pk = :p AND sk >= :a", SortOp::GE}, {"pk = :p AND begins_with(sk, :a)", SortOp::BEGINS_WITH},
  };
  for (const auto& [text, op] : cases) {
    KeyRange r = range(text);
    ASSERT_TRUE(r.sort_op.has_value()) << text;
    EXPECT_EQ(*r.sort_op, op) << text;
    ASSERT_NE(r.sort1, nullptr) << text;
    EXPECT_EQ(r.sort1->str, "A") << text;
    EXPECT_EQ(r.hash->str, "pk1") << text;
  }
}

TEST_F(KeyConditionTest, BetweenHasBothBoundsAndOrderDoesNotMatter) {
  KeyRange r = range("#s BETWEEN :a AND :b AND pk = :p");
  ASSERT_TRUE(r.sort_op.has_value());
  EXPECT_EQ(*r.sort_op, SortOp::BETWEEN);
  ASSERT_NE(r.sort1, nullptr);
  ASSERT_NE(r.sort2, nullptr);
  EXPECT_EQ(r.sort1->str, "A");
  EXPECT_EQ(r.sort2->str, "B");
  EXPECT_EQ(r.hash->str, "pk1");
}

TEST_F(KeyConditionTest, RejectedShapes) {
  EXPECT_EQ(error("pk = :p OR sk = :a"), "Invalid operator used in KeyConditionExpression: OR");
  EXPECT_EQ(error("pk = :p AND sk = :a AND sk = :b"), "KeyConditionExpressions must only contain one condition per key");
  EXPECT_EQ(error("sk = :a"), "Query condition missed key schema element: pk");
  EXPECT_EQ(error("pk < :p"), "Query key condition not supported");
  EXPECT_EQ(error("pk = :n"),
            "One or more parameter values were invalid: Condition parameter type does not match schema type");
}

TEST_F(KeyConditionTest, HashOnlyTableRejectsSecondCondition) {
  key.range.reset();
  EXPECT_NE(error("pk = :p AND sk = :a"), "");
}

}  // namespace
}  // namespace ddbd::expr
