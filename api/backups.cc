// On-demand backups: records, write ops and the backup/restore service
// (see backups.hh).
#include "api/backups.hh"

#include <spdlog/spdlog.h>

#include <bit>
#include <cctype>
#include <cstdio>
#include <cstring>

#include "storage/encoded_item.hh"
#include "storage/item_codec.hh"

namespace ddbd::api {

namespace {

using storage::get_varint;
using storage::put_varint;

void put_str(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

bool get_str(std::string_view& in, std::string& s) {
  uint64_t n;
  if (!get_varint(in, n) || n > in.size()) return false;
  s.assign(in.substr(0, n));
  in.remove_prefix(n);
  return true;
}

void put_double(std::string& out, double d) { put_varint(out, std::bit_cast<uint64_t>(d)); }
bool get_double(std::string_view& in, double& d) {
  uint64_t v;
  if (!get_varint(in, v)) return false;
  d = std::bit_cast<double>(v);
  return true;
}

std::string chunk_key(std::string_view id, uint32_t n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", n);
  return backup_chunk_prefix(id) + buf;
}

storage::Status wait_write(const ServiceContext& ctx, std::shared_ptr<const storage::WriteOp> op, std::stop_token stop) {
  return submit_and_wait(ctx.engine, std::move(op), stop);
}

std::shared_ptr<spdlog::logger> logger() {
  auto l = spdlog::get("api");
  return l ? l : spdlog::default_logger();
}

}  // namespace

// The record: a version byte, then the fields in this order.  Fields are
// only ever appended (a decoder stops at the end of what it knows).
std::string encode_backup(const BackupRecord& r) {
  std::string out;
  out.push_back('\x01');
  for (const std::string* s : {&r.ns, &r.id, &r.name, &r.arn, &r.status, &r.definition, &r.table_name, &r.table_id,
                               &r.table_arn, &r.billing_mode})
    put_str(out, *s);
  put_double(out, r.creation_time);
  put_varint(out, r.size_bytes);
  put_varint(out, r.item_count);
  put_varint(out, static_cast<uint64_t>(r.read_capacity));
  put_varint(out, static_cast<uint64_t>(r.write_capacity));
  put_double(out, r.table_creation_time);
  return out;
}

bool decode_backup(std::string_view in, BackupRecord& r) {
  if (in.empty() || in.front() != '\x01') return false;
  in.remove_prefix(1);
  for (std::string* s : {&r.ns, &r.id, &r.name, &r.arn, &r.status, &r.definition, &r.table_name, &r.table_id,
                         &r.table_arn, &r.billing_mode})
    if (!get_str(in, *s)) return false;
  uint64_t rc, wc;
  return get_double(in, r.creation_time) && get_varint(in, r.size_bytes) && get_varint(in, r.item_count) &&
         get_varint(in, rc) && get_varint(in, wc) && get_double(in, r.table_creation_time) &&
         ((r.read_capacity = static_cast<int64_t>(rc)), (r.write_capacity = static_cast<int64_t>(wc)), true);
}

std::string backup_meta_prefix(std::string_view ns) {
  std::string k = "backups/m/";
  k.append(ns);
  k.push_back('\0');
  return k;
}

std::string backup_meta_key(std::string_view ns, std::string_view id) { return backup_meta_prefix(ns).append(id); }

std::string backup_chunk_prefix(std::string_view id) {
  std::string k = "backups/d/";
  k.append(id);
  k.push_back('/');
  return k;
}

std::string backup_id_of_arn(std::string_view arn) {
  // arn:aws:dynamodb:<region>:<account>:table/<name>/backup/<id>
  if (!arn.starts_with("arn:aws:dynamodb:")) return {};
  const auto pos = arn.rfind("/backup/");
  if (pos == std::string_view::npos || arn.find(":table/") == std::string_view::npos) return {};
  std::string_view id = arn.substr(pos + 8);
  if (id.size() != 23 || id[14] != '-') return {};
  for (std::size_t i = 0; i < id.size(); ++i)
    if (i != 14 && !std::isxdigit(static_cast<unsigned char>(id[i]))) return {};
  return std::string(id);
}

std::optional<BackupRecord> load_backup(const storage::ReadTxn& txn, std::string_view ns, std::string_view id) {
  std::string_view v;
  if (id.empty() || !txn.aux_get(backup_meta_key(ns, id), v)) return std::nullopt;
  BackupRecord r;
  if (!decode_backup(v, r)) return std::nullopt;
  return r;
}

storage::Status AuxPutOp::apply(storage::WriteTxn& txn, storage::WriteResult&) const { return txn.aux_put(key_, value_); }

storage::Status RestoreChunkOp::apply(storage::WriteTxn& txn, storage::WriteResult&) const {
  auto def = txn.find_table(ns_, name_);
  if (!def || def->table_id != table_id_) return storage::Status::aborted;
  std::string_view in = chunk_;
  Item item;
  while (!in.empty()) {
    uint64_t n;
    if (!get_varint(in, n) || n > in.size()) return storage::Status::io_error;
    item.clear();
    if (!storage::decode_item(in.substr(0, n), item)) return storage::Status::io_error;
    in.remove_prefix(n);
    storage::Status st = txn.put(*def, item);
    if (st != storage::Status::ok) return st;
  }
  return storage::Status::ok;
}

storage::Status FinishRestoreOp::apply(storage::WriteTxn& txn, storage::WriteResult&) const {
  auto cur = txn.find_table(ns_, name_);
  if (!cur || cur->table_id != table_id_) return storage::Status::aborted;
  storage::TableDef def = *cur;
  def.status = "ACTIVE";
  def.status_ready_time = 0;
  def.restore_in_progress = false;
  for (auto& ix : def.indexes) ix.status = "ACTIVE";
  return txn.update_table(def);
}

storage::Status EraseBackupOp::apply(storage::WriteTxn& txn, storage::WriteResult&) const {
  if (service_ && service_->in_use(id_)) return storage::Status::aborted;
  if (txn.aux_erase(backup_meta_key(ns_, id_)) == storage::Status::not_found) return storage::Status::not_found;
  std::vector<std::string> keys;
  {
    auto cur = txn.aux_scan(backup_chunk_prefix(id_));
    std::string_view k, v;
    while (cur->next(k, v)) keys.emplace_back(k);
  }
  for (const auto& k : keys) txn.aux_erase(k);
  return storage::Status::ok;
}

void BackupService::enqueue_backup(BackupRecord record, std::shared_ptr<const storage::TableDef> table,
                                   storage::ReadTxn snapshot) {
  Job job;
  job.record = std::move(record);
  job.table = std::move(table);
  job.snapshot.emplace(std::move(snapshot));
  {
    std::lock_guard lock(mu_);
    busy_.insert(job.record.id);
    jobs_.push_back(std::move(job));
  }
  wake();
}

void BackupService::enqueue_restore(std::string ns, std::string table_name, uint64_t table_id, std::string backup_id) {
  Job job;
  job.kind = Job::Kind::restore;
  job.ns = std::move(ns);
  job.table_name = std::move(table_name);
  job.table_id = table_id;
  job.backup_id = std::move(backup_id);
  {
    std::lock_guard lock(mu_);
    busy_.insert(job.backup_id);
    jobs_.push_back(std::move(job));
  }
  wake();
}

bool BackupService::in_use(std::string_view id) const {
  std::lock_guard lock(mu_);
  return busy_.find(id) != busy_.end();
}

void BackupService::claim(const std::string& id) {
  std::lock_guard lock(mu_);
  busy_.insert(id);
}

void BackupService::release(const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = busy_.find(id);
  if (it != busy_.end()) busy_.erase(it);
}

void BackupService::run(const ServiceContext& ctx, std::stop_token stop) {
  while (!stop.stop_requested()) {
    std::optional<Job> job;
    {
      std::lock_guard lock(mu_);
      if (jobs_.empty()) return;
      job.emplace(std::move(jobs_.front()));
      jobs_.pop_front();
    }
    const std::string id = job->kind == Job::Kind::backup ? job->record.id : job->backup_id;
    try {
      switch (job->kind) {
        case Job::Kind::backup: run_backup(ctx, *job, stop); break;
        case Job::Kind::restore: run_restore(ctx, *job, stop); break;
        case Job::Kind::erase: wait_write(ctx, std::make_shared<EraseBackupOp>(job->ns, id), stop); break;
      }
    } catch (const std::exception& e) {
      logger()->error("backups: a job on backup {} failed: {}", id, e.what());
    }
    release(id);
  }
}

void BackupService::run_backup(const ServiceContext& ctx, Job& job, std::stop_token stop) {
  BackupRecord& r = job.record;
  auto cur = job.snapshot->scan(*job.table, storage::ScanSpec{});
  std::string chunk;
  uint32_t n = 0;
  std::string_view encoded;
  auto flush = [&]() {
    if (chunk.empty()) return true;
    auto st = wait_write(ctx, std::make_shared<AuxPutOp>(chunk_key(r.id, n++), std::move(chunk)), stop);
    chunk.clear();
    return st == storage::Status::ok;
  };
  while (cur->next_encoded(encoded)) {
    if (stop.stop_requested()) return;  // on_start() of the next run deletes it
    put_varint(chunk, encoded.size());
    chunk.append(encoded);
    r.size_bytes += cur->last_size();
    ++r.item_count;
    if (chunk.size() >= kChunkBytes && !flush()) throw std::runtime_error("writing a chunk failed");
  }
  cur.reset();
  job.snapshot.reset();  // the snapshot is no longer needed: let LMDB reuse its pages
  if (!flush()) throw std::runtime_error("writing a chunk failed");
  r.status = "AVAILABLE";
  if (wait_write(ctx, std::make_shared<AuxPutOp>(backup_meta_key(r.ns, r.id), encode_backup(r)), stop) != storage::Status::ok)
    throw std::runtime_error("writing the backup record failed");
}

void BackupService::run_restore(const ServiceContext& ctx, Job& job, std::stop_token stop) {
  const std::string prefix = backup_chunk_prefix(job.backup_id);
  std::string from = prefix;
  while (true) {
    if (stop.stop_requested()) return;  // on_start() of the next run starts it again
    std::string key, chunk;
    {
      storage::ReadTxn txn = ctx.engine.begin_read();
      auto cur = txn.aux_scan(prefix, from);
      std::string_view k, v;
      if (!cur->next(k, v)) break;
      key.assign(k);
      chunk.assign(v);
    }
    from = key;
    from.push_back('\0');  // the next chunk
    auto st = wait_write(ctx, std::make_shared<RestoreChunkOp>(job.ns, job.table_name, job.table_id, std::move(chunk)), stop);
    if (st == storage::Status::aborted) return;  // the table was deleted
    if (st != storage::Status::ok) throw std::runtime_error("restoring a chunk failed: status " + std::to_string(int(st)));
  }
  wait_write(ctx, std::make_shared<FinishRestoreOp>(job.ns, job.table_name, job.table_id), stop);
}

void BackupService::on_start(const ServiceContext& ctx) {
  std::vector<std::pair<std::string, std::string>> abandoned;  // ns, id
  std::vector<std::shared_ptr<const storage::TableDef>> restoring;
  {
    storage::ReadTxn txn = ctx.engine.begin_read();
    auto cur = txn.aux_scan("backups/m/");
    std::string_view k, v;
    while (cur->next(k, v)) {
      BackupRecord r;
      if (decode_backup(v, r) && r.status == "CREATING") abandoned.emplace_back(r.ns, r.id);
    }
  }
  for (const auto& t : ctx.engine.all_tables())
    if (t->restore_in_progress && !t->restore_source_backup_arn.empty()) restoring.push_back(t);  // PITR: api/pitr.hh
  // No writes here: the engine's group commit needs the I/O threads, which
  // start after the services.  Queued, they run first.
  for (const auto& [ns, id] : abandoned) {
    logger()->warn("backups: deleting backup {}, unfinished when the server stopped", id);
    Job job;
    job.kind = Job::Kind::erase;
    job.ns = ns;
    job.backup_id = id;
    std::lock_guard lock(mu_);
    busy_.insert(id);
    jobs_.push_back(std::move(job));
  }
  for (const auto& t : restoring) {
    const std::string id = backup_id_of_arn(t->restore_source_backup_arn);
    logger()->info("backups: resuming the restore of table {} from backup {}", t->name, id);
    enqueue_restore(t->ns, t->name, t->table_id, id);
  }
  if (!abandoned.empty()) wake();
}

}  // namespace ddbd::api
