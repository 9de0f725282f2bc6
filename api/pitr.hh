// Point-in-time recovery: the change log of PITR-enabled tables, the table
// "as it was at time T" computed from it, its retention, and the service
// that runs RestoreTableToPointInTime's restores.
//
// The log: PitrRecorder is a storage::ChangeObserver (registered by main
// before the first write).  For every changed item of a table whose
// TableDef::pitr_enabled is set, it appends in the change's own transaction
// one aux record
//   "pitr/c/" be64(table id) be64(time, microseconds) be64(seq)
//     -> '\x01' old image (item encoding)   the item existed before
//      | '\x00' key-only item (encoding)    it did not
// so a committed change always has its record and a failed one never.
// Other tables pay one pointer dereference per change (the TableDef the
// event carries).  Table ids are never reused, so a log never mixes tables.
//
// The table at T (items_at): every item as the reading transaction sees it
// now, except that each key changed after T takes the OLD image of its first
// change after T (absent: the item did not exist at T).  One ReadTxn sees
// the items and the log consistently.  This needs the log to cover (T, now]:
// true from the moment PITR was enabled (UpdateContinuousBackups stamps the
// enable time inside its write, so no change after it escapes the log).
// The cost of a restore is a scan of the table plus the changes since T.
//
// Retention (PitrService, every kTrimInterval): records older than the
// table's earliest restorable time go; so does the whole log of a table that
// was deleted or whose PITR was disabled.  Records are in time order per
// table, so a trim touches only what it deletes.
//
// Restores: RestoreTableToPointInTime creates the target table CREATING with
// restore_in_progress, restore_source_table_id and restore_time = T (empty
// restore_source_backup_arn) and queues a job.  The job opens one ReadTxn,
// writes items_at(T) into the target in chunks (backups.hh's
// RestoreChunkOp) and marks it ACTIVE (FinishRestoreOp).  After a restart,
// on_start() queues unfinished restores again: items_at(T) is recomputed
// from a new ReadTxn (same result: the log still covers (T, now]) and puts
// are idempotent.  When that is no longer possible (the source table is
// gone, its PITR was disabled, or T fell out of the window) the target
// table is deleted and the failure logged.
//
// Thread-safety: the codec and items_at are pure functions over their
// arguments.  PitrRecorder's calls come from the write leader, one at a
// time.  PitrService's public methods may be called from any thread; jobs
// run on the service's thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "api/services.hh"
#include "storage/engine.hh"

namespace ddbd::api {

// DynamoDB: "LatestRestorableDateTime is typically 5 minutes before the
// current time" (API Reference, PointInTimeRecoveryDescription).
inline constexpr double kPitrLatestLagSeconds = 300;

// ---- the log record codec ----

std::string pitr_log_prefix(uint64_t table_id);
std::string pitr_log_key(uint64_t table_id, int64_t micros, uint64_t seq);
// Seconds since the epoch -> whole microseconds (floor).
int64_t pitr_micros(double seconds);

struct PitrChange {
  uint64_t table_id = 0;
  int64_t micros = 0;
  uint64_t seq = 0;
  bool existed = false;   // the item existed before the change
  std::string_view item;  // its old image (existed) or its key attributes
};
// The record of `event` (for a table with key schema `key`).
std::string encode_pitr_change(const storage::ChangeEvent& event, const storage::KeySchema& key);
// False when the key or value is not one encode_pitr_change made.
bool decode_pitr_change(std::string_view key, std::string_view value, PitrChange& out);

class PitrRecorder final : public storage::ChangeObserver {
 public:
  storage::Status on_change(storage::WriteTxn& txn, const storage::ChangeEvent& event) override;
  // Log records written since start (a debug figure for tests).
  uint64_t records_written() const { return written_.load(std::memory_order_relaxed); }

 private:
  uint64_t seq_ = 0;  // orders records of one microsecond; write leader only
  std::atomic<uint64_t> written_{0};
};

// ---- the window ----

struct PitrWindow {
  double earliest = 0;
  double latest = 0;
};
// EarliestRestorableDateTime = max(enable time, now - RecoveryPeriodInDays),
// LatestRestorableDateTime = max(earliest, now - lag).
PitrWindow restorable_window(const storage::TableDef& def, double now, double lag_seconds);

// ---- the table at T ----

// Calls emit(encoding) for every item table `def` held at time `t` (see the
// header comment), in no particular order, until emit returns false.  The
// encodings are item_codec encodings, valid during the call.  Throws
// storage::StorageError on a corrupt record.
void items_at(const storage::ReadTxn& txn, const storage::TableDef& def, double t,
              const std::function<bool(std::string_view)>& emit);

// ---- retention ----

// Retention keeps this much more than the window, so that a restore accepted
// at the window's edge still finds its records when its job runs.
inline constexpr double kPitrTrimMarginSeconds = 300;

// One bounded pass of trimming (inside a write op): deletes at most `budget`
// records older than their table's earliest restorable time (less
// kPitrTrimMarginSeconds), or of tables
// that `live` (the catalog: every table) does not show with PITR on.
// Returns the number deleted (== budget: call again).
std::size_t trim_pitr_log(storage::WriteTxn& txn, const std::vector<std::shared_ptr<const storage::TableDef>>& live,
                          double now, std::size_t budget);

// ---- the service ----

class PitrService final : public Service {
 public:
  static constexpr std::chrono::seconds kTrimInterval{60};

  std::string_view name() const override { return "pitr"; }
  // Restores wake the service when queued; trimming runs every interval.
  std::chrono::milliseconds interval() const override { return kTrimInterval; }
  void run(const ServiceContext& ctx, std::stop_token stop) override;
  void on_start(const ServiceContext& ctx) override;

  // Fills table `table_name` of `ns` (already created CREATING, with
  // restore_in_progress, restore_source_table_id and restore_time) from its
  // source.
  void enqueue_restore(std::string ns, std::string table_name, uint64_t table_id);

 private:
  struct Job {
    std::string ns, table_name;
    uint64_t table_id = 0;
  };
  void run_restore(const ServiceContext& ctx, const Job& job, std::stop_token stop);
  void trim(const ServiceContext& ctx, std::stop_token stop);

  std::mutex mu_;
  std::deque<Job> jobs_;
  std::chrono::steady_clock::time_point last_trim_{};
};

}  // namespace ddbd::api
