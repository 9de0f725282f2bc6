// DynamoDB Streams storage: stream descriptors, shards and change records,
// kept in the engine's auxiliary records (storage/engine.hh, aux_*) and
// written in the same LMDB transaction as the change they record.
//
// How it fits:
//   - a table with a stream has TableDef::stream_enabled, stream_view_type,
//     stream_label and stream_id set (storage/schema.hh).  CreateTable /
//     UpdateTable call open_stream() in their write op to make a new stream
//     (new id and label) and set those members; UpdateTable (disable) and
//     DeleteTable call close_stream().
//   - StreamRecorder is a storage::ChangeObserver registered by main before
//     the first write: its on_change() appends one record per changed item
//     of a table whose stream is enabled, in the change's transaction, so a
//     committed change always has its record and a failed one never.
//   - the Streams API (api/) and the Lambda pollers read through a
//     storage::ReadTxn with describe_stream(), list_streams() and
//     read_shard().
//
// Layout, all under the aux prefix "streams/" (binary, big-endian ids):
//   streams/next_id                          -> u64, the next stream id
//   streams/d/<id>                           -> descriptor (arn, table, ...)
//   streams/a/<ns>\0<arn>                    -> <id>  (lookup by ARN)
//   streams/s/<id>/<shard no>                -> shard (id, parent, seq range)
//   streams/r/<id>/<sequence number>         -> record
// (Private to stream_store.cc; listed here so nobody else writes there.)
//
// DynamoDB's rules this follows (Developer Guide, "Change data capture for
// DynamoDB Streams", and the Streams API Reference):
//   - one record per item-level change; a write that changes nothing (a
//     PutItem of the identical item, an UpdateItem that sets the same
//     values) writes no record;
//   - sequence numbers are decimal strings of 21 digits that increase within
//     a stream (so within a shard);
//   - records are kept 24 hours (kRetentionSeconds); older ones are trimmed;
//   - a shard is open for a while, then closed (EndingSequenceNumber set) and
//     followed by a child shard whose ParentShardId is the closed one
//     (kShardRolloverSeconds); disabling the stream closes its open shard;
//   - a disabled stream stays readable (StreamStatus DISABLED) until its
//     records have aged out.
//
// Thread-safety: free functions over a transaction; StreamRecorder's calls
// come from the engine's write leader, one at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/attribute_value.hh"
#include "storage/engine.hh"
#include "storage/schema.hh"
#include "storage/write_op.hh"

namespace ddbd::streams {

inline constexpr double kRetentionSeconds = 24 * 3600;
// How long a shard stays open before it is closed and a child follows
// (DynamoDB: about four hours).  StoreOptions can shorten it for tests.
inline constexpr double kShardRolloverSeconds = 4 * 3600;

// StreamViewType values.
inline constexpr std::string_view kKeysOnly = "KEYS_ONLY";
inline constexpr std::string_view kNewImage = "NEW_IMAGE";
inline constexpr std::string_view kOldImage = "OLD_IMAGE";
inline constexpr std::string_view kNewAndOldImages = "NEW_AND_OLD_IMAGES";

// The stream ARN of a table's stream:
//   arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>
std::string stream_arn(const storage::TableDef& def);
// A stream label: the creation time as DynamoDB shows it, UTC with
// milliseconds ("2026-12-01T18:38:51.123").
std::string stream_label(double seconds_since_epoch);

struct Shard {
  std::string shard_id;            // "shardId-<20 digits>-<8 hex>"
  std::string parent_shard_id;     // empty for the stream's first shard
  std::string starting_sequence_number;
  std::string ending_sequence_number;  // empty while the shard is open
  double created = 0;
  bool open() const { return ending_sequence_number.empty(); }
};

struct StreamDescription {
  uint64_t stream_id = 0;
  std::string ns;          // the namespace of the table (RequestContext::ns)
  std::string arn;
  std::string label;
  std::string table_name;
  std::string view_type;   // StreamViewType
  std::string status;      // ENABLED or DISABLED
  double created = 0;      // CreationRequestDateTime
  double disabled = 0;     // when it was disabled; 0 while enabled
  storage::KeySchema key;  // the table's key schema
  std::vector<Shard> shards;  // oldest first; shards whose records all aged out are gone
};

// Writes (inside a WriteOp, in the same transaction as the catalog change).
//
// Creates a new stream for `def` (which must have its name, ns, region,
// account id and key set) and sets def.stream_enabled = true,
// stream_view_type = view_type, stream_label and stream_id; the caller then
// stores `def` (create_table / update_table).  Opens its first shard.
storage::Status open_stream(storage::WriteTxn& txn, storage::TableDef& def, std::string_view view_type, double now);
// Marks the stream of `def` DISABLED as of `now` and closes its open shard;
// sets def.stream_enabled = false (the label and id stay).  Does nothing
// when def has no enabled stream.
storage::Status close_stream(storage::WriteTxn& txn, storage::TableDef& def, double now);

// Records changes: register with Engine::add_observer before the first
// write.
struct StoreOptions {
  double shard_rollover_seconds = kShardRolloverSeconds;
  double retention_seconds = kRetentionSeconds;
};

class StreamRecorder final : public storage::ChangeObserver {
 public:
  explicit StreamRecorder(StoreOptions options = {}) : options_(options) {}
  // Appends the record of `event` when its table's stream is enabled (and
  // the change changed something); rolls the shard over when it is due.
  storage::Status on_change(storage::WriteTxn& txn, const storage::ChangeEvent& event) override;

 private:
  StoreOptions options_;
};

// Deletes records older than the retention period, and shards (and
// descriptors of disabled streams) left with none.  For a periodic service.
// Returns the number of records deleted.
std::size_t trim(storage::WriteTxn& txn, double now, const StoreOptions& options = {});

// Reads.
//
// The stream with this ARN in namespace `ns`, or nullopt.
std::optional<StreamDescription> describe_stream(const storage::ReadTxn& txn, std::string_view ns,
                                                 std::string_view arn);
// The streams of namespace `ns` (of one table when `table_name` is set),
// newest first, shards not filled in.
std::vector<StreamDescription> list_streams(const storage::ReadTxn& txn, std::string_view ns,
                                            std::optional<std::string_view> table_name = std::nullopt);

struct StreamRecord {
  std::string sequence_number;
  std::string event_id;             // unique per record (32 hex digits)
  storage::ChangeKind kind = storage::ChangeKind::insert;
  storage::Origin origin = storage::Origin::user;  // service: TTL deletion
  double created = 0;               // ApproximateCreationDateTime: whole seconds
  uint64_t size_bytes = 0;          // SizeBytes as DynamoDB counts it
  std::string view_type;
  Item keys;
  std::optional<Item> new_image;  // per the view type
  std::optional<Item> old_image;
};

struct ShardPosition {
  enum class Kind { trim_horizon, latest, at, after } kind = Kind::trim_horizon;
  std::string sequence_number;  // for at / after
};

struct ShardRead {
  std::vector<StreamRecord> records;
  // Where the next read continues (after the last record returned, or where
  // this one started when it returned none).
  ShardPosition next;
  // The shard is closed and every record of it has been read: there is no
  // next iterator (GetRecords omits NextShardIterator).
  bool ended = false;
  // The position lies before the oldest record kept (TrimmedDataAccessException).
  bool trimmed = false;
};

// Up to `limit` records of shard `shard_id` of stream `stream_id` from
// `from`, stopping early once `max_bytes` of records are collected (at
// least one is returned if any).  The shard must exist (describe_stream).
// Records older than options.retention_seconds count as trimmed even before
// trim() has deleted them.
ShardRead read_shard(const storage::ReadTxn& txn, uint64_t stream_id, std::string_view shard_id,
                     const ShardPosition& from, std::size_t limit, std::size_t max_bytes, double now,
                     const StoreOptions& options = {});

// GetShardIterator: `from` as a concrete position in the shard, so that an
// iterator keeps meaning the same place while records arrive.  TRIM_HORIZON
// stays trim_horizon; LATEST becomes `at` the next sequence number the shard
// will get (or `after` its end when it is closed).  `trimmed` is set when
// an at / after position lies before the oldest record kept
// (TrimmedDataAccessException); `invalid` when the sequence number is not
// one ddbd could have written.
struct ResolvedPosition {
  ShardPosition position;
  bool trimmed = false;
  bool invalid = false;
};
ResolvedPosition resolve_position(const storage::ReadTxn& txn, uint64_t stream_id, std::string_view shard_id,
                                  const ShardPosition& from, double now, const StoreOptions& options = {});

}  // namespace ddbd::streams
