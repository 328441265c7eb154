#include "storage/object_store/local_object_store.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "storage/object_store/object_store.h"

namespace gogooku3::storage {
namespace {

namespace fs = std::filesystem;

class LocalObjectStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("gogooku3_object_store_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    store_ = open_object_store("file://" + root_.string());
  }
  void TearDown() override { fs::remove_all(root_); }

  std::vector<std::string> keys(std::string_view prefix) const {
    std::vector<std::string> out;
    for (const ObjectInfo& info : store_->list(prefix)) out.push_back(info.key);
    return out;
  }

  fs::path root_;
  std::unique_ptr<ObjectStore> store_;
};

ErrorCategory category_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.category();
  }
  ADD_FAILURE() << "no gogooku3::Error thrown";
  return ErrorCategory::kInternal;
}

TEST_F(LocalObjectStoreTest, PutGetStat) {
  store_->put("clean/prices/date=2026-09-24/data.parquet", "PAR1 bytes");
  EXPECT_EQ(store_->get("clean/prices/date=2026-09-24/data.parquet"), "PAR1 bytes");
  const auto info = store_->stat("clean/prices/date=2026-09-24/data.parquet");
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->size, 10u);
  EXPECT_GT(info->modified_ms, 1'600'000'000'000);
  EXPECT_FALSE(store_->stat("clean/prices/missing").has_value());
  EXPECT_FALSE(store_->stat("clean/prices").has_value());  // a directory is not an object
  store_->put("empty", "");
  EXPECT_EQ(store_->get("empty"), "");
  store_->put("empty", "replaced");
  EXPECT_EQ(store_->get("empty"), "replaced");
}

TEST_F(LocalObjectStoreTest, MissingKeyIsNotFoundNamingTheUrl) {
  try {
    store_->get("raw/nothing.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::kNotFound);
    EXPECT_NE(std::string(e.what()).find(store_->url_of("raw/nothing.json")), std::string::npos)
        << e.what();
  }
}

TEST_F(LocalObjectStoreTest, ListIsRecursiveSortedAndFiltersByPrefix) {
  store_->put("b/2", "x");
  store_->put("a/1", "x");
  store_->put("a/sub/3", "xyz");
  store_->put("ab", "x");
  EXPECT_EQ(keys(""), (std::vector<std::string>{"a/1", "a/sub/3", "ab", "b/2"}));
  EXPECT_EQ(keys("a/"), (std::vector<std::string>{"a/1", "a/sub/3"}));
  EXPECT_EQ(keys("a"), (std::vector<std::string>{"a/1", "a/sub/3", "ab"}));
  EXPECT_EQ(keys("a/s"), (std::vector<std::string>{"a/sub/3"}));
  EXPECT_TRUE(keys("zzz/").empty());
  EXPECT_EQ(store_->list("a/sub/").at(0).size, 3u);
}

TEST_F(LocalObjectStoreTest, WriterIsInvisibleUntilCommitAndListSkipsTemporaryFiles) {
  store_->put("features/f.parquet", "old");
  {
    std::unique_ptr<WritableFile> writer = store_->open_write("features/f.parquet");
    writer->append("new ");
    writer->append("content");
    EXPECT_EQ(writer->bytes_written(), 11u);
    EXPECT_EQ(store_->get("features/f.parquet"), "old");
    EXPECT_EQ(keys(""), (std::vector<std::string>{"features/f.parquet"}));
    writer->commit();
  }
  EXPECT_EQ(store_->get("features/f.parquet"), "new content");
}

TEST_F(LocalObjectStoreTest, UncommittedWriterLeavesNothing) {
  {
    std::unique_ptr<WritableFile> writer = store_->open_write("partial/x.bin");
    writer->append("half");
  }
  EXPECT_FALSE(store_->stat("partial/x.bin").has_value());
  EXPECT_TRUE(keys("").empty());
  size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root_)) {
    files += entry.is_regular_file() ? 1 : 0;
  }
  EXPECT_EQ(files, 0u);
}

// A writer killed with -9 cannot clean up after itself; the next write of the key does.
TEST_F(LocalObjectStoreTest, RewritingAKeyRemovesTemporariesOfDeadWriters) {
  store_->put("day/data.parquet", "v1");
  const pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  const fs::path dead = root_ / "day" / ("data.parquet.tmp-" + std::to_string(child) + "-0");
  const fs::path live = root_ / "day" / ("data.parquet.tmp-" + std::to_string(getpid()) + "-99");
  const fs::path other = root_ / "day" / ("other.parquet.tmp-" + std::to_string(child) + "-0");
  for (const fs::path& path : {dead, live, other}) std::ofstream(path) << "half";
  store_->put("day/data.parquet", "v2");
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(live)) << "a live writer's file is its own business";
  EXPECT_TRUE(fs::exists(other)) << "only the key being written is swept";
  EXPECT_EQ(store_->get("day/data.parquet"), "v2");
}

TEST_F(LocalObjectStoreTest, RangedReads) {
  store_->put("r", "0123456789");
  const std::shared_ptr<RandomAccessFile> file = store_->open_read("r");
  EXPECT_EQ(file->size(), 10u);
  EXPECT_EQ(file->read(2, 3), "234");
  EXPECT_EQ(file->read(0, 10), "0123456789");
  EXPECT_EQ(file->read(10, 0), "");
  EXPECT_EQ(category_of([&] { file->read(8, 3); }), ErrorCategory::kCorruption);
  EXPECT_EQ(category_of([&] { store_->open_read("nope"); }), ErrorCategory::kNotFound);
}

TEST_F(LocalObjectStoreTest, RemoveAndRemovePrefix) {
  store_->put("p/date=1/a", "x");
  store_->put("p/date=1/b", "x");
  store_->put("p/date=2/a", "x");
  store_->put("p2/a", "x");
  store_->remove("p/date=1/a");
  store_->remove("p/date=1/a");  // missing: no error
  store_->remove("never/there");
  EXPECT_EQ(keys("p/"), (std::vector<std::string>{"p/date=1/b", "p/date=2/a"}));
  store_->remove_prefix("p/date=1/");
  EXPECT_FALSE(fs::exists(root_ / "p/date=1"));
  EXPECT_EQ(keys(""), (std::vector<std::string>{"p/date=2/a", "p2/a"}));
  store_->remove_prefix("p");  // a string prefix: takes p2/ too
  EXPECT_TRUE(keys("").empty());
  store_->remove_prefix("nothing/");
  store_->put("x/y", "1");
  store_->remove_prefix("");
  EXPECT_TRUE(keys("").empty());
  EXPECT_TRUE(fs::is_directory(root_));
}

TEST_F(LocalObjectStoreTest, RejectsKeysThatEscapeOrAreMalformed) {
  for (const std::string_view bad :
       {"", "/abs", "a//b", "a/", "../x", "a/../b", "./a", "a/.", "a\\b", "f.tmp-12-3"}) {
    EXPECT_EQ(category_of([&] { store_->put(bad, "x"); }), ErrorCategory::kInvalidInput) << bad;
    EXPECT_EQ(category_of([&] { store_->stat(bad); }), ErrorCategory::kInvalidInput) << bad;
  }
  EXPECT_EQ(category_of([&] { store_->list("../"); }), ErrorCategory::kInvalidInput);
  EXPECT_EQ(category_of([&] { store_->remove_prefix("/"); }), ErrorCategory::kInvalidInput);
  EXPECT_NO_THROW(store_->put("a.tmp-x/b.tmp", "fine"));
  EXPECT_NO_THROW(store_->list("a/"));
}

TEST(ObjectStoreUrlTest, ParsesFileUrlsAndPlainPaths) {
  const fs::path cwd = fs::current_path();
  EXPECT_EQ(open_object_store("file:///tmp/lake")->url(), "file:///tmp/lake");
  EXPECT_EQ(open_object_store("file:///tmp/lake/")->url(), "file:///tmp/lake");
  EXPECT_EQ(open_object_store("/tmp/lake")->url_of("a/b"), "file:///tmp/lake/a/b");
  EXPECT_EQ(open_object_store("file://rel/dir")->url(), "file://" + (cwd / "rel/dir").string());
  EXPECT_EQ(open_object_store("rel")->url(), "file://" + (cwd / "rel").string());
  EXPECT_EQ(open_object_store("s3://my-bucket/lake/prod", S3Options{})->url_of("k"),
            "s3://my-bucket/lake/prod/k");
  EXPECT_EQ(open_object_store("s3://my-bucket", S3Options{})->url(), "s3://my-bucket");
  EXPECT_EQ(category_of([] { open_object_store("gs://bucket/x", S3Options{}); }),
            ErrorCategory::kInvalidInput);
  EXPECT_EQ(category_of([] { open_object_store("s3://Bad_Bucket", S3Options{}); }),
            ErrorCategory::kInvalidInput);
  EXPECT_EQ(category_of([] { open_object_store("s3://ok-bucket/a/../b", S3Options{}); }),
            ErrorCategory::kInvalidInput);
  EXPECT_EQ(category_of([] { open_object_store("", S3Options{}); }), ErrorCategory::kInvalidInput);
}

TEST(ObjectStoreKeyTest, TemporaryFileNames) {
  EXPECT_TRUE(is_temporary_file_name("data.parquet.tmp-123-0"));
  EXPECT_FALSE(is_temporary_file_name("data.parquet"));
  EXPECT_FALSE(is_temporary_file_name("data.tmp-abc-1"));
  EXPECT_FALSE(is_temporary_file_name("data.tmp-12"));
}

}  // namespace
}  // namespace gogooku3::storage
