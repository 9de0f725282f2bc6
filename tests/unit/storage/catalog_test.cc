// Catalog codec tests: a TableDef survives encode -> decode with every member
// set, unknown tags are skipped (so fields can be added without a
// migration), malformed bytes are refused, and the catalog key's layout.
#include "storage/catalog.hh"

#include <gtest/gtest.h>

#include <string>

namespace ddbd::storage {
namespace {

TableDef full_table() {
  TableDef d;
  d.ns = "AKID/eu-west-1";
  d.name = "Orders";
  d.table_id = 42;
  d.table_uuid = "0b7e1c2a-0000-4000-8000-000000000001";
  d.region = "eu-west-1";
  d.account_id = "000000000000";
  d.key = KeySchema{KeyAttr{"pk", AttrType::S}, KeyAttr{"sk", AttrType::N}};
  d.attribute_definitions = {{"pk", AttrType::S}, {"sk", AttrType::N}, {"g", AttrType::B}};
  IndexDef gsi;
  gsi.name = "ByG";
  gsi.global = true;
  gsi.key = KeySchema{KeyAttr{"g", AttrType::B}, std::nullopt};
  gsi.projection = ProjectionType::INCLUDE;
  gsi.non_key_attributes = {"a", "b"};
  gsi.status = "CREATING";
  gsi.read_capacity = 3;
  gsi.write_capacity = 4;
  gsi.index_id = 7;
  IndexDef lsi;
  lsi.name = "Local";
  lsi.global = false;
  lsi.key = KeySchema{KeyAttr{"pk", AttrType::S}, KeyAttr{"g", AttrType::B}};
  lsi.projection = ProjectionType::KEYS_ONLY;
  lsi.index_id = 8;
  IndexDef multi;  // a multi-attribute key (tags 60, 61)
  multi.name = "Multi";
  multi.key = KeySchema{KeyAttr{"g", AttrType::B}, KeyAttr{"r1", AttrType::N}};
  multi.key.hash_more = {KeyAttr{"h2", AttrType::S}, KeyAttr{"h3", AttrType::N}};
  multi.key.range_more = {KeyAttr{"r2", AttrType::S}};
  multi.index_id = 9;
  d.indexes = {gsi, lsi, multi};
  d.status = "UPDATING";
  d.creation_time = 1764000000.25;
  d.status_ready_time = 1764000001.5;
  d.billing_mode = "PAY_PER_REQUEST";
  d.billing_mode_last_update = 1764000002.75;
  d.read_capacity = 5;
  d.write_capacity = 6;
  d.last_increase_time = 1764000003;
  d.last_decrease_time = 1764000004;
  d.decreases_today = 2;
  d.on_demand_switch_times = {1764000005, 1764000006.5};
  d.tags = {{"env", "test"}, {"team", ""}};
  d.deletion_protection = true;
  d.table_class = "STANDARD_INFREQUENT_ACCESS";
  d.stream_enabled = true;
  d.stream_view_type = "NEW_AND_OLD_IMAGES";
  d.stream_label = "2026-12-01T18:38:51.123";
  d.stream_id = 9;
  d.ttl_enabled = true;
  d.ttl_attribute = "expires";
  d.ttl_updated_time = 1764000005.5;
  d.table_class_last_update = 1764000006.25;
  d.sse_kms = true;
  d.kms_master_key_arn = "arn:aws:kms:eu-west-1:000000000000:key/abc";
  d.on_demand_max_read = -1;  // no maximum: a negative value survives
  d.on_demand_max_write = 2000;
  d.warm_read = 15000;
  d.warm_write = 6000;
  d.pitr_enabled = true;
  d.pitr_recovery_days = 7;
  d.pitr_enabled_time = 1764000006.5;
  d.restore_source_backup_arn = "arn:aws:dynamodb:eu-west-1:000000000000:table/Src/backup/01764000000000-0a1b2c3d";
  d.restore_source_table_arn = "arn:aws:dynamodb:eu-west-1:000000000000:table/Src";
  d.restore_time = 1764000007.25;
  d.restore_in_progress = true;
  d.restore_source_table_id = 77;
  return d;
}

void expect_same_key(const KeySchema& a, const KeySchema& b) {
  EXPECT_EQ(a.hash.name, b.hash.name);
  EXPECT_EQ(a.hash.type, b.hash.type);
  ASSERT_EQ(a.range.has_value(), b.range.has_value());
  if (a.range) {
    EXPECT_EQ(a.range->name, b.range->name);
    EXPECT_EQ(a.range->type, b.range->type);
  }
  ASSERT_EQ(a.hash_more.size(), b.hash_more.size());
  ASSERT_EQ(a.range_more.size(), b.range_more.size());
  for (std::size_t i = 0; i < a.hash_more.size(); ++i) {
    EXPECT_EQ(a.hash_more[i].name, b.hash_more[i].name);
    EXPECT_EQ(a.hash_more[i].type, b.hash_more[i].type);
  }
  for (std::size_t i = 0; i < a.range_more.size(); ++i) {
    EXPECT_EQ(a.range_more[i].name, b.range_more[i].name);
    EXPECT_EQ(a.range_more[i].type, b.range_more[i].type);
  }
}

void expect_same(const TableDef& a, const TableDef& b) {
  EXPECT_EQ(a.ns, b.ns);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.table_id, b.table_id);
  EXPECT_EQ(a.table_uuid, b.table_uuid);
  EXPECT_EQ(a.region, b.region);
  EXPECT_EQ(a.account_id, b.account_id);
  expect_same_key(a.key, b.key);
  EXPECT_EQ(a.attribute_definitions, b.attribute_definitions);
  ASSERT_EQ(a.indexes.size(), b.indexes.size());
  for (std::size_t i = 0; i < a.indexes.size(); ++i) {
    const IndexDef& x = a.indexes[i];
    const IndexDef& y = b.indexes[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.global, y.global);
    expect_same_key(x.key, y.key);
    EXPECT_EQ(x.projection, y.projection);
    EXPECT_EQ(x.non_key_attributes, y.non_key_attributes);
    EXPECT_EQ(x.status, y.status);
    EXPECT_EQ(x.read_capacity, y.read_capacity);
    EXPECT_EQ(x.write_capacity, y.write_capacity);
    EXPECT_EQ(x.index_id, y.index_id);
  }
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.creation_time, b.creation_time);
  EXPECT_EQ(a.status_ready_time, b.status_ready_time);
  EXPECT_EQ(a.billing_mode, b.billing_mode);
  EXPECT_EQ(a.billing_mode_last_update, b.billing_mode_last_update);
  EXPECT_EQ(a.read_capacity, b.read_capacity);
  EXPECT_EQ(a.write_capacity, b.write_capacity);
  EXPECT_EQ(a.last_increase_time, b.last_increase_time);
  EXPECT_EQ(a.last_decrease_time, b.last_decrease_time);
  EXPECT_EQ(a.decreases_today, b.decreases_today);
  EXPECT_EQ(a.on_demand_switch_times, b.on_demand_switch_times);
  EXPECT_EQ(a.tags, b.tags);
  EXPECT_EQ(a.deletion_protection, b.deletion_protection);
  EXPECT_EQ(a.table_class, b.table_class);
  EXPECT_EQ(a.stream_enabled, b.stream_enabled);
  EXPECT_EQ(a.stream_view_type, b.stream_view_type);
  EXPECT_EQ(a.stream_label, b.stream_label);
  EXPECT_EQ(a.stream_id, b.stream_id);
  EXPECT_EQ(a.ttl_enabled, b.ttl_enabled);
  EXPECT_EQ(a.ttl_attribute, b.ttl_attribute);
  EXPECT_EQ(a.ttl_updated_time, b.ttl_updated_time);
  EXPECT_EQ(a.table_class_last_update, b.table_class_last_update);
  EXPECT_EQ(a.sse_kms, b.sse_kms);
  EXPECT_EQ(a.kms_master_key_arn, b.kms_master_key_arn);
  EXPECT_EQ(a.on_demand_max_read, b.on_demand_max_read);
  EXPECT_EQ(a.on_demand_max_write, b.on_demand_max_write);
  EXPECT_EQ(a.warm_read, b.warm_read);
  EXPECT_EQ(a.warm_write, b.warm_write);
  EXPECT_EQ(a.pitr_enabled, b.pitr_enabled);
  EXPECT_EQ(a.pitr_recovery_days, b.pitr_recovery_days);
  EXPECT_EQ(a.pitr_enabled_time, b.pitr_enabled_time);
  EXPECT_EQ(a.restore_source_backup_arn, b.restore_source_backup_arn);
  EXPECT_EQ(a.restore_source_table_arn, b.restore_source_table_arn);
  EXPECT_EQ(a.restore_time, b.restore_time);
  EXPECT_EQ(a.restore_in_progress, b.restore_in_progress);
  EXPECT_EQ(a.restore_source_table_id, b.restore_source_table_id);
}

TEST(Catalog, RoundTripsEveryMember) {
  const TableDef in = full_table();
  std::string bytes;
  encode_table_def(in, bytes);
  TableDef out;
  ASSERT_TRUE(decode_table_def(bytes, out));
  expect_same(in, out);
}

TEST(Catalog, RoundTripsDefaults) {
  TableDef in;
  in.ns = "shared";
  in.name = "t";
  in.key.hash = KeyAttr{"id", AttrType::S};
  std::string bytes;
  encode_table_def(in, bytes);
  TableDef out;
  ASSERT_TRUE(decode_table_def(bytes, out));
  expect_same(in, out);
}

TEST(Catalog, SkipsUnknownTags) {
  const TableDef in = full_table();
  std::string bytes;
  encode_table_def(in, bytes);
  // A field from a newer version: varint(tag 120) varint(len 3) "xyz".
  bytes += std::string("\x78\x03xyz", 5);
  TableDef out;
  ASSERT_TRUE(decode_table_def(bytes, out));
  expect_same(in, out);
}

TEST(Catalog, RefusesTruncatedBytes) {
  std::string bytes;
  encode_table_def(full_table(), bytes);
  // Cutting the last field's payload short leaves a length past the end.
  TableDef out;
  EXPECT_FALSE(decode_table_def(std::string_view(bytes).substr(0, bytes.size() - 1), out));
  // A field announcing more bytes than there are.
  EXPECT_FALSE(decode_table_def(std::string("\x01\x7f" "ab", 4), out));
}

TEST(Catalog, KeyIsNamespaceNulName) {
  EXPECT_EQ(catalog_key("AKID/us-east-1", "Users"), std::string("AKID/us-east-1\0Users", 20));
  EXPECT_NE(catalog_key("a", "bc"), catalog_key("ab", "c"));
}

}  // namespace
}  // namespace ddbd::storage
