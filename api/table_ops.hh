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
// its stream, in one transaction.
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

}  // namespace ddbd::api
