// What the reads (GetItem, and later Query, Scan, BatchGetItem) share: the
// projection (ProjectionExpression with ExpressionAttributeNames, or the
// legacy AttributesToGet).
//
// Thread-safety: immutable after decoding.
#pragma once

#include <memory>

#include "api/json_reader.hh"

namespace ddbd::api {

class ReadProjection {
 public:
  ReadProjection();
  ~ReadProjection();
  ReadProjection(ReadProjection&&) noexcept;
  ReadProjection& operator=(ReadProjection&&) noexcept;

  bool active() const;
  // The projected copy of `item`.
  Item apply(const Item& item) const;

  struct Impl;
  std::unique_ptr<Impl> impl;
};

// Decodes ProjectionExpression / ExpressionAttributeNames / AttributesToGet
// from a read request ("Can not use both expression and non-expression
// parameters in the same request: Non-expression parameters:
// {AttributesToGet} Expression parameters: {ProjectionExpression}").
ReadProjection decode_read_projection(json::object body);

}  // namespace ddbd::api
