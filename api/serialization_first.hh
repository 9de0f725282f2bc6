// DynamoDB unmarshals a whole request before it validates it: a value of the
// wrong JSON type anywhere in the request is a SerializationException even
// when some member also breaks a constraint.  ddbd decodes AttributeValue
// contents (Item, Key, ExpressionAttributeValues, ...) after the constraint
// checks, to decode them once; so a caller about to report constraint
// violations first runs their decode through rethrow_serialization_error(),
// which lets a SerializationException through and drops any other error
// (those come after the constraint violations, and the decode runs again
// later anyway).  Only on that error path: a valid request is decoded once.
//
// Thread-safety: stateless.
#pragma once

#include "api/errors.hh"

namespace ddbd::api {

// Runs `decode` and rethrows what it throws only when that is a
// SerializationException.
template <class Decode>
void rethrow_serialization_error(Decode&& decode) {
  try {
    decode();
  } catch (const ApiError& e) {
    if (e.code() == ErrorCode::SerializationException) throw;
  }
}

}  // namespace ddbd::api
