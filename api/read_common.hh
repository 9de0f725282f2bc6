// What the reads (GetItem, Query, Scan, BatchGetItem, TransactGetItems and
// PartiQL's SELECT) share: the projection (ProjectionExpression with
// ExpressionAttributeNames, the legacy AttributesToGet, or a SELECT list).
//
// Thread-safety: immutable after decoding.
#pragma once

#include <memory>

#include <vector>

#include "api/json_reader.hh"
#include "expressions/ast.hh"

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

// PartiQL's SELECT list as a projection: each path's value, when the item
// has one, under the name DynamoDB gives its column (the path's last name
// and the indexes after it: "m.k[0]" -> "k[0]").  No paths: none (the whole
// item, SELECT *).
ReadProjection make_read_projection(std::vector<expr::Path> paths);
// The columns of `item` that a SELECT list names, as above
// (expr::partiql::projection_name).
Item select_columns(const Item& item, const std::vector<expr::Path>& paths);

}  // namespace ddbd::api
