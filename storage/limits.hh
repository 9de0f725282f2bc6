// DynamoDB's limits, one named constant each, with the rule it comes from.
//
// This header sits in the lowest layer so that every layer can use it:
// storage (item collections), expressions (expression size and depth), api
// (request shapes) and server (request body). It holds numbers only.
//
// Sources, cited per constant:
//   [Q]  Developer Guide, "Service, account, and table quotas"
//        https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
//   [C]  Developer Guide, "Constraints" (naming rules, data types)
//        https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html
//   [R]  API Reference, the operation's request parameters
//        https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/
#pragma once

#include <cstddef>
#include <cstdint>

namespace ddbd::limits {

inline constexpr std::size_t kKB = 1024;
inline constexpr std::size_t kMB = 1024 * kKB;

// --- Requests ---------------------------------------------------------------
// Largest HTTP request body: 16 MB per request [Q "API-specific limits"].
inline constexpr std::size_t kMaxRequestBytes = 16 * kMB;

// --- Items and attributes ---------------------------------------------------
// Largest item, names and values together: 400 KB [Q "Item size"].
inline constexpr std::size_t kMaxItemBytes = 400 * kKB;
// Longest key of an auxiliary record (engine.hh, WriteTxn::aux_put): within
// LMDB's 511-byte key limit.  Ours, not DynamoDB's.
inline constexpr std::size_t kMaxAuxKeyBytes = 500;
// Partition key value: 1..2048 bytes [Q "Partition key length"].
inline constexpr std::size_t kMaxHashKeyBytes = 2048;
// Sort key value: 1..1024 bytes [Q "Sort key length"].
inline constexpr std::size_t kMaxRangeKeyBytes = 1024;
// Attribute name: 1..65535 bytes (64 KB) [C "Attribute names"].
inline constexpr std::size_t kMaxAttributeNameBytes = 65535;
// Nested attribute values: up to 32 levels deep [Q "Nested attribute depth"].
inline constexpr int kMaxAttributeNesting = 32;
// Key schema / attribute definition / index key attribute names: 1..255
// characters [R CreateTable, KeySchemaElement.AttributeName].
inline constexpr std::size_t kMaxKeyAttributeNameLength = 255;
// Items sharing a partition key in a table with an LSI: 10 GB
// [Q "Item collection size"].
inline constexpr std::uint64_t kMaxItemCollectionBytes = std::uint64_t(10) << 30;

// --- Tables and indexes -----------------------------------------------------
// Table and index names: 3..255 characters [C "Table, index and stream names"].
inline constexpr std::size_t kMinTableNameLength = 3;
inline constexpr std::size_t kMaxTableNameLength = 255;
// Global secondary indexes per table: 20 (default quota) [Q "Secondary indexes"].
inline constexpr std::size_t kMaxGlobalSecondaryIndexes = 20;
// A GSI's multi-attribute key: up to 4 HASH and up to 4 RANGE attributes
// [Developer Guide, GSI.html "Multi-attribute key schema"].
inline constexpr std::size_t kMaxMultiKeyAttributes = 4;
// Local secondary indexes per table: 5 [Q "Secondary indexes"].
inline constexpr std::size_t kMaxLocalSecondaryIndexes = 5;
// Projection.NonKeyAttributes: at most 20 names [R Projection].
inline constexpr std::size_t kMaxProjectedNonKeyAttributes = 20;
// ListTables Limit: 1..100, and the page size when none is given [R ListTables].
inline constexpr std::int64_t kMaxListTablesLimit = 100;

// --- Batches and transactions ----------------------------------------------
// BatchWriteItem: at most 25 put or delete requests [Q "BatchWriteItem"].
inline constexpr std::size_t kMaxBatchWriteRequests = 25;
// BatchGetItem: at most 100 keys [Q "BatchGetItem"].
inline constexpr std::size_t kMaxBatchGetKeys = 100;
// BatchGetItem: at most 16 MB of items in one response [Q "BatchGetItem"].
inline constexpr std::size_t kMaxBatchGetResponseBytes = 16 * kMB;
// TransactWriteItems / TransactGetItems: at most 100 actions
// [Q "Transactions"].
inline constexpr std::size_t kMaxTransactionActions = 100;
// A transaction's items together: at most 4 MB [Q "Transactions"].
inline constexpr std::size_t kMaxTransactionBytes = 4 * kMB;

// --- Reads --------------------------------------------------------------------
// Query and Scan: at most 1 MB of items read per page [Q "Query" / "Scan"].
inline constexpr std::size_t kMaxPageBytes = 1 * kMB;
// Capacity units: a write unit is 1 KB, a read unit 4 KB
// [Developer Guide, "Read/write capacity mode"].
inline constexpr std::size_t kWriteUnitBytes = 1 * kKB;
inline constexpr std::size_t kReadUnitBytes = 4 * kKB;

// --- Expressions ---------------------------------------------------------------
// Any expression string: at most 4 KB [Q "Expression parameters"].
inline constexpr std::size_t kMaxExpressionBytes = 4 * kKB;
// Operators and functions in one expression: at most 300
// [Q "Expression parameters"] (not enforced yet).
inline constexpr std::size_t kMaxExpressionOperators = 300;
// Operands of IN: at most 100 [Q "Expression parameters"].
inline constexpr std::size_t kMaxInOperands = 100;
// Document path: at most 32 levels (dereferences) [Q "Expression parameters"].
inline constexpr std::size_t kMaxPathDepth = 32;

}  // namespace ddbd::limits
