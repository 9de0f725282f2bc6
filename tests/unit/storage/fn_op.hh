// Test helper: a function submitted as a WriteOp.  Production writes are
// typed const ops (api/write_ops.hh); the engine's own tests drive WriteTxn
// directly with small functions that count their runs or fail on purpose.
#pragma once

#include <functional>
#include <memory>

#include "storage/engine.hh"

namespace ddbd::storage {

using TxnFn = std::function<Status(WriteTxn&)>;

class FnOp final : public WriteOp {
 public:
  explicit FnOp(TxnFn fn, Origin origin = Origin::user) : WriteOp(origin), fn_(std::move(fn)) {}
  Status apply(WriteTxn& txn, WriteResult&) const override { return fn_(txn); }

 private:
  TxnFn fn_;
};

// Submits `fn`; the op lives until `done` has run.
inline void submit_fn(Engine& engine, TxnFn fn, WriteDone done, Origin origin = Origin::user) {
  struct Held {
    FnOp op;
    NoResult result;
  };
  auto held = std::make_shared<Held>(Held{FnOp(std::move(fn), origin), {}});
  engine.submit(held->op, held->result, [held, done = std::move(done)](Status s) { done(s); });
}

}  // namespace ddbd::storage
