// ExpressionAttributeNames / ExpressionAttributeValues of a request, decoded
// and validated as DynamoDB does, and the expr::Params that the expression
// parser resolves #names and :values against.
//
//   - "ExpressionAttributeNames can only be specified when using expressions"
//     (and the same for values) when the request has no expression using them;
//   - "ExpressionAttributeNames must not be empty";
//   - "ExpressionAttributeNames contains invalid key: Syntax error; key: \"k\""
//     (keys must be #name / :value);
//   - "ExpressionAttributeValues contains invalid value: <why> for key :k".
//
// Thread-safety: belongs to one request.  Not movable: params point into it.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "api/json_reader.hh"
#include "expressions/parser.hh"

namespace ddbd::api {

struct ExpressionInputs {
  std::map<std::string, std::string, std::less<>> names;
  AttrMap values;
  bool has_names = false;
  bool has_values = false;
  expr::Params params;

  ExpressionInputs() = default;
  ExpressionInputs(const ExpressionInputs&) = delete;
  ExpressionInputs& operator=(const ExpressionInputs&) = delete;
};

// `uses_names`: some expression of the request may use names;
// `uses_values`: some expression may use values (projection expressions
// cannot).
std::unique_ptr<ExpressionInputs> decode_expression_inputs(json::object body, bool uses_names, bool uses_values);

// "Can not use both expression and non-expression parameters in the same
// request: Non-expression parameters: {A, B} Expression parameters: {C}",
// when both lists are non-empty.
void check_no_mixing(const std::vector<std::string_view>& legacy, const std::vector<std::string_view>& expressions);

}  // namespace ddbd::api
