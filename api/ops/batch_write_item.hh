// BatchWriteItem without JSON (api/ops/ops.hh explains the three steps).
#pragma once

#include <string>
#include <vector>

#include "api/context.hh"
#include "api/json_reader.hh"
#include "api/shapes.hh"
#include "api/write_ops.hh"

namespace ddbd::api::ops {

struct BatchWriteRequest {
  struct Entry {
    bool put = true;
    Item item;  // put: the item; delete: the Key map
  };
  struct Table {
    std::string name;
    std::vector<Entry> entries;
  };
  std::vector<Table> tables;  // in request order
  ReturnConsumedCapacity capacity = ReturnConsumedCapacity::NONE;
  bool item_collection_metrics = false;  // ReturnItemCollectionMetrics=SIZE
};

struct BatchWriteResponse {
  std::vector<ConsumedCapacity> capacity;  // one per table, in request order (processed writes only)
  // Per request table, the indexes of the entries not processed
  // (UnprocessedItems: refused by --enforce-throughput).
  std::vector<std::vector<std::size_t>> unprocessed;
  std::vector<TableCollectionMetrics> metrics;  // ReturnItemCollectionMetrics=SIZE
};

BatchWriteRequest decode_batch_write_item(json::object body);
asio::awaitable<BatchWriteResponse> execute(RequestContext& ctx, const BatchWriteRequest& req);
std::string to_json(const BatchWriteRequest& req, const BatchWriteResponse& resp);

}  // namespace ddbd::api::ops
