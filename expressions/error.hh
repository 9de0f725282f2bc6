// The errors expression building and evaluation raise.  Nothing below api
// knows about HTTP or JSON: api/dispatch turns both into a ValidationException
// response.
//
// Thread-safety: plain values.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace ddbd::expr {

// A failure whose message is already in DynamoDB's words ("Invalid
// ConditionExpression: Syntax error; token: ...", "The provided expression
// refers to an attribute that does not exist in the item", ...).
class ExpressionError : public std::runtime_error {
 public:
  explicit ExpressionError(const std::string& message) : std::runtime_error(message) {}
};

// A request member outside its declared constraint, found while translating
// the legacy parameters (an unknown ComparisonOperator or Action).  It carries
// the parts of DynamoDB's constraint message, "Value '<value>' at '<member>'
// failed to satisfy constraint: <constraint>", which api formats through
// ValidationErrors like every other constraint violation.  what() is for logs.
class ConstraintError : public ExpressionError {
 public:
  ConstraintError(std::string value, std::string member, std::string constraint)
      : ExpressionError("constraint violated at '" + member + "'"),
        value_(std::move(value)),
        member_(std::move(member)),
        constraint_(std::move(constraint)) {}

  const std::string& value() const { return value_; }
  // The member path as DynamoDB prints it, e.g. "attributeUpdates.a.member.action".
  const std::string& member() const { return member_; }
  const std::string& constraint() const { return constraint_; }

 private:
  std::string value_;
  std::string member_;
  std::string constraint_;
};

}  // namespace ddbd::expr
