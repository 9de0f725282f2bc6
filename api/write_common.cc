#include "api/write_common.hh"

#include "api/errors.hh"
#include "api/expression_inputs.hh"
#include "api/json_writer.hh"
#include "api/legacy_params.hh"
#include "expressions/eval.hh"
#include "expressions/legacy.hh"

namespace ddbd::api {

struct WriteCondition::Impl {
  std::unique_ptr<ExpressionInputs> inputs;
  expr::LegacyHolder legacy_values;
  std::optional<expr::Condition> condition;
  bool return_old_on_failure = false;
  bool duplicate_item = false;
};

WriteCondition::WriteCondition() : impl(std::make_unique<Impl>()) {}
WriteCondition::~WriteCondition() = default;
WriteCondition::WriteCondition(WriteCondition&&) noexcept = default;
WriteCondition& WriteCondition::operator=(WriteCondition&&) noexcept = default;

void WriteCondition::check_against(const storage::TableDef&) const {}

bool WriteCondition::holds(const Item* item) const {
  return !impl->condition || expr::evaluate(*impl->condition, item);
}

bool WriteCondition::unconditional() const { return !impl->condition; }

bool WriteCondition::check(WriteOutcome& out) const {
  try {
    if (holds(out.had_old ? &out.old_item : nullptr)) return true;
    out.condition_failed = true;
  } catch (...) {
    out.error = std::current_exception();
  }
  return false;
}

void WriteCondition::finish(const WriteOutcome& out) const {
  if (out.error) std::rethrow_exception(out.error);
  if (out.condition_failed) throw_failed(out);
}

bool WriteCondition::returns_old_item() const { return impl->return_old_on_failure; }
bool WriteCondition::duplicate_item() const { return impl->duplicate_item; }

void WriteCondition::throw_failed(const WriteOutcome& out) const {
  if (impl->duplicate_item) throw ApiError(ErrorCode::DuplicateItemException, "Duplicate primary key exists in table");
  ApiError e = ApiError::conditional_check_failed();
  if (impl->return_old_on_failure && out.had_old) {
    JsonWriter w;
    w.key("Item");
    w.item(out.old_item);
    e.with_extra_json(w.take());
  }
  throw e;
}

WriteCondition decode_write_condition(json::object body, std::optional<std::string_view> update_expression,
                                      bool has_attribute_updates) {
  auto expression = get_string(body, "ConditionExpression");
  auto expected = get_object(body, "Expected");
  auto conditional_operator = get_string(body, "ConditionalOperator");
  std::vector<std::string_view> legacy, expressions;
  if (has_attribute_updates) legacy.push_back("AttributeUpdates");
  if (expected) legacy.push_back("Expected");
  if (conditional_operator) legacy.push_back("ConditionalOperator");
  if (update_expression) expressions.push_back("UpdateExpression");
  if (expression) expressions.push_back("ConditionExpression");
  check_no_mixing(legacy, expressions);
  expr::check_conditional_operator(conditional_operator.has_value(), expected ? expected->size() : 0);

  WriteCondition c;
  const bool any_expression = expression || update_expression;
  c.impl->inputs = decode_expression_inputs(body, any_expression, any_expression);
  if (expression) {
    c.impl->condition = expr::parse_condition(*expression, expr::ExprKind::Condition, c.impl->inputs->params);
    if (!update_expression) expr::check_all_used(c.impl->inputs->params);
  } else if (expected) {
    c.impl->condition = expr::legacy_condition(decode_legacy_conditions(*expected), conditional_operator.value_or("AND"),
                                               true, c.impl->legacy_values);
  }
  c.impl->return_old_on_failure =
      get_string(body, "ReturnValuesOnConditionCheckFailure") == std::optional<std::string_view>("ALL_OLD");
  return c;
}

expr::Params& WriteCondition::params() { return impl->inputs->params; }
expr::LegacyHolder& WriteCondition::legacy_values() { return impl->legacy_values; }

WriteCondition make_write_condition(std::optional<expr::Condition> condition, bool return_old_on_failure,
                                    bool duplicate_item) {
  WriteCondition c;
  c.impl->condition = std::move(condition);
  c.impl->return_old_on_failure = return_old_on_failure;
  c.impl->duplicate_item = duplicate_item;
  return c;
}

}  // namespace ddbd::api
