// CreateTable as plain structs: decode, execute, to_json (see
// api/ops/ops.hh).
//
// Thread-safety: the structs belong to one request.
#pragma once

#include <string>

#include "api/context.hh"
#include "api/shapes.hh"
#include "api/table_settings.hh"

namespace ddbd::api::ops {

struct CreateTableRequest {
  // The table as requested: name, key schema, attribute definitions,
  // indexes (numbered from 1), billing, throughput, tags, table class,
  // deletion protection.  execute() adds what depends on the caller and
  // the time (namespace, region, account, TableId, times, status).
  storage::TableDef table;
  // SSESpecification, OnDemandThroughput, WarmThroughput; applied by
  // execute() (the KMS key ARN names the caller's region and account).
  TableSettingsRequest settings;
  bool table_class_given = false;  // TableClassSummary then shows it
};

struct CreateTableResponse {
  DescribedTable table;
};

// Every check that needs no store, in the order listed in create_table.cc.
// Throws ApiError.
CreateTableRequest decode_create_table(json::object body);
// Creates the table (ResourceInUseException when it exists).
asio::awaitable<CreateTableResponse> execute(RequestContext& ctx, const CreateTableRequest& req);
std::string to_json(const CreateTableRequest& req, const CreateTableResponse& resp);

}  // namespace ddbd::api::ops
