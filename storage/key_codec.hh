// Key codec: how primary keys become LMDB keys in the `items` database.
//
//   +-----------+-----------+--------+----------------------+----------------+
//   | table_id  | hash      | pk_len | pk bytes             | sort component |
//   | 8 B, BE   | 8 B, BE   | 2 B BE | <=240 B, or sha256   | (composite     |
//   |           |           |        | (32 B) when longer   |  keys only)    |
//   +-----------+-----------+--------+----------------------+----------------+
//
// - hash = partition_hash(pk): items of a table are laid out in hash order,
//   which is Scan order (as in DynamoDB, where Scan follows partitions), and
//   parallel-scan segments are contiguous hash ranges.
// - pk bytes: the UTF-8 string, the raw binary, or the canonical number text.
//   The partition key is only ever matched for equality, so a long one is
//   replaced by its SHA-256 to respect LMDB's 511-byte key limit.
// - sort component: S and B are their bytes (bytewise order, as DynamoDB
//   sorts them); N is Number::encode_ordered.  A sort key longer than 200
//   bytes is cut to 200 bytes followed by the SHA-256 of the whole value:
//   items whose sort keys share their first 200 bytes are then ordered by
//   hash, not bytewise (a documented limitation; DynamoDB allows 1024 bytes).
//
// The longest key is 8+8+2+240+200+32 = 490 bytes.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/attribute_value.hh"
#include "storage/schema.hh"
#include "storage/types.hh"

namespace ddbd::storage {

constexpr std::size_t kPkInline = 240;
constexpr std::size_t kSkInline = 200;

// Stable 64-bit hash of a partition-key value (its type-specific bytes).
uint64_t partition_hash(const AttributeValue& pk);

// Appends [table_id][hash][pk] (the partition prefix) to `out`.
void encode_partition_prefix(uint64_t table_id, const AttributeValue& pk, std::string& out);
// Appends the sort component for `sk` (S, N or B) to `out`.
void encode_sort_component(const AttributeValue& sk, std::string& out);
// Full key of an item: partition prefix plus sort component when present.
void encode_primary_key(uint64_t table_id, const PrimaryKey& key, std::string& out);
// The 8-byte prefix [table_id BE] of every key of the table in the items,
// index and stats databases (in stats it is, alone, the table's record).
std::string table_prefix(uint64_t table_id);
// Appends `v` big-endian.
void put_u64_be(std::string& out, uint64_t v);
uint64_t get_u64_be(const char* p);

// First hash value of segment `segment` of `total` (total >= 1); the segment
// covers [segment_start(segment), segment_start(segment + 1)).  For
// segment == total the result is 2^64, reported as nullopt.
std::optional<uint64_t> segment_start(uint32_t segment, uint32_t total);

}  // namespace ddbd::storage

// ---- secondary indexes (the `index` database) ----
//
//   +-----------+----------+-----------+--------+-------------------+------------------+-------------+
//   | table_id  | index_id | ihash     | len    | index pk bytes    | index sort comp. | sha256(base |
//   | 8 B, BE   | 4 B, BE  | 8 B, BE   | 2 B BE | <=64 B, or sha256 | escaped, 00 00   | primary key)|
//   +-----------+----------+-----------+--------+-------------------+------------------+-------------+
//
// The index sort component must be self-delimiting because the base key's
// digest follows it: its bytes (S/B bytes, or Number::encode_ordered) are
// cut to 100 bytes + SHA-256 when longer, then every 0x00 becomes 00 FF and
// the component ends with 00 00.  Escaping keeps bytewise order, and the
// terminator sorts before any continuation, so a shorter value sorts first.
// Items with equal index keys are ordered by the digest of their table key
// (DynamoDB does not define that order).  Longest key: 8+4+8+2+64+266+32 = 384.
namespace ddbd::storage {

constexpr std::size_t kIndexPkInline = 64;
constexpr std::size_t kIndexSkInline = 100;

void encode_index_prefix(uint64_t table_id, uint32_t index_id, std::string& out);
void encode_index_partition_prefix(uint64_t table_id, uint32_t index_id, const AttributeValue& pk, std::string& out);
// Escaped bytes of the sort value WITHOUT the 00 00 terminator (for bounds).
void encode_index_sort_body(const AttributeValue& sk, std::string& out);
// Full entry key.
void encode_index_key(uint64_t table_id, uint32_t index_id, const PrimaryKey& index_key, const PrimaryKey& base_key,
                      std::string& out);

// Full entry key of an entry of `index`: encode_index_key for an index with
// a single-attribute key, encode_multi_index_key for a multi-attribute one.
void encode_index_key(uint64_t table_id, const IndexDef& index, const PrimaryKey& index_key, const PrimaryKey& base_key,
                      std::string& out);

}  // namespace ddbd::storage

// ---- multi-attribute index keys (GSIs with several HASH or RANGE attributes) ----
//
// The index key of such an entry is a PrimaryKey of two tuples, each held as
// the bytes of a B value:
//
//   tuple(v1, .., vn) = esc(raw(v1)) 00 00  esc(raw(v2)) 00 00  ..  esc(raw(vn)) 00 00
//
// raw(v) is the S or B bytes, or Number::encode_ordered for N; esc doubles
// every 00 byte as 00 FF.  The encoding is self-delimiting and preserves
// order: tuples of one index (all of the same arity and types) compare
// bytewise exactly as they compare lexicographically, component by
// component, each in its type's order (N numerically, S and B bytewise), and
// a component that is a prefix of another sorts first.
//
// - The partition tuple is the `hash` of the index key: it is only matched
//   for equality, and goes through the partition layout above unchanged
//   (its SHA-256 when longer than 64 bytes).
// - The sort tuple is the `range` of the index key (absent without RANGE
//   attributes).  encode_multi_index_key appends it as it is, up to
//   kMultiSkInline bytes; a longer tuple is cut to its first kMultiSkInline
//   bytes followed by SHA-256 of the whole tuple.  Entries whose tuples share
//   their first kMultiSkInline bytes are then ordered by hash (the limitation
//   single-attribute sort keys have past 100 bytes; here it is 361 bytes of
//   the whole tuple).  A tuple that is not cut is never longer than the kept
//   part of a cut one, so cut and uncut tuples still compare correctly.
// - Longest key: 8+4+8+2+64 + 361+32 + 32 = 511 bytes, LMDB's limit.
//
// Single-attribute indexes keep the layout above, byte for byte.
namespace ddbd::storage {

constexpr std::size_t kMultiSkInline = 361;

// Appends one tuple component, esc(raw(v)) 00 00, to `out`.
void append_tuple_component(const AttributeValue& v, std::string& out);
// Appends the escaped bytes of a begins_with prefix (S or B), without the
// terminator: every component that starts with `prefix` starts with them.
void append_tuple_prefix(std::string_view prefix, std::string& out);
// Full entry key of an entry of a multi-attribute index; index_key holds the
// two tuples (see index.hh, index_key_of).
void encode_multi_index_key(uint64_t table_id, uint32_t index_id, const PrimaryKey& index_key,
                            const PrimaryKey& base_key, std::string& out);

}  // namespace ddbd::storage
