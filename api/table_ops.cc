#include "api/table_ops.hh"

#include "streams/stream_store.hh"

namespace ddbd::api {

storage::Status CreateTableOp::run(storage::WriteTxn& txn, CreateTableOutcome& out) const {
  out.def = def_;
  if (txn.find_table(def_.ns, def_.name)) {
    out.exists = true;
    return storage::Status::aborted;
  }
  if (out.def.stream_enabled) {
    out.def.stream_enabled = false;
    const std::string view = out.def.stream_view_type;
    if (auto s = streams::open_stream(txn, out.def, view, out.def.creation_time); s != storage::Status::ok) return s;
  }
  const storage::Status s = txn.create_table(out.def);
  out.exists = s == storage::Status::already_exists;
  return out.exists ? storage::Status::aborted : s;
}

storage::Status UpdateTableOp::apply(storage::WriteTxn& txn, storage::WriteResult&) const {
  storage::Status s = storage::Status::ok;
  storage::TableDef def = def_;
  if (stream_.kind == StreamChange::Kind::enable) {
    def.stream_enabled = false;
    s = streams::open_stream(txn, def, stream_.view_type, stream_.now);
  } else if (stream_.kind == StreamChange::Kind::disable) {
    def.stream_enabled = true;
    s = streams::close_stream(txn, def, stream_.now);
  }
  if (s == storage::Status::ok) s = txn.update_table(def);
  for (uint32_t id : dropped_)
    if (s == storage::Status::ok) s = txn.drop_index(def, id);
  for (uint32_t id : created_)
    if (s == storage::Status::ok) s = txn.build_index(def, id);
  return s;
}

storage::Status DeleteTableOp::apply(storage::WriteTxn& txn, storage::WriteResult&) const {
  if (def_.stream_enabled) {
    storage::TableDef def = def_;
    if (auto s = streams::close_stream(txn, def, now_); s != storage::Status::ok) return s;
  }
  return txn.delete_table(def_);
}

}  // namespace ddbd::api
