#include "api/partiql_members.hh"

#include "api/errors.hh"
#include "api/shapes.hh"

namespace ddbd::api::partiql {

namespace {

// split_full_key's messages for a WHERE that does not name one item, which
// become the caller's own message (the others, such as a key value of the
// wrong type, stand).
constexpr std::string_view kMultipleConditions = "Multiple conditions on same key ";

}  // namespace

FieldSpec statement_member_spec(bool consistent_read) {
  std::vector<FieldSpec> members = {
      FieldSpec{.name = "Statement", .not_null = true, .min_length = 1, .max_length = 8192},
      FieldSpec{.name = "Parameters", .type = FieldType::List, .min_length = 1,
                .element = {FieldSpec{.type = FieldType::AttrValue}}},
      FieldSpec{.name = "ReturnValuesOnConditionCheckFailure", .enum_values = {"ALL_OLD", "NONE"}},
  };
  if (consistent_read) members.push_back(FieldSpec{.name = "ConsistentRead", .type = FieldType::Boolean});
  return FieldSpec{.type = FieldType::Struct, .members = std::move(members)};
}

StatementMember decode_statement_member(json::element e) {
  json::object o = expect_object(e);
  StatementMember m;
  m.text = *get_string(o, "Statement");
  if (auto params = get_array(o, "Parameters")) {
    m.parameters.reserve(params->size());
    for (json::element p : *params) m.parameters.push_back(decode_attribute_value(p));
  }
  m.consistent_read = get_bool(o, "ConsistentRead").value_or(false);
  m.return_old_on_failure =
      get_string(o, "ReturnValuesOnConditionCheckFailure") == std::optional<std::string_view>("ALL_OLD");
  return m;
}

KeyAndRest split_single_item(const Statement& s, const storage::TableDef& table, std::string_view not_single) {
  try {
    return split_full_key(s, table);
  } catch (const ApiError& e) {
    if (e.code() != ErrorCode::ValidationException ||
        (e.message() != kIncompleteKey && !e.message().starts_with(kMultipleConditions)))
      throw;
  }
  throw ApiError::validation(std::string(not_single));
}

KeyRead plan_key_read(RequestContext& ctx, const Statement& s, std::string_view not_single) {
  KeyRead r;
  r.table = require_table(ctx, s.table, true);
  KeyAndRest split = split_single_item(s, *r.table, not_single);
  if (split.rest) throw ApiError::validation(std::string(not_single));
  r.key = std::move(split.key);
  if (!s.select_all) r.projection = make_read_projection(s.projection);
  return r;
}

}  // namespace ddbd::api::partiql
