// Time to Live: which items have expired, and the sweep that deletes them.
//
// DynamoDB's rules (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html,
// time-to-live-ttl-before-you-start.html):
//   - the TTL attribute must be a Number holding epoch seconds; any other
//     type, or a missing attribute, never expires the item;
//   - an item expires once that time is reached ("If the epoch time value
//     stored in the attribute is less than the current time, the item is
//     marked as expired");
//   - "To be considered for expiry and deletion, the TTL can't be more than
//     five years in the past": a value older than now - 5 years (5 Gregorian
//     years, 5 * 365.2425 days) is ignored and the item is kept;
//   - expired items that are not yet deleted stay readable (reads do not
//     filter them);
//   - a deletion is a normal delete: indexes, statistics and change events
//     (with Origin::service, which Streams shows as the
//     "dynamodb.amazonaws.com" principal) follow as for DeleteItem.
//
// sweep_table() reads the table through short read snapshots, collecting at
// most a chunk of expired keys at a time, and deletes each chunk through one
// TtlDeleteOp, which re-reads every item inside the write transaction and
// deletes it only if it is still expired by the same rule (an item updated
// in the meantime is kept).
//
// Thread-safety: the functions are reentrant; TtlDeleteOp is immutable once
// built.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "storage/attribute_value.hh"
#include "storage/engine.hh"

namespace ddbd::streams {

// Five Gregorian years in seconds (std::chrono::years(5)).
constexpr double kTtlMaxAgeSeconds = 5 * 31556952.0;

// Whether an item whose TTL attribute is `value` (null: absent) has expired
// at `now` (epoch seconds): a Number with now - 5 years <= value <= now.
bool ttl_expired(const AttributeValue* value, double now);
// The same for an item: its attribute `attribute`.
bool item_expired(const Item& item, const std::string& attribute, double now);

struct TtlDeleteOutcome {
  std::size_t deleted = 0;
};

// Deletes the items of `keys` that are still expired at `now` by the TTL
// attribute the table has *in the transaction* (nothing when the table is
// gone, was re-created, or no longer has TTL enabled).  Origin::service.
class TtlDeleteOp final : public storage::WriteOpOf<TtlDeleteOutcome> {
 public:
  TtlDeleteOp(std::shared_ptr<const storage::TableDef> table, std::vector<storage::PrimaryKey> keys, double now)
      : WriteOpOf(storage::Origin::service), table_(std::move(table)), keys_(std::move(keys)), now_(now) {}

 protected:
  storage::Status run(storage::WriteTxn& txn, TtlDeleteOutcome& out) const override;

 private:
  std::shared_ptr<const storage::TableDef> table_;
  std::vector<storage::PrimaryKey> keys_;
  double now_;
};

struct SweepLimits {
  std::size_t keys_per_delete = 100;     // expired keys per TtlDeleteOp
  std::size_t items_per_snapshot = 1000;  // items read per read transaction
};

// Deletes the expired items of `table` (which has TTL enabled) as of `now`;
// returns how many were deleted.  Stops early, between chunks, when `stop`
// is requested.  Throws StorageError when a delete fails.
std::size_t sweep_table(storage::Engine& engine, const std::shared_ptr<const storage::TableDef>& table, double now,
                        std::stop_token stop, SweepLimits limits = {});

// Sweeps every table with TTL enabled; returns the number of items deleted.
std::size_t sweep_all(storage::Engine& engine, double now, std::stop_token stop, SweepLimits limits = {});

}  // namespace ddbd::streams
