// Table-driven tests of the expression parser: valid expressions, and
// invalid ones with DynamoDB's exact messages (Developer Guide, "Condition and
// filter expressions, operators, and functions", "Update expressions",
// "Expression attribute names"; messages as recorded by dynalite's and
// ScyllaDB alternator's tests, which run against AWS).
#include "expressions/parser.hh"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "expressions/error.hh"

#include "../test_util.hh"

namespace ddbd::expr {
namespace {

using Names = std::map<std::string, std::string, std::less<>>;

using test::set_of;

const Names& names() {
  static const Names n = {{"#a", "a"}, {"#b", "b"}, {"#c", "count"}, {"#dot", "x.y"}};
  return n;
}

const AttrMap& values() {
  static const AttrMap v = [] {
    AttrMap m;
    m.emplace_back(":n", AttributeValue::number("5"));
    m.emplace_back(":one", AttributeValue::number("1"));
    m.emplace_back(":ten", AttributeValue::number("10"));
    m.emplace_back(":s", AttributeValue::string("x"));
    m.emplace_back(":t", AttributeValue::string("SS"));
    m.emplace_back(":badtype", AttributeValue::string("STRING"));
    m.emplace_back(":b", AttributeValue::binary("\x01\x02"));
    m.emplace_back(":bool", AttributeValue::boolean_value(true));
    m.emplace_back(":null", AttributeValue::null());
    m.emplace_back(":l", test::list_of({AttributeValue::number("1")}));
    m.emplace_back(":m", test::map_of({{"k", AttributeValue::string("v")}}));
    m.emplace_back(":ss", set_of(AttrType::SS, {"a", "b"}));
    m.emplace_back(":ns", set_of(AttrType::NS, {"1", "2"}));
    m.emplace_back(":bs", set_of(AttrType::BS, {"\x01"}));
    map_normalize(m);
    return m;
  }();
  return v;
}

enum class K { Cond, Update, Proj, Filter };

struct Case {
  K kind;
  std::string text;
  std::string error;  // empty: must parse
};

std::string run(const Case& c) {
  Params p;
  p.names = &names();
  p.values = &values();
  try {
    switch (c.kind) {
      case K::Cond: parse_condition(c.text, ExprKind::Condition, p); break;
      case K::Filter: parse_condition(c.text, ExprKind::Filter, p); break;
      case K::Update: parse_update(c.text, p); break;
      case K::Proj: parse_projection(c.text, p); break;
    }
  } catch (const ExpressionError& e) {
    return e.what();
  }
  return "";
}

const std::string kC = "Invalid ConditionExpression: ";
const std::string kU = "Invalid UpdateExpression: ";
const std::string kP = "Invalid ProjectionExpression: ";

std::vector<Case> valid_cases() {
  return {
      {K::Cond, "a = :n", ""},
      {K::Cond, "a <> :n", ""},
      {K::Cond, "a < :n AND a <= :n AND a > :n AND a >= :n", ""},
      {K::Cond, "a = b", ""},
      {K::Cond, "#a = :n", ""},
      {K::Cond, "#c = :n", ""},
      {K::Cond, "a.b[3].c = :s", ""},
      {K::Cond, "a BETWEEN :one AND :ten", ""},
      {K::Cond, "a BETWEEN :n AND :n", ""},
      {K::Cond, "a between :one and :ten", ""},
      {K::Cond, "a IN (:n, :s, :one)", ""},
      {K::Cond, "a in (:n)", ""},
      {K::Cond, "attribute_exists(a)", ""},
      {K::Cond, "attribute_not_exists(a.b[1])", ""},
      {K::Cond, "attribute_type(a, :t)", ""},
      {K::Cond, "begins_with(a, :s)", ""},
      {K::Cond, "begins_with(a, :b)", ""},
      {K::Cond, "begins_with(a, b)", ""},
      {K::Cond, "contains(a, :s)", ""},
      {K::Cond, "contains(a, :l)", ""},
      {K::Cond, "size(a) < :n", ""},
      {K::Cond, ":n > size(a.b)", ""},
      {K::Cond, "size(a) BETWEEN :one AND :ten", ""},
      {K::Cond, "NOT a = :n", ""},
      {K::Cond, "not attribute_exists(a)", ""},
      {K::Cond, "(a = :n)", ""},
      {K::Cond, "(a = :n OR b = :n) AND NOT (c = :s)", ""},
      {K::Cond, "a=:n AND(b=:s)", ""},
      {K::Cond, "  a\t=\n:n  ", ""},
      {K::Cond, "a_1 = :n", ""},
      {K::Cond, "a = :n aNd b = :n Or c = :n", ""},
      {K::Update, "SET a = :n", ""},
      {K::Update, "set a = :n, b = :s", ""},
      {K::Update, "SET a = b + :n", ""},
      {K::Update, "SET a = :n - b", ""},
      {K::Update, "SET a = if_not_exists(a, :n)", ""},
      {K::Update, "SET a = if_not_exists(a, :n) + :one", ""},
      {K::Update, "SET a = list_append(a, :l)", ""},
      {K::Update, "SET a = list_append(:l, if_not_exists(a, :l))", ""},
      {K::Update, "SET a.b[2].c = :n", ""},
      {K::Update, "SET #c = :n", ""},
      {K::Update, "REMOVE a, b.c, d[3]", ""},
      {K::Update, "REMOVE a[0], a[2]", ""},
      {K::Update, "ADD a :n, b :ss, c :ns, d :bs", ""},
      {K::Update, "DELETE a :ss, b :ns", ""},
      {K::Update, "SET a = :n REMOVE b ADD c :n DELETE d :ss", ""},
      {K::Update, "DELETE d :ss ADD c :n REMOVE b SET a = :n", ""},
      {K::Update, "SET a = :n remove b", ""},
      {K::Update, "SET a = b, b = a", ""},
      {K::Update, "SET a[1] = :n, a[2] = :n", ""},
      {K::Update, "SET a.b = :n, a.c = :n", ""},
      {K::Proj, "a", ""},
      {K::Proj, "a, b.c, d[1], #c", ""},
      {K::Proj, "a[1], a[2]", ""},
      {K::Proj, "#dot", ""},
  };
}

TEST(ParserTest, ValidExpressions) {
  for (const auto& c : valid_cases()) EXPECT_EQ(run(c), "") << c.text;
}

std::vector<Case> invalid_cases() {
  const std::string exists_ops = "Incorrect number of operands for operator or function; operator or function: ";
  return {
      // Empty and oversized.
      {K::Cond, "", kC + "The expression can not be empty;"},
      {K::Cond, "   ", kC + "The expression can not be empty;"},
      {K::Update, "", kU + "The expression can not be empty;"},
      {K::Proj, "", kP + "The expression can not be empty;"},
      {K::Filter, "", "Invalid FilterExpression: The expression can not be empty;"},
      {K::Cond, "a = :n AND " + std::string(4090, 'b') + " = :n",
       kC + "Expression size has exceeded the maximum allowed size; expression size: 4106"},
      // Syntax errors: token and near.
      {K::Cond, "a =", kC + "Syntax error; token: \"<EOF>\", near: \"=\""},
      {K::Cond, "a = :n AND", kC + "Syntax error; token: \"<EOF>\", near: \"AND\""},
      {K::Cond, "a == :n", kC + "Syntax error; token: \"=\", near: \"== :n\""},
      {K::Cond, "a = :n b", kC + "Syntax error; token: \"b\", near: \":n b\""},
      {K::Cond, "a", kC + "Syntax error; token: \"<EOF>\", near: \"a\""},
      {K::Cond, "a-b = :n", kC + "Syntax error; token: \"-\", near: \"a-b\""},
      {K::Cond, "a = :n)", kC + "Syntax error; token: \")\", near: \":n)\""},
      {K::Cond, "(a = :n", kC + "Syntax error; token: \"<EOF>\", near: \":n\""},
      {K::Cond, "a BETWEEN :one", kC + "Syntax error; token: \"<EOF>\", near: \":one\""},
      {K::Cond, "a IN ()", kC + "Syntax error; token: \")\", near: \"()\""},
      {K::Cond, "a[x] = :n", kC + "Syntax error; token: \"x\", near: \"[x]\""},
      {K::Cond, "a = :n + :one", kC + "Syntax error; token: \"+\", near: \":n + :one\""},
      {K::Update, "SET", kU + "Syntax error; token: \"<EOF>\", near: \"SET\""},
      {K::Update, "SET a", kU + "Syntax error; token: \"<EOF>\", near: \"a\""},
      {K::Update, "SET a = :n + :n + :n", kU + "Syntax error; token: \"+\", near: \":n + :n\""},
      {K::Update, "UPDATE a = :n", kU + "Syntax error; token: \"UPDATE\", near: \"UPDATE a\""},
      {K::Update, "ADD a", kU + "Syntax error; token: \"<EOF>\", near: \"a\""},
      {K::Update, "ADD a b", kU + "Syntax error; token: \"b\", near: \"a b\""},
      {K::Update, "REMOVE a = :n", kU + "Syntax error; token: \"=\", near: \"a = :n\""},
      {K::Proj, "a,", kP + "Syntax error; token: \"<EOF>\", near: \",\""},
      {K::Proj, "a b", kP + "Syntax error; token: \"b\", near: \"a b\""},
      {K::Proj, ":n", kP + "Syntax error; token: \":n\", near: \":n\""},
      // Reserved words (any element of a path).
      {K::Cond, "count = :n", kC + "Attribute name is a reserved keyword; reserved keyword: count"},
      {K::Cond, "a.Size = :n", kC + "Attribute name is a reserved keyword; reserved keyword: Size"},
      {K::Update, "SET #a = :n, name = :s", kU + "Attribute name is a reserved keyword; reserved keyword: name"},
      {K::Proj, "a, data", kP + "Attribute name is a reserved keyword; reserved keyword: data"},
      // Undefined names and values.
      {K::Cond, "#zz = :n",
       kC + "An expression attribute name used in the document path is not defined; attribute name: #zz"},
      {K::Cond, "a = :zz",
       kC + "An expression attribute value used in expression is not defined; attribute value: :zz"},
      {K::Update, "SET a = :zz",
       kU + "An expression attribute value used in expression is not defined; attribute value: :zz"},
      {K::Proj, "a.#zz",
       kP + "An expression attribute name used in the document path is not defined; attribute name: #zz"},
      // Functions: names (case-sensitive), operand counts, types, misuse.
      {K::Cond, "nosuch(a)", kC + "Invalid function name; function: nosuch"},
      {K::Cond, "ATTRIBUTE_EXISTS(a)", kC + "Invalid function name; function: ATTRIBUTE_EXISTS"},
      {K::Cond, "Begins_With(a, :s)", kC + "Invalid function name; function: Begins_With"},
      {K::Cond, "attribute_exists(a, b)", kC + exists_ops + "attribute_exists, number of operands: 2"},
      {K::Cond, "attribute_not_exists()", kC + "Syntax error; token: \")\", near: \"()\""},
      {K::Cond, "begins_with(a)", kC + exists_ops + "begins_with, number of operands: 1"},
      {K::Cond, "contains(a, :s, :s)", kC + exists_ops + "contains, number of operands: 3"},
      {K::Cond, "attribute_type(a)", kC + exists_ops + "attribute_type, number of operands: 1"},
      {K::Cond, "size(a, b) = :n", kC + exists_ops + "size, number of operands: 2"},
      {K::Cond, "attribute_exists(:n)",
       kC + "Operator or function requires a document path; operator or function: attribute_exists"},
      {K::Cond, "attribute_not_exists(:s)",
       kC + "Operator or function requires a document path; operator or function: attribute_not_exists"},
      {K::Cond, "begins_with(a, :n)",
       kC + "Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"},
      {K::Cond, "begins_with(a, :l)",
       kC + "Incorrect operand type for operator or function; operator or function: begins_with, operand type: L"},
      {K::Cond, "attribute_type(a, :n)",
       kC + "Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N"},
      {K::Cond, "attribute_type(a, :badtype)",
       kC + "Invalid attribute type name found; type: STRING, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"},
      {K::Cond, "size(a)", kC + "The function is not allowed to be used this way in an expression; function: size"},
      {K::Cond, "a = :n AND size(a)",
       kC + "The function is not allowed to be used this way in an expression; function: size"},
      {K::Cond, "attribute_exists(a) = :n",
       kC + "The function is not allowed to be used this way in an expression; function: attribute_exists"},
      {K::Cond, "a = :n AND contains(a, :s) = :bool",
       kC + "The function is not allowed to be used this way in an expression; function: contains"},
      {K::Cond, "a = b AND a = a",
       kC + "The first operand must be distinct from the remaining operands for this operator or function; "
            "operator: =, first operand: [a]"},
      {K::Cond, "contains(a.b, a.b)",
       kC + "The first operand must be distinct from the remaining operands for this operator or function; "
            "operator: contains, first operand: [a, b]"},
      {K::Cond, "begins_with(#a, a)",
       kC + "The first operand must be distinct from the remaining operands for this operator or function; "
            "operator: begins_with, first operand: [a]"},
      // BETWEEN bounds.
      {K::Cond, "a BETWEEN :ten AND :one",
       kC + "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
            "lower bound operand: AttributeValue: {N:10}, upper bound operand: AttributeValue: {N:1}"},
      {K::Cond, "a BETWEEN :n AND :s",
       kC + "The BETWEEN operator requires same data type for lower and upper bounds; "
            "lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {S:x}"},
      // Update clauses.
      {K::Update, "SET a = :n SET b = :n", kU + "The \"SET\" section can only be used once in an update expression;"},
      {K::Update, "REMOVE a REMOVE b", kU + "The \"REMOVE\" section can only be used once in an update expression;"},
      {K::Update, "ADD a :n set b = :n add c :n",
       kU + "The \"ADD\" section can only be used once in an update expression;"},
      {K::Update, "DELETE a :ss DELETE b :ss",
       kU + "The \"DELETE\" section can only be used once in an update expression;"},
      {K::Update, "SET a = :n, a = :s",
       kU + "Two document paths overlap with each other; must remove or rewrite one of these paths; "
            "path one: [a], path two: [a]"},
      {K::Update, "SET a = :n REMOVE a.b",
       kU + "Two document paths overlap with each other; must remove or rewrite one of these paths; "
            "path one: [a], path two: [a, b]"},
      {K::Update, "SET a.b = :n REMOVE a[1]",
       kU + "Two document paths conflict with each other; must remove or rewrite one of these paths; "
            "path one: [a, b], path two: [a, [1]]"},
      {K::Update, "REMOVE a[1], a[1]",
       kU + "Two document paths overlap with each other; must remove or rewrite one of these paths; "
            "path one: [a, [1]], path two: [a, [1]]"},
      {K::Proj, "a.b, a",
       kP + "Two document paths overlap with each other; must remove or rewrite one of these paths; "
            "path one: [a, b], path two: [a]"},
      {K::Proj, "a[0], a.b",
       kP + "Two document paths conflict with each other; must remove or rewrite one of these paths; "
            "path one: [a, [0]], path two: [a, b]"},
      {K::Update, "ADD a :s", kU + "Incorrect operand type for operator or function; operator: ADD, operand type: STRING"},
      {K::Update, "ADD a :l", kU + "Incorrect operand type for operator or function; operator: ADD, operand type: LIST"},
      {K::Update, "ADD a :m", kU + "Incorrect operand type for operator or function; operator: ADD, operand type: MAP"},
      {K::Update, "DELETE a :n",
       kU + "Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER"},
      {K::Update, "DELETE a :bool",
       kU + "Incorrect operand type for operator or function; operator: DELETE, operand type: BOOLEAN"},
      {K::Update, "SET a = :n + :s",
       kU + "Incorrect operand type for operator or function; operator or function: +, operand type: S"},
      {K::Update, "SET a = b - :l",
       kU + "Incorrect operand type for operator or function; operator or function: -, operand type: L"},
      {K::Update, "SET a = list_append(a, :n)",
       kU + "Incorrect operand type for operator or function; operator or function: list_append, operand type: N"},
      {K::Update, "SET a = if_not_exists(:n, a)",
       kU + "Operator or function requires a document path; operator or function: if_not_exists"},
      {K::Update, "SET a = if_not_exists(a)",
       kU + "Incorrect number of operands for operator or function; operator or function: if_not_exists, "
            "number of operands: 1"},
      {K::Update, "SET a = list_append(a, :l, :l)",
       kU + "Incorrect number of operands for operator or function; operator or function: list_append, "
            "number of operands: 3"},
      {K::Update, "SET a = size(b)", kU + "The function is not allowed in an update expression; function: size"},
      {K::Update, "SET a = attribute_exists(b)",
       kU + "The function is not allowed in an update expression; function: attribute_exists"},
      {K::Update, "SET a = frobnicate(b)", kU + "Invalid function name; function: frobnicate"},
      {K::Update, "SET a = LIST_APPEND(a, :l)", kU + "Invalid function name; function: LIST_APPEND"},
      // Limits.
      {K::Cond, "a[4294967296] = :n", kC + "List index is too large; list index: 4294967296"},
  };
}

TEST(ParserTest, InvalidExpressions) {
  for (const auto& c : invalid_cases()) EXPECT_EQ(run(c), c.error) << c.text;
}

TEST(ParserTest, InWithTooManyOperands) {
  std::string ok = "a IN (:n";
  for (int i = 1; i < 100; ++i) ok += ", :n";
  EXPECT_EQ(run({K::Cond, ok + ")", ""}), "");
  EXPECT_EQ(run({K::Cond, ok + ", :n)", ""}),
            kC + "The IN operator is provided with too many operands; number of operands: 101");
}

TEST(ParserTest, ExpressionOfExactly4096BytesIsAccepted) {
  std::string text = "a = :n AND " + std::string(4096 - 16, 'b') + " = :n";
  ASSERT_EQ(text.size(), 4096u);
  EXPECT_EQ(run({K::Cond, text, ""}), "");
  EXPECT_EQ(run({K::Cond, text + " ", ""}),
            kC + "Expression size has exceeded the maximum allowed size; expression size: 4097");
}

// Hostile nesting must end in an error, never a stack overflow.
TEST(ParserTest, DeepNestingIsAnErrorNotACrash) {
  for (int depth : {200, 2000, 10000, 100000}) {
    std::string parens = std::string(depth, '(') + "a = :n" + std::string(depth, ')');
    std::string nots;
    for (int i = 0; i < depth; ++i) nots += "NOT ";
    nots += "a = :n";
    std::string fns;
    for (int i = 0; i < depth; ++i) fns += "if_not_exists(a, ";
    fns += ":n" + std::string(depth, ')');
    std::string sizes;
    for (int i = 0; i < depth; ++i) sizes += "size(";
    sizes += "a" + std::string(depth, ')') + " = :n";
    EXPECT_NE(run({K::Cond, parens, ""}), "") << depth;
    EXPECT_NE(run({K::Cond, nots, ""}), "") << depth;
    EXPECT_NE(run({K::Update, "SET a = " + fns, ""}), "") << depth;
    EXPECT_NE(run({K::Cond, sizes, ""}), "") << depth;
    EXPECT_NE(run({K::Cond, "a" + std::string(depth, '[') , ""}), "") << depth;
  }
  // Over the size limit, the size message wins.
  std::string big = std::string(10000, '(') + "a = :n" + std::string(10000, ')');
  EXPECT_EQ(run({K::Cond, big, ""}), kC + "Expression size has exceeded the maximum allowed size; expression size: 20006");
}

TEST(ParserTest, ModestNestingIsAccepted) {
  EXPECT_EQ(run({K::Cond, "NOT NOT NOT a = :n", ""}), "");
  EXPECT_EQ(run({K::Cond, "(a = :n) AND ((b = :n) OR (c = :n))", ""}), "");
  EXPECT_EQ(run({K::Cond, "NOT (NOT (a = :n AND NOT (b = :n)))", ""}), "");
  EXPECT_EQ(run({K::Cond, "((a = :n) AND (b = :n))", ""}), "");
  EXPECT_EQ(run({K::Cond, "((a = :n) AND b = :n) OR ((c = :n))", ""}),
            kC + "The expression has redundant parentheses;");
  EXPECT_EQ(run({K::Cond, "((a = :n))", ""}), kC + "The expression has redundant parentheses;");
  EXPECT_EQ(run({K::Cond, "NOT ((a = :n))", ""}), kC + "The expression has redundant parentheses;");
  // Redundant parentheses are reported before other semantic errors.
  EXPECT_EQ(run({K::Cond, "count = :zz AND ((a = :n))", ""}), kC + "The expression has redundant parentheses;");
}

Condition parse_ok(const std::string& text) {
  Params p;
  p.names = &names();
  p.values = &values();
  return parse_condition(text, ExprKind::Condition, p);
}

TEST(ParserTest, OrBindsLooserThanAnd) {
  Condition c = parse_ok("a = :n OR b = :n AND c = :n");
  ASSERT_EQ(c.kind, CondKind::Or);
  EXPECT_EQ(c.children[0].kind, CondKind::Compare);
  ASSERT_EQ(c.children[1].kind, CondKind::And);
  EXPECT_EQ(c.children[1].children[0].operands[0].path.elems[0].name, "b");
  EXPECT_EQ(c.children[1].children[1].operands[0].path.elems[0].name, "c");

  Condition d = parse_ok("a = :n AND b = :n OR c = :n");
  ASSERT_EQ(d.kind, CondKind::Or);
  EXPECT_EQ(d.children[0].kind, CondKind::And);
  EXPECT_EQ(d.children[1].kind, CondKind::Compare);
}

TEST(ParserTest, NotBindsTighterThanAnd) {
  Condition c = parse_ok("NOT a = :n AND b = :n");
  ASSERT_EQ(c.kind, CondKind::And);
  ASSERT_EQ(c.children[0].kind, CondKind::Not);
  EXPECT_EQ(c.children[0].children[0].kind, CondKind::Compare);
  EXPECT_EQ(c.children[1].kind, CondKind::Compare);

  Condition d = parse_ok("NOT (a = :n AND b = :n)");
  ASSERT_EQ(d.kind, CondKind::Not);
  EXPECT_EQ(d.children[0].kind, CondKind::And);
}

TEST(ParserTest, AndOrAreLeftAssociative) {
  Condition c = parse_ok("a = :n AND b = :n AND c = :n");
  ASSERT_EQ(c.kind, CondKind::And);
  EXPECT_EQ(c.children[0].kind, CondKind::And);
}

TEST(ParserTest, NamesAndValuesAreSubstituted) {
  Params p;
  p.names = &names();
  p.values = &values();
  Condition c = parse_condition("#dot.#a[2] = :s", ExprKind::Condition, p);
  ASSERT_EQ(c.operands[0].path.elems.size(), 3u);
  EXPECT_EQ(c.operands[0].path.elems[0].name, "x.y");
  EXPECT_EQ(c.operands[0].path.elems[1].name, "a");
  EXPECT_TRUE(c.operands[0].path.elems[2].is_index);
  EXPECT_EQ(c.operands[0].path.elems[2].index, 2u);
  ASSERT_NE(c.operands[1].value, nullptr);
  EXPECT_EQ(c.operands[1].value->str, "x");
  EXPECT_EQ(c.operands[0].path.to_string(), "[x.y, a, [2]]");
}

TEST(ParserTest, UpdateActionsInSourceOrder) {
  Params p;
  p.names = &names();
  p.values = &values();
  UpdateExpr u = parse_update("REMOVE r ADD n :n SET s = :s, t = :n DELETE d :ss", p);
  ASSERT_EQ(u.actions.size(), 5u);
  EXPECT_EQ(u.actions[0].kind, UpdateActionKind::Remove);
  EXPECT_EQ(u.actions[1].kind, UpdateActionKind::Add);
  EXPECT_EQ(u.actions[2].kind, UpdateActionKind::Set);
  EXPECT_EQ(u.actions[3].kind, UpdateActionKind::Set);
  EXPECT_EQ(u.actions[4].kind, UpdateActionKind::Delete);
}

TEST(ParserTest, CheckAllUsed) {
  Names n = {{"#a", "a"}, {"#b", "b"}, {"#z", "z"}};
  AttrMap v;
  v.emplace_back(":x", AttributeValue::number("1"));
  v.emplace_back(":y", AttributeValue::number("2"));
  Params p;
  p.names = &n;
  p.values = &v;
  parse_condition("#a = :x", ExprKind::Condition, p);
  try {
    check_all_used(p);
    FAIL() << "expected an error";
  } catch (const ExpressionError& e) {
    EXPECT_STREQ(e.what(), "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b, #z}");
  }
  parse_update("SET #b = :x, #z = :x", p);
  try {
    check_all_used(p);
    FAIL() << "expected an error";
  } catch (const ExpressionError& e) {
    EXPECT_STREQ(e.what(), "Value provided in ExpressionAttributeValues unused in expressions: keys: {:y}");
  }
  parse_projection("a", p);
  parse_condition("b = :y", ExprKind::Condition, p);
  EXPECT_NO_THROW(check_all_used(p));
}

TEST(ParserTest, PathRelation) {
  auto path = [](std::initializer_list<PathElem> e) { return Path{std::vector<PathElem>(e)}; };
  PathElem a{false, "a", 0}, b{false, "b", 0}, i1{true, "", 1}, i2{true, "", 2};
  EXPECT_EQ(path_relation(path({a}), path({b})), 0);
  EXPECT_EQ(path_relation(path({a}), path({a, b})), 1);
  EXPECT_EQ(path_relation(path({a, i1}), path({a, i2})), 0);
  EXPECT_EQ(path_relation(path({a, i1}), path({a, b})), 2);
}

}  // namespace
}  // namespace ddbd::expr
