// Write operations and change events: what Engine::submit() applies, and
// what every applied item write reports to the engine's observers.
//
// A WriteOp is a const value: the engine calls apply() inside the write
// transaction its batch shares, and apply() may read only the transaction
// and the op itself, and write only to the WriteResult the engine hands it
// (reset() before every run).  That makes a second run safe by construction:
// the engine runs an op again when a later op of the same transaction fails
// after writing (engine.hh, "group commit"), and only the last run's result
// is reported.
//
// Every item write (WriteTxn::put / erase) records a ChangeEvent in the same
// transaction: table, key, old and new image, kind, time and origin.  The
// engine passes each kept op's events to every observer's on_change() inside
// the transaction (an observer may fail the op from there), and after the
// commit to on_commit().  A committed change always has its events; a
// discarded or failed one never reaches on_commit().
//
// Thread-safety: apply() and the observers' calls run on the write leader's
// thread, one at a time.  An op and its result are owned by the submitter
// and must live until the submit's done callback has run.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/schema.hh"
#include "storage/types.hh"

namespace ddbd::storage {

class WriteTxn;

// Who asked for a write: a client request, or one of the server's own
// services (the TTL sweeper deletes with Origin::service, which Streams
// shows as the "dynamodb.amazonaws.com" principal).
// A replication writes the change of another region's replica (global
// tables, api/global_tables.hh), which must not be replicated again.
enum class Origin { user, service, replication };

// INSERT (no old item), MODIFY (old and new), REMOVE (no new item): the
// eventName of a stream record.
enum class ChangeKind { insert, modify, remove };

struct ChangeEvent {
  std::shared_ptr<const TableDef> table;  // the definition the write used
  PrimaryKey key;
  ChangeKind kind = ChangeKind::insert;
  double time = 0;  // the engine clock when the op ran (seconds since the epoch)
  Origin origin = Origin::user;
  // The images as stored (a 4-byte size then the item encoding); empty when
  // there is none.  Read them with old_image() / new_image() and
  // encoded_item.hh's decode_item / visit_item.
  std::string old_stored;
  std::string new_stored;

  bool has_old() const { return !old_stored.empty(); }
  bool has_new() const { return !new_stored.empty(); }
  // The item encodings (for decode_item / visit_item); empty when absent.
  std::string_view old_image() const { return image(old_stored); }
  std::string_view new_image() const { return image(new_stored); }

 private:
  static std::string_view image(const std::string& stored) {
    return stored.size() < 4 ? std::string_view() : std::string_view(stored).substr(4);
  }
};

// Receives the change events of committed writes.  Register with
// Engine::add_observer() before the first write.
class ChangeObserver {
 public:
  virtual ~ChangeObserver() = default;
  // Inside the transaction, after the op that made `event` returned ok and
  // before the next op runs.  May read through `txn`.  A status other than
  // ok fails the op as if it had failed after writing (its writes and
  // events are discarded; the batch's other ops are kept).
  virtual Status on_change(WriteTxn& txn, const ChangeEvent& event) {
    (void)txn;
    (void)event;
    return Status::ok;
  }
  // After the commit that made `events` durable, in commit order, before any
  // of their submitters' done callbacks.  Must not block or throw.
  virtual void on_commit(const std::vector<ChangeEvent>& events) { (void)events; }
};

// What an op reports back to its submitter.  The engine calls reset() before
// each run of the op, so no state leaks from a discarded run.
class WriteResult {
 public:
  virtual ~WriteResult() = default;
  virtual void reset() = 0;
};

// A result with nothing in it (ops that report only their Status).
class NoResult final : public WriteResult {
 public:
  void reset() override {}
};

class WriteOp {
 public:
  explicit WriteOp(Origin origin = Origin::user) : origin_(origin) {}
  virtual ~WriteOp() = default;
  // Applies the op.  Return Status::ok to keep its writes; any other status
  // (or an exception, which counts as io_error) discards them (engine.hh
  // says how).  `result` is the one the op was submitted with, reset.
  virtual Status apply(WriteTxn& txn, WriteResult& result) const = 0;
  Origin origin() const { return origin_; }

 private:
  Origin origin_;
};

// A WriteOp whose result is a plain struct `Out` (default-constructed again
// before every run):
//   struct PutOp final : WriteOpOf<PutOutcome> {
//     Status run(WriteTxn& txn, PutOutcome& out) const override;
//   };
//   PutOp::Result r;  engine.submit(op, r, done);  ... r.out ...
template <class Out>
class WriteOpOf : public WriteOp {
 public:
  using WriteOp::WriteOp;
  struct Result final : WriteResult {
    Out out{};
    void reset() override { out = Out{}; }
  };
  Status apply(WriteTxn& txn, WriteResult& result) const final { return run(txn, static_cast<Result&>(result).out); }

 protected:
  virtual Status run(WriteTxn& txn, Out& out) const = 0;
};

}  // namespace ddbd::storage
