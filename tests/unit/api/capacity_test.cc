// Capacity arithmetic (api/capacity.hh) against the worked examples of the
// DynamoDB Developer Guide ("Capacity unit consumption for read/write
// operations", the GSI "provisioned throughput considerations") and the
// per-index rules DynamoDB answers with.
#include "api/capacity.hh"

#include <gtest/gtest.h>

#include <string>

#include "../test_util.hh"

namespace ddbd::api {
namespace {

constexpr std::size_t KB = 1024;

AttributeValue S(std::string s) { return AttributeValue::string(std::move(s)); }

// pk/sk table (string keys, the KeyAttr default); GSI "gsi" on gpk projecting INCLUDE [proj]; LSI "lsi" on
// (pk, lsk) projecting ALL.
storage::TableDef indexed_table() {
  storage::TableDef t;
  t.name = "t";
  t.key.hash.name = "pk";
  t.key.range.emplace();
  t.key.range->name = "sk";
  storage::IndexDef gsi;
  gsi.name = "gsi";
  gsi.global = true;
  gsi.key.hash.name = "gpk";
  gsi.projection = storage::ProjectionType::INCLUDE;
  gsi.non_key_attributes = {"proj"};
  gsi.index_id = 1;
  storage::IndexDef lsi;
  lsi.name = "lsi";
  lsi.global = false;
  lsi.key.hash.name = "pk";
  lsi.key.range.emplace();
  lsi.key.range->name = "lsk";
  lsi.projection = storage::ProjectionType::ALL;
  lsi.index_id = 2;
  t.indexes = {gsi, lsi};
  return t;
}

Item base_item() {
  return test::item_of({{"pk", S("p")}, {"sk", S("1")}, {"gpk", S("g")}, {"lsk", S("l")}, {"proj", S("x")},
                        {"other", S("o")}});
}

const IndexCapacity* find(const std::vector<IndexCapacity>& list, const std::string& name) {
  for (const auto& i : list)
    if (i.index_name == name) return &i;
  return nullptr;
}

TEST(CapacityTest, ReadsRoundUpTo4KbAndHalveWhenEventuallyConsistent) {
  // "reading a 3,500-byte item consumes the same throughput as reading a 4 KB item"
  EXPECT_EQ(read_units(3500, true), 1);
  EXPECT_EQ(read_units(4 * KB, true), 1);
  EXPECT_EQ(read_units(4 * KB + 1, true), 2);
  // An 8 KB item: two units strongly consistent, one eventually consistent,
  // four in a transaction.
  EXPECT_EQ(read_units(8 * KB, true), 2);
  EXPECT_EQ(read_units(8 * KB, false), 1);
  EXPECT_EQ(kTransactionFactor * read_units(8 * KB, true), 4);
  // A missing item (or an empty page) costs the minimum.
  EXPECT_EQ(read_units(0, true), 1);
  EXPECT_EQ(read_units(0, false), 0.5);
}

TEST(CapacityTest, QuerySumsItemsThenRoundsOnce) {
  // "10 items whose combined size is 40.8 KB ... rounds ... to 44 KB"
  EXPECT_EQ(read_units(static_cast<std::size_t>(40.8 * KB), true), 11);
  EXPECT_EQ(read_units(static_cast<std::size_t>(40.8 * KB), false), 5.5);
  // "1500 items of 64 bytes each, the cumulative size is 96 KB"
  EXPECT_EQ(read_units(1500 * 64, true), 24);
}

TEST(CapacityTest, BatchGetRoundsEachItem) {
  // "a 1.5 KB item and a 6.5 KB item ... 12 KB (4 KB + 8 KB)", not 8 KB.
  const double per_item = read_units(1536, true) + read_units(6656, true);
  EXPECT_EQ(per_item, 3);
  EXPECT_EQ(read_units(1536 + 6656, true), 2);
}

TEST(CapacityTest, WritesRoundUpTo1Kb) {
  // "a standard write request of a 1 KB item would require one WCU, ... a 3
  // KB item would require three WCUs, and a transactional write request of
  // a 3 KB item would require six WCUs"; a 500-byte item costs one.
  EXPECT_EQ(write_units(KB), 1);
  EXPECT_EQ(write_units(3 * KB), 3);
  EXPECT_EQ(kTransactionFactor * write_units(3 * KB), 6);
  EXPECT_EQ(write_units(500), 1);
  EXPECT_EQ(write_units(KB + 1), 2);
  EXPECT_EQ(write_units(0), 1);  // a delete of a missing item
}

TEST(CapacityTest, NewItemPutsOneEntryPerIndexItIsIn) {
  const storage::TableDef t = indexed_table();
  const Item item = base_item();
  ConsumedCapacity c;
  add_index_writes(c, t, nullptr, &item);
  ASSERT_EQ(c.global_indexes.size(), 1u);
  ASSERT_EQ(c.local_indexes.size(), 1u);
  EXPECT_EQ(find(c.global_indexes, "gsi")->units.write, 1);
  EXPECT_EQ(find(c.local_indexes, "lsi")->units.write, 1);
  EXPECT_EQ(c.units().read, 0);
}

TEST(CapacityTest, SparseItemCostsTheIndexesNothing) {
  const storage::TableDef t = indexed_table();
  const Item item = test::item_of({{"pk", S("p")}, {"sk", S("1")}, {"other", S("o")}});
  ConsumedCapacity c;
  add_index_writes(c, t, nullptr, &item);
  add_index_writes(c, t, &item, nullptr);
  EXPECT_TRUE(c.global_indexes.empty());
  EXPECT_TRUE(c.local_indexes.empty());
}

TEST(CapacityTest, IdenticalOverwriteCostsTheIndexesNothing) {
  const storage::TableDef t = indexed_table();
  const Item item = base_item();
  ConsumedCapacity c;
  add_index_writes(c, t, &item, &item);
  EXPECT_TRUE(c.global_indexes.empty());
  EXPECT_TRUE(c.local_indexes.empty());
}

TEST(CapacityTest, UnprojectedChangeCostsOnlyIndexesThatProjectIt) {
  const storage::TableDef t = indexed_table();
  const Item before = base_item();
  Item after = before;
  *map_find(after, "other") = S("changed");
  ConsumedCapacity c;
  add_index_writes(c, t, &before, &after);
  EXPECT_EQ(find(c.global_indexes, "gsi"), nullptr);  // INCLUDE [proj]: unchanged entry
  ASSERT_NE(find(c.local_indexes, "lsi"), nullptr);    // ALL: one write
  EXPECT_EQ(find(c.local_indexes, "lsi")->units.write, 1);
}

TEST(CapacityTest, ProjectedChangeCostsOneWrite) {
  const storage::TableDef t = indexed_table();
  const Item before = base_item();
  Item after = before;
  *map_find(after, "proj") = S("y");
  ConsumedCapacity c;
  add_index_writes(c, t, &before, &after);
  EXPECT_EQ(find(c.global_indexes, "gsi")->units.write, 1);
  EXPECT_EQ(find(c.local_indexes, "lsi")->units.write, 1);
}

TEST(CapacityTest, KeyChangeCostsADeleteAndAPut) {
  // "If an update to the table changes the value of an indexed key
  // attribute (from A to B), two writes are required".
  const storage::TableDef t = indexed_table();
  const Item before = base_item();
  Item after = before;
  *map_find(after, "gpk") = S("moved");
  ConsumedCapacity c;
  add_index_writes(c, t, &before, &after);
  EXPECT_EQ(find(c.global_indexes, "gsi")->units.write, 2);
  EXPECT_EQ(find(c.local_indexes, "lsi")->units.write, 1);  // ALL projects gpk
}

TEST(CapacityTest, RemovedIndexKeyCostsOneDelete) {
  const storage::TableDef t = indexed_table();
  const Item before = base_item();
  Item after;
  for (const auto& [n, v] : before)
    if (n != "gpk") after.emplace_back(n, v);
  ConsumedCapacity c;
  add_index_writes(c, t, &before, &after);
  EXPECT_EQ(find(c.global_indexes, "gsi")->units.write, 1);
  // A deleted item leaves every index it was in: one delete each.
  ConsumedCapacity d;
  add_index_writes(d, t, &before, nullptr);
  EXPECT_EQ(find(d.global_indexes, "gsi")->units.write, 1);
  EXPECT_EQ(find(d.local_indexes, "lsi")->units.write, 1);
}

TEST(CapacityTest, IndexEntriesAreSizedByTheirProjection) {
  // A 3 KB unprojected attribute costs the table three units but the
  // INCLUDE index, whose entry holds only keys and proj, one.
  const storage::TableDef t = indexed_table();
  Item item = base_item();
  *map_find(item, "other") = S(std::string(3 * KB, 'x'));
  ConsumedCapacity c;
  add_index_writes(c, t, nullptr, &item, kTransactionFactor);
  EXPECT_EQ(find(c.global_indexes, "gsi")->units.write, 2);  // 1 unit, doubled
  EXPECT_EQ(find(c.local_indexes, "lsi")->units.write, 8);   // 4 units (3 KB + the rest), doubled
  EXPECT_EQ(write_units(item_size(item)), 4);
}

TEST(CapacityTest, IndexReadsChargeTheIndex) {
  const storage::TableDef t = indexed_table();
  ConsumedCapacity q = page_capacity("t", &t.indexes[0], 5000, 0, false);
  EXPECT_EQ(q.table.total(), 0);
  EXPECT_EQ(find(q.global_indexes, "gsi")->units.read, 1);  // 5,000 bytes: 2 units, halved
  EXPECT_EQ(q.total(), 1);
  // A local index fetching unprojected attributes also reads the table.
  ConsumedCapacity l = page_capacity("t", &t.indexes[1], 100, 2, true);
  EXPECT_EQ(l.table.read, 2);
  EXPECT_EQ(find(l.local_indexes, "lsi")->units.read, 1);
  EXPECT_EQ(l.total(), 3);
  ConsumedCapacity s = page_capacity("t", nullptr, 0, 0, true);
  EXPECT_EQ(s.table.read, 1);
  EXPECT_TRUE(s.global_indexes.empty());
}

TEST(CapacityTest, MergeAddsPerTableAndPerIndex) {
  const storage::TableDef t = indexed_table();
  std::vector<ConsumedCapacity> per_table;
  ConsumedCapacity a{.table_name = "t", .table = CapacityUnits::writing(1)};
  add_index_units(a, t.indexes[0], CapacityUnits::writing(1));
  ConsumedCapacity b{.table_name = "u", .table = CapacityUnits::reading(2)};
  merge_capacity(per_table, a);
  merge_capacity(per_table, b);
  merge_capacity(per_table, a);
  ASSERT_EQ(per_table.size(), 2u);
  EXPECT_EQ(per_table[0].table_name, "t");
  EXPECT_EQ(per_table[0].table.write, 2);
  EXPECT_EQ(find(per_table[0].global_indexes, "gsi")->units.write, 2);
  EXPECT_EQ(per_table[0].total(), 4);
  EXPECT_EQ(per_table[1].units().read, 2);
}

}  // namespace
}  // namespace ddbd::api
