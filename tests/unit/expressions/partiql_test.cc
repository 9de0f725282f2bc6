// Tests of the PartiQL parser (expressions/partiql.hh): every statement kind,
// literal kind, parameters, names and keywords, comments, the errors with
// DynamoDB's exact messages (recorded against AWS by the conformance suites
// listed in the facts), nesting bounds, and evaluation of parsed
// statements through the one evaluator (expressions/eval.hh).
#include "expressions/partiql.hh"

#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

#include "expressions/error.hh"
#include "expressions/eval.hh"

#include "../test_util.hh"

namespace ddbd::expr::partiql {
namespace {

using test::list_of;
using test::set_of;

using Params = std::vector<AttributeValue>;

const std::string kMalformed = "Statement wasn't well formed, can't be processed: ";

Statement parse(std::string_view text, const Params& params = {}) { return parse_statement(text, params); }

// The message parse_statement throws, or "" when it parses.
std::string error_of(std::string_view text, const Params& params = {}) {
  try {
    (void)parse_statement(text, params);
  } catch (const ExpressionError& e) {
    return e.what();
  }
  return "";
}

Path path_of(std::vector<std::string> names) {
  Path p;
  for (auto& n : names) p.elems.push_back(PathElem{false, std::move(n), 0});
  return p;
}

Item item_of(AttrMap m) {
  map_normalize(m);
  return m;
}

AttributeValue S(std::string s) { return AttributeValue::string(std::move(s)); }
AttributeValue N(std::string n) { return AttributeValue::number(std::move(n)); }

// ---- statement kinds ----

TEST(PartiqlSelect, StarFromTableWithWhere) {
  Statement st = parse("SELECT * FROM \"Users\" WHERE id = 'u1'");
  EXPECT_EQ(st.kind, StatementKind::select);
  EXPECT_TRUE(st.is_read());
  EXPECT_EQ(st.table, "Users");
  EXPECT_FALSE(st.index);
  EXPECT_TRUE(st.select_all);
  ASSERT_TRUE(st.where);
  EXPECT_EQ(st.where->kind, CondKind::Compare);
  EXPECT_EQ(st.where->op, CompareOp::EQ);
  ASSERT_EQ(st.where->operands.size(), 2u);
  EXPECT_EQ(st.where->operands[0].kind, OperandKind::Path);
  EXPECT_EQ(st.where->operands[0].path, path_of({"id"}));
  ASSERT_EQ(st.where->operands[1].kind, OperandKind::Value);
  EXPECT_EQ(*st.where->operands[1].value, S("u1"));
  EXPECT_EQ(st.parameters_used, 0u);
}

TEST(PartiqlSelect, ProjectionIndexAndOrderBy) {
  Statement st = parse("select a, b.c[2], \"d e\" from \"tbl\".\"by_x\" where pk = 1 order by sk desc, pk");
  EXPECT_EQ(st.table, "tbl");
  ASSERT_TRUE(st.index);
  EXPECT_EQ(*st.index, "by_x");
  EXPECT_FALSE(st.select_all);
  ASSERT_EQ(st.projection.size(), 3u);
  EXPECT_EQ(st.projection[0], path_of({"a"}));
  EXPECT_EQ(st.projection[1].to_string(), "[b, c, [2]]");
  EXPECT_EQ(st.projection[2], path_of({"d e"}));
  ASSERT_EQ(st.order_by.size(), 2u);
  EXPECT_EQ(st.order_by[0].path, path_of({"sk"}));
  EXPECT_TRUE(st.order_by[0].descending);
  EXPECT_FALSE(st.order_by[1].descending);
}

TEST(PartiqlSelect, NoWhereScans) {
  Statement st = parse("SELECT * FROM \"tbl\"");
  EXPECT_FALSE(st.where);
}

TEST(PartiqlInsert, ValueMapBecomesTheItem) {
  Statement st = parse("INSERT INTO \"Users\" VALUE {'id': 'u1', 'name': 'Ada', 'n': 1, 'ok': TRUE, 'z': NULL, "
                       "'l': [1, 'two'], 'm': {'x': -1.50}, 'ss': <<'a', 'b'>>, 'ns': <<1, 2.0>>}");
  EXPECT_EQ(st.kind, StatementKind::insert);
  EXPECT_EQ(st.table, "Users");
  AttributeValue m;
  m.type = AttrType::M;
  m.map = item_of({{"x", N("-1.5")}});
  const Item expected = item_of({{"id", S("u1")},
                                 {"name", S("Ada")},
                                 {"n", N("1")},
                                 {"ok", AttributeValue::boolean_value(true)},
                                 {"z", AttributeValue::null()},
                                 {"l", list_of({N("1"), S("two")})},
                                 {"m", m},
                                 {"ss", set_of(AttrType::SS, {"a", "b"})},
                                 {"ns", set_of(AttrType::NS, {"1", "2"})}});
  EXPECT_EQ(st.item, expected);
}

TEST(PartiqlInsert, ParametersAnywhereInTheItem) {
  const Params params = {S("k"), N("7"), set_of(AttrType::SS, {"x"})};
  Statement st = parse("INSERT INTO \"t1x\" VALUE {'pk': ?, 'l': [?], 'm': {'s': ?}}", params);
  EXPECT_EQ(st.parameters_used, 3u);
  AttributeValue m;
  m.type = AttrType::M;
  m.map = item_of({{"s", set_of(AttrType::SS, {"x"})}});
  EXPECT_EQ(st.item, item_of({{"pk", S("k")}, {"l", list_of({N("7")})}, {"m", m}}));
}

TEST(PartiqlUpdate, SetRemoveArithmeticListAppendSetAddSetDelete) {
  Statement st = parse(
      "UPDATE \"Users\" SET n = n + 1 SET tags = list_append(tags, ['x']), c = c - 2 REMOVE gone REMOVE m.k "
      "SET s = set_add(s, <<'a'>>), t = SET_DELETE(t, <<3>>) WHERE id = 'u1' RETURNING ALL NEW *");
  EXPECT_EQ(st.kind, StatementKind::update);
  EXPECT_EQ(st.table, "Users");
  const auto& a = st.update.actions;
  ASSERT_EQ(a.size(), 7u);
  EXPECT_EQ(a[0].kind, UpdateActionKind::Set);
  EXPECT_EQ(a[0].value.kind, OperandKind::Plus);
  EXPECT_EQ(a[1].kind, UpdateActionKind::Set);
  EXPECT_EQ(a[1].value.kind, OperandKind::Function);
  EXPECT_EQ(a[1].value.name, "list_append");
  EXPECT_EQ(a[2].value.kind, OperandKind::Minus);
  EXPECT_EQ(a[3].kind, UpdateActionKind::Remove);
  EXPECT_EQ(a[4].kind, UpdateActionKind::Remove);
  EXPECT_EQ(a[4].path, path_of({"m", "k"}));
  EXPECT_EQ(a[5].kind, UpdateActionKind::Add);
  ASSERT_EQ(a[5].value.kind, OperandKind::Value);
  EXPECT_EQ(*a[5].value.value, set_of(AttrType::SS, {"a"}));
  EXPECT_EQ(a[6].kind, UpdateActionKind::Delete);
  EXPECT_EQ(*a[6].value.value, set_of(AttrType::NS, {"3"}));
  EXPECT_EQ(st.returning, Returning::all_new);
  ASSERT_TRUE(st.where);
}

TEST(PartiqlUpdate, OperationsMaySeparateByCommas) {
  Statement st = parse("UPDATE \"tbl\" SET k = 5, REMOVE t REMOVE u SET v = 1, w = 2 WHERE pk = 'a'");
  const auto& a = st.update.actions;
  ASSERT_EQ(a.size(), 5u);
  EXPECT_EQ(a[0].kind, UpdateActionKind::Set);
  EXPECT_EQ(a[1].kind, UpdateActionKind::Remove);
  EXPECT_EQ(a[2].kind, UpdateActionKind::Remove);
  EXPECT_EQ(a[2].path, path_of({"u"}));
  EXPECT_EQ(a[3].kind, UpdateActionKind::Set);
  EXPECT_EQ(a[4].path, path_of({"w"}));
  EXPECT_EQ(parse("FROM \"tbl\" WHERE pk = 'a' SET k = 5, REMOVE t").update.actions.size(), 2u);
  // One path per REMOVE.
  EXPECT_EQ(error_of("UPDATE \"tbl\" REMOVE t, u WHERE pk = 'a'"), kMalformed + "Unexpected token after expression");
}

TEST(PartiqlUpdate, FromFirstForm) {
  Statement st = parse("FROM \"tbl\" WHERE pk = 'a' SET c = 1");
  EXPECT_EQ(st.kind, StatementKind::update);
  EXPECT_EQ(st.table, "tbl");
  ASSERT_TRUE(st.where);
  ASSERT_EQ(st.update.actions.size(), 1u);
}

TEST(PartiqlDelete, WhereAndReturning) {
  Statement st = parse("DELETE FROM \"tbl\" WHERE pk = 'a' AND sk = 2 RETURNING ALL OLD *");
  EXPECT_EQ(st.kind, StatementKind::del);
  EXPECT_EQ(st.returning, Returning::all_old);
  ASSERT_TRUE(st.where);
  EXPECT_EQ(st.where->kind, CondKind::And);
}

TEST(PartiqlExists, WrapsASelect) {
  Statement st = parse("EXISTS(SELECT * FROM \"tbl\" WHERE pk = 'a' AND attribute_exists(x))");
  EXPECT_EQ(st.kind, StatementKind::exists);
  EXPECT_FALSE(st.is_read());
  EXPECT_EQ(st.table, "tbl");
  ASSERT_TRUE(st.where);
}

// ---- conditions ----

TEST(PartiqlWhere, OperatorsAndFunctionsMapToConditionKinds) {
  Statement st = parse(
      "SELECT * FROM \"tbl\" WHERE a <> 1 AND b != 2 AND c BETWEEN 1 AND 5 AND d IN [1, 2] AND e IN ('x', 'y') "
      "AND begins_with(f, 'p') AND contains(g, 'q') AND attribute_type(h, 'S') AND attribute_exists(i) "
      "AND attribute_not_exists(j) AND size(k) > 3 AND NOT l < 1 OR m >= 2");
  ASSERT_TRUE(st.where);
  // OR binds loosest.
  ASSERT_EQ(st.where->kind, CondKind::Or);
  std::vector<const Condition*> terms;
  const Condition* c = &st.where->children[0];
  while (c->kind == CondKind::And) {
    terms.insert(terms.begin(), &c->children[1]);
    c = &c->children[0];
  }
  terms.insert(terms.begin(), c);
  ASSERT_EQ(terms.size(), 12u);
  EXPECT_EQ(terms[0]->op, CompareOp::NE);
  EXPECT_EQ(terms[1]->op, CompareOp::NE);
  EXPECT_EQ(terms[2]->kind, CondKind::Between);
  EXPECT_EQ(terms[3]->kind, CondKind::In);
  EXPECT_EQ(terms[3]->operands.size(), 3u);
  EXPECT_EQ(terms[4]->kind, CondKind::In);
  EXPECT_EQ(terms[5]->kind, CondKind::BeginsWith);
  EXPECT_EQ(terms[6]->kind, CondKind::Contains);
  EXPECT_EQ(terms[7]->kind, CondKind::AttributeType);
  EXPECT_EQ(terms[8]->kind, CondKind::AttributeExists);
  EXPECT_EQ(terms[9]->kind, CondKind::AttributeNotExists);
  EXPECT_EQ(terms[10]->operands[0].kind, OperandKind::Function);
  EXPECT_EQ(terms[10]->operands[0].name, "size");
  EXPECT_EQ(terms[11]->kind, CondKind::Not);
  EXPECT_EQ(terms[11]->children[0].op, CompareOp::LT);
}

TEST(PartiqlWhere, IsTests) {
  std::deque<Statement> keep;  // elements stay in place
  auto where = [&keep](const std::string& cond) -> const Condition& {
    keep.push_back(parse("SELECT * FROM \"tbl\" WHERE " + cond));
    return *keep.back().where;
  };
  EXPECT_EQ(where("a IS MISSING").kind, CondKind::AttributeNotExists);
  EXPECT_EQ(where("a IS NOT MISSING").kind, CondKind::AttributeExists);
  const Condition& t = where("a IS STRING");
  ASSERT_EQ(t.kind, CondKind::AttributeType);
  EXPECT_EQ(*t.operands[1].value, S("S"));
  EXPECT_EQ(*where("a is numeric").operands[1].value, S("N"));
  EXPECT_EQ(*where("a IS BOOLEAN").operands[1].value, S("BOOL"));
  EXPECT_EQ(*where("a IS BLOB").operands[1].value, S("B"));
  EXPECT_EQ(*where("a IS LIST").operands[1].value, S("L"));
  EXPECT_EQ(*where("a IS STRUCT").operands[1].value, S("M"));
  EXPECT_EQ(*where("a IS TUPLE").operands[1].value, S("M"));
  EXPECT_EQ(where("a IS NOT STRING").kind, CondKind::Not);
  // IS NULL is true for NULL and for MISSING (PartiQL).
  const Condition& null_test = where("a IS NULL");
  const Item with_null = item_of({{"a", AttributeValue::null()}});
  const Item with_string = item_of({{"a", S("x")}});
  const Item without = item_of({{"b", S("x")}});
  EXPECT_TRUE(evaluate(null_test, &with_null));
  EXPECT_TRUE(evaluate(null_test, &without));
  EXPECT_FALSE(evaluate(null_test, &with_string));
  const Condition& not_null = where("a IS NOT NULL");
  EXPECT_FALSE(evaluate(not_null, &with_null));
  EXPECT_FALSE(evaluate(not_null, &without));
  EXPECT_TRUE(evaluate(not_null, &with_string));
}

// ---- parameters, names, keywords, comments ----

TEST(PartiqlParameters, BoundInOrder) {
  Statement st = parse("SELECT * FROM \"tbl\" WHERE a = ? AND b = ?", {S("one"), N("2")});
  EXPECT_EQ(st.parameters_used, 2u);
  EXPECT_EQ(*st.where->children[0].operands[1].value, S("one"));
  EXPECT_EQ(*st.where->children[1].operands[1].value, N("2"));
}

TEST(PartiqlParameters, TooFewFailTooManyAreAccepted) {
  EXPECT_EQ(error_of("SELECT * FROM \"tbl\" WHERE a = ? AND b = ?", {S("one")}),
            "Number of parameters in request and statement don't match.");
  EXPECT_EQ(error_of("SELECT * FROM \"tbl\" WHERE a = ?", {S("one"), S("two")}), "");
}

TEST(PartiqlParameters, QuestionMarkInAStringIsText) {
  Statement st = parse("SELECT * FROM \"tbl\" WHERE a = 'why?'");
  EXPECT_EQ(st.parameters_used, 0u);
  EXPECT_EQ(*st.where->operands[1].value, S("why?"));
}

TEST(PartiqlParameters, DollarNameIsAnAttributeNotAParameter) {
  Statement st = parse("SELECT * FROM \"tbl\" WHERE pk = $1");
  EXPECT_EQ(st.where->operands[1].kind, OperandKind::Path);
  EXPECT_EQ(st.where->operands[1].path, path_of({"$1"}));
}

TEST(PartiqlNames, QuotedNamesEscapesAndKeywordsInAnyCase) {
  Statement st = parse("sElEcT \"pad\" FrOm \"a-b.c_d\" wHeRe \"where\" = 'it''s'");
  EXPECT_EQ(st.table, "a-b.c_d");
  Statement quote = parse("SELECT \"say \"\"hi\"\"\" FROM \"tbl\"");
  EXPECT_EQ(quote.projection[0], path_of({"say \"hi\""}));
  EXPECT_EQ(st.projection[0], path_of({"pad"}));
  EXPECT_EQ(st.where->operands[0].path, path_of({"where"}));
  EXPECT_EQ(*st.where->operands[1].value, S("it's"));
}

TEST(PartiqlNames, UnquotedReservedWordIsASyntaxError) {
  EXPECT_EQ(error_of("SELECT * FROM \"tbl\" WHERE pad = 'x'"), kMalformed + "Unexpected keyword");
  EXPECT_EQ(error_of("SELECT * FROM \"tbl\" WHERE \"pad\" = 'x'"), "");
  // DynamoDB expression reserved words that PartiQL does not reserve are names.
  EXPECT_EQ(error_of("UPDATE \"tbl\" SET data = 'x' WHERE pk = 'a'"), "");
}

TEST(PartiqlComments, LineAndBlockCommentsAndTrailingSemicolon) {
  Statement st = parse("-- a comment\nSELECT /* inline */ * FROM \"tbl\" -- trailing\n WHERE pk = 1;");
  EXPECT_EQ(st.table, "tbl");
  ASSERT_TRUE(st.where);
}

// ---- syntax errors ----

TEST(PartiqlErrors, SyntaxDetails) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"SELECT * FROM \"tbl\" WHERE pk = 1 foo", "Unexpected token after expression"},
      {"SELECT * FROM \"tbl\" WHERE pk = 1 e5", "Unexpected token after expression"},
      {"INSERT INTO \"tbl\" VALUE {'pk': 1} foo", "Unexpected token after expression"},
      {"UPDATE \"tbl\" SET a = 9 WHERE pk = 2 foo", "Unexpected token after expression"},
      {"DELETE FROM \"tbl\" WHERE pk = 3 foo", "Unexpected token after expression"},
      {"SELECT * FROM \"tbl\" WHERE pk = 1)", "Unexpected token after expression"},
      {"DELETE FROM \"tbl\" WHERE pk = 4 ORDER BY pk", "Unexpected token after expression"},
      {"SELECT * FROM \"tbl\" ORDER BY pk WHERE pk = 1", "Unexpected token after expression"},
      {"INSERT INTO \"tbl\" t VALUE {'pk': 'x'}", "Unexpected token after expression"},
      {"SELECT * FROM \"tbl\" WHERE pk = 1; SELECT * FROM \"tbl\"", "Unexpected token after expression"},
      {"FROM \"tbl\" SET c = 1 WHERE pk = 'x'", "Unexpected token after expression"},
      {"SELECT * FROM \"tbl\" WHERE pk = 1e2147483648", ""},
      {"SELECT * FROM \"tbl\" WHERE pk = 1e99999999999", ""},
      {"SELECT * FROM \"tbl\" WHERE pk = 1.5e-2147483647", ""},
      {"SELECT * FROM \"tbl\" WHERE pk = 1 # note", ""},
      {"SELECT * FROM \"tbl\" WHERE pk = 1 /* note", ""},
      {"SELECT * FROM \"tbl\" WHERE pk = 'open", ""},
      {"SELECT * FROM \"tbl\" WHERE", "Unexpected term"},
      {"SELECT * FROM \"tbl\" WHERE;", "Unexpected term"},
      {"SELECT * FROM \"tbl\" WHERE   ", "Unexpected term"},
      {"SELECT pk FROM \"tbl\" WHERE", "Unexpected term"},
      {"UPDATE \"tbl\" SET a = 1 WHERE", "Unexpected term"},
      {"DELETE FROM \"tbl\" WHERE", "Unexpected term"},
      {"SELECT * FROM \"tbl\" WHERE NOT", "Unexpected term"},
      {"SELECT * FROM \"tbl\" WHERE (", "Unexpected term"},
      {"SELECT * FROM", "Unexpected term"},
      {"", "Unexpected term"},
      {"SELECT * FROM \"tbl\" WHERE pk = 'p1' AND", "Missing right-hand side expression of infix operator"},
      {"SELECT * FROM \"tbl\" WHERE pk = 'p1' OR", "Missing right-hand side expression of infix operator"},
      {"SELECT * FROM \"tbl\" WHERE ORDER BY pk", "Unexpected keyword"},
      {"SELECT * FROM \"tbl\" WHERE pk = 'a' AND x IS FOO", "Expected type name"},
      {"SELECT * FROM \"tbl\" WHERE IS NULL", "Unexpected operator"},
      {"SELECT * FROM \"tbl\" WHERE pk = LIKE", "Unexpected operator"},
      {"DELETE FROM", "Expected identifier for simple path"},
      {"DELETE FROM   ", "Expected identifier for simple path"},
      {"DELETE FROM;", "Expected identifier for simple path"},
      {"DELETE FROM WHERE pk = 'a'", "Expected identifier for simple path"},
      {"SLECT * FROM \"tbl\" WHERE pk = 'x'", "Expected data manipulation"},
      {"SELECT * FROM \"tbl\" WHERE a BETWEEN 1 OR 2", "Expected AND keyword"},
      {"SELECT * FROM \"tbl\" WHERE a BETWEEN 1 AND", "Expected expression after AND"},
      {"SELECT a \"tbl\"", "Expected FROM after SELECT list"},
      {"DELETE \"tbl\" WHERE pk = 'a'", "Expected FROM after DELETE"},
      {"SELECT * FROM \"tbl\" WHERE a IN (1, 2", "Expected RIGHT_PAREN"},
      {"INSERT INTO \"tbl\" VALUE {'pk' 'a'}", "Expected COLON"},
      {"SELECT * FROM \"tbl\" WHERE a = [1 2]", "Expected RIGHT_BRACKET"},
      {"SELECT * FROM \"tbl\" WHERE a = ()", "Expression group cannot be empty"},
      {"SELECT * FROM \"tbl\" WHERE a.FROM = 1", "Invalid path dot component"},
  };
  for (const auto& [text, detail] : cases) EXPECT_EQ(error_of(text), kMalformed + detail) << text;
}

TEST(PartiqlErrors, IsWithATypeDynamoDbDoesNotStore) {
  EXPECT_EQ(error_of("x IS INT4"), "Unsupported operation: IsType");
  EXPECT_EQ(error_of("x IS DOUBLE PRECISION"), "Unsupported operation: IsType");
  EXPECT_EQ(error_of("x IS CHARACTER VARYING"), "Unsupported operation: IsType");
  EXPECT_EQ(error_of("SELECT * FROM \"tbl\" WHERE x IS INT8"),
            "Unsupported data type for IS operator: INT8. Supported data types are [MISSING, NULL, BOOLEAN, BLOB, "
            "STRING, NUMERIC, STRUCT, TUPLE, LIST]");
}

// ---- validation errors ----

TEST(PartiqlErrors, Aliases) {
  for (const char* text : {"SELECT * FROM \"tbl\" t WHERE pk = 'x'", "SELECT * FROM \"tbl\" AS t WHERE pk = 'x'",
                           "UPDATE \"tbl\" t SET a = 3 WHERE pk = 'x'", "DELETE FROM \"tbl\" t WHERE pk = 'x'",
                           "SELECT s AS x FROM \"tbl\" WHERE pk = 't1'"})
    EXPECT_EQ(error_of(text), "Aliasing is not supported") << text;
}

TEST(PartiqlErrors, NumberLiteralsNameTheirPath) {
  const std::string overflow = "Number overflow. Attempting to store a number with magnitude larger than supported range";
  const std::string underflow = "Number underflow. Attempting to store a number with magnitude smaller than supported range";
  EXPECT_EQ(error_of("SELECT * FROM \"tbl\" WHERE pk = 1e126"), overflow + " under root");
  EXPECT_EQ(error_of("SELECT * FROM \"tbl\" WHERE pk = 1e-131"), underflow + " under root");
  EXPECT_EQ(error_of("SELECT * FROM \"tbl\" WHERE pk = 123456789012345678901234567890123456789"),
            "Attempting to store more than 38 significant digits in a Number under root");
  EXPECT_EQ(error_of("INSERT INTO \"tbl\" VALUE {'pk': 1e126}"), overflow + " under root");
  EXPECT_EQ(error_of("UPDATE \"tbl\" SET a = 1e-131 WHERE pk = 5"), underflow + " under root");
  EXPECT_EQ(error_of("INSERT INTO \"tbl\" VALUE {'pk': 6, 'm': {'x': 1e126}}"), overflow + " under root.x");
  EXPECT_EQ(error_of("INSERT INTO \"tbl\" VALUE {'pk': 7, 'l': [1, 1e126]}"), overflow + " under root[1]");
}

TEST(PartiqlErrors, Projection) {
  EXPECT_EQ(error_of("SELECT *, a FROM \"tbl\""),
            "Other attributes should not be present in the projection when '*' is used.");
  EXPECT_EQ(error_of("SELECT s, s FROM \"tbl\" WHERE pk = 't1'"), "Duplicate identifiers in select clause: s");
}

TEST(PartiqlErrors, Returning) {
  EXPECT_EQ(error_of("INSERT INTO \"tbl\" VALUE {'pk': 'a'} RETURNING ALL OLD *"), "RETURNING is not supported in INSERT");
  EXPECT_EQ(error_of("DELETE FROM \"tbl\" WHERE pk = 'a' RETURNING MODIFIED OLD *"),
            "Invalid returning clause: RETURNING MODIFIED OLD *. Only RETURNING ALL OLD * is allowed in DELETE "
            "statements.");
  EXPECT_EQ(error_of("DELETE FROM \"tbl\" WHERE pk = 'a' RETURNING ALL NEW *"),
            "Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in DELETE "
            "statements.");
  EXPECT_EQ(error_of("UPDATE \"tbl\" SET a = 1 WHERE pk = 'a' RETURNING MODIFIED OLD *"), "");
}

TEST(PartiqlErrors, SetAddAndSetDelete) {
  EXPECT_EQ(error_of("UPDATE \"tbl\" SET s = set_add(s) WHERE pk = 'a'"), "SET_ADD must have exactly two arguments");
  EXPECT_EQ(error_of("UPDATE \"tbl\" SET s = set_delete(t, <<'a'>>) WHERE pk = 'a'"),
            "The first argument to SET_DELETE must equal the assignment value");
  EXPECT_EQ(error_of("UPDATE \"tbl\" SET s = set_add(s, 'a') WHERE pk = 'a'"),
            "The second argument to SET_ADD must be a value with type SET");
  EXPECT_EQ(error_of("UPDATE \"tbl\" SET s = set_add(s, ?) WHERE pk = 'a'", {set_of(AttrType::BS, {"\x01"})}), "");
}

TEST(PartiqlErrors, InsertForms) {
  EXPECT_EQ(error_of("INSERT INTO \"tbl\" VALUES ('a', 1)"),
            "Unsupported operation: Inserting multiple items in a single statement is not supported, use \"INSERT "
            "INTO tableName VALUE item\" instead");
  EXPECT_EQ(error_of("INSERT INTO \"tbl\" <<{'pk': 'a'}, {'pk': 'b'}>>"),
            "Unsupported operation: Inserting multiple items in a single statement is not supported, use \"INSERT "
            "INTO tableName VALUE item\" instead");
  EXPECT_EQ(error_of("INSERT INTO \"tbl\" VALUE 'a'"),
            "Unsupported format in item expression. Please use struct format {...} to express item values for "
            "insert statement.");
}

TEST(PartiqlErrors, BagsAndMissing) {
  const std::string bag = "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags";
  EXPECT_EQ(error_of("INSERT INTO \"tbl\" VALUE {'pk': ?, 'v': <<?>>}", {S("a"), S("b")}), bag);
  EXPECT_EQ(error_of("INSERT INTO \"tbl\" VALUE {'pk': 'a', 'v': <<'x', 1>>}"), bag);
  EXPECT_EQ(error_of("INSERT INTO \"tbl\" VALUE {'pk': 'a', 'v': <<TRUE>>}"), bag);
  EXPECT_EQ(error_of("INSERT INTO \"tbl\" VALUE {'pk': 'a', 'v': <<>>}"), "Empty bags are not supported");
  EXPECT_EQ(error_of("SELECT * FROM \"tbl\" WHERE a = MISSING"), "MISSING must be compared using IS operator");
}

TEST(PartiqlErrors, UnsupportedStatementsAndClauses) {
  EXPECT_EQ(error_of("UPSERT INTO \"tbl\" VALUE {'pk': 'a'}"), kMalformed + "Unexpected keyword");
  EXPECT_EQ(error_of("REPLACE INTO \"tbl\" VALUE {'pk': 'a'}"), kMalformed + "Unexpected keyword");
  EXPECT_EQ(error_of("CREATE TABLE \"tbl\""), kMalformed + "Unexpected keyword");
  EXPECT_EQ(error_of("SELECT a FROM \"tbl\" GROUP BY a"), "Unsupported clause: GROUP BY");
  EXPECT_EQ(error_of("SELECT * FROM \"tbl\" JOIN \"other\" ON a = b"),
            "Only select from a single table or index is supported.");
  EXPECT_EQ(error_of("SELECT * FROM \"tbl\", \"other\""), "Only select from a single table or index is supported.");
  EXPECT_EQ(error_of("UPDATE \"tbl\" INSERT INTO l VALUE 1 WHERE pk = 'a'"),
            "Only SET and REMOVE are supported in update expressions at this time");
  EXPECT_EQ(error_of("SELECT * FROM \"tbl\" ORDER BY pk"),
            "Must have WHERE clause in the statement when using ORDER BY clause.");
}

TEST(PartiqlErrors, MoreValidationMessages) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"SELECT VALUE a FROM \"tbl\"", "Select projection doesn't support value or pivot keywords"},
      {"SELECT * FROM \"tbl\".\"idx\".\"more\"", "A path may contain at most 2 components in the FROM clause"},
      {"SELECT * FROM [1, 2]", "Invalid list expression in source."},
      {"SELECT * FROM \"ab\"",
       "Table name should be within the length [3, 255] and only contain 'a-z', 'A-Z', '0-9', '-', '_', '.'."},
      {"UPDATE \"tbl\".\"idx\" SET a = 1 WHERE pk = 'a'",
       "FROM clause may only contain a single table name in data manipulation statements"},
      {"INSERT INTO \"tbl\" VALUE {'pk': 'a'} AT 1", "AT is not supported in insert statements."},
      {"INSERT INTO \"tbl\" VALUE {'pk': 'a', 'pk': 'b'}", "Duplicate keys in tuple. Key: pk under root"},
      {"INSERT INTO \"tbl\" VALUE {'pk': 'a', 'm': {'x': 1, 'x': 2}}", "Duplicate keys in tuple. Key: x under root"},
      {"INSERT INTO \"tbl\" VALUE {'pk': 'a', 1: 2}", "Tuple keys must be of type String. Actual type: DECIMAL under root"},
      {"SELECT * FROM \"tbl\" WHERE a IN 1", "IN operator must have a left hand argument of type Variable Reference "
                                           "and right hand argument of type Seq with at least one member"},
      {"SELECT * FROM \"tbl\" WHERE a IN []", "IN operator must have a left hand argument of type Variable Reference "
                                            "and right hand argument of type Seq with at least one member"},
      {"SELECT * FROM \"tbl\" WHERE a", "WHERE clause must contain an expression that resolves to a boolean"},
      {"SELECT * FROM \"tbl\" WHERE a = 1 AND 'x'", "The arguments to AND/OR must be Expressions"},
      {"SELECT * FROM \"tbl\" WHERE NOT 'x'", "The argument to NOT must be a Type or Expression"},
      {"SELECT * FROM \"tbl\" WHERE foo(a)", "Unrecognized function: foo"},
      {"SELECT * FROM \"tbl\" WHERE pk = 'a' ORDER BY size(a)",
       "Argument to ORDER BY must be of type VariableReference. Type: Call"},
      {"SELECT a[-1] FROM \"tbl\"", "List index is not within the allowable range; index: [-1]"},
      {"SELECT a[*].b FROM \"tbl\"", "Wildcard path component like a[*].b are not supported"},
      {"SELECT a.*.b FROM \"tbl\"", "Unpivot path component like a.*.b are not supported"},
      {"UPDATE \"tbl\" SET a = 1 WHERE pk = 'a' RETURNING ALL NEW *, ALL OLD *",
       "Invalid syntax with multiple returning elements in RETURNING clause"},
      {"UPDATE \"tbl\" SET a = 1 WHERE pk = 'a' RETURNING ALL NEW a",
       "Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause"},
      {"UPDATE \"tbl\" SET a = 1, a.b = 2 WHERE pk = 'a'",
       "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these "
       "paths; path one: [a], path two: [a, b]"},
      {"UPDATE \"tbl\" SET a = set_add(a, <<1>>) + 1 WHERE pk = 'a'",
       "Unsupported operator in Update Expression. Operator: set_add"},
      {"SELECT * FROM \"tbl\" WHERE a = b + 1", "Unsupported operator in Condition Expression. Operator: +"},
      {"UPDATE \"tbl\" SET a = -b WHERE pk = 'a'", "Unsupported operator in Update Expression. Operator: -"},
      {"UPDATE \"tbl\" SET a = +b WHERE pk = 'a'", "Unsupported operator in Update Expression. Operator: +"},
      {"SELECT * FROM \"tbl\" WHERE a = 'x' || 'y'", "Unsupported operator in Condition Expression. Operator: ||"},
      {"SELECT DISTINCT a FROM \"tbl\"", "Unsupported clause: DISTINCT"},
      {"SELECT a FROM \"tbl\" LIMIT 5", "Unsupported clause: LIMIT"},
      {"SELECT 1 FROM \"tbl\"", "Unsupported operation: Literal"},
      {"a = 1", "Unsupported operation: NAry"},
      {"SELECT \"\" FROM \"tbl\"", "Path component cannot be an empty string"},
      {"SELECT * FROM \"tbl\" WHERE a.\"\" = 1", "Path component cannot be an empty string"},
  };
  for (const auto& [text, message] : cases) EXPECT_EQ(error_of(text), message) << text;
}

TEST(PartiqlErrors, RemainingMessages) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"SELECT * FROM \"tbl\"[0]", "Invalid path dot component in this operation, expecting either an IDENTIFIER or STAR."},
      {"SELECT * FROM 'tbl'", "Unexpected from source"},
      {"UPDATE \"tbl\" SET l = list_append(l) WHERE pk = 'a'", "LIST_APPEND must have exactly two arguments"},
      {"UPDATE \"tbl\" SET a = b IS NULL WHERE pk = 'a'", "IS operator is not supported in update expressions"},
      {"SELECT * FROM \"tbl\" WHERE size(a) IS NULL",
       "The left hand side argument to IS must be a Variable Reference, Literal, or Path"},
      {"SELECT * FROM \"tbl\" WHERE begins_with(a)", "Incorrect number of arguments for function begins_with: expected 2, got 1"},
      {"SELECT * FROM \"tbl\" WHERE attribute_exists('a')", "The first argument to attribute_exists must be a path"},
      {"SELECT * FROM \"tbl\" WHERE size('a') > 1", "The argument to size must be a path"},
      {"SELECT * FROM \"tbl\" WHERE a IS DECIMAL(x)", kMalformed + "Type parameter must be an unsigned integer literal"},
      {"SELECT * FROM \"tbl\" AS WHERE a = 1", kMalformed + "Expected identifier for alias"},
      {"UPDATE \"tbl\" SET a 1 WHERE pk = 'a'", kMalformed + "Expected '='"},
      {"INSERT INTO \"tbl\" VALUES 1", kMalformed + "Expected LEFT_PAREN"},
      {"UPDATE \"tbl\" WHERE pk = 'a'", kMalformed + "Expected data manipulation"},
      {"SELECT * FROM \"tbl\" WHERE a = 1 LIKE 'x'", "Unsupported operator in Condition Expression. Operator: like"},
      {"EXISTS(1)", "Unsupported operation: Call"},
      {"UPDATE \"tbl\" SET a = 1 WHERE pk = 'a' RETURNING *",
       kMalformed + "Expected ( MODIFIED | ALL ) ( NEW | OLD ) in each returning element."},
      {"UPDATE \"tbl\" SET a = 1 WHERE pk = 'a' RETURNING ALL NEW a.b.c",
       kMalformed + "More than two paths in RETURNING columns."},
      {"UPDATE \"tbl\" SET a = 1 WHERE pk = 'a' RETURNING ALL NEW size(a)",
       kMalformed + "Unsupported syntax in RETURNING columns."},
      {"SELECT size FROM \"tbl\"",
       kMalformed + "Expected identifier or an expression but found unexpected keyword 'size' in a select list."},
      {"SELECT FROM \"tbl\"",
       kMalformed + "Expected identifier or an expression but found unexpected keyword 'from' in a select list."},
      {"SELECT a FROM \"tbl\" WHERE pk = 1 GROUP BY a ORDER BY a", kMalformed + "Unexpected token after expression"},
      {"SELECT a FROM \"tbl\" WHERE pk = 1 ORDER pk", kMalformed + "Expected BY"},
  };
  for (const auto& [text, message] : cases) EXPECT_EQ(error_of(text), message) << text;
}

TEST(PartiqlWhere, IsOnALiteralIsAConstant) {
  Statement yes = parse("SELECT * FROM \"tbl\" WHERE 'a' IS STRING AND 1 IS NOT STRING AND MISSING IS MISSING");
  Statement no = parse("SELECT * FROM \"tbl\" WHERE [1] IS STRUCT");
  const Item it = item_of({{"pk", S("k")}});
  EXPECT_TRUE(evaluate(*yes.where, &it));
  EXPECT_TRUE(evaluate(*yes.where, nullptr));
  EXPECT_FALSE(evaluate(*no.where, &it));
}

TEST(PartiqlErrors, LexerFailuresHaveAnEmptyDetail) {
  for (const char* text : {"SELECT * FROM \"tbl", "SELECT * FROM \"tbl\" WHERE a ! b", "SELECT `ion` FROM \"tbl\"",
                           "SELECT * FROM \"tbl\" WHERE a = 'x' \x01"})
    EXPECT_EQ(error_of(text), kMalformed) << text;
}

TEST(PartiqlLiterals, EveryKindAsAnOperand) {
  Statement st = parse("SELECT * FROM \"tbl\" WHERE a = TRUE AND b = FALSE AND c = NULL AND d = [1, [2]] AND "
                       "e = {'k': 'v'} AND f = <<'x', 'x', 'y'>> AND g = <<1, 1.0, 2>> AND h = -0.5e1 AND i = .5");
  std::vector<const AttributeValue*> v;
  std::vector<const Condition*> stack = {&*st.where};
  while (!stack.empty()) {
    const Condition* c = stack.back();
    stack.pop_back();
    if (c->kind == CondKind::And) {
      stack.push_back(&c->children[1]);
      stack.push_back(&c->children[0]);
    } else {
      v.push_back(c->operands[1].value);
    }
  }
  ASSERT_EQ(v.size(), 9u);
  EXPECT_EQ(*v[0], AttributeValue::boolean_value(true));
  EXPECT_EQ(*v[1], AttributeValue::boolean_value(false));
  EXPECT_EQ(*v[2], AttributeValue::null());
  EXPECT_EQ(*v[3], list_of({N("1"), list_of({N("2")})}));
  AttributeValue m;
  m.type = AttrType::M;
  m.map = item_of({{"k", S("v")}});
  EXPECT_EQ(*v[4], m);
  EXPECT_EQ(*v[5], set_of(AttrType::SS, {"x", "y"}));  // a bag's duplicates collapse
  EXPECT_EQ(*v[6], set_of(AttrType::NS, {"1", "2"}));
  EXPECT_EQ(*v[7], N("-5"));
  EXPECT_EQ(*v[8], N("0.5"));
}

TEST(PartiqlInsert, ParameterAsKeyOrWholeItem) {
  Statement st = parse("INSERT INTO \"tbl\" VALUE {?: 'a'}", {S("pk")});
  EXPECT_EQ(st.item, item_of({{"pk", S("a")}}));
  AttributeValue whole;
  whole.type = AttrType::M;
  whole.map = item_of({{"pk", S("b")}});
  Statement st2 = parse("INSERT INTO \"tbl\" VALUE ?", {whole});
  EXPECT_EQ(st2.item, item_of({{"pk", S("b")}}));
}

TEST(PartiqlNames, UnquotedTableNamesAndNestedPaths) {
  Statement st = parse("select m.\"x y\"[3].z, l[0] from Music_2024 where Artist = 'a' and m['k'] = 1");
  EXPECT_EQ(st.table, "Music_2024");
  EXPECT_EQ(st.projection[0].to_string(), "[m, x y, [3], z]");
  EXPECT_EQ(projection_name(st.projection[0]), "z");
  EXPECT_EQ(projection_name(st.projection[1]), "l");
  EXPECT_EQ(st.where->children[1].operands[0].path, path_of({"m", "k"}));
}

// ---- bounds ----

TEST(PartiqlBounds, NestingPastTheBoundIsMalformed) {
  std::string deep = "SELECT * FROM \"tbl\" WHERE " + std::string(kMaxStatementNesting + 1, '(') + "a = 1" +
                     std::string(kMaxStatementNesting + 1, ')');
  EXPECT_EQ(error_of(deep), kMalformed);
  std::string nots = "SELECT * FROM \"tbl\" WHERE ";
  for (int i = 0; i <= kMaxStatementNesting; ++i) nots += "NOT ";
  EXPECT_EQ(error_of(nots + "a = 1"), kMalformed);
  std::string lists = "INSERT INTO \"tbl\" VALUE {'pk': 'a', 'l': " + std::string(kMaxStatementNesting + 1, '[') + "1" +
                      std::string(kMaxStatementNesting + 1, ']') + "}";
  EXPECT_EQ(error_of(lists), kMalformed);
  std::string ok = "SELECT * FROM \"tbl\" WHERE " + std::string(10, '(') + "a = 1" + std::string(10, ')');
  EXPECT_EQ(error_of(ok), "");
  std::string chain = "UPDATE \"tbl\" SET a = 1";
  for (int i = 0; i < kMaxStatementHeight + 1; ++i) chain += "+1";
  EXPECT_EQ(error_of(chain + " WHERE pk = 'a'"), kMalformed);
}

// ---- evaluation through the one evaluator ----

TEST(PartiqlEvaluate, WhereRunsOnItems) {
  Statement st = parse("SELECT * FROM \"tbl\" WHERE pk = ? AND n BETWEEN 1 AND 10 AND tags IN [['a'], ['b']] "
                       "AND NOT begins_with(name, 'z') AND size(name) = 3",
                       {S("k")});
  const Item yes = item_of({{"pk", S("k")}, {"n", N("5")}, {"tags", list_of({S("b")})}, {"name", S("abc")}});
  const Item no = item_of({{"pk", S("k")}, {"n", N("11")}, {"tags", list_of({S("b")})}, {"name", S("abc")}});
  EXPECT_TRUE(evaluate(*st.where, &yes));
  EXPECT_FALSE(evaluate(*st.where, &no));
}

TEST(PartiqlEvaluate, UpdateAppliesToAnItem) {
  Statement st = parse("UPDATE \"tbl\" SET n = n + 1, tags = list_append(tags, ['x']) SET s = set_add(s, <<'b'>>) "
                       "REMOVE gone WHERE pk = 'k'");
  Item it = item_of({{"pk", S("k")}, {"n", N("1")}, {"tags", list_of({S("a")})}, {"s", set_of(AttrType::SS, {"a"})},
                     {"gone", S("x")}});
  apply_update(st.update, it);
  EXPECT_EQ(it, item_of({{"pk", S("k")},
                         {"n", N("2")},
                         {"tags", list_of({S("a"), S("x")})},
                         {"s", set_of(AttrType::SS, {"a", "b"})}}));
}

}  // namespace
}  // namespace ddbd::expr::partiql
