// Global tables (issue 18): replicas of one table in several regions'
// namespaces of one node, kept in step by a replication service.
//
// The replica set is stored in every member's TableDef (TableDef::
// global_table, this file's encoding; storage keeps the bytes), so it is
// in the catalog, survives a restart and kill -9, and every change to it
// rewrites all members in one transaction.  A member's namespace is
// "<access key>/<region>" (api/context.hh): the replicas live under the
// caller's access key, one per region, with the same table name.
//
// Replication is an observer of change events (storage/write_op.hh):
//   - on_change(), inside the writing transaction, stamps the item with its
//     write time (a per-item record "gt/ts/<table id><key digest>" holding
//     microseconds and the writing region; a local write is stamped after
//     the item's last stamp, so stamps of one item only grow) and queues
//     one durable record "gt/q/<seq>" per change for the other regions;
//     both commit with the write, so a change acknowledged to a client is
//     never lost to replication, even by kill -9 between the commit and the
//     forwarding (the queue is read back at start).
//   - the Replication service forwards each queued change once it is
//     `delay` old: in one transaction it applies the change to every other
//     member whose stamp for the item is older (last writer wins on
//     (time, region)), records the new stamp, and erases the queue record.
//     Those writes are Origin::replication: they reach the replicas'
//     streams but are never queued again (no loops).
//   - a table with MultiRegionConsistency STRONG is replicated in
//     on_change itself, in the same transaction: the client's write is
//     acknowledged once every replica has it.
//   - a new replica is backfilled by the service from the source's items
//     ("gt/bf/<seq>" records), under the same last-writer-wins rule.
//
// Thread-safety: the codec and the checks are pure functions.  Replication's
// observer methods run on the engine's write leader, its run() on its
// service thread; they share only the sequence counter (atomic).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/services.hh"
#include "storage/engine.hh"

namespace ddbd::api::global {

inline constexpr std::string_view kVersion2017 = "2017.11.29";
inline constexpr std::string_view kVersion2019 = "2019.11.21";

// Stored auto scaling settings (UpdateTableReplicaAutoScaling); ddbd
// scales nothing, it keeps and describes them.
struct AutoScaling {
  bool set = false;
  int64_t min_units = 0;
  int64_t max_units = 0;
  bool disabled = false;
  std::string role_arn;
  bool has_policy = false;
  std::string policy_name;
  double target_value = 0;
  bool disable_scale_in = false;
  int64_t scale_in_cooldown = 0;
  int64_t scale_out_cooldown = 0;
};

struct GsiOverride {
  std::string index_name;
  int64_t read_capacity = 0;  // ProvisionedThroughputOverride; 0: none
  AutoScaling read_scaling;
};

struct Replica {
  std::string region;
  std::string status = "ACTIVE";  // CREATING, ACTIVE (UPDATING, DELETING while transient)
  double ready_time = 0;          // when a transient status ends
  std::string kms_key;            // KMSMasterKeyId; empty: none
  int64_t read_capacity_override = 0;
  std::vector<GsiOverride> gsis;
  std::string table_class_override;
  AutoScaling read_scaling;
};

struct GlobalInfo {
  std::string version;       // kVersion2017 or kVersion2019
  double creation_time = 0;  // of the global table (2017's CreationDateTime)
  std::vector<Replica> replicas;  // every member, this table's region included, by region
  std::string consistency;   // "" (EVENTUAL), "EVENTUAL" or "STRONG"
  std::string witness_region;
  AutoScaling write_scaling;                            // the table's, every replica
  std::vector<std::pair<std::string, AutoScaling>> gsi_write_scaling;  // by index

  const Replica* find(std::string_view region) const;
  Replica* find(std::string_view region);
  bool strong() const { return consistency == "STRONG"; }
};

std::string encode(const GlobalInfo& info);
bool decode(std::string_view bytes, GlobalInfo& out);
// The table's replica set, or nullopt when it is not a global table.
std::optional<GlobalInfo> info_of(const storage::TableDef& table);

// Whether `region` is one of AWS's region names (commercial, GovCloud,
// China), e.g. "us-east-1".
bool valid_region(std::string_view region);

// A replicated write's stamp: microseconds since the epoch and the region
// that wrote it.  Last writer wins: the later time, then the greater region
// name (a total order, so every replica settles on the same item).
struct Stamp {
  uint64_t micros = 0;
  std::string region;
};
bool wins(const Stamp& incoming, const Stamp& current);
// The stamp of a local write at `now_micros` to an item last stamped
// `previous` (if any): never earlier than or equal to it.
uint64_t local_stamp(uint64_t now_micros, const std::optional<Stamp>& previous);

// "<access key>" of a namespace "<access key>/<region>".
std::string_view access_key_of(std::string_view ns);
std::string namespace_of(std::string_view access_key, std::string_view region);

// The aux record keys (prefixes) this module owns.
std::string stamp_prefix(uint64_t table_id);
std::string stamp_key(const storage::TableDef& table, const storage::PrimaryKey& key);
inline constexpr std::string_view kQueuePrefix = "gt/q/";
inline constexpr std::string_view kBackfillPrefix = "gt/bf/";

// Erases every stamp record of `table` (a replica removed or deleted).
storage::Status erase_stamps(storage::WriteTxn& txn, uint64_t table_id);
// Takes `table` (a replica, about to be deleted) out of its replica set:
// the other members no longer list its region (a 2019.11.21 table left
// alone is a plain table again), and its stamps are erased.
storage::Status leave_group(storage::WriteTxn& txn, const storage::TableDef& table);
// Queues the backfill of `target_region`'s replica of `source` (same
// access key and name) from `source`'s items.
storage::Status queue_backfill(storage::WriteTxn& txn, const storage::TableDef& source, std::string_view target_region,
                               double now);

// Wakes the process's replication service (if one runs) after a committed
// write that called queue_backfill().  Thread-safe.
void backfill_queued();

class Replication final : public storage::ChangeObserver, public Service {
 public:
  // `delay`: how long a change waits before it is forwarded (0: at once).
  explicit Replication(std::chrono::milliseconds delay);
  ~Replication() override;

  storage::Status on_change(storage::WriteTxn& txn, const storage::ChangeEvent& event) override;
  void on_commit(const std::vector<storage::ChangeEvent>& events) override;

  std::string_view name() const override { return "replication"; }
  // A backfill was queued (backfill_queued()): run soon.
  void backfill_queued() { wake(); }
  // Changes wake the service (on_commit).
  // A new replica's backfill, queued by a catalog change that has no
  // change event, wakes it through backfill_queued().  The interval is a
  // safety net only: an idle server's services thread sleeps (issue 17).
  std::chrono::milliseconds interval() const override { return std::chrono::milliseconds(60000); }
  void on_start(const ServiceContext& ctx) override;
  void run(const ServiceContext& ctx, std::stop_token stop) override;

 private:
  // Forwards the due queue records; false when some are not due yet (then
  // `wait` is how long until the first one is).
  bool forward_due(const ServiceContext& ctx, std::stop_token stop, std::chrono::milliseconds& wait);
  void backfill(const ServiceContext& ctx, std::stop_token stop);

  const std::chrono::milliseconds delay_;
  std::atomic<uint64_t> next_seq_{1};
  std::atomic<bool> queued_{false};
};

}  // namespace ddbd::api::global
