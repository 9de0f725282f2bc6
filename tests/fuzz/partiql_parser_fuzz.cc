// libFuzzer target over the PartiQL parser (expressions/partiql.hh) and the
// evaluator running what it parses.
//
// The first byte picks how many of a fixed set of parameters the request
// carries (0-4); the rest is the statement text.  Parsing must end in a
// Statement or an ExpressionError, never a crash, a leak or a hang.  A parsed
// WHERE is evaluated on a small item and on no item, a parsed UPDATE applied
// to a copy of the item, a projection projected, and an INSERT's item
// measured (runtime ExpressionErrors allowed).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "expressions/error.hh"
#include "expressions/eval.hh"
#include "expressions/partiql.hh"

#include "../unit/test_util.hh"

using namespace ddbd;

namespace {

const std::vector<AttributeValue>& all_params() {
  static const std::vector<AttributeValue> p = {
      AttributeValue::string("k"),
      AttributeValue::number("5"),
      test::set_of(AttrType::SS, {"a", "b"}),
      test::list_of({AttributeValue::number("1"), AttributeValue::string("two")}),
  };
  return p;
}

const Item& item() {
  static const Item it = [] {
    Item m;
    map_set(m, "pk", AttributeValue::string("k"));
    map_set(m, "a", AttributeValue::number("3"));
    map_set(m, "b", AttributeValue::string("xyz"));
    map_set(m, "s", test::set_of(AttrType::SS, {"a"}));
    map_set(m, "list", test::list_of({AttributeValue::number("1"), AttributeValue::string("two")}));
    map_set(m, "map", test::map_of({{"deep", AttributeValue::boolean_value(true)}}));
    return m;
  }();
  return it;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t n = data[0] % (all_params().size() + 1);
  const std::vector<AttributeValue> params(all_params().begin(), all_params().begin() + static_cast<long>(n));
  try {
    expr::partiql::Statement st = expr::partiql::parse_statement(text, params);
    if (st.where) {
      (void)expr::evaluate(*st.where, &item());
      (void)expr::evaluate(*st.where, nullptr);
    }
    if (!st.update.actions.empty()) {
      Item copy = item();
      expr::apply_update(st.update, copy);
    }
    for (const auto& p : st.projection) (void)expr::partiql::projection_name(p);
    if (!st.select_all && !st.projection.empty()) (void)expr::project(item(), st.projection);
    (void)item_size(st.item);
  } catch (const expr::ExpressionError&) {
  }
  return 0;
}
