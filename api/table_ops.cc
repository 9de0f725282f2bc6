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
