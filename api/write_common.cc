#include "api/write_common.hh"

#include "api/errors.hh"
#include "api/expression_inputs.hh"
#include "api/json_writer.hh"
#include "expressions/eval.hh"

namespace ddbd::api {

struct WriteCondition::Impl {
  std::unique_ptr<ExpressionInputs> inputs;
  std::optional<expr::Condition> condition;
  bool return_old_on_failure = false;
};

WriteCondition::WriteCondition() : impl(std::make_unique<Impl>()) {}
WriteCondition::~WriteCondition() = default;
WriteCondition::WriteCondition(WriteCondition&&) noexcept = default;
WriteCondition& WriteCondition::operator=(WriteCondition&&) noexcept = default;

void WriteCondition::check_against(const storage::TableDef&) const {}

bool WriteCondition::holds(const Item* item) const {
  return !impl->condition || expr::evaluate(*impl->condition, item);
}

void WriteCondition::throw_failed(const WriteOutcome& out) const {
  ApiError e = ApiError::conditional_check_failed();
  if (impl->return_old_on_failure && out.had_old) {
    JsonWriter w;
    w.key("Item");
    w.item(out.old_item);
    e.with_extra_json(w.take());
  }
  throw e;
}

WriteCondition decode_write_condition(json::object body) {
  auto expression = get_string(body, "ConditionExpression");
  std::vector<std::string_view> legacy, expressions;
  if (get_object(body, "Expected")) legacy.push_back("Expected");
  if (get_string(body, "ConditionalOperator")) legacy.push_back("ConditionalOperator");
  if (expression) expressions.push_back("ConditionExpression");
  check_no_mixing(legacy, expressions);
  if (!legacy.empty())
    throw ApiError::unsupported("the legacy Expected/ConditionalOperator parameters of this operation");

  WriteCondition c;
  c.impl->inputs = decode_expression_inputs(body, expression.has_value(), expression.has_value());
  if (expression) {
    c.impl->condition = expr::parse_condition(*expression, expr::ExprKind::Condition, c.impl->inputs->params);
    expr::check_all_used(c.impl->inputs->params);
  }
  c.impl->return_old_on_failure = get_string(body, "ReturnValuesOnConditionCheckFailure") == std::optional<std::string_view>("ALL_OLD");
  return c;
}

}  // namespace ddbd::api
