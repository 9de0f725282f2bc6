// Space: keeps the LMDB store inside its cap and keeps room to delete.
//
// The store never writes through the memory map (no MDB_WRITEMAP): pages go
// to the file with pwrite(), so a full disk or a full tmpfs is an ENOSPC
// error returned by the commit, never a SIGBUS, and the file grows only as
// data is written (--map-size is a cap, not a preallocation).
//
// Two reserves make a full store recoverable:
//   - map reserve: LMDB's map is cap + reserve(cap).  Writes that add data
//     (put, catalog changes, index builds) are refused once the pages in use
//     reach the cap; deletes (item erase, DeleteTable, index drop) may use the
//     reserve, which they need because LMDB copies every page it changes.
//   - disk reserve: blocks allocated past the end of the data file with
//     fallocate(FALLOC_FL_KEEP_SIZE).  When the disk is full the reserve
//     cannot be renewed: then writes that add data are refused and deletes
//     write into the reserved blocks.
//
// The disk reserve is renewed ahead of need, off the commit path: once a
// quarter of it is used, committed() asks a renewal thread (started on the
// first renewal, stopped by close()) to fallocate the next 32 MiB from the
// file's end.  A commit waits on fallocate only when half of the reserve is
// used and the renewal has not finished (or failed): then, as before the
// thread existed, the reserve is renewed before the next transaction begins,
// so a transaction never begins with less than half the reserve unless the
// disk is known to be full.  While the disk is full begin() still retries
// the renewal itself, on the writer's thread.
//
// Thread-safety: used only by the write leader (one thread at a time); the
// renewal thread shares with it only the fields under mu_.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "storage/lmdb_env.hh"

namespace spdlog {
class logger;
}

namespace ddbd::storage {

// The "storage" logger (the default logger when it is not registered).
spdlog::logger& storage_log();

class Space {
 public:
  // The map size to give LMDB for a cap of `cap` bytes.
  static std::size_t map_size_for(std::size_t cap);

  // After mdb_env_open.  Allocates the lock file's blocks (LMDB writes its
  // reader table through a shared mapping of that file) and the first disk
  // reserve.  Throws StorageError when the lock file cannot be allocated.
  void open(MDB_env* env, std::size_t cap, const std::string& lock_path);

  // Just before a write transaction begins (on the writer's thread): works
  // out whether the store is at its cap or the disk is out of room.
  void begin();
  // Whether a write adding about `bytes` bytes may go ahead in the current
  // transaction; counts them when it may.
  bool may_grow(std::size_t bytes);
  // Why may_grow said no: true when the disk (not the cap) is the limit.
  // When the disk is full, writes that add data may still use the free
  // pages inside the file, up to a margin kept for deletes.
  bool disk_full() const { return disk_full_; }
  // After a successful commit: renews the disk reserve when the file has
  // grown into it (see above: ahead of need, on the renewal thread).
  void committed();
  // Stops the renewal thread (before the environment closes).  Idempotent.
  void close();

  Space() = default;
  Space(const Space&) = delete;
  Space& operator=(const Space&) = delete;
  ~Space() { close(); }

 private:
  std::uint64_t free_pages() const;
  void count_free();
  void settle();
  bool fits(std::size_t bytes) const;
  bool reserve_disk(std::uint64_t from);
  // Records the outcome of a renewal from `from` (err: 0 or fallocate's
  // errno).  Returns whether it succeeded.
  bool apply_reserve(std::uint64_t from, int err);
  // Asks the renewal thread to renew from `from` (at most one request runs).
  void renew_ahead(std::uint64_t from);
  // Applies a finished renewal; with `wait`, waits for a running one first.
  void collect(bool wait);
  void renewer();

  MDB_env* env_ = nullptr;
  int fd_ = -1;
  std::size_t cap_ = 0;
  std::size_t page_ = 4096;
  std::uint64_t used_ = 0;           // bytes in use when the transaction began
  std::uint64_t added_ = 0;          // bytes added by this transaction so far
  std::uint64_t limit_ = 0;          // where writes that add data stop
  bool at_limit_ = false;
  std::uint64_t hw_ = 0;             // the file's high-water mark when the transaction began
  std::uint64_t free_bytes_ = 0;     // LMDB's free list, as last counted
  bool fresh_ = false;               // counted for this transaction
  std::chrono::steady_clock::time_point free_counted_at_{};
  bool disk_full_ = false;
  bool fallocate_ok_ = true;         // false on file systems without fallocate
  std::uint64_t reserved_to_ = 0;    // file offset up to which blocks are allocated
  bool asked_ = false;               // a renewal was asked for and not yet collected

  // Shared with the renewal thread.
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
  bool stop_ = false;
  bool pending_ = false;             // a request waits or runs
  bool done_ = false;                // a result waits to be collected
  std::uint64_t from_ = 0;           // the request's (then the result's) offset
  int err_ = 0;                      // the result: 0 or fallocate's errno
};

}  // namespace ddbd::storage
