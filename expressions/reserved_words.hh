// DynamoDB's reserved words (Developer Guide, "Reserved words in DynamoDB"):
// an expression may not use one as a bare attribute name.
//
// Thread-safety: pure function over a constant table.
#pragma once
#include <string_view>
namespace ddbd::expr {
// True when `word` is reserved, compared case-insensitively.
bool is_reserved_word(std::string_view word);
}  // namespace ddbd::expr
