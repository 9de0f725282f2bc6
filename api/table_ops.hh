// The catalog writes of CreateTable, UpdateTable and DeleteTable as const
// storage::WriteOp values (storage/write_op.hh): each reads only the
// transaction and the definitions it points to, so the engine may run it
// again.
//
// Thread-safety: immutable once built; the definitions they point to must
// outlive the write.
#pragma once

#include <cstdint>
#include <vector>

#include "storage/engine.hh"

namespace ddbd::api {

struct CreateTableOutcome {
  storage::TableDef def;  // as created, with its table_id
  bool exists = false;    // the name is taken (the op then returns aborted)
};

class CreateTableOp final : public storage::WriteOpOf<CreateTableOutcome> {
 public:
  explicit CreateTableOp(const storage::TableDef& def) : def_(def) {}

 protected:
  storage::Status run(storage::WriteTxn& txn, CreateTableOutcome& out) const override;

 private:
  const storage::TableDef& def_;
};

// Replaces a table's definition, drops the index entries of `dropped` and
// builds (backfills) those of `created` (index ids), in one transaction.
class UpdateTableOp final : public storage::WriteOp {
 public:
  UpdateTableOp(const storage::TableDef& def, const std::vector<uint32_t>& created, const std::vector<uint32_t>& dropped)
      : def_(def), created_(created), dropped_(dropped) {}
  storage::Status apply(storage::WriteTxn& txn, storage::WriteResult& result) const override;

 private:
  const storage::TableDef& def_;
  const std::vector<uint32_t>& created_;
  const std::vector<uint32_t>& dropped_;
};

// Removes a table with its items and indexes (not_found: it is already gone).
class DeleteTableOp final : public storage::WriteOp {
 public:
  explicit DeleteTableOp(const storage::TableDef& def) : def_(def) {}
  storage::Status apply(storage::WriteTxn& txn, storage::WriteResult& result) const override;

 private:
  const storage::TableDef& def_;
};

}  // namespace ddbd::api
