// Helpers shared by the Parquet tests: an in-memory WritableFile and table builders.
#pragma once

#include <memory>
#include <string>

#include "core/table.h"
#include "storage/io/file_io.h"
#include "storage/parquet/parquet.h"

namespace gogooku3::storage::parquet::testing {

// Collects the bytes appended to it; `committed` says whether commit() ran.
class MemorySink final : public WritableFile {
 public:
  struct Result {
    std::string bytes;
    bool committed = false;
  };
  MemorySink(std::string name, std::shared_ptr<Result> result)
      : name_(std::move(name)), result_(std::move(result)) {}
  const std::string& name() const override { return name_; }
  void append(std::string_view bytes) override { buffer_.append(bytes); }
  std::uint64_t bytes_written() const override { return buffer_.size(); }
  void commit() override {
    result_->bytes = buffer_;
    result_->committed = true;
  }

 private:
  std::string name_;
  std::string buffer_;
  std::shared_ptr<Result> result_;
};

inline std::string write_to_bytes(const Table& table, const WriterOptions& options = {}) {
  auto result = std::make_shared<MemorySink::Result>();
  write_table(table, std::make_unique<MemorySink>("mem.parquet", result), options);
  return result->bytes;
}

inline Reader open_bytes(std::string bytes, std::string name = "test.parquet") {
  return Reader::open(
      std::shared_ptr<const RandomAccessFile>(memory_file(std::move(name), std::move(bytes))));
}

}  // namespace gogooku3::storage::parquet::testing
