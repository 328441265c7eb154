// Damaged files must throw gogooku3::Error (Corruption, or InvalidInput for what looks like an
// unsupported feature) naming the file, and never crash, hang or over-allocate.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include "core/error.h"
#include "parquet_test_util.h"
#include "storage/parquet/file_metadata.h"

namespace gogooku3::storage::parquet {
namespace {

using testing::open_bytes;
using testing::write_to_bytes;

constexpr const char* kName = "damaged.parquet";

Table sample() {
  Column code("code", ColumnType::kString), date("date", ColumnType::kDate),
      value("value", ColumnType::kDouble), count("count", ColumnType::kInt64);
  for (int i = 0; i < 400; ++i) {
    code.append(std::to_string(1300 + i % 17) + "0");
    date.append(Date(19500 + i / 17));
    value.append(i % 9 == 0 ? NAN : i * 0.25);
    if (i % 11 == 0)
      count.append_null();
    else
      count.append(std::int64_t{i} * 1000);
  }
  return Table({code, date, value, count});
}

// Opens and reads everything; returns normally only if the bytes decode.
void read_all(const std::string& bytes) {
  const Reader reader = open_bytes(bytes, kName);
  for (int g = 0; g < reader.num_row_groups(); ++g) reader.read_row_group(g);
}

// Either the damage went unnoticed (bytes that do not matter, e.g. statistics) or the error
// is a gogooku3::Error of the right category naming the file.
void expect_clean_failure_or_success(const std::string& bytes, const std::string& what) {
  try {
    read_all(bytes);
  } catch (const Error& e) {
    EXPECT_TRUE(e.category() == ErrorCategory::kCorruption ||
                e.category() == ErrorCategory::kInvalidInput)
        << what << ": " << e.what();
    EXPECT_NE(std::string(e.what()).find(kName), std::string::npos) << what << ": " << e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << what << ": non-gogooku3 exception " << e.what();
  }
}

void expect_corruption(const std::string& bytes, const std::string& what) {
  try {
    read_all(bytes);
    ADD_FAILURE() << what << ": no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::kCorruption) << what << ": " << e.what();
    EXPECT_NE(std::string(e.what()).find(kName), std::string::npos) << what << ": " << e.what();
  }
}

std::vector<std::string> variants() {
  std::vector<std::string> files;
  for (bool v2 : {false, true}) {
    for (Compression c : {Compression::kUncompressed, Compression::kSnappy, Compression::kZstd}) {
      WriterOptions options;
      options.compression = c;
      options.data_page_v2 = v2;
      options.row_group_rows = 150;
      options.page_bytes = 300;
      files.push_back(write_to_bytes(sample(), options));
    }
  }
  return files;
}

TEST(ParquetCorruptionTest, TruncationAtAnyOffsetIsCorruption) {
  for (const std::string& file : variants()) {
    ASSERT_NO_THROW(read_all(file));
    for (std::size_t cut = file.size() >= 200 ? file.size() - 200 : 0; cut < file.size(); ++cut) {
      expect_corruption(file.substr(0, cut), "truncated at " + std::to_string(cut));
    }
    for (std::size_t cut = 0; cut + 200 < file.size(); cut += 37) {
      expect_corruption(file.substr(0, cut), "truncated at " + std::to_string(cut));
    }
  }
}

TEST(ParquetCorruptionTest, BadMagic) {
  std::string file = write_to_bytes(sample());
  std::string head = file;
  head[0] = 'X';
  expect_corruption(head, "leading magic");
  std::string tail = file;
  tail[tail.size() - 1] = 'X';
  expect_corruption(tail, "trailing magic");
  expect_corruption("PAR1PAR1", "tiny");
  expect_corruption(std::string(100, '\0'), "zeros");
}

TEST(ParquetCorruptionTest, FooterLengthPastTheFile) {
  std::string file = write_to_bytes(sample());
  for (std::uint32_t length :
       {0xffffffffu, 0x7fffffffu, static_cast<std::uint32_t>(file.size() - 11), 0u, 1u}) {
    std::string bad = file;
    std::memcpy(bad.data() + bad.size() - 8, &length, 4);
    expect_corruption(bad, "footer length " + std::to_string(length));
  }
}

TEST(ParquetCorruptionTest, FlippedFooterBytesFailCleanly) {
  for (const std::string& file : variants()) {
    std::uint32_t footer_length = 0;
    std::memcpy(&footer_length, file.data() + file.size() - 8, 4);
    const std::size_t footer_start = file.size() - 8 - footer_length;
    for (std::size_t i = footer_start; i < file.size() - 8; ++i) {
      for (unsigned char mask : {0x01, 0x80, 0xff}) {
        std::string bad = file;
        bad[i] = static_cast<char>(bad[i] ^ mask);
        expect_clean_failure_or_success(bad, "footer byte " + std::to_string(i));
      }
    }
  }
}

TEST(ParquetCorruptionTest, FlippedPageBytesFailCleanly) {
  for (const std::string& file : variants()) {
    std::uint32_t footer_length = 0;
    std::memcpy(&footer_length, file.data() + file.size() - 8, 4);
    const std::size_t footer_start = file.size() - 8 - footer_length;
    std::mt19937 rng(5);
    // Every byte of the first 600 (page headers and their bodies) and a sample of the rest.
    for (std::size_t i = 4; i < footer_start; i += i < 600 ? 1 : 1 + rng() % 13) {
      std::string bad = file;
      bad[i] = static_cast<char>(bad[i] ^ (1 + rng() % 255));
      expect_clean_failure_or_success(bad, "page byte " + std::to_string(i));
    }
  }
}

// Rewrites the footer of a valid file with `edit` applied.
std::string with_footer(const std::string& file, const std::function<void(FileMetaData&)>& edit) {
  std::uint32_t footer_length = 0;
  std::memcpy(&footer_length, file.data() + file.size() - 8, 4);
  const std::size_t footer_start = file.size() - 8 - footer_length;
  FileMetaData m = decode_file_metadata(file.substr(footer_start, footer_length), "x");
  edit(m);
  const std::string footer = encode_file_metadata(m);
  std::string out = file.substr(0, footer_start) + footer;
  const auto n = static_cast<std::uint32_t>(footer.size());
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  return out + "PAR1";
}

TEST(ParquetCorruptionTest, GiantOrLyingSizesInTheFooter) {
  const std::string file = write_to_bytes(sample());
  auto meta = [](FileMetaData& m) -> ColumnMetaData& {
    return *m.row_groups[0].columns[0].meta_data;
  };
  expect_corruption(
      with_footer(file, [&](FileMetaData& m) { meta(m).total_compressed_size = 1LL << 60; }),
      "giant chunk");
  expect_corruption(with_footer(file, [&](FileMetaData& m) { meta(m).data_page_offset = -5; }),
                    "negative offset");
  expect_corruption(
      with_footer(file, [&](FileMetaData& m) { meta(m).data_page_offset = 1LL << 40; }),
      "offset past the end");
  expect_corruption(with_footer(file, [&](FileMetaData& m) { m.num_rows += 1; }), "row count");
  expect_corruption(with_footer(file,
                                [&](FileMetaData& m) {
                                  m.row_groups[0].num_rows = 1LL << 40;
                                  for (ColumnChunk& c : m.row_groups[0].columns)
                                    c.meta_data->num_values = 1LL << 40;
                                  m.num_rows = 1LL << 40;
                                }),
                    "giant row count");
  expect_corruption(with_footer(file, [&](FileMetaData& m) { meta(m).num_values -= 1; }),
                    "value count");
  expect_corruption(with_footer(file, [&](FileMetaData& m) { m.schema[0].num_children = 7; }),
                    "children");
  expect_corruption(with_footer(file, [&](FileMetaData& m) { meta(m).total_compressed_size /= 2; }),
                    "short chunk");
}

// Rewrites the first page header of the first column chunk.
std::string with_first_page_header(const std::string& file,
                                   const std::function<void(PageHeader&)>& edit) {
  std::size_t consumed = 0;
  PageHeader h = decode_page_header(std::string_view(file).substr(4), "x", &consumed);
  edit(h);
  return file.substr(0, 4) + encode_page_header(h) + file.substr(4 + consumed);
}

TEST(ParquetCorruptionTest, LyingPageHeaders) {
  WriterOptions plain;
  plain.dictionary = false;
  plain.compression = Compression::kUncompressed;
  for (const WriterOptions& options : {WriterOptions{}, plain}) {
    const std::string file = write_to_bytes(sample(), options);
    // Same-length edits keep the footer's offsets valid (sizes are varints: keep magnitudes).
    expect_corruption(
        with_first_page_header(file, [](PageHeader& h) { h.uncompressed_page_size += 1; }),
        "uncompressed size");
    expect_corruption(
        with_first_page_header(file, [](PageHeader& h) { h.compressed_page_size = 0x7fffffff; }),
        "compressed size");
    expect_corruption(
        with_first_page_header(file, [](PageHeader& h) { h.uncompressed_page_size = -1; }),
        "negative size");
    expect_corruption(with_first_page_header(file,
                                             [](PageHeader& h) {
                                               if (h.dictionary_page_header)
                                                 h.dictionary_page_header->num_values = 1 << 30;
                                               if (h.data_page_header)
                                                 h.data_page_header->num_values = 1 << 30;
                                             }),
                      "value count");
  }
}

TEST(ParquetCorruptionTest, DictionaryIndexOutOfRange) {
  // One string column, two distinct values (bit width 1), dictionary, no compression: the
  // data page body is [bit width][RLE runs]; make the run value 1 point at entry 3.
  Table table({Column::of<std::string>("s", {"a", "a", "a", "a", "a", "a", "a", "a", "b"})});
  WriterOptions options;
  options.compression = Compression::kUncompressed;
  options.required_columns = {"s"};
  std::string file = write_to_bytes(table, options);
  // Find the data page: after the dictionary page (header + 2 * (4 + 1) bytes).
  std::size_t consumed = 0;
  const PageHeader dict = decode_page_header(std::string_view(file).substr(4), "x", &consumed);
  const std::size_t data_header_at =
      4 + consumed + static_cast<std::size_t>(dict.compressed_page_size);
  const PageHeader data =
      decode_page_header(std::string_view(file).substr(data_header_at), "x", &consumed);
  const std::size_t body = data_header_at + consumed;
  ASSERT_EQ(data.data_page_header->encoding, Encoding::kRleDictionary);
  file[body] = 2;  // bit width 2: index values now read as up to 3
  std::string bad = file;
  bad[body + 2] = 3;  // the RLE run of 8 'a' now says index 3
  expect_corruption(bad, "index out of range");
}

}  // namespace
}  // namespace gogooku3::storage::parquet

namespace gogooku3::storage::parquet {
namespace {

// Inputs the fuzzer once found (tests/data/parquet/fuzz_regressions/), read the way the fuzz
// target reads them: each must be read or rejected with a gogooku3::Error, and under
// AddressSanitizer (make test runs this suite with it) without a memory error.
//   short-chunk-moved-view.parquet: column chunks shorter than std::string's inline buffer
//   left the decoder reading through a view into a moved string (stack-use-after-scope).
TEST(ParquetFuzzRegressionTest, EveryPastFindingIsReadOrRejectedCleanly) {
  const std::filesystem::path dir =
      std::filesystem::path(GOGOOKU3_SOURCE_DIR) / "tests/data/parquet/fuzz_regressions";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    ++files;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    try {
      const Reader reader = testing::open_bytes(bytes, entry.path().filename().string());
      for (int group = 0; group < reader.num_row_groups(); ++group) {
        (void)reader.read_row_group(group);
      }
      (void)reader.read();
    } catch (const Error& e) {
      SUCCEED() << e.what();
    }
  }
  EXPECT_GE(files, 1);
}

}  // namespace
}  // namespace gogooku3::storage::parquet
