#include "storage/io/file_io.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"

namespace gogooku3::storage {
namespace {

class FileIoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("g3_file_io_" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

ErrorCategory category_of(const std::function<void()>& body) {
  try {
    body();
  } catch (const Error& e) {
    return e.category();
  }
  ADD_FAILURE() << "no gogooku3::Error thrown";
  return ErrorCategory::kInternal;
}

TEST_F(FileIoTest, WriterPublishesOnlyAtCommit) {
  const std::filesystem::path path = dir_ / "a" / "b" / "data.bin";
  auto writer = create_local_file(path);
  writer->append("hello ");
  writer->append("world");
  EXPECT_EQ(writer->bytes_written(), 11u);
  EXPECT_FALSE(std::filesystem::exists(path));  // nothing visible before commit
  writer->commit();
  EXPECT_TRUE(std::filesystem::exists(path));
  auto file = open_local_file(path);
  EXPECT_EQ(file->size(), 11u);
  EXPECT_EQ(file->read(6, 5), "world");
  EXPECT_EQ(file->name(), path.string());
}

TEST_F(FileIoTest, UncommittedWriterLeavesNothingAndKeepsTheOldFile) {
  const std::filesystem::path path = dir_ / "data.bin";
  {
    auto first = create_local_file(path);
    first->append("old");
    first->commit();
  }
  {
    auto second = create_local_file(path);
    second->append("new content that never lands");
  }
  EXPECT_EQ(open_local_file(path)->read(0, 3), "old");
  size_t entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    (void)entry;
    ++entries;
  }
  EXPECT_EQ(entries, 1u);  // no temporary file left behind
}

TEST_F(FileIoTest, ReadsPastTheEndAreCorruptionNamingTheFile) {
  auto file = memory_file("mem://x.parquet", "0123456789");
  EXPECT_EQ(file->read(0, 10), "0123456789");
  EXPECT_EQ(file->read(10, 0), "");
  for (auto [offset, length] : {std::pair<uint64_t, size_t>{8, 3}, {11, 0}, {~0ull, 2}}) {
    try {
      file->read(offset, length);
      ADD_FAILURE() << offset << "+" << length;
    } catch (const Error& e) {
      EXPECT_EQ(e.category(), ErrorCategory::kCorruption);
      EXPECT_NE(std::string(e.what()).find("mem://x.parquet"), std::string::npos);
    }
  }
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ / "small") << "abc";
  auto local = open_local_file(dir_ / "small");
  EXPECT_EQ(category_of([&] { local->read(1, 3); }), ErrorCategory::kCorruption);
}

TEST_F(FileIoTest, MissingFilesAndDirectoriesAreNamed) {
  EXPECT_EQ(category_of([&] { open_local_file(dir_ / "missing"); }), ErrorCategory::kNotFound);
  std::filesystem::create_directories(dir_);
  EXPECT_EQ(category_of([&] { open_local_file(dir_); }), ErrorCategory::kInvalidInput);
}

}  // namespace
}  // namespace gogooku3::storage
