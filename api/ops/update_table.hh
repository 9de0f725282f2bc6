// UpdateTable as plain structs: decode, execute, to_json (see
// api/ops/ops.hh).
//
// Thread-safety: the structs belong to one request.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/context.hh"
#include "api/shapes.hh"
#include "api/table_schema.hh"
#include "api/table_settings.hh"

namespace ddbd::api::ops {

struct ThroughputRequest {
  int64_t read_capacity_units = 0;
  int64_t write_capacity_units = 0;
};

struct GsiCreateRequest {
  std::string index_name;
  std::vector<RawKey> key_schema;
  ProjectionRequest projection;
  std::optional<ThroughputRequest> provisioned_throughput;
};

struct GsiUpdateRequest {
  std::string index_name;
  std::optional<ThroughputRequest> provisioned_throughput;
};

// One GlobalSecondaryIndexUpdates element as given: execute() checks that
// exactly one action is present, in element order.
struct GsiUpdateAction {
  std::optional<GsiCreateRequest> create;
  std::optional<GsiUpdateRequest> update;
  std::optional<std::string> delete_index_name;
};

struct UpdateTableRequest {
  std::string table_name;
  std::optional<std::string> billing_mode;
  std::optional<ThroughputRequest> provisioned_throughput;
  std::optional<bool> deletion_protection_enabled;
  std::optional<std::string> table_class;
  // SSESpecification, OnDemandThroughput, WarmThroughput as given
  // (api/table_settings.hh).
  TableSettingsRequest settings;
  std::optional<std::vector<GsiUpdateAction>> global_secondary_index_updates;
  std::vector<std::pair<std::string, AttrType>> attribute_definitions;
  // StreamSpecification: enable (with a view type) or disable.
  std::optional<bool> stream_enabled;
  std::string stream_view_type;
};

struct UpdateTableResponse {
  DescribedTable table;
};

// Types and constraints (ReplicaUpdates: global_ops.hh); at least one
// change is requested.  Throws ApiError.
UpdateTableRequest decode_update_table(json::object body);
// The table checks and the change (see update_table.cc for the order).
asio::awaitable<UpdateTableResponse> execute(RequestContext& ctx, const UpdateTableRequest& req);
std::string to_json(const UpdateTableRequest& req, const UpdateTableResponse& resp);

}  // namespace ddbd::api::ops
