// The operations' JSON entry points, one per operation, registered by one
// line each in DDBD_SERVED_OPERATIONS below.
//
// Each operation X is three steps, in api/ops/x.cc, with its structs and
// execute() declared in api/ops/x.hh (PutItem, UpdateItem and DeleteItem
// share theirs: api/write_ops.hh) so that other callers (PartiQL, the TTL
// sweeper, restores, tests) can run it without JSON:
//   XRequest decode_x(json::object body);
//       JSON -> a plain struct: every check that needs no table, in
//       DynamoDB's order (SerializationException, then the aggregated
//       constraint violations, then the semantic rules).  The struct owns
//       its data: no json views survive decode.
//   asio::awaitable<XResponse> execute(RequestContext&, const XRequest&);
//       the table checks and the work (storage, writes through const
//       WriteOps); the response struct knows nothing of JSON.
//   std::string to_json(const XRequest&, const XResponse&);
//       serialisation only.
// and the handler below chains them.  Client errors are thrown as ApiError
// from any step.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>

#include "api/context.hh"
#include "api/json_reader.hh"

namespace ddbd::api::ops {

using Result = asio::awaitable<std::string>;

// The operations ddbd serves, one line each: the name DynamoDB gives it in
// X-Amz-Target and its handler.  This list declares the handlers and is
// dispatch.cc's registry (its table of every DynamoDB operation takes the
// handler from here, and a name here that DynamoDB does not have fails to
// compile), so adding an operation is its own files plus one line here.
#define DDBD_SERVED_OPERATIONS(X)                 \
  X("BatchExecuteStatement", batch_execute_statement) \
  X("BatchGetItem", batch_get_item)               \
  X("BatchWriteItem", batch_write_item)           \
  X("CreateBackup", create_backup)                \
  X("CreateGlobalTable", create_global_table)     \
  X("CreateTable", create_table)                  \
  X("DeleteBackup", delete_backup)                \
  X("DeleteItem", delete_item)                    \
  X("DeleteTable", delete_table)                  \
  X("DescribeBackup", describe_backup)            \
  X("DescribeContinuousBackups", describe_continuous_backups) \
  X("DescribeEndpoints", describe_endpoints)      \
  X("DescribeGlobalTable", describe_global_table) \
  X("DescribeGlobalTableSettings", describe_global_table_settings) \
  X("DescribeLimits", describe_limits)            \
  X("DescribeTable", describe_table)              \
  X("DescribeTableReplicaAutoScaling", describe_table_replica_auto_scaling) \
  X("DescribeTimeToLive", describe_time_to_live)  \
  X("ExecuteStatement", execute_statement)        \
  X("ExecuteTransaction", execute_transaction)    \
  X("GetItem", get_item)                          \
  X("ListBackups", list_backups)                  \
  X("ListGlobalTables", list_global_tables)       \
  X("ListTables", list_tables)                    \
  X("ListTagsOfResource", list_tags_of_resource)  \
  X("PutItem", put_item)                          \
  X("Query", query)                               \
  X("RestoreTableFromBackup", restore_table_from_backup) \
  X("RestoreTableToPointInTime", restore_table_to_point_in_time) \
  X("Scan", scan)                                 \
  X("TagResource", tag_resource)                  \
  X("TransactGetItems", transact_get_items)       \
  X("TransactWriteItems", transact_write_items)   \
  X("UntagResource", untag_resource)              \
  X("UpdateContinuousBackups", update_continuous_backups) \
  X("UpdateGlobalTable", update_global_table)     \
  X("UpdateGlobalTableSettings", update_global_table_settings) \
  X("UpdateItem", update_item)                    \
  X("UpdateTable", update_table)                  \
  X("UpdateTableReplicaAutoScaling", update_table_replica_auto_scaling) \
  X("UpdateTimeToLive", update_time_to_live)

// The DynamoDB Streams operations (X-Amz-Target DynamoDBStreams_20120810.<name>),
// all four served, in api/ops/streams_api.cc; dispatch.cc keeps them in a
// table of their own.
#define DDBD_STREAMS_OPERATIONS(X)        \
  X("DescribeStream", describe_stream)    \
  X("GetRecords", get_records)            \
  X("GetShardIterator", get_shard_iterator) \
  X("ListStreams", list_streams)

#define DDBD_DECLARE_HANDLER(name, fn) Result fn(RequestContext& ctx, json::object body);
DDBD_SERVED_OPERATIONS(DDBD_DECLARE_HANDLER)
DDBD_STREAMS_OPERATIONS(DDBD_DECLARE_HANDLER)
#undef DDBD_DECLARE_HANDLER

// Operations that never suspend (no commit to wait for, no hop to the
// heavy pool) have a direct form too: the same decode, execute and answer,
// called by dispatch_direct() without a coroutine frame per step.  Their
// coroutine form stays for the heavy pool's path.
using DirectHandler = std::string (*)(RequestContext& ctx, json::object body);
#define DDBD_DIRECT_OPERATIONS(X) \
  X("GetItem", get_item_now)      \
  X("Query", query_now)

#define DDBD_DECLARE_DIRECT(name, fn) std::string fn(RequestContext& ctx, json::object body);
DDBD_DIRECT_OPERATIONS(DDBD_DECLARE_DIRECT)
#undef DDBD_DECLARE_DIRECT

}  // namespace ddbd::api::ops
