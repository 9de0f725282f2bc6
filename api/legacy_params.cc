#include "api/legacy_params.hh"

namespace ddbd::api {

std::vector<expr::LegacyCondition> decode_legacy_conditions(json::object map) {
  std::vector<expr::LegacyCondition> out;
  for (auto [k, v] : map) {
    expr::LegacyCondition c;
    check_attribute_name(k);
    c.attribute = std::string(std::string_view(k));
    json::object o = expect_object(v);
    if (auto value = get_object(o, "Value")) {
      json::element e = o["Value"].value();
      c.value = decode_attribute_value(e);
    }
    c.exists = get_bool(o, "Exists");
    if (auto op = get_string(o, "ComparisonOperator")) c.op = std::string(*op);
    if (auto list = get_array(o, "AttributeValueList")) {
      c.values.emplace();
      for (auto e : *list) c.values->push_back(decode_attribute_value(e));
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<expr::LegacyUpdate> decode_legacy_updates(json::object map) {
  std::vector<expr::LegacyUpdate> out;
  for (auto [k, v] : map) {
    expr::LegacyUpdate u;
    check_attribute_name(k);
    u.attribute = std::string(std::string_view(k));
    json::object o = expect_object(v);
    if (auto action = get_string(o, "Action")) u.action = std::string(*action);
    if (get_object(o, "Value")) u.value = decode_attribute_value(o["Value"].value());
    out.push_back(std::move(u));
  }
  return out;
}

ApiError constraint_error(const expr::ConstraintError& e) {
  ValidationErrors errors;
  errors.add(e.value(), e.member(), e.constraint());
  return ApiError::validation(errors.message());
}

}  // namespace ddbd::api
