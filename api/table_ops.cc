#include "api/table_ops.hh"

#include "api/global_tables.hh"
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
  auto current = txn.find_table(def_.ns, def_.name);
  if (!current || current->table_id != def_.table_id) return storage::Status::not_found;
  storage::TableDef def = def_;
  // UpdateTable never changes TTL: keep the settings as they are now (an
  // UpdateTimeToLive may have committed since the request read the table).
  def.ttl_enabled = current->ttl_enabled;
  def.ttl_attribute = current->ttl_attribute;
  def.ttl_updated_time = current->ttl_updated_time;
  // Nor the replica set (global tables change it with their own ops).
  def.global_table = current->global_table;
  if (stream_.kind == StreamChange::Kind::none) {
    def.stream_enabled = current->stream_enabled;
    def.stream_view_type = current->stream_view_type;
    def.stream_label = current->stream_label;
    def.stream_id = current->stream_id;
  } else if (current->stream_enabled != (stream_.kind == StreamChange::Kind::disable)) {
    // Another UpdateTable changed the stream after this request checked it.
    return storage::Status::aborted;
  }
  storage::Status s = storage::Status::ok;
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
  // A replica of a global table leaves its replica set.
  if (auto current = txn.find_table(def_.ns, def_.name); current && !current->global_table.empty())
    if (auto s = global::leave_group(txn, *current); s != storage::Status::ok) return s;
  return txn.delete_table(def_);
}


// Messages as DynamoDB sends them (ValidationException, HTTP 400).
std::string time_to_live_error(const storage::TableDef& def, const TimeToLiveChange& c) {
  if (def.ttl_enabled && def.ttl_attribute != c.attribute)
    return "TimeToLive is active on a different AttributeName: current AttributeName is " + def.ttl_attribute;
  if (c.enabled && def.ttl_enabled) return "TimeToLive is already enabled";
  if (!c.enabled && !def.ttl_enabled) return "TimeToLive is already disabled";
  // "It can take up to one hour for the change to fully process. Any
  // additional UpdateTimeToLive calls for the same table during this one
  // hour duration result in a ValidationException."
  if (c.cooldown_seconds > 0 && def.ttl_updated_time > 0 && c.now < def.ttl_updated_time + c.cooldown_seconds)
    return "Time to live has been modified multiple times within a fixed interval";
  return {};
}

storage::Status TimeToLiveOp::run(storage::WriteTxn& txn, TimeToLiveOutcome& out) const {
  auto current = txn.find_table(change_.ns, change_.name);
  if (!current || current->table_id != change_.table_id) {
    out.missing = true;
    return storage::Status::aborted;
  }
  out.error = time_to_live_error(*current, change_);
  if (!out.error.empty()) return storage::Status::aborted;
  storage::TableDef def = *current;
  def.ttl_enabled = change_.enabled;
  def.ttl_attribute = change_.attribute;
  def.ttl_updated_time = change_.now;
  return txn.update_table(def);
}

}  // namespace ddbd::api
