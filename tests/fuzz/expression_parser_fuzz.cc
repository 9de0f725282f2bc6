// libFuzzer target over the expression parser and evaluator.
//
// The first byte picks the expression kind; the rest is the expression text.
// A fixed set of names and values is available to it.  Parsing must end in a
// tree or an ExpressionError, never a crash, a leak or a hang; a parsed
// condition is also evaluated on a small item, and a parsed update applied
// to a copy of it (runtime ExpressionErrors allowed).
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "expressions/error.hh"
#include "expressions/eval.hh"
#include "expressions/parser.hh"

#include "../unit/test_util.hh"

using namespace ddbd;

namespace {

const std::map<std::string, std::string, std::less<>>& names() {
  static const std::map<std::string, std::string, std::less<>> n = {{"#a", "a"}, {"#b", "b"}, {"#n", "name"}};
  return n;
}

const AttrMap& values() {
  static const AttrMap v = [] {
    AttrMap m;
    m.emplace_back(":n", AttributeValue::number("5"));
    m.emplace_back(":s", AttributeValue::string("x"));
    m.emplace_back(":l", test::list_of({AttributeValue::number("1")}));
    m.emplace_back(":ss", test::set_of(AttrType::SS, {"a", "b"}));
    map_normalize(m);
    return m;
  }();
  return v;
}

const Item& item() {
  static const Item it = [] {
    Item m;
    map_set(m, "a", AttributeValue::number("3"));
    map_set(m, "b", AttributeValue::string("xyz"));
    map_set(m, "list", test::list_of({AttributeValue::number("1"), AttributeValue::string("two")}));
    map_set(m, "map", test::map_of({{"inner", AttributeValue::boolean_value(true)}}));
    return m;
  }();
  return it;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  expr::Params params;
  params.names = &names();
  params.values = &values();
  try {
    switch (data[0] % 4) {
      case 0: {
        expr::Condition c = expr::parse_condition(text, expr::ExprKind::Condition, params);
        (void)expr::evaluate(c, &item());
        (void)expr::evaluate(c, nullptr);
        break;
      }
      case 1: {
        expr::UpdateExpr u = expr::parse_update(text, params);
        Item copy = item();
        expr::apply_update(u, copy);
        break;
      }
      case 2: {
        expr::ProjectionExpr p = expr::parse_projection(text, params);
        (void)expr::project(item(), p.paths);
        break;
      }
      default:
        (void)expr::parse_condition(text, expr::ExprKind::KeyCondition, params);
        break;
    }
  } catch (const expr::ExpressionError&) {
  }
  return 0;
}
