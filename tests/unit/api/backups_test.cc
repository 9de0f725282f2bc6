// Backup records: the record survives encode -> decode, malformed bytes are
// refused, and a BackupArn yields its id only in DynamoDB's form.
#include "api/backups.hh"

#include <gtest/gtest.h>

namespace ddbd::api {
namespace {

TEST(Backups, RecordRoundTrips) {
  BackupRecord r;
  r.ns = "AKID/us-east-1";
  r.id = "01764000000000-0a1b2c3d";
  r.name = "nightly";
  r.arn = "arn:aws:dynamodb:us-east-1:000000000000:table/T/backup/" + r.id;
  r.status = "AVAILABLE";
  r.creation_time = 1764000000.125;
  r.size_bytes = 123456789;
  r.item_count = 42;
  r.definition = std::string("\x01\x02\0\xff", 4);
  r.table_name = "T";
  r.table_id = "uuid";
  r.table_arn = "arn:aws:dynamodb:us-east-1:000000000000:table/T";
  r.billing_mode = "PROVISIONED";
  r.read_capacity = 5;
  r.write_capacity = 6;
  r.table_creation_time = 1763000000.5;
  BackupRecord out;
  ASSERT_TRUE(decode_backup(encode_backup(r), out));
  EXPECT_EQ(out.ns, r.ns);
  EXPECT_EQ(out.id, r.id);
  EXPECT_EQ(out.name, r.name);
  EXPECT_EQ(out.arn, r.arn);
  EXPECT_EQ(out.status, r.status);
  EXPECT_EQ(out.creation_time, r.creation_time);
  EXPECT_EQ(out.size_bytes, r.size_bytes);
  EXPECT_EQ(out.item_count, r.item_count);
  EXPECT_EQ(out.definition, r.definition);
  EXPECT_EQ(out.table_name, r.table_name);
  EXPECT_EQ(out.table_id, r.table_id);
  EXPECT_EQ(out.table_arn, r.table_arn);
  EXPECT_EQ(out.billing_mode, r.billing_mode);
  EXPECT_EQ(out.read_capacity, r.read_capacity);
  EXPECT_EQ(out.write_capacity, r.write_capacity);
  EXPECT_EQ(out.table_creation_time, r.table_creation_time);
}

TEST(Backups, MalformedRecordIsRefused) {
  BackupRecord r;
  r.name = "x";
  const std::string bytes = encode_backup(r);
  BackupRecord out;
  EXPECT_FALSE(decode_backup("", out));
  EXPECT_FALSE(decode_backup(bytes.substr(0, bytes.size() - 1), out));
  EXPECT_FALSE(decode_backup("\x02" + bytes.substr(1), out));
}

TEST(Backups, IdOfArn) {
  EXPECT_EQ(backup_id_of_arn("arn:aws:dynamodb:us-east-1:000000000000:table/T/backup/01764000000000-0a1b2c3d"),
            "01764000000000-0a1b2c3d");
  EXPECT_EQ(backup_id_of_arn("arn:aws:dynamodb:us-east-1:000000000000:table/T/backup/0176400000000-0a1b2c3d"), "");
  EXPECT_EQ(backup_id_of_arn("arn:aws:dynamodb:us-east-1:000000000000:table/T/backup/01764000000000-0a1b2c3g"), "");
  EXPECT_EQ(backup_id_of_arn("arn:aws:dynamodb:us-east-1:000000000000:table/T"), "");
  EXPECT_EQ(backup_id_of_arn("nonsense/backup/01764000000000-0a1b2c3d"), "");
}

TEST(Backups, KeysKeepNamespacesApart) {
  EXPECT_EQ(backup_meta_key("a", "1"), std::string("backups/m/a\0" "1", 13));
  EXPECT_FALSE(backup_meta_key("ab", "1").starts_with(backup_meta_prefix("a")));
  EXPECT_EQ(backup_chunk_prefix("x"), "backups/d/x/");
}

}  // namespace
}  // namespace ddbd::api
