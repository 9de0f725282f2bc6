#include "api/read_common.hh"

#include <set>

#include "api/errors.hh"
#include "api/expression_inputs.hh"
#include "expressions/eval.hh"
#include "expressions/partiql.hh"

namespace ddbd::api {

namespace {

// `name` is a member of `body` that is not null (get_object's test for
// absence, without its type check).
bool member_present(json::object body, std::string_view name) {
  json::element e;
  return body.at_key(name).get(e) == simdjson::SUCCESS && !e.is_null();
}

}  // namespace

struct ReadProjection::Impl {
  std::vector<expr::Path> paths;
  bool columns = false;  // PartiQL's SELECT list (make_read_projection)
};

ReadProjection::ReadProjection() = default;
ReadProjection::~ReadProjection() = default;
ReadProjection::ReadProjection(ReadProjection&&) noexcept = default;
ReadProjection& ReadProjection::operator=(ReadProjection&&) noexcept = default;

bool ReadProjection::active() const { return impl != nullptr; }

Item ReadProjection::apply(const Item& item) const {
  if (!impl) return item;
  if (!impl->columns) return expr::project(item, impl->paths);
  return select_columns(item, impl->paths);
}

Item select_columns(const Item& item, const std::vector<expr::Path>& paths) {
  Item out;
  for (const auto& p : paths)
    if (const AttributeValue* v = expr::resolve_path(item, p)) map_set(out, expr::partiql::projection_name(p), *v);
  return out;
}

ReadProjection decode_read_projection(json::object body) {
  auto expression = get_string(body, "ProjectionExpression");
  auto attrs = get_array(body, "AttributesToGet");
  std::vector<std::string_view> legacy, expressions;
  if (attrs) legacy.push_back("AttributesToGet");
  if (expression) expressions.push_back("ProjectionExpression");
  check_no_mixing(legacy, expressions);

  ReadProjection p;
  // Most reads have neither a projection nor placeholders: nothing to
  // decode (decode_expression_inputs would only allocate its empty maps).
  if (!expression && !attrs && !member_present(body, "ExpressionAttributeNames") &&
      !member_present(body, "ExpressionAttributeValues"))
    return p;
  auto inputs = decode_expression_inputs(body, expression.has_value(), false);
  if (expression) {
    p.impl = std::make_unique<ReadProjection::Impl>();
    p.impl->paths = expr::parse_projection(*expression, inputs->params).paths;
    expr::check_all_used(inputs->params);
  } else if (attrs) {
    p.impl = std::make_unique<ReadProjection::Impl>();
    std::set<std::string_view> seen;
    for (auto e : *attrs) {
      std::string_view name = expect_attribute_name(e);
      if (!seen.insert(name).second)
        throw ApiError::validation("One or more parameter values were invalid: Duplicate value in attribute name: " +
                                   std::string(name));
      expr::Path path;
      path.elems.push_back(expr::PathElem{false, std::string(name), 0});
      p.impl->paths.push_back(std::move(path));
    }
  }
  return p;
}

ReadProjection make_read_projection(std::vector<expr::Path> paths) {
  ReadProjection p;
  if (paths.empty()) return p;
  p.impl = std::make_unique<ReadProjection::Impl>();
  p.impl->paths = std::move(paths);
  p.impl->columns = true;
  return p;
}

}  // namespace ddbd::api
