// DeleteTable as plain structs: decode, execute, to_json (see api/ops/ops.hh).
//
// Thread-safety: the structs belong to one request.
#pragma once

#include <string>

#include "api/context.hh"
#include "api/shapes.hh"

namespace ddbd::api::ops {

struct DeleteTableRequest {
  std::string table_name;
};

struct DeleteTableResponse {
  DescribedTable table;
};

// Checks TableName's type and constraints.
DeleteTableRequest decode_delete_table(json::object body);
// The table exists, is not protected against deletion and is ACTIVE; deletes it
// with its items.  The description shows the table as it was, DELETING.
asio::awaitable<DeleteTableResponse> execute(RequestContext& ctx, const DeleteTableRequest& req);
std::string to_json(const DeleteTableRequest& req, const DeleteTableResponse& resp);

}  // namespace ddbd::api::ops
