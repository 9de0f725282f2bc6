// The write queue: group commit.  Submitters append (fn, done) to the queue;
// the first one finding no leader becomes the leader and drains it, batch by
// batch, each batch in one LMDB write transaction and one commit.  See
// engine.hh for the contract (what is kept, what may run again).
#include <cerrno>
#include <exception>
#include <iterator>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "storage/engine_impl.hh"
#include "storage/key_codec.hh"

namespace ddbd::storage {

namespace {

// How many batches one leader runs before handing leadership on.
constexpr int kMaxLeaderRounds = 8;

// The status every kept op of a batch gets when its commit fails.
Status commit_failure(int rc) {
  if (rc == MDB_MAP_FULL) return Status::map_full;
  if (rc == ENOSPC || rc == EDQUOT) return Status::no_space;
  return Status::io_error;
}

}  // namespace

void Engine::Impl::submit(const WriteOp& op, WriteResult& result, WriteDone done) {
  bool start = false;
  {
    std::lock_guard lock(queue_mu);
    queue.push_back(Pending{&op, &result, std::move(done)});
    if (!draining) draining = start = true;
  }
  if (!start) return;
  if (options.defer)
    options.defer([this] { drain(); });
  else
    drain();
}

void Engine::Impl::drain() {
  for (int round = 0;; ++round) {
    std::vector<Pending> batch;
    {
      std::lock_guard lock(queue_mu);
      if (queue.empty()) {
        draining = false;
        return;
      }
      if (round == kMaxLeaderRounds && options.defer) {
        options.defer([this] { drain(); });
        return;
      }
      batch.swap(queue);
    }
    run_batch(batch);
  }
}

void Engine::Impl::run_batch(std::vector<Pending>& batch) {
  // The ops of a batch share one LMDB transaction and one commit.  An op
  // that fails before writing (a failed condition, a missing table) leaves
  // the transaction as it was.  One that fails after writing cannot be
  // undone on its own (there are no nested transactions: they cost a large
  // allocation each), so then the transaction is aborted, the ops before it
  // run again without it, and the rest follow in the next transaction.
  std::vector<Status> results(batch.size(), Status::ok);
  std::size_t a = 0;
  while (a < batch.size()) {
    std::size_t b = batch.size();
    try {
      for (;;) {
        std::size_t f = run_range(batch, a, b, results);
        if (f == b) break;
        b = f;  // op f failed after writing: its result stays; commit the ops before it
      }
    } catch (const std::exception& e) {
      storage_log().error("write batch failed: {}", e.what());
      for (std::size_t i = a; i < b; ++i) results[i] = Status::io_error;
    }
    a = b + 1;
  }
  for (std::size_t i = 0; i < batch.size(); ++i)
    if (batch[i].done) batch[i].done(results[i]);
}

std::size_t Engine::Impl::run_range(std::vector<Pending>& batch, std::size_t a, std::size_t b,
                                    std::vector<Status>& results) {
  CatalogOverlay batch_overlay;
  StatsDeltas batch_stats;
  std::vector<ChangeEvent> batch_events;
  uint64_t table_ids = next_table_id;
  space.begin();
  lmdb::Txn parent(env, nullptr, 0);
  for (std::size_t i = a; i < b; ++i) {
    WriteTxn::Impl wi{this, parent.get(), &batch_overlay, {}, {}, table_ids, false, &batch_stats};
    wi.time = clock->now_seconds();
    wi.origin = batch[i].op->origin();
    wi.events = &batch_events;
    wi.events_begin = batch_events.size();
    const Status st = apply_one(batch[i], wi);
    results[i] = st;
    if (st == Status::ok) {
      for (auto& [k, v] : wi.overlay) batch_overlay[k] = v;
      add_stats(batch_stats, wi.stats);
      table_ids = wi.next_table_id;
    } else if (!wi.wrote) {
      // Events come only from writes, so there are none to drop; keep it so.
      batch_events.erase(batch_events.begin() + static_cast<std::ptrdiff_t>(wi.events_begin), batch_events.end());
    } else {
      parent.abort();
      return i;
    }
  }
  // Fold stats deltas and the table-id counter into the same commit.
  fold_stats(parent.get(), stats, batch_stats);
  if (table_ids != next_table_id) {
    std::string v;
    put_u64_be(v, table_ids);
    MDB_val mk = lmdb::val("next_table_id"), nv = lmdb::val(v);
    check("mdb_put(next_table_id)", mdb_put(parent.get(), meta, &mk, &nv, 0));
  }
  int rc = parent.commit();
  if (rc != MDB_SUCCESS) {
    const Status failed = commit_failure(rc);
    if (failed == Status::io_error) storage_log().error("commit failed: {}", mdb_strerror(rc));
    for (std::size_t i = a; i < b; ++i)
      if (results[i] == Status::ok) results[i] = failed;
    return b;
  }
  space.committed();
  next_table_id = table_ids;
  publish(batch_overlay);
  if (!batch_events.empty())
    for (ChangeObserver* o : observers) o->on_commit(batch_events);
  return b;
}

Status Engine::Impl::apply_one(const Pending& p, WriteTxn::Impl& wi) {
  WriteTxn wt(&wi);
  try {
    p.result->reset();
    Status st = p.op->apply(wt, *p.result);
    if (st != Status::ok) return st;
    // The observers see the op's events inside its transaction; one refusing
    // fails the op after it wrote (events exist only for writes).
    if (!observers.empty())
      for (std::size_t e = wi.events_begin; e < wi.events->size(); ++e)
        for (ChangeObserver* o : observers)
          if (Status s = o->on_change(wt, (*wi.events)[e]); s != Status::ok) return s;
    return Status::ok;
  } catch (const std::exception& e) {
    storage_log().error("write failed: {}", e.what());
    return Status::io_error;
  }
}

void Engine::Impl::publish(const CatalogOverlay& changes) {
  if (changes.empty()) return;
  std::unique_lock lock(catalog_mu);
  for (const auto& [k, v] : changes) {
    if (v)
      tables[k] = v;
    else
      tables.erase(k);
  }
}

}  // namespace ddbd::storage
