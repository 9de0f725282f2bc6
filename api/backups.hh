// On-demand backups: the stored records and the background service that
// fills them (CreateBackup) and restores them (RestoreTableFromBackup).
//
// Storage: aux records (storage/engine.hh), not files.  A backup then lives
// in the same LMDB environment as its table: it is written and deleted in
// the store's own transactions (a DeleteBackup or a crash never leaves a
// half-deleted file behind, and no directory scan has to match files with
// metadata), it survives restarts exactly as the tables do, and it works
// with --in-memory.  Layout:
//   "backups/m/" ns '\0' id        the BackupRecord (encode_backup)
//   "backups/d/" id '/' %08x chunk  item chunks: varint(len) encoded-item ...
// Backup ids are "<14-digit creation millis>-<8 hex>", DynamoDB's form, so
// the metadata of a namespace is in creation order.
//
// Consistency: CreateBackup opens ONE storage::ReadTxn (an LMDB snapshot)
// and hands it to this service, which reads every item from it and writes
// them in chunks of about kChunkBytes, each chunk its own small write
// transaction: writers are never paused (they interleave between chunks)
// and nothing written after the snapshot appears in the backup.  Restores
// read the chunks back and put the items into the new table, chunk by
// chunk, then mark it ACTIVE.
//
// Restarts: a backup still CREATING when the server stopped lost its
// snapshot; on_start() deletes it (its records are partial).  A restore
// still in progress is started again from its first chunk (puts are
// idempotent).
//
// Thread-safety: BackupService's public methods may be called from any
// thread; jobs run on the service's thread.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "api/services.hh"
#include "storage/engine.hh"

namespace ddbd::api {

struct BackupRecord {
  std::string ns;
  std::string id;
  std::string name;
  std::string arn;
  std::string status;  // CREATING or AVAILABLE
  double creation_time = 0;
  uint64_t size_bytes = 0;
  uint64_t item_count = 0;
  // The source table as it was at the snapshot (storage::encode_definition).
  std::string definition;
  std::string table_name, table_id, table_arn;
  std::string billing_mode;
  int64_t read_capacity = 0, write_capacity = 0;
  double table_creation_time = 0;
};

std::string encode_backup(const BackupRecord& r);
bool decode_backup(std::string_view bytes, BackupRecord& out);

std::string backup_meta_prefix(std::string_view ns);
std::string backup_meta_key(std::string_view ns, std::string_view id);
std::string backup_chunk_prefix(std::string_view id);

// The id of a BackupArn of `ns`'s region and account
// (arn:aws:dynamodb:<region>:<account>:table/<name>/backup/<id>), or empty
// when it is not of that form.
std::string backup_id_of_arn(std::string_view arn);

// The backup `id` of `ns`, as `txn` sees it.
std::optional<BackupRecord> load_backup(const storage::ReadTxn& txn, std::string_view ns, std::string_view id);

// Puts (or replaces) one aux record.
class AuxPutOp final : public storage::WriteOp {
 public:
  AuxPutOp(std::string key, std::string value, storage::Origin origin = storage::Origin::service)
      : WriteOp(origin), key_(std::move(key)), value_(std::move(value)) {}
  storage::Status apply(storage::WriteTxn& txn, storage::WriteResult& result) const override;

 private:
  std::string key_, value_;
};


// Puts one chunk of a restore's items (varint(len) item-encoding ...) into
// table `name` of `ns`, if it is still the table the restore created
// (`aborted` otherwise: deleted meanwhile).  Shared by backup and
// point-in-time restores.
class RestoreChunkOp final : public storage::WriteOp {
 public:
  RestoreChunkOp(std::string ns, std::string name, uint64_t table_id, std::string chunk)
      : WriteOp(storage::Origin::service), ns_(std::move(ns)), name_(std::move(name)), table_id_(table_id), chunk_(std::move(chunk)) {}
  storage::Status apply(storage::WriteTxn& txn, storage::WriteResult& result) const override;

 private:
  std::string ns_, name_;
  uint64_t table_id_;
  std::string chunk_;
};

// Ends a restore: the table becomes ACTIVE with RestoreInProgress false.
class FinishRestoreOp final : public storage::WriteOp {
 public:
  FinishRestoreOp(std::string ns, std::string name, uint64_t table_id)
      : WriteOp(storage::Origin::service), ns_(std::move(ns)), name_(std::move(name)), table_id_(table_id) {}
  storage::Status apply(storage::WriteTxn& txn, storage::WriteResult& result) const override;

 private:
  std::string ns_, name_;
  uint64_t table_id_;
};

class BackupService;

// Erases a backup's metadata and every chunk (not_found: no such backup).
// With `service`, refuses (aborted) when the backup is in use at the moment
// the op is applied: a restore claims its backup before its own write
// (RestoreTableFromBackup checks, in that write, that the backup is still
// there), so one of the two always sees the other.
class EraseBackupOp final : public storage::WriteOp {
 public:
  EraseBackupOp(std::string ns, std::string id, const BackupService* service = nullptr)
      : ns_(std::move(ns)), id_(std::move(id)), service_(service) {}
  storage::Status apply(storage::WriteTxn& txn, storage::WriteResult& result) const override;

 private:
  std::string ns_, id_;
  const BackupService* service_;
};

class BackupService final : public Service {
 public:
  static constexpr std::size_t kChunkBytes = 512 * 1024;

  std::string_view name() const override { return "backups"; }
  // Jobs wake the service when queued; the interval is only a backstop.
  std::chrono::milliseconds interval() const override { return std::chrono::minutes(1); }
  void run(const ServiceContext& ctx, std::stop_token stop) override;
  void on_start(const ServiceContext& ctx) override;

  // Fills backup `record` (already stored, CREATING) from `snapshot`.
  void enqueue_backup(BackupRecord record, std::shared_ptr<const storage::TableDef> table, storage::ReadTxn snapshot);
  // Fills table `table` (already created, restore_in_progress) from the
  // backup `backup_id` of the table's namespace.
  void enqueue_restore(std::string ns, std::string table_name, uint64_t table_id, std::string backup_id);
  // Whether backup `id` is being created or restored from.
  bool in_use(std::string_view id) const;
  // Marks backup `id` in use until release() (a restore, from before its
  // table is created until its job is queued).
  void claim(const std::string& id);
  void release(const std::string& id);

 private:
  struct Job {
    enum class Kind { backup, restore, erase } kind = Kind::backup;
    BackupRecord record;                            // backup
    std::shared_ptr<const storage::TableDef> table;  // backup
    std::optional<storage::ReadTxn> snapshot;        // backup
    std::string ns, table_name, backup_id;          // restore (erase: ns, backup_id)
    uint64_t table_id = 0;                          // restore
  };
  void run_backup(const ServiceContext& ctx, Job& job, std::stop_token stop);
  void run_restore(const ServiceContext& ctx, Job& job, std::stop_token stop);

  mutable std::mutex mu_;
  std::deque<Job> jobs_;
  std::multiset<std::string, std::less<>> busy_;  // backup ids of queued and running jobs
};

}  // namespace ddbd::api
