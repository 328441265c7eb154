// libFuzzer target for the Parquet reader: the input is a whole file. It is opened with
// Reader::open over a memory file, every row group is read, and so is the (code, date) filter
// path that consults column statistics. A gogooku3::Error is the reader doing its job; any
// other exception escapes and aborts, which libFuzzer reports as a finding, like a crash, a
// sanitizer report, a timeout or running out of memory.
//
// scripts/fuzz-parquet.sh builds and runs it with seeds from make_parquet_seeds.cpp.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "core/date.h"
#include "core/error.h"
#include "storage/io/file_io.h"
#include "storage/parquet/reader.h"

namespace {

using gogooku3::storage::parquet::ColumnInfo;
using gogooku3::storage::parquet::Reader;
using gogooku3::storage::parquet::ReadOptions;

bool has_column(const Reader& reader, std::string_view name) {
  for (const ColumnInfo& column : reader.columns()) {
    if (column.name == name) return true;
  }
  return false;
}

void read_everything(std::string bytes) {
  const Reader reader =
      Reader::open(gogooku3::storage::memory_file("fuzz-input", std::move(bytes)));
  (void)reader.key_value_metadata();
  for (int group = 0; group < reader.num_row_groups(); ++group) {
    (void)reader.read_row_group(group);
  }
  if (has_column(reader, "code") && has_column(reader, "date")) {
    ReadOptions filter;
    filter.date_from = gogooku3::Date(19000);
    filter.date_to = gogooku3::Date(19010);
    filter.codes = std::vector<std::string>{"13010", "72030"};
    (void)reader.read(filter);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    read_everything(std::string(reinterpret_cast<const char*>(data), size));
  } catch (const gogooku3::Error&) {
    // Rejected with our error type: the expected outcome for most inputs.
  }
  return 0;
}
