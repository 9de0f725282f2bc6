// Global tables' operations (issue 18; api/global_tables.hh has the
// replica set and the replication):
//   version 2019.11.21: UpdateTable's ReplicaUpdates (with
//     MultiRegionConsistency and GlobalTableWitnessUpdates),
//     DescribeTableReplicaAutoScaling, UpdateTableReplicaAutoScaling, and
//     DescribeTable's Replicas / GlobalTableVersion members;
//   version 2017.11.29: CreateGlobalTable, DescribeGlobalTable,
//     ListGlobalTables, UpdateGlobalTable, DescribeGlobalTableSettings,
//     UpdateGlobalTableSettings (their handlers are declared in ops.hh).
//
// With --shared-db every region is one namespace: these operations answer
// ValidationException (kSharedDbMessage).
//
// Thread-safety: as every handler, one request per call.
#pragma once

#include "api/json_writer.hh"
#include "api/ops/ops.hh"

namespace ddbd::api::ops {

inline constexpr std::string_view kSharedDbMessage =
    "Global tables are not available when ddbd runs with --shared-db: every region shares one namespace, so a "
    "replica in another region cannot exist. Start ddbd without --shared-db to use global tables.";

// Whether an UpdateTable request is a replica change (ReplicaUpdates or
// GlobalTableWitnessUpdates, with MultiRegionConsistency).
bool is_replica_update(json::object body);
// UpdateTable with ReplicaUpdates.
Result update_table_replicas(RequestContext& ctx, json::object body);

// DescribeTable's members of a 2019.11.21 replica: GlobalTableVersion,
// Replicas (the other regions), MultiRegionConsistency and
// GlobalTableWitnesses.  Nothing for other tables.
void write_replica_members(JsonWriter& w, const storage::TableDef& table, double now);

}  // namespace ddbd::api::ops
