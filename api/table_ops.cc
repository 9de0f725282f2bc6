#include "api/table_ops.hh"

namespace ddbd::api {

storage::Status CreateTableOp::run(storage::WriteTxn& txn, CreateTableOutcome& out) const {
  out.def = def_;
  const storage::Status s = txn.create_table(out.def);
  out.exists = s == storage::Status::already_exists;
  return out.exists ? storage::Status::aborted : s;
}

storage::Status UpdateTableOp::apply(storage::WriteTxn& txn, storage::WriteResult&) const {
  storage::Status s = txn.update_table(def_);
  for (uint32_t id : dropped_)
    if (s == storage::Status::ok) s = txn.drop_index(def_, id);
  for (uint32_t id : created_)
    if (s == storage::Status::ok) s = txn.build_index(def_, id);
  return s;
}

storage::Status DeleteTableOp::apply(storage::WriteTxn& txn, storage::WriteResult&) const {
  return txn.delete_table(def_);
}

}  // namespace ddbd::api
