// api/read_common.hh: make_read_projection, PartiQL's SELECT list as a
// ReadProjection (the reads of BatchExecuteStatement and ExecuteTransaction).
#include "api/read_common.hh"
#include "expressions/partiql.hh"

#include <gtest/gtest.h>

namespace ddbd::api {
namespace {

AttributeValue S(std::string s) {
  AttributeValue v;
  v.type = AttrType::S;
  v.str = std::move(s);
  return v;
}

expr::Path path(std::initializer_list<expr::PathElem> elems) {
  expr::Path p;
  p.elems = elems;
  return p;
}

expr::PathElem name(std::string n) { return expr::PathElem{false, std::move(n), 0}; }
expr::PathElem at(std::uint32_t i) { return expr::PathElem{true, {}, i}; }

// {pk: "a", m: {k: ["x", "y"], z: "w"}, v: "v"}
Item sample() {
  AttributeValue list;
  list.type = AttrType::L;
  list.list = {S("x"), S("y")};
  AttributeValue m;
  m.type = AttrType::M;
  map_set(m.map, "k", list);
  map_set(m.map, "z", S("w"));
  Item item;
  map_set(item, "pk", S("a"));
  map_set(item, "m", m);
  map_set(item, "v", S("v"));
  return item;
}

TEST(ReadProjectionTest, NoPathsIsTheWholeItem) {
  ReadProjection p = make_read_projection({});
  EXPECT_FALSE(p.active());
  EXPECT_EQ(p.apply(sample()), sample());
}

TEST(ReadProjectionTest, SelectPathsAreNamedByTheirColumn) {
  ReadProjection p = make_read_projection({path({name("v")}), path({name("m"), name("k"), at(1)}),
                                           path({name("m"), name("z")}), path({name("nope")}),
                                           path({name("m"), name("k"), at(5)})});
  ASSERT_TRUE(p.active());
  Item want;
  map_set(want, "k[1]", S("y"));
  map_set(want, "v", S("v"));
  map_set(want, "z", S("w"));
  EXPECT_EQ(p.apply(sample()), want);
}

TEST(ReadProjectionTest, ColumnNames) {
  EXPECT_EQ(expr::partiql::projection_name(path({name("a")})), "a");
  EXPECT_EQ(expr::partiql::projection_name(path({name("a"), name("b")})), "b");
  EXPECT_EQ(expr::partiql::projection_name(path({name("a"), at(0), at(2)})), "a[0][2]");
  EXPECT_EQ(expr::partiql::projection_name(path({name("a"), at(0), name("c"), at(1)})), "c[1]");
}

}  // namespace
}  // namespace ddbd::api
