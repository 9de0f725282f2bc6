// Expression edge semantics (issue 15, part 4): the operand rules the parser
// enforces (ordering operands, size(), attribute_type, functions in the wrong
// context, nesting in update expressions, name tokens) and what the evaluator
// does with odd types from the item (false, not an error), contains() on
// binaries, REMOVE through a non-container, and SET appending past the end
// of a list in index order.  Messages as DynamoDB writes them (Developer
// Guide, "Comparison operator and function reference", "Update
// expressions"; traces recorded by tests that run against AWS).
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "expressions/error.hh"
#include "expressions/eval.hh"
#include "expressions/parser.hh"

#include "../test_util.hh"

namespace ddbd::expr {
namespace {

using Names = std::map<std::string, std::string, std::less<>>;

AttributeValue N(const std::string& n) { return AttributeValue::number(n); }
AttributeValue S(const std::string& s) { return AttributeValue::string(s); }
AttributeValue B(const std::string& s) { return AttributeValue::binary(s); }
AttributeValue L(std::vector<AttributeValue> xs) { return test::list_of(std::move(xs)); }

class SemanticsTest : public ::testing::Test {
 protected:
  Names names = {{"#a", "a"}};
  AttrMap values;
  Item item;

  void SetUp() override {
    val(":n", N("5"));
    val(":one", N("1"));
    val(":s", S("abc"));
    val(":b", B("\x02\xff"));
    val(":b3", B("\x03"));
    val(":bool", AttributeValue::boolean_value(true));
    val(":null", AttributeValue::null());
    val(":l", L({N("1")}));
    val(":m", test::map_of({{"k", S("v")}}));
    val(":ss", test::set_of(AttrType::SS, {"a"}));
    val(":ns", test::set_of(AttrType::NS, {"1"}));
    val(":bs", test::set_of(AttrType::BS, {"\x01"}));
    val(":t", S("N"));
    val(":x", S("x"));
    val(":y", S("y"));
    val(":z", S("z"));
    val(":w", S("w"));
    item = test::item_of({
        {"n", N("10")},
        {"s", S("hello")},
        {"bin", B(std::string("\x01\x02\xff", 3))},
        {"flag", AttributeValue::boolean_value(true)},
        {"nul", AttributeValue::null()},
        {"l", L({N("1"), N("2")})},
        {"m", test::map_of(test::item_of({{"k", S("v")}, {"arr", L({N("0"), N("1"), N("2")})}}))},
        {"ss", test::set_of(AttrType::SS, {"x"})},
    });
  }

  void val(const std::string& name, AttributeValue v) {
    values.emplace_back(name, std::move(v));
    map_normalize(values);
  }

  Params params() {
    Params p;
    p.names = &names;
    p.values = &values;
    return p;
  }

  std::string cond_error(const std::string& text, ExprKind kind = ExprKind::Condition) {
    Params p = params();
    try {
      parse_condition(text, kind, p);
    } catch (const ExpressionError& e) {
      return e.what();
    }
    return "";
  }

  std::string update_parse_error(const std::string& text) {
    Params p = params();
    try {
      parse_update(text, p);
    } catch (const ExpressionError& e) {
      return e.what();
    }
    return "";
  }

  bool holds(const std::string& text) {
    Params p = params();
    return evaluate(parse_condition(text, ExprKind::Condition, p), &item);
  }

  Item update(const std::string& text) {
    Params p = params();
    Item out = item;
    apply_update(parse_update(text, p), out);
    return out;
  }

  std::string update_error(const std::string& text) {
    try {
      update(text);
    } catch (const ExpressionError& e) {
      return e.what();
    }
    return "";
  }
};

const std::string kC = "Invalid ConditionExpression: ";
const std::string kU = "Invalid UpdateExpression: ";
const std::string kType = "Incorrect operand type for operator or function; operator or function: ";
const char kBadPath[] = "The document path provided in the update expression is invalid for update";

// ------------------------------------------------------- ordering operands

TEST_F(SemanticsTest, OrderingARequestValueWithoutAnOrderIsAnError) {
  const std::vector<std::pair<std::string, std::string>> types = {
      {":l", "L"}, {":m", "M"}, {":ss", "SS"}, {":ns", "NS"}, {":bs", "BS"}, {":bool", "BOOL"}, {":null", "NULL"}};
  for (const auto& [v, type] : types) {
    for (const std::string op : {"<", "<=", ">", ">="}) {
      EXPECT_EQ(cond_error("a " + op + " " + v), kC + kType + op + ", operand type: " + type) << v << op;
      EXPECT_EQ(cond_error(v + " " + op + " a"), kC + kType + op + ", operand type: " + type) << v << op;
    }
    EXPECT_EQ(cond_error("a BETWEEN " + v + " AND " + v), kC + kType + "BETWEEN, operand type: " + type) << v;
    EXPECT_EQ(cond_error(v + " BETWEEN a AND b"), kC + kType + "BETWEEN, operand type: " + type) << v;
    // = and <> compare any types; IN is equality.
    EXPECT_EQ(cond_error("a = " + v), "") << v;
    EXPECT_EQ(cond_error("a <> " + v), "") << v;
    EXPECT_EQ(cond_error("a IN (" + v + ", :n)"), "") << v;
  }
  EXPECT_EQ(cond_error("a BETWEEN :n AND :l"), kC + kType + "BETWEEN, operand type: L");
  EXPECT_EQ(cond_error("a < :n AND b < :s AND c < :b"), "");
  EXPECT_EQ(cond_error("size(a) < :n"), "");
  // The same rule in every condition kind.
  EXPECT_EQ(cond_error("a > :m", ExprKind::Filter), "Invalid FilterExpression: " + kType + ">, operand type: M");
  EXPECT_EQ(cond_error("k = :n AND s < :l", ExprKind::KeyCondition),
            "Invalid KeyConditionExpression: " + kType + "<, operand type: L");
}

TEST_F(SemanticsTest, BetweenBoundsPrintBinariesInBase64) {
  val(":bz", B("z"));
  val(":ba", B("a"));
  EXPECT_EQ(cond_error("a BETWEEN :bz AND :ba"),
            kC + "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound "
                 "operand: AttributeValue: {B:eg==}, upper bound operand: AttributeValue: {B:YQ==}");
  EXPECT_EQ(cond_error("a BETWEEN :s AND :b"),
            kC + "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: "
                 "AttributeValue: {S:abc}, upper bound operand: AttributeValue: {B:Av8=}");
}

TEST_F(SemanticsTest, OrderingAnItemValueWithoutAnOrderIsFalse) {
  for (const std::string a : {"l", "m", "ss", "flag", "nul"}) {
    EXPECT_FALSE(holds(a + " < :n")) << a;
    EXPECT_FALSE(holds(a + " >= :n")) << a;
    EXPECT_FALSE(holds(":s > " + a)) << a;
    EXPECT_FALSE(holds(a + " BETWEEN :one AND :n")) << a;
  }
  EXPECT_TRUE(holds("n BETWEEN :n AND n"));
}

// ------------------------------------------------------------------- size()

TEST_F(SemanticsTest, SizeTakesAPathOrAValue) {
  EXPECT_EQ(cond_error("size(:s) = :n"), "");
  EXPECT_EQ(cond_error("size(:l) > :one AND size(:m) < :n AND size(:ss) = :one AND size(:b) = :n"), "");
  val(":three", N("3"));
  EXPECT_TRUE(holds("size(:s) = :three"));
  EXPECT_TRUE(holds("size(:l) = :one"));
  for (const auto& [v, type] : std::vector<std::pair<std::string, std::string>>{
           {":n", "N"}, {":bool", "BOOL"}, {":null", "NULL"}})
    EXPECT_EQ(cond_error("size(" + v + ") = :n"), kC + kType + "size, operand type: " + type) << v;
  EXPECT_EQ(cond_error("size(size(a)) = :n"), kC + kType + "size, operand type: N");
  EXPECT_EQ(cond_error("size(attribute_exists(a)) = :n"),
            kC + "The function is not allowed to be used this way in an expression; function: attribute_exists");
}

TEST_F(SemanticsTest, SizeOfATypeWithoutASizeIsFalseNotAnError) {
  for (const std::string a : {"n", "flag", "nul"}) {
    EXPECT_FALSE(holds("size(" + a + ") = :one")) << a;
    EXPECT_FALSE(holds("size(" + a + ") > :one")) << a;
    EXPECT_FALSE(holds("size(" + a + ") BETWEEN :one AND :n")) << a;
  }
  val(":two", N("2"));
  EXPECT_TRUE(holds("size(l) = :two"));
}

// ---------------------------------------------------------- attribute_type

TEST_F(SemanticsTest, AttributeTypeOperands) {
  EXPECT_EQ(cond_error("attribute_type(:n, :t)"), "");
  EXPECT_TRUE(holds("attribute_type(:n, :t)"));
  EXPECT_FALSE(holds("attribute_type(:s, :t)"));
  EXPECT_TRUE(holds("attribute_type(size(s), :t)"));
  EXPECT_EQ(cond_error("attribute_type(a, b)"),
            kC + kType + "attribute_type, operand type: {NS,SS,L,BS,N,M,B,BOOL,NULL,S}");
  EXPECT_EQ(cond_error("attribute_type(a, size(b))"), kC + kType + "attribute_type, operand type: N");
  EXPECT_EQ(cond_error("attribute_type(a, :l)"), kC + kType + "attribute_type, operand type: L");
  EXPECT_EQ(cond_error("attribute_type(a, :x)"),
            kC + "Invalid attribute type name found; type: x, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}");
}

TEST_F(SemanticsTest, BeginsWithAndContainsOperands) {
  EXPECT_EQ(cond_error("begins_with(:s, a)"), "");
  EXPECT_EQ(cond_error("begins_with(a, :bool)"), kC + kType + "begins_with, operand type: BOOL");
  EXPECT_EQ(cond_error("begins_with(:ss, a)"), kC + kType + "begins_with, operand type: SS");
  EXPECT_EQ(cond_error("begins_with(a, size(b))"), kC + kType + "begins_with, operand type: N");
  for (const std::string v : {":n", ":bool", ":null", ":l", ":m", ":ss"})
    EXPECT_EQ(cond_error("contains(a, " + v + ")"), "") << v;
}

TEST_F(SemanticsTest, ContainsOnBinaries) {
  EXPECT_TRUE(holds("contains(bin, :b)"));
  EXPECT_FALSE(holds("contains(bin, :b3)"));
  EXPECT_FALSE(holds("contains(bin, :s)"));
  EXPECT_FALSE(holds("contains(s, :b)"));
}

// ------------------------------------------------- functions out of place

TEST_F(SemanticsTest, UpdateFunctionsInAConditionAreRefused) {
  for (const std::string f : {"if_not_exists(a, :n) = :n", ":n < list_append(a, :l)", "if_not_exists(a, :n)",
                              "size(if_not_exists(a, :n)) = :n"})
    EXPECT_EQ(cond_error(f).rfind(kC + "The function is not allowed in a condition expression; function: ", 0), 0u)
        << f << ": " << cond_error(f);
  EXPECT_EQ(cond_error("list_append(a, :l)"),
            kC + "The function is not allowed in a condition expression; function: list_append");
  EXPECT_EQ(cond_error("nosuch(a) = :n"), kC + "Invalid function name; function: nosuch");
  EXPECT_EQ(cond_error("attribute_exists(size(a))"),
            kC + "Operator or function requires a document path; operator or function: attribute_exists");
}

TEST_F(SemanticsTest, UpdateFunctionNesting) {
  EXPECT_EQ(update_parse_error("SET a = list_append(if_not_exists(a, :l), :l)"), "");
  EXPECT_EQ(update_parse_error("SET a = if_not_exists(a, list_append(b, :l))"), "");
  EXPECT_EQ(update_parse_error("SET a = if_not_exists(b, :n) + :one"), "");
  EXPECT_EQ(update_parse_error("SET a = list_append(list_append(a, :l), :l)"),
            kU + "The function is not allowed to be used this way in an expression; function: list_append");
  EXPECT_EQ(update_parse_error("SET a = list_append(:l, list_append(a, :l))"),
            kU + "The function is not allowed to be used this way in an expression; function: list_append");
  EXPECT_EQ(update_parse_error("SET a = if_not_exists(if_not_exists(a, :n), :n)"),
            kU + "Operator or function requires a document path; operator or function: if_not_exists");
  EXPECT_EQ(update_parse_error("SET a = f(b, c, d)"), kU + "Invalid function name; function: f");
  EXPECT_EQ(update_parse_error("SET a = f123_hi(b)"), kU + "Invalid function name; function: f123_hi");
  EXPECT_EQ(update_parse_error("SET c = if_not_exists(c, :n + :one)"),
            kU + "Syntax error; token: \"+\", near: \":n + :one\"");
}

TEST_F(SemanticsTest, NamesStartWithALetter) {
  EXPECT_EQ(update_parse_error("SET _123 = :n"), kU + "Syntax error; token: \"_\", near: \"SET _123\"");
  EXPECT_EQ(update_parse_error("SET _abc = :n"), kU + "Syntax error; token: \"_\", near: \"SET _abc\"");
  EXPECT_EQ(update_parse_error("SET a = _f(b)"), kU + "Syntax error; token: \"_\", near: \"= _f\"");
  EXPECT_EQ(cond_error("_a = :n"), kC + "Syntax error; token: \"_\", near: \"_a\"");
  EXPECT_EQ(update_parse_error("SET Alpha_Numeric_123 = :n, A123_ = :n, #a = :n"), "");
  names.emplace("#_", "u");
  names.emplace("#123", "v");
  val(":_", N("1"));
  EXPECT_EQ(update_parse_error("SET #_ = :_, #123 = :_"), "");
}

// -------------------------------------------------------- update documents

TEST_F(SemanticsTest, SetPastTheEndAppendsInIndexOrder) {
  Item out = update("SET m.arr[84] = :w, m.arr[37] = :x, m.arr[17] = :y, m.arr[50] = :z");
  EXPECT_EQ(*map_find(map_find(out, "m")->map, "arr"), L({N("0"), N("1"), N("2"), S("y"), S("x"), S("z"), S("w")}));
  // An index past the end is past the end of the list before the update.
  out = update("SET l[5] = :x, l[2] = :y, l[0] = :z");
  EXPECT_EQ(*map_find(out, "l"), L({S("z"), N("2"), S("y"), S("x")}));
}

TEST_F(SemanticsTest, RemoveThroughANonContainerIsInvalid) {
  for (const std::string path : {"gone.x", "gone[0]", "s.x", "s[0]", "m[0]", "l.x", "m.nope.deeper", "l[7].x"})
    EXPECT_EQ(update_error("REMOVE " + path), kBadPath) << path;
  Item out = update("REMOVE m.nope, l[9], gone");
  EXPECT_EQ(out, item);
}

TEST_F(SemanticsTest, SetThroughANonContainerIsInvalid) {
  for (const std::string path : {"gone.x", "gone[0]", "s.x", "s[0]", "m[0]", "l.x", "n.x", "flag[0]"})
    EXPECT_EQ(update_error("SET " + path + " = :n"), kBadPath) << path;
}

}  // namespace
}  // namespace ddbd::expr
