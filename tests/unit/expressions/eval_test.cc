// Evaluator tests: conditions on items, updates, projections (Developer
// Guide, "Comparison operator and function reference", "Update expressions",
// "Projection expressions").  Values in items are canonical (numbers as
// Number::to_string produces them), as the api layer stores them.
#include "expressions/eval.hh"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "expressions/error.hh"
#include "expressions/parser.hh"
#include "storage/number.hh"

#include "../test_util.hh"

namespace ddbd::expr {
namespace {

using Names = std::map<std::string, std::string, std::less<>>;

AttributeValue N(const std::string& text) {
  auto n = Number::parse(text);
  EXPECT_TRUE(n) << text;
  return AttributeValue::number(n ? n->to_string() : "0");
}
AttributeValue S(const std::string& s) { return AttributeValue::string(s); }
AttributeValue B(const std::string& s) { return AttributeValue::binary(s); }
AttributeValue BOOL(bool b) { return AttributeValue::boolean_value(b); }
AttributeValue NUL() { return AttributeValue::null(); }
AttributeValue L(std::vector<AttributeValue> xs) { return test::list_of(std::move(xs)); }
AttributeValue M(AttrMap xs) { return test::map_of(test::item_of(std::move(xs))); }
AttributeValue SS(std::vector<std::string> xs) { return test::set_of(AttrType::SS, std::move(xs)); }
AttributeValue NS(std::vector<std::string> xs) { return test::set_of(AttrType::NS, std::move(xs)); }
AttributeValue BS(std::vector<std::string> xs) { return test::set_of(AttrType::BS, std::move(xs)); }
Item ITEM(AttrMap xs) { return test::item_of(std::move(xs)); }

// A fixture holding names/values, parsing and evaluating against `item`.
class EvalTest : public ::testing::Test {
 protected:
  Names names = {{"#c", "count"}, {"#dot", "a.b"}};
  AttrMap values;
  Item item;

  void SetUp() override {
    item = ITEM({
        {"pk", S("k")},
        {"n", N("10")},
        {"neg", N("-3.5")},
        {"s", S("hello")},
        {"b", B(std::string("\x01\x02\xff", 3))},
        {"t", BOOL(true)},
        {"nul", NUL()},
        {"ss", SS({"x", "y"})},
        {"ns", NS({"1", "2.5"})},
        {"bs", BS({std::string("\x01", 1)})},
        {"l", L({N("1"), S("two"), L({N("3")}), M({{"k", S("v")}})})},
        {"m", M({{"x", N("1")}, {"y", M({{"z", S("deep")}})}, {"arr", L({N("0"), N("1"), N("2")})}})},
        {"a.b", S("dotted")},
        {"count", N("7")},
    });
  }

  void val(const std::string& name, AttributeValue v) {
    values.emplace_back(name, std::move(v));
    map_normalize(values);
  }

  bool cond(const std::string& text, const Item* on) {
    Params p;
    p.names = &names;
    p.values = &values;
    Condition c = parse_condition(text, ExprKind::Condition, p);
    return evaluate(c, on);
  }
  bool cond(const std::string& text) { return cond(text, &item); }

  Item update(const std::string& text, Item on) {
    Params p;
    p.names = &names;
    p.values = &values;
    UpdateExpr u = parse_update(text, p);
    apply_update(u, on);
    return on;
  }
  Item update(const std::string& text) { return update(text, item); }

  std::string update_error(const std::string& text) {
    try {
      update(text);
    } catch (const ExpressionError& e) {
      return e.what();
    }
    return "";
  }

  Item proj(const std::string& text) {
    Params p;
    p.names = &names;
    p.values = &values;
    return project(item, parse_projection(text, p).paths);
  }
};

const char kMissing[] = "The provided expression refers to an attribute that does not exist in the item";
const char kWrongType[] = "An operand in the update expression has an incorrect data type";
const char kBadPath[] = "The document path provided in the update expression is invalid for update";

// ---------------------------------------------------------------- conditions

TEST_F(EvalTest, ComparisonsOfNumbersAreExact) {
  val(":9", N("9"));
  val(":10", N("10.0"));
  val(":1e1", N("1E+1"));
  val(":big", N("99999999999999999999999999999999999999"));
  val(":bigger", N("100000000000000000000000000000000000000"));
  val(":tiny", N("-0.00000000000000000000000000000000000001"));
  EXPECT_TRUE(cond("n > :9"));
  EXPECT_FALSE(cond("n < :9"));
  EXPECT_TRUE(cond("n = :10"));
  EXPECT_TRUE(cond("n = :1e1"));
  EXPECT_TRUE(cond("n <= :1e1 AND n >= :1e1"));
  EXPECT_FALSE(cond("n <> :10"));
  EXPECT_TRUE(cond(":big < :bigger"));
  EXPECT_TRUE(cond("neg < :tiny"));
  EXPECT_TRUE(cond(":tiny < :9"));
}

TEST_F(EvalTest, NumbersInItemsAreCanonical) {
  // 1.0 = 1 and 1E+2 = 100 once stored.
  Item it = ITEM({{"x", N("1.0")}, {"y", N("1E+2")}});
  EXPECT_EQ(map_find(it, "x")->str, "1");
  EXPECT_EQ(map_find(it, "y")->str, "100");
  val(":one", N("1"));
  val(":hundred", N("100"));
  EXPECT_TRUE(cond("x = :one AND y = :hundred", &it));
  // Non-canonical request text still compares numerically.
  AttributeValue raw;
  raw.type = AttrType::N;
  raw.str = "1.000";
  values.emplace_back(":raw", raw);
  map_normalize(values);
  EXPECT_TRUE(cond("x = :raw", &it));
  EXPECT_TRUE(cond("x <= :raw AND x >= :raw", &it));
}

TEST_F(EvalTest, StringsAndBinariesCompareBytewise) {
  val(":a", S("a"));
  val(":Z", S("Z"));
  val(":hellp", S("hellp"));
  val(":accent", S("\xc3\xa9"));  // é (0xC3 > 'z')
  val(":b0", B(std::string("\x01\x02", 2)));
  val(":b1", B(std::string("\x7f", 1)));
  EXPECT_TRUE(cond("s > :a"));
  EXPECT_TRUE(cond("s > :Z"));
  EXPECT_TRUE(cond("s < :hellp"));
  EXPECT_TRUE(cond("s < :accent"));
  EXPECT_TRUE(cond("b > :b0"));
  EXPECT_TRUE(cond("b < :b1 OR b > :b1"));
  EXPECT_TRUE(cond("b < :b1"));
}

TEST_F(EvalTest, ComparisonsAcrossTypesAreFalse) {
  val(":s10", S("10"));
  val(":n10", N("10"));
  val(":l", L({N("1")}));
  EXPECT_FALSE(cond("n = :s10"));
  EXPECT_TRUE(cond("n <> :s10"));
  EXPECT_FALSE(cond("n < :s10"));
  EXPECT_FALSE(cond("n >= :s10"));
  EXPECT_FALSE(cond("s < :n10"));
  EXPECT_FALSE(cond("l < n"));  // an item value without an order: false (a request one is an error)
  EXPECT_FALSE(cond("t > :n10"));
}

TEST_F(EvalTest, MissingAttributes) {
  val(":n", N("1"));
  EXPECT_FALSE(cond("gone_attr = :n"));
  EXPECT_TRUE(cond("gone_attr <> :n"));
  EXPECT_FALSE(cond("gone_attr < :n"));
  EXPECT_FALSE(cond("gone_attr >= :n"));
  EXPECT_FALSE(cond("gone_attr BETWEEN :n AND :n"));
  EXPECT_FALSE(cond("gone_attr IN (:n)"));
  val(":s", S("x"));
  EXPECT_FALSE(cond("begins_with(gone_attr, :s) OR contains(gone_attr, :n)"));
  EXPECT_FALSE(cond("size(gone_attr) >= :n"));
  EXPECT_FALSE(cond("attribute_exists(gone_attr)"));
  EXPECT_TRUE(cond("attribute_not_exists(gone_attr)"));
  EXPECT_TRUE(cond("NOT gone_attr = :n"));
  EXPECT_FALSE(cond("m.nope.deeper = :n"));
  EXPECT_FALSE(cond("l[99] = :n"));
  EXPECT_FALSE(cond("s[0] = :n"));
  EXPECT_FALSE(cond("s.x = :n"));
  // No item at all.
  EXPECT_FALSE(cond("n = :n", nullptr));
  EXPECT_TRUE(cond("n <> :n", nullptr));
  EXPECT_TRUE(cond("attribute_not_exists(pk)", nullptr));
  EXPECT_FALSE(cond("attribute_exists(pk)", nullptr));
}

TEST_F(EvalTest, EqualityIsDeep) {
  val(":ss", SS({"y", "x"}));
  val(":ns", NS({"2.50", "1"}));
  val(":m", M({{"y", M({{"z", S("deep")}})}, {"x", N("1.0")}, {"arr", L({N("0"), N("1"), N("2")})}}));
  val(":l", L({N("1"), S("two"), L({N("3")}), M({{"k", S("v")}})}));
  val(":l2", L({S("two"), N("1"), L({N("3")}), M({{"k", S("v")}})}));
  val(":t", BOOL(true));
  val(":nul", NUL());
  EXPECT_TRUE(cond("ss = :ss"));
  EXPECT_TRUE(cond("ns = :ns"));
  EXPECT_TRUE(cond("m = :m"));
  EXPECT_TRUE(cond("l = :l"));
  EXPECT_FALSE(cond("l = :l2"));
  EXPECT_TRUE(cond("t = :t"));
  EXPECT_TRUE(cond("nul = :nul"));
  EXPECT_TRUE(cond("m.y = l[3] OR m.y <> l[3]"));
  EXPECT_TRUE(cond("l[3] <> m.y"));
}

TEST_F(EvalTest, NestedPathsAndNames) {
  val(":deep", S("deep"));
  val(":dotted", S("dotted"));
  val(":seven", N("7"));
  val(":two", N("2"));
  EXPECT_TRUE(cond("m.y.z = :deep"));
  EXPECT_TRUE(cond("m.arr[2] = :two"));
  EXPECT_TRUE(cond("#dot = :dotted"));  // a name containing a dot
  EXPECT_TRUE(cond("#c = :seven"));
}

TEST_F(EvalTest, Between) {
  val(":5", N("5"));
  val(":10", N("10"));
  val(":11", N("11"));
  val(":a", S("a"));
  val(":i", S("i"));
  EXPECT_TRUE(cond("n BETWEEN :5 AND :10"));
  EXPECT_TRUE(cond("n BETWEEN :10 AND :10"));
  EXPECT_TRUE(cond("n BETWEEN :10 AND :11"));
  EXPECT_FALSE(cond("n BETWEEN :5 AND :5"));
  EXPECT_TRUE(cond("s BETWEEN :a AND :i"));
  EXPECT_FALSE(cond("n BETWEEN :a AND :i"));
  EXPECT_TRUE(cond("size(s) BETWEEN :5 AND :5"));
}

TEST_F(EvalTest, In) {
  val(":1", N("1"));
  val(":10", N("10"));
  val(":s10", S("10"));
  val(":ss", SS({"y", "x"}));
  EXPECT_TRUE(cond("n IN (:1, :10)"));
  EXPECT_FALSE(cond("n IN (:1, :s10)"));
  EXPECT_TRUE(cond("ss IN (:1, :ss)"));
  EXPECT_TRUE(cond("n IN (#c, n)"));
}

TEST_F(EvalTest, BeginsWith) {
  val(":he", S("he"));
  val(":hello", S("hello"));
  val(":hellox", S("hellox"));
  val(":empty", S(""));
  val(":b", B(std::string("\x01", 1)));
  val(":bx", B(std::string("\x02", 1)));
  EXPECT_TRUE(cond("begins_with(s, :he)"));
  EXPECT_TRUE(cond("begins_with(s, :hello)"));
  EXPECT_FALSE(cond("begins_with(s, :hellox)"));
  EXPECT_TRUE(cond("begins_with(s, :empty)"));
  EXPECT_TRUE(cond("begins_with(b, :b)"));
  EXPECT_FALSE(cond("begins_with(b, :bx)"));
  EXPECT_FALSE(cond("begins_with(s, :b)"));   // types differ
  EXPECT_FALSE(cond("begins_with(n, :he)"));  // not S/B
  EXPECT_FALSE(cond("begins_with(ss, :he)"));
}

TEST_F(EvalTest, Contains) {
  val(":ell", S("ell"));
  val(":x", S("x"));
  val(":z", S("z"));
  val(":n25", N("2.50"));
  val(":n3", N("3"));
  val(":b1", B(std::string("\x01", 1)));
  val(":two", S("two"));
  val(":one", N("1"));
  val(":inner", L({N("3")}));
  val(":mv", M({{"k", S("v")}}));
  val(":ssx", SS({"x"}));
  EXPECT_TRUE(cond("contains(s, :ell)"));
  EXPECT_FALSE(cond("contains(s, :z)"));
  EXPECT_TRUE(cond("contains(ss, :x)"));
  EXPECT_FALSE(cond("contains(ss, :z)"));
  EXPECT_FALSE(cond("contains(ss, :ssx)"));
  EXPECT_TRUE(cond("contains(ns, :n25)"));
  EXPECT_FALSE(cond("contains(ns, :n3)"));
  EXPECT_TRUE(cond("contains(bs, :b1)"));
  EXPECT_TRUE(cond("contains(l, :two)"));
  EXPECT_TRUE(cond("contains(l, :one)"));
  EXPECT_TRUE(cond("contains(l, :inner)"));
  EXPECT_TRUE(cond("contains(l, :mv)"));
  EXPECT_FALSE(cond("contains(l, :x)"));
  EXPECT_FALSE(cond("contains(n, :one)"));
  EXPECT_FALSE(cond("contains(m, :x)"));
}

TEST_F(EvalTest, SizeOfEachType) {
  val(":0", N("0"));
  val(":1", N("1"));
  val(":2", N("2"));
  val(":3", N("3"));
  val(":4", N("4"));
  val(":5", N("5"));
  EXPECT_TRUE(cond("size(s) = :5"));
  EXPECT_TRUE(cond("size(b) = :3"));
  EXPECT_TRUE(cond("size(ss) = :2"));
  EXPECT_TRUE(cond("size(ns) = :2"));
  EXPECT_TRUE(cond("size(bs) = :1"));
  EXPECT_TRUE(cond("size(l) = :4"));
  EXPECT_TRUE(cond("size(m) = :3"));
  EXPECT_TRUE(cond("size(m.arr) = :3"));
  EXPECT_TRUE(cond("size(l[2]) = :1"));
  EXPECT_TRUE(cond("size(s) > size(ss)"));
  EXPECT_EQ(value_size_function(N("5")), -1);
  EXPECT_EQ(value_size_function(BOOL(true)), -1);
  EXPECT_EQ(value_size_function(NUL()), -1);
  EXPECT_EQ(value_size_function(S("")), 0);
  EXPECT_EQ(value_size_function(L({})), 0);
}

TEST_F(EvalTest, AttributeType) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"n", "N"}, {"s", "S"}, {"b", "B"}, {"t", "BOOL"}, {"nul", "NULL"}, {"ss", "SS"},
      {"ns", "NS"}, {"bs", "BS"}, {"l", "L"}, {"m", "M"}};
  for (const auto& [attr, type] : cases) {
    values.clear();
    val(":t", S(type));
    val(":other", S(type == "S" ? "N" : "S"));
    EXPECT_TRUE(cond("attribute_type(" + attr + ", :t)")) << attr;
    EXPECT_FALSE(cond("attribute_type(" + attr + ", :other)")) << attr;
  }
  values.clear();
  val(":t", S("N"));
  EXPECT_FALSE(cond("attribute_type(gone_attr, :t)"));
}

TEST_F(EvalTest, LogicalOperators) {
  val(":1", N("1"));
  val(":10", N("10"));
  EXPECT_TRUE(cond("n = :1 OR n = :10"));
  EXPECT_FALSE(cond("n = :1 AND n = :10"));
  EXPECT_TRUE(cond("n = :1 OR n = :10 AND attribute_exists(s)"));
  EXPECT_FALSE(cond("(n = :1 OR n = :10) AND attribute_exists(zz)"));
  EXPECT_TRUE(cond("NOT n = :1 AND n = :10"));
  EXPECT_FALSE(cond("NOT NOT n = :1"));
}

// ------------------------------------------------------------------- updates

TEST_F(EvalTest, SetPlusMinus) {
  val(":1", N("1"));
  val(":half", N("0.5"));
  Item out = update("SET n = n + :1, neg = neg - :half, fresh = :1 + :1, c2 = #c - n");
  EXPECT_EQ(map_find(out, "n")->str, "11");
  EXPECT_EQ(map_find(out, "neg")->str, "-4");
  EXPECT_EQ(map_find(out, "fresh")->str, "2");
  EXPECT_EQ(map_find(out, "c2")->str, "-3");  // operands read before the update
}

TEST_F(EvalTest, OperandsSeeTheItemBeforeTheUpdate) {
  Item out = update("SET n = #c, #c = n");
  EXPECT_EQ(map_find(out, "n")->str, "7");
  EXPECT_EQ(map_find(out, "count")->str, "10");
}

TEST_F(EvalTest, ExactArithmetic) {
  val(":a", N("0.1"));
  val(":b", N("0.2"));
  val(":big", N("99999999999999999999999999999999999999"));
  val(":1", N("1"));
  Item out = update("SET x = :a + :b, y = :big - :1");
  EXPECT_EQ(map_find(out, "x")->str, "0.3");
  EXPECT_EQ(map_find(out, "y")->str, "99999999999999999999999999999999999998");
}

TEST_F(EvalTest, NumberOverflow) {
  val(":max", N("9.9999999999999999999999999999999999999E+125"));
  val(":more", N("1E+125"));
  EXPECT_EQ(update_error("SET x = :max + :more"),
            "Number overflow. Attempting to store a number with magnitude larger than supported range");
  Item big = item;
  map_set(big, "n", N("9.9999999999999999999999999999999999999E+125"));
  EXPECT_THROW(update("ADD n :more", big), ExpressionError);
}

TEST_F(EvalTest, IfNotExists) {
  val(":0", N("0"));
  val(":1", N("1"));
  Item out = update("SET n = if_not_exists(n, :0) + :1, fresh = if_not_exists(fresh, :0) + :1, "
                    "o2 = if_not_exists(m.y.z, :0)");
  EXPECT_EQ(map_find(out, "n")->str, "11");
  EXPECT_EQ(map_find(out, "fresh")->str, "1");
  EXPECT_EQ(*map_find(out, "o2"), S("deep"));
  // The default may itself be a path, which must exist.
  EXPECT_EQ(update_error("SET x = if_not_exists(gone_attr, gone_too)"), kMissing);
}

TEST_F(EvalTest, ListAppend) {
  val(":l", L({N("9")}));
  val(":empty", L({}));
  Item out = update("SET l = list_append(l, :l), front = list_append(:l, m.arr), e = list_append(:empty, :empty)");
  ASSERT_EQ(map_find(out, "l")->list.size(), 5u);
  EXPECT_EQ(map_find(out, "l")->list[4], N("9"));
  EXPECT_EQ(*map_find(out, "front"), L({N("9"), N("0"), N("1"), N("2")}));
  EXPECT_EQ(*map_find(out, "e"), L({}));
  Item created = update("SET newlist = list_append(if_not_exists(newlist, :empty), :l)");
  EXPECT_EQ(*map_find(created, "newlist"), L({N("9")}));
  EXPECT_EQ(update_error("SET l = list_append(s, :l)"), kWrongType);
  EXPECT_EQ(update_error("SET l = list_append(gone_attr, :l)"), kMissing);
}

TEST_F(EvalTest, SetNestedPaths) {
  val(":v", S("v"));
  Item out = update("SET m.y.z = :v, m.newkey = :v, m.arr[1] = :v, l[2][0] = :v");
  EXPECT_EQ(*map_find(map_find(out, "m")->map, "newkey"), S("v"));
  EXPECT_EQ(*map_find(map_find(map_find(out, "m")->map, "y")->map, "z"), S("v"));
  EXPECT_EQ(map_find(map_find(out, "m")->map, "arr")->list[1], S("v"));
  EXPECT_EQ(map_find(out, "l")->list[2].list[0], S("v"));
}

TEST_F(EvalTest, SetListIndexBeyondEndAppends) {
  val(":v", S("v"));
  Item out = update("SET m.arr[100] = :v");
  const auto& arr = map_find(map_find(out, "m")->map, "arr")->list;
  ASSERT_EQ(arr.size(), 4u);
  EXPECT_EQ(arr[3], S("v"));
  Item two = update("SET m.arr[10] = :v, m.arr[20] = :v");
  EXPECT_EQ(map_find(map_find(two, "m")->map, "arr")->list.size(), 5u);
}

TEST_F(EvalTest, SetInvalidDocumentPaths) {
  val(":v", S("v"));
  EXPECT_EQ(update_error("SET gone_attr.x = :v"), kBadPath);
  EXPECT_EQ(update_error("SET gone_attr[0] = :v"), kBadPath);
  EXPECT_EQ(update_error("SET s.x = :v"), kBadPath);
  EXPECT_EQ(update_error("SET s[0] = :v"), kBadPath);
  EXPECT_EQ(update_error("SET m[0] = :v"), kBadPath);
  EXPECT_EQ(update_error("SET l.x = :v"), kBadPath);
  EXPECT_EQ(update_error("SET m.nope.deeper = :v"), kBadPath);
}

TEST_F(EvalTest, SetOperandErrors) {
  val(":1", N("1"));
  EXPECT_EQ(update_error("SET x = gone_attr"), kMissing);
  EXPECT_EQ(update_error("SET x = gone_attr + :1"), kMissing);
  EXPECT_EQ(update_error("SET x = m.nope"), kMissing);
  EXPECT_EQ(update_error("SET x = s + :1"), kWrongType);
  EXPECT_EQ(update_error("SET x = :1 - ss"), kWrongType);
}

TEST_F(EvalTest, Remove) {
  Item out = update("REMOVE s, m.y, gone_attr, m.nope, l[99]");
  EXPECT_EQ(map_find(out, "s"), nullptr);
  EXPECT_EQ(map_find(map_find(out, "m")->map, "y"), nullptr);
  EXPECT_EQ(map_find(out, "l")->list.size(), 4u);
}

TEST_F(EvalTest, RemoveListElementsByOriginalIndexes) {
  Item out = update("REMOVE l[0], l[2]");
  EXPECT_EQ(*map_find(out, "l"), L({S("two"), M({{"k", S("v")}})}));
  Item out2 = update("REMOVE m.arr[2], m.arr[0]");
  EXPECT_EQ(*map_find(map_find(out2, "m")->map, "arr"), L({N("1")}));
  Item out3 = update("REMOVE l[3], l[0], l[1]");
  EXPECT_EQ(*map_find(out3, "l"), L({L({N("3")})}));
}

TEST_F(EvalTest, SetAndRemoveTogether) {
  val(":v", S("new"));
  // SET sees the list before REMOVE shifts it.
  Item out = update("SET l[1] = :v REMOVE l[0]");
  EXPECT_EQ(map_find(out, "l")->list[0], S("new"));
  EXPECT_EQ(map_find(out, "l")->list.size(), 3u);
}

TEST_F(EvalTest, AddNumbersAndSets) {
  val(":1", N("1"));
  val(":neg", N("-10.5"));
  val(":ss", SS({"y", "z"}));
  val(":ns", NS({"2.5", "3"}));
  val(":bs", BS({std::string("\x02", 1)}));
  Item out = update("ADD n :neg, ss :ss, ns :ns, bs :bs, newn :1, newss :ss, m.newn :1");
  EXPECT_EQ(map_find(out, "n")->str, "-0.5");
  EXPECT_EQ(*map_find(out, "ss"), SS({"x", "y", "z"}));
  EXPECT_EQ(*map_find(out, "ns"), NS({"1", "2.5", "3"}));
  EXPECT_EQ(map_find(out, "bs")->set.size(), 2u);
  EXPECT_EQ(map_find(out, "newn")->str, "1");
  EXPECT_EQ(*map_find(out, "newss"), SS({"y", "z"}));
  EXPECT_EQ(*map_find(map_find(out, "m")->map, "newn"), N("1"));
}

TEST_F(EvalTest, AddErrors) {
  val(":1", N("1"));
  val(":ss", SS({"y"}));
  val(":ns", NS({"1"}));
  EXPECT_EQ(update_error("ADD s :1"), kWrongType);
  EXPECT_EQ(update_error("ADD n :ss"), kWrongType);
  EXPECT_EQ(update_error("ADD ss :ns"), kWrongType);
  EXPECT_EQ(update_error("ADD l :1"), kWrongType);
  EXPECT_EQ(update_error("ADD gone_attr.x :1"), kBadPath);
}

TEST_F(EvalTest, DeleteFromSets) {
  val(":x", SS({"x", "nothere"}));
  val(":all", SS({"x", "y"}));
  val(":ns", NS({"2.50"}));
  Item out = update("DELETE ss :x, ns :ns, gone_attr :x");
  EXPECT_EQ(*map_find(out, "ss"), SS({"y"}));
  EXPECT_EQ(*map_find(out, "ns"), NS({"1"}));
  EXPECT_EQ(map_find(out, "gone_attr"), nullptr);
  // Deleting every member removes the attribute.
  Item gone = update("DELETE ss :all");
  EXPECT_EQ(map_find(gone, "ss"), nullptr);
  EXPECT_EQ(update_error("DELETE ns :x"), kWrongType);
  EXPECT_EQ(update_error("DELETE s :x"), kWrongType);
}

TEST_F(EvalTest, FailedUpdateLeavesCallerCopyConsistent) {
  // apply_update evaluates every operand before writing: an error in a late
  // action means no earlier SET was applied.
  val(":1", N("1"));
  Item copy = item;
  Params p;
  p.names = &names;
  p.values = &values;
  UpdateExpr u = parse_update("SET n = :1, x = gone_attr", p);
  EXPECT_THROW(apply_update(u, copy), ExpressionError);
  EXPECT_EQ(copy, item);
}

// ---------------------------------------------------------------- projection

TEST_F(EvalTest, ProjectTopLevelAndNested) {
  Item out = proj("s, m.y.z, m.arr[1], gone_attr, m.nope");
  EXPECT_EQ(out, ITEM({{"s", S("hello")}, {"m", M({{"y", M({{"z", S("deep")}})}, {"arr", L({N("1")})}})}}));
}

TEST_F(EvalTest, ProjectListElementsKeepOrder) {
  Item out = proj("l[3], l[1], l[99]");
  EXPECT_EQ(out, ITEM({{"l", L({S("two"), M({{"k", S("v")}})})}}));
  Item nested = proj("l[2][0], l[3].k");
  EXPECT_EQ(nested, ITEM({{"l", L({L({N("3")}), M({{"k", S("v")}})})}}));
}

TEST_F(EvalTest, ProjectNothingMatching) {
  EXPECT_TRUE(proj("gone_attr, s.x, l[99], m.nope").empty());
  EXPECT_EQ(proj("#dot"), ITEM({{"a.b", S("dotted")}}));
  EXPECT_EQ(proj("nul"), ITEM({{"nul", NUL()}}));
}

}  // namespace
}  // namespace ddbd::expr
