// The Parquet footer and page headers as C++ structs, and their Thrift compact encoding.
//
// A Parquet file is "PAR1", column chunks (each a run of pages), the footer (a Thrift
// FileMetaData), the footer's 4-byte little-endian length, and "PAR1". FileMetaData holds the
// schema as a flattened tree of SchemaElements (element 0 is the root, whose num_children
// says how many leaves follow in a flat schema), and one RowGroup per horizontal slice; each
// RowGroup has one ColumnChunk per leaf column, whose ColumnMetaData locates the chunk's
// pages (dictionary_page_offset, data_page_offset, total_compressed_size) and carries its
// Statistics. Every page starts with a Thrift PageHeader.
//
// Only the fields gogooku3 uses are modelled (field ids follow parquet.thrift); the decoders
// skip every other field by its wire type, so files from newer writers decode. Enum values
// are kept as the raw int32 from the file: a value this code does not know is not a decode
// error, it is reported where it matters (an unsupported type or encoding). A missing
// required field, a wrong wire type or a truncated structure is Corruption naming `context`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gogooku3::storage::parquet {

// parquet.thrift enum Type.
enum class PhysicalType : std::int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

enum class Repetition : std::int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };

// The legacy annotation (enum ConvertedType); only the values we write or map are named.
namespace converted_type {
inline constexpr std::int32_t kUtf8 = 0;
inline constexpr std::int32_t kDate = 6;
inline constexpr std::int32_t kTimestampMillis = 9;
inline constexpr std::int32_t kTimestampMicros = 10;
inline constexpr std::int32_t kInt8 = 15;
inline constexpr std::int32_t kInt16 = 16;
inline constexpr std::int32_t kInt32 = 17;
inline constexpr std::int32_t kInt64 = 18;
}  // namespace converted_type

enum class Encoding : std::int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

enum class CompressionCodec : std::int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4 = 5,
  kZstd = 6,
  kLz4Raw = 7,
};

enum class PageType : std::int32_t {
  kDataPage = 0,
  kIndexPage = 1,
  kDictionaryPage = 2,
  kDataPageV2 = 3,
};

enum class TimeUnit { kMillis, kMicros, kNanos };

// The LogicalType union: which member is set, and the parameters of the ones we use.
struct LogicalTypeAnnotation {
  enum class Kind { kString, kDate, kTimestamp, kInteger, kOther };
  Kind kind = Kind::kOther;
  TimeUnit unit = TimeUnit::kMillis;  // kTimestamp
  bool adjusted_to_utc = true;        // kTimestamp
  int bit_width = 0;                  // kInteger
  bool is_signed = true;              // kInteger
  int other_field_id = 0;             // kOther: the union member's field id, for messages
};

struct SchemaElement {
  std::optional<PhysicalType> type;
  std::optional<std::int32_t> type_length;
  std::optional<Repetition> repetition;
  std::string name;
  std::optional<std::int32_t> num_children;
  std::optional<std::int32_t> converted_type;
  std::optional<std::int32_t> scale;
  std::optional<std::int32_t> precision;
  std::optional<std::int32_t> field_id;
  std::optional<LogicalTypeAnnotation> logical_type;
};

// min/max are the legacy fields (signed comparison, ambiguous for byte arrays); min_value /
// max_value follow the column order. Values are PLAIN-encoded without a length prefix.
struct Statistics {
  std::optional<std::string> max;
  std::optional<std::string> min;
  std::optional<std::int64_t> null_count;
  std::optional<std::int64_t> distinct_count;
  std::optional<std::string> max_value;
  std::optional<std::string> min_value;
};

struct ColumnMetaData {
  PhysicalType type = PhysicalType::kInt32;
  std::vector<Encoding> encodings;
  std::vector<std::string> path_in_schema;
  CompressionCodec codec = CompressionCodec::kUncompressed;
  std::int64_t num_values = 0;
  std::int64_t total_uncompressed_size = 0;  // all pages, headers included
  std::int64_t total_compressed_size = 0;    // all pages, headers included
  std::int64_t data_page_offset = 0;
  std::optional<std::int64_t> index_page_offset;
  std::optional<std::int64_t> dictionary_page_offset;
  std::optional<Statistics> statistics;
};

struct ColumnChunk {
  std::optional<std::string> file_path;  // set only for chunks in another file (unsupported)
  std::int64_t file_offset = 0;          // deprecated; writers write 0
  std::optional<ColumnMetaData> meta_data;
  bool encrypted = false;  // crypto_metadata or encrypted_column_metadata present
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  std::int64_t total_byte_size = 0;
  std::int64_t num_rows = 0;
  std::optional<std::int64_t> file_offset;
  std::optional<std::int64_t> total_compressed_size;
  std::optional<std::int16_t> ordinal;
};

struct KeyValue {
  std::string key;
  std::optional<std::string> value;
};

struct FileMetaData {
  std::int32_t version = 2;
  std::vector<SchemaElement> schema;
  std::int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::vector<KeyValue> key_value_metadata;  // written only when non-empty
  std::optional<std::string> created_by;
  // ColumnOrder union member per leaf (1 = TYPE_ORDER); written only when non-empty.
  std::vector<std::int32_t> column_orders;
};

struct DataPageHeader {
  std::int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  Encoding definition_level_encoding = Encoding::kRle;
  Encoding repetition_level_encoding = Encoding::kRle;
};

struct DictionaryPageHeader {
  std::int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  std::optional<bool> is_sorted;
};

struct DataPageHeaderV2 {
  std::int32_t num_values = 0;
  std::int32_t num_nulls = 0;
  std::int32_t num_rows = 0;
  Encoding encoding = Encoding::kPlain;
  std::int32_t definition_levels_byte_length = 0;
  std::int32_t repetition_levels_byte_length = 0;
  bool is_compressed = true;  // the thrift default
};

struct PageHeader {
  PageType type = PageType::kDataPage;
  std::int32_t uncompressed_page_size = 0;  // after the header; v2: levels + values
  std::int32_t compressed_page_size = 0;
  std::optional<std::int32_t> crc;
  std::optional<DataPageHeader> data_page_header;
  std::optional<DictionaryPageHeader> dictionary_page_header;
  std::optional<DataPageHeaderV2> data_page_header_v2;
};

std::string encode_file_metadata(const FileMetaData& metadata);
std::string encode_page_header(const PageHeader& header);

// `context` names the file (and position) for error messages.
FileMetaData decode_file_metadata(std::string_view bytes, const std::string& context);
// Decodes the header at the start of `bytes` and stores its length in *consumed.
PageHeader decode_page_header(std::string_view bytes, const std::string& context,
                              std::size_t* consumed);

}  // namespace gogooku3::storage::parquet
