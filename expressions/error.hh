// The error every expression failure raises: a DynamoDB ValidationException
// whose message is already in DynamoDB's words ("Invalid ConditionExpression:
// Syntax error; token: ...", "The provided expression refers to an attribute
// that does not exist in the item", ...).  api/dispatch turns it into the
// ValidationException response; nothing below api knows about HTTP or JSON.
#pragma once

#include <stdexcept>
#include <string>

namespace ddbd::expr {

class ExpressionError : public std::runtime_error {
 public:
  explicit ExpressionError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace ddbd::expr
