// Engine on LMDB: opening the store, the catalog snapshot and the façade's
// entry points.  engine_impl.hh lists the databases and which file holds
// which part of the engine.
#include "storage/engine.hh"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "storage/catalog.hh"
#include "storage/engine_impl.hh"
#include "storage/key_codec.hh"

namespace ddbd::storage {

namespace fs = std::filesystem;

// On-disk format version of this engine.  Bump with a migration.
constexpr uint64_t kFormatVersion = 1;

Engine::Impl::~Impl() {
  space.close();  // its renewal thread uses the environment's file
  if (env) mdb_env_close(env);
  if (remove_dir_on_close) {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
}

void Engine::Impl::open() {
  check("mdb_env_create", mdb_env_create(&env));
  lmdb::check("mdb_env_set_maxdbs", mdb_env_set_maxdbs(env, 16));
  lmdb::check("mdb_env_set_mapsize", mdb_env_set_mapsize(env, Space::map_size_for(options.map_size)));
  lmdb::check("mdb_env_set_maxreaders", mdb_env_set_maxreaders(env, 1024));
  // No MDB_WRITEMAP: with it LMDB sizes the file to the whole map (a sparse
  // file) and writes through the mapping, so a full disk or a full tmpfs
  // (a container's 64 MB /dev/shm) kills the process with SIGBUS.  Without
  // it a commit copies its dirty pages with pwrite(): ENOSPC is an error
  // code, the file grows as data is written, and a killed process still
  // loses nothing that was committed (the pages are in the page cache).
  unsigned flags = MDB_NOTLS;
  if (!options.sync) flags |= MDB_NOSYNC | MDB_NOMETASYNC;
  int rc = mdb_env_open(env, dir.c_str(), flags, 0644);
  if (rc != MDB_SUCCESS)
    throw StorageError("cannot open data directory " + dir.string() + ": " + mdb_strerror(rc));
  space.open(env, options.map_size, (dir / "lock.mdb").string());

  lmdb::Txn txn(env, nullptr, 0);
  lmdb::check("mdb_dbi_open(meta)", mdb_dbi_open(txn.get(), "meta", MDB_CREATE, &meta));
  lmdb::check("mdb_dbi_open(catalog)", mdb_dbi_open(txn.get(), "catalog", MDB_CREATE, &catalog));
  lmdb::check("mdb_dbi_open(stats)", mdb_dbi_open(txn.get(), "stats", MDB_CREATE, &stats));
  lmdb::check("mdb_dbi_open(items)", mdb_dbi_open(txn.get(), "items", MDB_CREATE, &items));
  lmdb::check("mdb_dbi_open(index)", mdb_dbi_open(txn.get(), "index", MDB_CREATE, &index));
  lmdb::check("mdb_dbi_open(aux)", mdb_dbi_open(txn.get(), "aux", MDB_CREATE, &aux));

  MDB_val k = lmdb::val("format"), v;
  rc = mdb_get(txn.get(), meta, &k, &v);
  if (rc == MDB_NOTFOUND) {
    std::string fv;
    put_u64_be(fv, kFormatVersion);
    MDB_val nv = lmdb::val(fv);
    lmdb::check("mdb_put(format)", mdb_put(txn.get(), meta, &k, &nv, 0));
  } else {
    lmdb::check("mdb_get(format)", rc);
    if (v.mv_size != 8 || get_u64_be(static_cast<const char*>(v.mv_data)) != kFormatVersion)
      throw StorageError("data directory " + dir.string() + " has an unsupported format version");
  }
  k = lmdb::val("next_table_id");
  if (mdb_get(txn.get(), meta, &k, &v) == MDB_SUCCESS && v.mv_size == 8)
    next_table_id = get_u64_be(static_cast<const char*>(v.mv_data));

  {
    // Cursors of a write transaction must be closed before it commits.
    lmdb::Cursor cur(txn.get(), catalog);
    MDB_val ck, cv;
    for (rc = mdb_cursor_get(cur.get(), &ck, &cv, MDB_FIRST); rc == MDB_SUCCESS;
         rc = mdb_cursor_get(cur.get(), &ck, &cv, MDB_NEXT)) {
      auto def = std::make_shared<TableDef>();
      if (!decode_table_def(lmdb::view(cv), *def))
        throw StorageError("corrupt catalog entry in " + dir.string());
      tables[std::string(lmdb::view(ck))] = std::move(def);
    }
  }
  lmdb::check("mdb_txn_commit", txn.commit());
}

// ---- Engine -----------------------------------------------------------------

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

std::unique_ptr<Engine> Engine::open(const EngineOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (options.clock) impl->clock = options.clock;
  std::error_code ec;
  if (options.in_memory) {
    // Not /dev/shm: a container's is 64 MB by default.  A private directory
    // in the temporary directory ($TMPDIR, else /tmp; the working directory
    // when neither is usable), whose files are unlinked as soon as LMDB has
    // them open: the store lives in the page cache, is bounded by the
    // temporary file system and the map size, and is gone when the process
    // ends, even after kill -9.
    fs::path root = fs::temp_directory_path(ec);
    if (ec || !fs::is_directory(root, ec)) root = fs::current_path(ec);
    std::string templ = (root / "ddbd-mem-XXXXXX").string();
    if (!mkdtemp(templ.data()))
      throw StorageError("cannot create a temporary directory for --in-memory in " + root.string() + ": " +
                         std::strerror(errno));
    impl->dir = templ;
    impl->remove_dir_on_close = true;
  } else {
    impl->dir = options.data_dir;
    fs::create_directories(impl->dir, ec);
    if (ec) throw StorageError("cannot create data directory " + impl->dir.string() + ": " + ec.message());
  }
  impl->open();
  if (options.in_memory) {
    fs::remove_all(impl->dir, ec);
    impl->remove_dir_on_close = false;
  }
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

std::shared_ptr<const TableDef> Engine::find_table(std::string_view ns, std::string_view name) const {
  // catalog_key() in a per-thread buffer: no allocation per request.
  thread_local std::string key;
  key.clear();
  key.append(ns);
  key.push_back('\0');
  key.append(name);
  return impl_->lookup(key);
}

std::vector<std::string> Engine::list_tables(std::string_view ns) const {
  std::vector<std::string> names;
  std::shared_lock lock(impl_->catalog_mu);
  for (const auto& [k, def] : impl_->tables)
    if (def->ns == ns) names.push_back(def->name);
  lock.unlock();
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::shared_ptr<const TableDef>> Engine::all_tables() const {
  std::shared_lock lock(impl_->catalog_mu);
  std::vector<std::shared_ptr<const TableDef>> out;
  for (const auto& [k, def] : impl_->tables) out.push_back(def);
  return out;
}

ReadTxn Engine::begin_read() const {
  auto impl = std::make_unique<ReadTxn::Impl>(ReadTxn::Impl{impl_.get(), lmdb::Txn(impl_->env, nullptr, MDB_RDONLY)});
  return ReadTxn(std::move(impl));
}

void Engine::submit(const WriteOp& op, WriteResult& result, WriteDone done) {
  impl_->submit(op, result, std::move(done));
}

void Engine::add_observer(ChangeObserver* observer) { impl_->observers.push_back(observer); }

std::string stored_key(const TableDef& table, const PrimaryKey& key) {
  std::string k;
  encode_primary_key(table.table_id, key, k);
  return k;
}

}  // namespace ddbd::storage
