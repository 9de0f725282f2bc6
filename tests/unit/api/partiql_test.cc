// api/partiql.hh: split_full_key and plan_write on statements built by hand
// (the parser has its own tests), against a table with a hash and a range key.
#include "api/partiql.hh"

#include <gtest/gtest.h>

#include "api/errors.hh"
#include "expressions/eval.hh"

namespace ddbd::api::partiql {
namespace {

using expr::CompareOp;
using expr::CondKind;
using expr::Condition;
using expr::Operand;
using expr::partiql::Returning;

AttributeValue S(std::string s) {
  AttributeValue v;
  v.type = AttrType::S;
  v.str = std::move(s);
  return v;
}
AttributeValue N(std::string s) {
  AttributeValue v;
  v.type = AttrType::N;
  v.str = std::move(s);
  return v;
}

storage::TableDef table() {
  storage::TableDef t;
  t.name = "t";
  t.key.hash = storage::KeyAttr{"pk", AttrType::S};
  t.key.range = storage::KeyAttr{"sk", AttrType::N};
  return t;
}

Operand path(std::string name) {
  Operand o;
  o.kind = expr::OperandKind::Path;
  o.path.elems.push_back(expr::PathElem{false, std::move(name), 0});
  return o;
}

// Builds statements whose values live in the statement.
struct Builder {
  Statement s;
  Operand value(AttributeValue v) {
    s.values.push_back(std::move(v));
    Operand o;
    o.kind = expr::OperandKind::Value;
    o.value = &s.values.back();
    return o;
  }
  Condition cmp(std::string name, CompareOp op, AttributeValue v, bool value_first = false) {
    Condition c;
    c.kind = CondKind::Compare;
    c.op = op;
    Operand p = path(std::move(name));
    Operand x = value(std::move(v));
    c.operands = value_first ? std::vector<Operand>{x, p} : std::vector<Operand>{p, x};
    return c;
  }
};

Condition both(Condition a, Condition b) {
  Condition c;
  c.kind = CondKind::And;
  c.children = {std::move(a), std::move(b)};
  return c;
}

std::string validation_message(const std::function<void()>& f) {
  try {
    f();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), ErrorCode::ValidationException);
    return e.message();
  }
  ADD_FAILURE() << "no error";
  return {};
}

TEST(PartiqlPlan, SplitsKeyFromRest) {
  Builder b;
  b.s.kind = StatementKind::update;
  b.s.where = both(both(b.cmp("a", CompareOp::GT, N("1")), b.cmp("pk", CompareOp::EQ, S("x"))),
                   b.cmp("sk", CompareOp::EQ, N("2"), true));
  KeyAndRest kr = split_full_key(b.s, table());
  ASSERT_EQ(kr.key.size(), 2u);
  EXPECT_EQ(kr.key[0].first, "pk");
  EXPECT_EQ(kr.key[0].second, S("x"));
  EXPECT_EQ(kr.key[1].first, "sk");
  EXPECT_EQ(kr.key[1].second, N("2"));
  ASSERT_TRUE(kr.rest.has_value());
  EXPECT_EQ(kr.rest->kind, CondKind::Compare);
  EXPECT_EQ(kr.rest->op, CompareOp::GT);
}

TEST(PartiqlPlan, TheSameKeyEqualityTwiceIsOne) {
  Builder b;
  b.s.where = both(both(b.cmp("pk", CompareOp::EQ, S("x")), b.cmp("sk", CompareOp::EQ, N("2"))),
                   b.cmp("pk", CompareOp::EQ, S("x")));
  KeyAndRest kr = split_full_key(b.s, table());
  EXPECT_EQ(kr.key.size(), 2u);
  EXPECT_FALSE(kr.rest.has_value());
}

TEST(PartiqlPlan, KeyErrors) {
  const std::string incomplete(kIncompleteKey);
  {
    Builder b;
    b.s.kind = StatementKind::del;
    EXPECT_EQ(validation_message([&] { split_full_key(b.s, table()); }), incomplete);
    b.s.where = b.cmp("pk", CompareOp::EQ, S("x"));
    EXPECT_EQ(validation_message([&] { split_full_key(b.s, table()); }), incomplete);
  }
  {
    Builder b;  // sk > 1 is no equality
    b.s.where = both(b.cmp("pk", CompareOp::EQ, S("x")), b.cmp("sk", CompareOp::GT, N("1")));
    EXPECT_EQ(validation_message([&] { split_full_key(b.s, table()); }), incomplete);
  }
  {
    Builder b;
    b.s.where = both(b.cmp("pk", CompareOp::EQ, N("1")), b.cmp("sk", CompareOp::EQ, N("1")));
    EXPECT_EQ(validation_message([&] { split_full_key(b.s, table()); }),
              "Key attribute's data type should match its data type in table's schema: Key pk");
  }
  {
    Builder b;
    b.s.where = both(both(b.cmp("pk", CompareOp::EQ, S("x")), b.cmp("sk", CompareOp::EQ, N("1"))),
                     b.cmp("pk", CompareOp::EQ, S("y")));
    EXPECT_EQ(validation_message([&] { split_full_key(b.s, table()); }),
              "Multiple conditions on same key pk. Only single item Update/Insert/Delete are supported");
  }
}

TEST(PartiqlPlan, InsertIsGuardedPut) {
  Builder b;
  b.s.kind = StatementKind::insert;
  b.s.item = {{"a", S("v")}, {"pk", S("x")}, {"sk", N("1")}};
  WritePlan p = plan_write(b.s, table(), false);
  EXPECT_EQ(p.kind, ActionKind::put);
  EXPECT_TRUE(p.insert);
  EXPECT_TRUE(p.cond.duplicate_item());
  EXPECT_TRUE(p.cond.holds(nullptr));
  EXPECT_FALSE(p.cond.holds(&b.s.item));

  b.s.item = {{"pk", S("x")}};
  EXPECT_EQ(validation_message([&] { plan_write(b.s, table(), false); }),
            "Key attribute should be present in the item: Key sk");
  b.s.item = {{"pk", S("x")}, {"sk", S("1")}};
  EXPECT_EQ(validation_message([&] { plan_write(b.s, table(), false); }),
            "Key attribute's data type should match its data type in table's schema: Key sk");
  b.s.item = {{"pk", S("x")}, {"sk", N("1")}};
  b.s.returning = Returning::all_old;
  EXPECT_EQ(validation_message([&] { plan_write(b.s, table(), false); }), "RETURNING is not supported in INSERT");
}

TEST(PartiqlPlan, UpdateNeedsTheItemAndTheRest) {
  Builder b;
  b.s.kind = StatementKind::update;
  b.s.where = both(both(b.cmp("pk", CompareOp::EQ, S("x")), b.cmp("sk", CompareOp::EQ, N("1"))),
                   b.cmp("a", CompareOp::EQ, S("yes")));
  expr::UpdateAction set;
  set.path = path("b").path;
  set.value = b.value(S("new"));
  b.s.update.actions.push_back(set);
  b.s.returning = Returning::modified_new;
  WritePlan p = plan_write(b.s, table(), true);
  EXPECT_EQ(p.kind, ActionKind::update);
  EXPECT_EQ(p.return_values, ReturnValues::updated_new);
  EXPECT_TRUE(p.cond.returns_old_item());
  ASSERT_TRUE(p.update.has_value());
  Item yes = {{"a", S("yes")}, {"pk", S("x")}, {"sk", N("1")}};
  Item no = {{"a", S("no")}, {"pk", S("x")}, {"sk", N("1")}};
  EXPECT_TRUE(p.cond.holds(&yes));
  EXPECT_FALSE(p.cond.holds(&no));
  EXPECT_FALSE(p.cond.holds(nullptr));

  b.s.update.actions[0].path = path("sk").path;
  EXPECT_EQ(validation_message([&] { plan_write(b.s, table(), false); }),
            "One or more parameter values were invalid: Cannot update attribute sk. This attribute is part of the key");
}

TEST(PartiqlPlan, DeleteOfMissingItemPasses) {
  Builder b;
  b.s.kind = StatementKind::del;
  b.s.where = both(both(b.cmp("pk", CompareOp::EQ, S("x")), b.cmp("sk", CompareOp::EQ, N("1"))),
                   b.cmp("a", CompareOp::EQ, S("yes")));
  WritePlan p = plan_write(b.s, table(), false);
  EXPECT_EQ(p.kind, ActionKind::del);
  Item no = {{"a", S("no")}, {"pk", S("x")}, {"sk", N("1")}};
  EXPECT_TRUE(p.cond.holds(nullptr));
  EXPECT_FALSE(p.cond.holds(&no));

  b.s.returning = Returning::all_new;
  EXPECT_EQ(validation_message([&] { plan_write(b.s, table(), false); }),
            "Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in DELETE statements.");
}

TEST(PartiqlPlan, ExistsIsACheck) {
  Builder b;
  b.s.kind = StatementKind::exists;
  b.s.where = both(b.cmp("pk", CompareOp::EQ, S("x")), b.cmp("sk", CompareOp::EQ, N("1")));
  EXPECT_EQ(validation_message([&] { plan_write(b.s, table(), false); }),
            "EXISTS() must contain a single item read with additional condition");
  b.s.where = both(*b.s.where, b.cmp("a", CompareOp::EQ, S("yes")));
  WritePlan p = plan_write(b.s, table(), false);
  EXPECT_EQ(p.kind, ActionKind::check);
  Item yes = {{"a", S("yes")}, {"pk", S("x")}, {"sk", N("1")}};
  EXPECT_TRUE(p.cond.holds(&yes));
  EXPECT_FALSE(p.cond.holds(nullptr));
}

}  // namespace
}  // namespace ddbd::api::partiql
