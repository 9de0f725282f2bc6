// The catalog writes of CreateTable, UpdateTable and DeleteTable as const
// storage::WriteOp values (storage/write_op.hh): each reads only the
// transaction and the definitions it points to, so the engine may run it
// again.
//
// Thread-safety: immutable once built; the definitions they point to must
// outlive the write.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/engine.hh"

namespace ddbd::api {

struct CreateTableOutcome {
  storage::TableDef def;  // as created, with its table_id
  bool exists = false;    // the name is taken (the op then returns aborted)
};

// When def.stream_enabled is set, also opens the table's stream
// (streams::open_stream, view def.stream_view_type, as of def.creation_time)
// in the same transaction.
class CreateTableOp final : public storage::WriteOpOf<CreateTableOutcome> {
 public:
  explicit CreateTableOp(const storage::TableDef& def) : def_(def) {}

 protected:
  storage::Status run(storage::WriteTxn& txn, CreateTableOutcome& out) const override;

 private:
  const storage::TableDef& def_;
};

// What UpdateTable does to the table's stream (StreamSpecification).
struct StreamChange {
  enum class Kind { none, enable, disable } kind = Kind::none;
  std::string view_type;  // enable
  double now = 0;         // the new stream's label / the disable time
};

// Replaces a table's definition, drops the index entries of `dropped` and
// builds (backfills) those of `created` (index ids), and opens or closes
// its stream, in one transaction.  The TTL settings (and the stream's, when
// `stream` changes nothing) are taken from the definition in the
// transaction, so a concurrent UpdateTimeToLive is not undone; aborted when
// a concurrent UpdateTable changed the stream after `def` was read;
// not_found when the table is gone.
class UpdateTableOp final : public storage::WriteOp {
 public:
  UpdateTableOp(const storage::TableDef& def, const std::vector<uint32_t>& created, const std::vector<uint32_t>& dropped,
                StreamChange stream = {})
      : def_(def), created_(created), dropped_(dropped), stream_(std::move(stream)) {}
  storage::Status apply(storage::WriteTxn& txn, storage::WriteResult& result) const override;

 private:
  const storage::TableDef& def_;
  const std::vector<uint32_t>& created_;
  const std::vector<uint32_t>& dropped_;
  StreamChange stream_;
};

// Removes a table with its items and indexes (not_found: it is already gone).
// Closes its stream (DISABLED as of `now`; its records stay readable until
// they age out, as DynamoDB keeps a deleted table's stream for 24 hours).
class DeleteTableOp final : public storage::WriteOp {
 public:
  explicit DeleteTableOp(const storage::TableDef& def, double now = 0) : def_(def), now_(now) {}
  storage::Status apply(storage::WriteTxn& txn, storage::WriteResult& result) const override;

 private:
  const storage::TableDef& def_;
  double now_;
};


// UpdateTimeToLive's change, checked against the definition *in the
// transaction* so that two concurrent updates cannot both pass the rules.
struct TimeToLiveChange {
  std::string ns, name;
  uint64_t table_id = 0;
  bool enabled = false;
  std::string attribute;
  double now = 0;
  double cooldown_seconds = 0;  // 0: no once-per-interval rule (ApiConfig::ttl_cooldown_seconds)
};

struct TimeToLiveOutcome {
  bool missing = false;  // the table is gone (the op then returns aborted)
  std::string error;     // a ValidationException message (the op then returns aborted)
};

// DynamoDB's rules for UpdateTimeToLive against the table's current
// settings, in DynamoDB's order (the content checks before the interval
// rule); empty when the change is allowed.
std::string time_to_live_error(const storage::TableDef& def, const TimeToLiveChange& c);

// Enables or disables TTL: sets ttl_enabled, ttl_attribute (kept when
// disabling) and ttl_updated_time = now.
class TimeToLiveOp final : public storage::WriteOpOf<TimeToLiveOutcome> {
 public:
  explicit TimeToLiveOp(const TimeToLiveChange& change) : change_(change) {}

 protected:
  storage::Status run(storage::WriteTxn& txn, TimeToLiveOutcome& out) const override;

 private:
  const TimeToLiveChange& change_;
};

}  // namespace ddbd::api
