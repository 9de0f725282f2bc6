#include "api/expression_inputs.hh"

#include "api/errors.hh"

namespace ddbd::api {

std::unique_ptr<ExpressionInputs> decode_expression_inputs(json::object body, bool uses_names, bool uses_values) {
  auto in = std::make_unique<ExpressionInputs>();
  if (auto names = get_object(body, "ExpressionAttributeNames")) {
    in->has_names = true;
    if (!uses_names) throw ApiError::validation("ExpressionAttributeNames can only be specified when using expressions");
    if (names->size() == 0) throw ApiError::validation("ExpressionAttributeNames must not be empty");
    for (auto [k, v] : *names) {
      std::string_view key = k;
      if (key.size() < 2 || key[0] != '#')
        throw ApiError::validation("ExpressionAttributeNames contains invalid key: Syntax error; key: \"" +
                                   std::string(key) + "\"");
      std::string_view name = expect_attribute_name(v);
      in->names.emplace(std::string(key), std::string(name));
    }
    in->params.names = &in->names;
  }
  if (auto values = get_object(body, "ExpressionAttributeValues")) {
    in->has_values = true;
    if (!uses_values)
      throw ApiError::validation("ExpressionAttributeValues can only be specified when using expressions");
    if (values->size() == 0) throw ApiError::validation("ExpressionAttributeValues must not be empty");
    for (auto [k, v] : *values) {
      std::string_view key = k;
      if (key.size() < 2 || key[0] != ':')
        throw ApiError::validation("ExpressionAttributeValues contains invalid key: Syntax error; key: \"" +
                                   std::string(key) + "\"");
      try {
        in->values.emplace_back(std::string(key), decode_attribute_value(v));
      } catch (const ApiError& e) {
        if (e.code() != ErrorCode::ValidationException) throw;
        throw ApiError::validation("ExpressionAttributeValues contains invalid value: " + e.message() + " for key " +
                                   std::string(key));
      }
    }
    map_normalize(in->values);
    in->params.values = &in->values;
  }
  return in;
}

void check_no_mixing(const std::vector<std::string_view>& legacy, const std::vector<std::string_view>& expressions) {
  if (legacy.empty() || expressions.empty()) return;
  auto join = [](const std::vector<std::string_view>& v) {
    std::string s;
    for (auto x : v) {
      if (!s.empty()) s += ", ";
      s += x;
    }
    return s;
  };
  throw ApiError::validation(
      "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {" +
      join(legacy) + "} Expression parameters: {" + join(expressions) + "}");
}

}  // namespace ddbd::api
