#include "api/expression_inputs.hh"

#include "api/errors.hh"

namespace ddbd::api {

namespace {

// The checks on the placeholder map `member` (ExpressionAttributeNames or
// ExpressionAttributeValues) before its entries, in DynamoDB's order: it needs
// an expression that can use it (`used`), and it must not be empty.
void check_placeholder_map(std::string_view member, bool used, json::object map) {
  if (!used) throw ApiError::validation(std::string(member) + " can only be specified when using expressions");
  if (map.size() == 0) throw ApiError::validation(std::string(member) + " must not be empty");
}

// A placeholder key is `sigil` ('#' or ':') and at least one more character.
void check_placeholder_key(std::string_view member, std::string_view key, char sigil) {
  if (key.size() < 2 || key[0] != sigil)
    throw ApiError::validation(std::string(member) + " contains invalid key: Syntax error; key: \"" + std::string(key) +
                               "\"");
}

}  // namespace

std::unique_ptr<ExpressionInputs> decode_expression_inputs(json::object body, bool uses_names, bool uses_values) {
  auto in = std::make_unique<ExpressionInputs>();
  if (auto names = get_object(body, "ExpressionAttributeNames")) {
    in->has_names = true;
    check_placeholder_map("ExpressionAttributeNames", uses_names, *names);
    for (auto [k, v] : *names) {
      std::string_view key = k;
      check_placeholder_key("ExpressionAttributeNames", key, '#');
      std::string_view name = expect_attribute_name(v);
      in->names.emplace(std::string(key), std::string(name));
    }
    in->params.names = &in->names;
  }
  if (auto values = get_object(body, "ExpressionAttributeValues")) {
    in->has_values = true;
    check_placeholder_map("ExpressionAttributeValues", uses_values, *values);
    for (auto [k, v] : *values) {
      std::string_view key = k;
      check_placeholder_key("ExpressionAttributeValues", key, ':');
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
