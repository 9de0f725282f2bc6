// Shapes and checks shared by several operations: table names, table lookup,
// primary keys, item validation, the TableDescription writer and
// ConsumedCapacity.
//
// Thread-safety: stateless functions.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/context.hh"
#include "api/errors.hh"
#include "api/field_spec.hh"
#include "api/json_writer.hh"
#include "storage/engine.hh"
#include "storage/limits.hh"

namespace ddbd::api {

// Item and key size limits: storage/limits.hh.
using limits::kMaxHashKeyBytes;
using limits::kMaxItemBytes;
using limits::kMaxRangeKeyBytes;

// Spec of TableName: CreateTable's (`create`: 3..255 characters of
// [a-zA-Z0-9_.-]) or every other operation's, which may be a table ARN
// (check_table_name() in api/field_spec.hh): an invalid name is a
// ValidationException before any table lookup.
FieldSpec table_name_spec(bool create);

// A key of BatchGetItem's / BatchWriteItem's RequestItems map must be a
// table name (3..255 characters of [a-zA-Z0-9_.-]); otherwise throws "1
// validation error detected: Value 'x' at 'requestItems' failed to satisfy
// constraint: Map keys must satisfy constraint: [Member must have length
// less than or equal to 255, Member must have length greater than or equal
// to 3, Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]"
// (the three constraints listed whichever one fails, as DynamoDB does).
void check_request_items_table_name(std::string_view name);

// Decodes the body of an operation whose only member is TableName
// (DescribeTable, DeleteTable): types and constraints, then the name.
std::string decode_table_name_request(json::object body);

// A table ARN, split: arn:aws:dynamodb:<region>:<digits>:table/<name>,
// where the name holds no '/' and has 3 or more characters (so an index or
// stream ARN, "table/T/index/I", is not one).  Views into the parsed text.
struct TableArn {
  std::string_view region, account, name;
};
std::optional<TableArn> parse_table_arn(std::string_view arn);

// The table name a TableName member means: itself, or the name inside a
// table ARN ("arn:..."; a view into `name_or_arn`).  An ARN that is not a
// table ARN with a valid table name is a ValidationException ("Invalid
// TableArn: Invalid ResourceArn provided as input <arn>", DynamoDB's words
// for a bad table ARN); one of another account is an AccessDeniedException
// naming the request's operation; one of another region resolves to
// nullopt (no table of the caller's can match).
std::optional<std::string_view> resolve_table_name(const RequestContext& ctx, std::string_view name_or_arn);

// The table `name` (a name or a table ARN, resolve_table_name()) in the
// caller's namespace, or ResourceNotFoundException (naming `name` as the
// request gave it).
// `for_item_op` selects the short message item operations use
// ("Requested resource not found") versus the table operations' form
// ("Requested resource not found: Table: X not found").
std::shared_ptr<const storage::TableDef> require_table(const RequestContext& ctx, std::string_view name,
                                                        bool for_item_op);

// DynamoDB's message when key value `v` of the partition key (`hash`) or the
// sort key is over its byte limit (2048 / 1024 bytes of a string's UTF-8 or
// a binary's decoded value): "One or more parameter values were invalid:
// Size of hashkey has exceeded the maximum size limit of2048 bytes" (sic) or
// "... Aggregated size of all range keys has exceeded the size limit of 1024
// bytes"; nullopt when within it.  Reads and writes alike.
std::optional<std::string> key_size_violation(const AttributeValue& v, bool hash);

// Converts a Key map (GetItem, DeleteItem, UpdateItem, the batches'
// and transactions' keys) into a PrimaryKey: exactly the key attributes
// with the right types, else "The provided key element does not match the
// schema"; empty string/binary key values get DynamoDB's empty-key message,
// oversized ones key_size_violation()'s.
storage::PrimaryKey key_from_map(const storage::TableDef& table, const AttrMap& key);

// Validates the key attributes of an item being written (PutItem): present
// ("Missing the key pk in the item"), right type ("Type mismatch for key pk
// expected: S actual: N"), non-empty, within size limits; then the item size.
void validate_item_for_write(const storage::TableDef& table, const Item& item);

// The item's key attributes only.
Item key_attributes(const storage::TableDef& table, const Item& item);

// The empty-value checks alone (ValidationException with DynamoDB's empty-key
// messages): the table's key attributes of `item` that have the declared
// type, and with `with_index_keys` its secondary index key attributes.  A
// transaction reports these for the whole request, where a wrong type is a
// cancellation reason (api/ops/transact_write_items.cc).
void check_key_values_not_empty(const storage::TableDef& table, const Item& item, bool with_index_keys);

// The ARN of a table.
std::string table_arn(const storage::TableDef& table);
// A KeySchema array: [{"AttributeName": ..., "KeyType": "HASH"}, ...].
void write_key_schema(JsonWriter& w, const storage::KeySchema& k);

// The effective status of a table at `now` (transient statuses end at
// status_ready_time).
std::string_view effective_status(const storage::TableDef& table, double now);
// The same for one of its indexes: a GSI added by UpdateTable stays CREATING
// (backfilling) until the table's transient status ends.
std::string_view effective_index_status(const storage::TableDef& table, const storage::IndexDef& index, double now);

// Writes the TableDescription object (value only, no key).
// `index_stats`, when given, holds one entry per table.indexes element.
void write_table_description(JsonWriter& w, const storage::TableDef& table, const storage::TableStats& stats,
                             double now, std::string_view status_override = {},
                             const std::vector<storage::TableStats>* index_stats = nullptr);

// The content of a TableDescription, as the table operations' response
// structs hold it: the definition, its statistics and the time at which its
// status is shown.
struct DescribedTable {
  std::shared_ptr<const storage::TableDef> table;
  storage::TableStats stats;
  // One entry per table->indexes element (DescribeTable), or nullopt: the
  // indexes show zero size and count.
  std::optional<std::vector<storage::TableStats>> index_stats;
  double now = 0;
  std::string_view status_override;  // a literal, e.g. "DELETING"; empty: the table's own
};
// write_table_description() of `d`.
void write_table_description(JsonWriter& w, const DescribedTable& d);
// The TableDescription DeleteTable answers: what DynamoDB returns there
// (TableName, TableStatus DELETING, ProvisionedThroughput, TableSizeBytes,
// ItemCount, TableArn, TableId, BillingModeSummary for an on-demand table,
// TableClassSummary once a class was set, DeletionProtectionEnabled); no key
// schema, attribute definitions, creation time or indexes.
void write_deleted_table_description(JsonWriter& w, const DescribedTable& d);
// The response {"<member>":{TableDescription}} of CreateTable, UpdateTable,
// DeleteTable ("TableDescription") and DescribeTable ("Table").
std::string table_description_response(std::string_view member, const DescribedTable& d);

// NumberOfDecreasesToday at `now`: the table's provisioned-throughput
// decreases in the current UTC day (DynamoDB resets the count at 00:00 UTC).
int64_t decreases_today(const storage::TableDef& t, double now);

// ReturnConsumedCapacity: NONE (default), TOTAL or INDEXES.
enum class ReturnConsumedCapacity { NONE, TOTAL, INDEXES };
FieldSpec return_consumed_capacity_spec();
ReturnConsumedCapacity parse_return_consumed_capacity(std::optional<std::string_view> v);
// Capacity units of one kind or both (a transaction's check reads, its
// writes write).
struct CapacityUnits {
  double read = 0;
  double write = 0;
  double total() const { return read + write; }
  CapacityUnits& operator+=(const CapacityUnits& o) {
    read += o.read;
    write += o.write;
    return *this;
  }
  static CapacityUnits reading(double u) { return CapacityUnits{u, 0}; }
  static CapacityUnits writing(double u) { return CapacityUnits{0, u}; }
};
// One index's share of an operation's capacity.
struct IndexCapacity {
  std::string index_name;
  CapacityUnits units;
};
// One table's share of an operation's capacity (ConsumedCapacity): the base
// table's own units and each index's (an index appears only when the
// operation cost it something, or when a Query or Scan read it).  Response
// structs carry these, filled whatever ReturnConsumedCapacity says; the
// writers below turn them into JSON, and the server's meter (counters,
// throttling) reads them after every operation.  api/capacity.hh computes
// them.
struct ConsumedCapacity {
  std::string table_name;
  // The TableName DynamoDB answers when the request named the table by its
  // ARN: the ARN again ("If you had specified the ARN of a table in the
  // input, you'll see the table ARN in the response", API Reference,
  // ConsumedCapacity).  Empty: table_name.  table_name stays the table's
  // own name (the meter and merges key on it).
  std::string shown_name;
  CapacityUnits table;
  std::vector<IndexCapacity> global_indexes;
  std::vector<IndexCapacity> local_indexes;
  // Transactional operations (TransactGetItems, TransactWriteItems,
  // ExecuteTransaction): DynamoDB's answer then also splits the units into
  // ReadCapacityUnits and WriteCapacityUnits; it does not for the others.
  bool transactional = false;
  // CapacityUnits: the table's and every index's units together.
  double total() const;
  // The same, by kind.
  CapacityUnits units() const;
};
// Adds `units` to `table_name`'s base-table entry of `per_table`, appending
// one in first-use order when the table has none yet.
void add_capacity(std::vector<ConsumedCapacity>& per_table, std::string_view table_name, CapacityUnits units);
// Sets c.shown_name to `requested` (the request's TableName) when that is
// not the table's own name (an ARN).
void show_requested_name(ConsumedCapacity& c, std::string_view requested);
// The same for the entry of `per_table` whose table is `table_name`.
void show_requested_name(std::vector<ConsumedCapacity>& per_table, std::string_view table_name,
                         std::string_view requested);
// Writes "ConsumedCapacity":{...} when `mode` asks for it.
void write_consumed_capacity(JsonWriter& w, ReturnConsumedCapacity mode, const ConsumedCapacity& c);
// Writes "ConsumedCapacity":[{...}...] for batch and transaction operations,
// one entry per table in the given order.
void write_consumed_capacity(JsonWriter& w, ReturnConsumedCapacity mode, const std::vector<ConsumedCapacity>& per_table);
// "ItemCollectionMetrics" for ReturnItemCollectionMetrics=SIZE on a table
// with local secondary indexes (DynamoDB returns it only then): the item
// collection's partition key and its size estimate in GB, [floor, floor+1],
// from its size in bytes.
void write_item_collection_metrics(JsonWriter& w, std::string_view hash_name, const AttributeValue& hash_key,
                                   uint64_t bytes);
// The members of one ItemCollectionMetrics object (ItemCollectionKey,
// SizeEstimateRangeGB), for the batch and transaction lists.
void write_item_collection_metrics_members(JsonWriter& w, std::string_view hash_name, const AttributeValue& hash_key,
                                           uint64_t bytes);

// Maps a storage outcome to an ApiError (not_found -> ResourceNotFound,
// failures -> InternalServerError).  Returns normally for ok.
void check_storage(storage::Status s);

}  // namespace ddbd::api
