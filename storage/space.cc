#include "storage/space.hh"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace ddbd::storage {

spdlog::logger& storage_log() {
  auto log = spdlog::get("storage");
  return log ? *log : *spdlog::default_logger();
}

namespace {

// Bytes kept allocated past the end of the data file.  Deleting an item
// copies the few pages on its path; DeleteTable also records every freed
// page (8 bytes each) in LMDB's free list, so 32 MiB covers dropping a table
// of about 16 GB on a full disk.
constexpr std::uint64_t kDiskReserve = std::uint64_t(32) << 20;
// A write is let through while the pages in use plus twice what the
// transaction has added so far stay under the cap (pages are not full and
// indexes copy items: twice the payload bounds the growth in practice).
constexpr std::uint64_t kGrowthFactor = 2;
// How long a count of LMDB's free list is used before it is taken again.
constexpr std::chrono::milliseconds kFreeListPeriod{50};

}  // namespace

std::size_t Space::map_size_for(std::size_t cap) {
  // The map reserve: an eighth of the cap, between 4 MiB and 1 GiB.  Only
  // address space: the file grows as pages are written.
  const std::size_t reserve = std::clamp<std::size_t>(cap / 8, std::size_t(4) << 20, std::size_t(1) << 30);
  return cap + reserve;
}

void Space::open(MDB_env* env, std::size_t cap, const std::string& lock_path) {
  env_ = env;
  cap_ = cap;
  MDB_stat st;
  lmdb::check("mdb_env_stat", mdb_env_stat(env, &st));
  page_ = st.ms_psize;
  lmdb::check("mdb_env_get_fd", mdb_env_get_fd(env, &fd_));

  // LMDB created the lock file with ftruncate (a sparse file) and writes its
  // reader table through a shared mapping of it: on a full file system the
  // first touch of an unallocated page would raise SIGBUS.  Allocate it now.
  if (!lock_path.empty()) {
    int lfd = ::open(lock_path.c_str(), O_RDWR | O_CLOEXEC);
    if (lfd >= 0) {
      struct stat ls {};
      int rc = fstat(lfd, &ls) == 0 ? posix_fallocate(lfd, 0, ls.st_size) : errno;
      ::close(lfd);
      if (rc != 0 && rc != EOPNOTSUPP && rc != EINVAL)
        throw StorageError("cannot allocate the lock file " + lock_path + ": " + std::strerror(rc));
    }
  }
  struct stat ds {};
  if (fstat(fd_, &ds) == 0) reserved_to_ = static_cast<std::uint64_t>(ds.st_size);
  MDB_envinfo info;
  lmdb::check("mdb_env_info", mdb_env_info(env, &info));
  if (!reserve_disk((info.me_last_pgno + 1) * page_) && disk_full_)
    storage_log().warn("the disk holding the data store is full: only deletes will succeed");
}

bool Space::reserve_disk(std::uint64_t from) {
  if (!fallocate_ok_) return true;
  const int rc = fallocate(fd_, FALLOC_FL_KEEP_SIZE, static_cast<off_t>(from), static_cast<off_t>(kDiskReserve));
  return apply_reserve(from, rc == 0 ? 0 : errno);
}

bool Space::apply_reserve(std::uint64_t from, int err) {
  if (err == 0) {
    reserved_to_ = std::max(reserved_to_, from + kDiskReserve);
    disk_full_ = false;
    return true;
  }
  if (err == ENOSPC || err == EDQUOT) {
    if (!disk_full_) storage_log().warn("no space left for the data store's reserve: writes that add data are refused");
    disk_full_ = true;
  } else {
    // A file system without fallocate: no disk reserve (ENOSPC still comes
    // back from the commit as an error).
    fallocate_ok_ = false;
    disk_full_ = false;
  }
  return false;
}

void Space::renew_ahead(std::uint64_t from) {
  if (asked_) return;
  {
    std::lock_guard lock(mu_);
    from_ = from;
    pending_ = true;
  }
  if (!thread_.joinable()) {
    // The thread blocks every signal (it inherits the mask), so a signal
    // meant for the server cannot interrupt its fallocate (tmpfs returns
    // EINTR, which would read as a file system without fallocate).
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    try {
      thread_ = std::thread([this] { renewer(); });
      pthread_sigmask(SIG_SETMASK, &old, nullptr);
    } catch (const std::system_error&) {
      pthread_sigmask(SIG_SETMASK, &old, nullptr);
      std::lock_guard lock(mu_);
      pending_ = false;
      return;  // no thread: committed() renews on the writer's thread
    }
  }
  asked_ = true;
  cv_.notify_one();
}

void Space::renewer() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || pending_; });
    if (stop_) return;
    const std::uint64_t from = from_;
    lock.unlock();
    const int rc = fallocate(fd_, FALLOC_FL_KEEP_SIZE, static_cast<off_t>(from), static_cast<off_t>(kDiskReserve));
    const int err = rc == 0 ? 0 : errno;
    lock.lock();
    err_ = err;
    pending_ = false;
    done_ = true;
    cv_.notify_all();
  }
}

void Space::collect(bool wait) {
  if (!asked_) return;
  std::uint64_t from;
  int err;
  {
    std::unique_lock lock(mu_);
    if (wait) cv_.wait(lock, [this] { return !pending_; });
    if (!done_) return;
    done_ = false;
    from = from_;
    err = err_;
  }
  asked_ = false;
  apply_reserve(from, err);
}

void Space::close() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

std::uint64_t Space::free_pages() const {
  // LMDB's free list is DBI 0: each record is an array of page numbers whose
  // first element is the count.  LMDB lets only a read-only transaction open
  // a cursor on it; called before the write transaction begins, this one
  // sees the same committed state.
  std::uint64_t pages = 0;
  lmdb::Txn txn(env_, nullptr, MDB_RDONLY);
  lmdb::Cursor cur(txn.get(), 0);
  MDB_val k, v;
  for (int rc = mdb_cursor_get(cur.get(), &k, &v, MDB_FIRST); rc == MDB_SUCCESS;
       rc = mdb_cursor_get(cur.get(), &k, &v, MDB_NEXT)) {
    if (v.mv_size >= sizeof(std::size_t)) {
      std::size_t n;
      std::memcpy(&n, v.mv_data, sizeof n);
      pages += n;
    }
  }
  return pages;
}

void Space::begin() {
  added_ = 0;
  MDB_envinfo info;
  lmdb::check("mdb_env_info", mdb_env_info(env_, &info));
  const std::uint64_t hw = (info.me_last_pgno + 1) * page_;
  collect(false);
  if (disk_full_) reserve_disk(hw);
  // The writes that add data stop at the cap or, when the disk is full, a
  // margin before the end of the blocks the file already has (that margin
  // is what deletes write into).
  limit_ = cap_;
  if (disk_full_) {
    struct stat st {};
    std::uint64_t end = reserved_to_;
    if (fstat(fd_, &st) == 0) end = std::max<std::uint64_t>(end, static_cast<std::uint64_t>(st.st_size));
    limit_ = std::min<std::uint64_t>(limit_, end > kDiskReserve / 2 ? end - kDiskReserve / 2 : 0);
  }
  // The file's high-water mark bounds the pages in use.  Once it passes half
  // the limit, the free list (pages freed by deletes, which LMDB reuses) is
  // counted too, at most every kFreeListPeriod, and again before a write is
  // refused: a count a little old only lets a write run into the map
  // reserve, where LMDB itself refuses it.
  hw_ = hw;
  fresh_ = false;
  if (hw >= limit_ / 2 && std::chrono::steady_clock::now() - free_counted_at_ >= kFreeListPeriod) count_free();
  settle();
}

void Space::count_free() {
  free_bytes_ = free_pages() * page_;
  free_counted_at_ = std::chrono::steady_clock::now();
  fresh_ = true;
}

void Space::settle() {
  used_ = hw_ >= limit_ / 2 && free_bytes_ < hw_ ? hw_ - free_bytes_ : hw_;
  at_limit_ = used_ >= limit_;
}

bool Space::fits(std::size_t bytes) const {
  return !at_limit_ && (added_ == 0 || used_ + kGrowthFactor * (added_ + bytes) <= limit_);
}

bool Space::may_grow(std::size_t bytes) {
  if (!fits(bytes)) {
    if (fresh_ || hw_ < limit_ / 2) return false;
    count_free();
    settle();
    if (!fits(bytes)) return false;
  }
  added_ += bytes;
  return true;
}

void Space::committed() {
  collect(false);
  if (!fallocate_ok_ || disk_full_) return;
  MDB_envinfo info;
  if (mdb_env_info(env_, &info) != MDB_SUCCESS) return;
  const std::uint64_t hw = (info.me_last_pgno + 1) * page_;
  if (hw + kDiskReserve / 2 > reserved_to_) {
    // Half the reserve is used: renewed before the next transaction, by
    // the running renewal if it covers it, else here.
    collect(true);
    if (fallocate_ok_ && !disk_full_ && hw + kDiskReserve / 2 > reserved_to_) reserve_disk(hw);
  } else if (hw + kDiskReserve * 3 / 4 > reserved_to_) {
    renew_ahead(hw);
  }
}

}  // namespace ddbd::storage
