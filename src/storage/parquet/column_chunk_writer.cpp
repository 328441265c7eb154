#include "storage/parquet/column_chunk_writer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "core/error.h"
#include "storage/parquet/encoding.h"
#include "storage/parquet/rle_bit_packed.h"

namespace gogooku3::storage::parquet {
namespace {

// The physical value of a stored value: dates are their day count, strings are viewed.
template <typename Stored>
auto physical(const Stored& value) {
  if constexpr (std::same_as<Stored, Date>) {
    return value.days_since_epoch();
  } else if constexpr (std::same_as<Stored, std::string>) {
    return std::string_view(value);
  } else {
    return value;
  }
}

template <typename P>
std::size_t plain_size(const P& value) {
  if constexpr (std::same_as<P, std::string_view>) {
    return 4 + value.size();
  } else {
    return sizeof(P);
  }
}

// Hash key for the dictionary: floats by bit pattern, so -0.0 and 0.0 stay distinct values.
template <typename P>
auto dictionary_key(const P& value) {
  if constexpr (std::same_as<P, float>) {
    return std::bit_cast<std::uint32_t>(value);
  } else if constexpr (std::same_as<P, double>) {
    return std::bit_cast<std::uint64_t>(value);
  } else {
    return value;
  }
}

template <typename P>
struct ChunkEncoder {
  const ColumnInfo& info;
  const ColumnChunkOptions& options;
  WritableFile& file;
  std::vector<P> values;              // non-null values, in row order
  std::vector<std::uint32_t> levels;  // per row; empty for REQUIRED columns
  std::int64_t total_uncompressed = 0;
  std::int64_t total_compressed = 0;

  enum class PageLayout { kDictionary, kV1, kV2 };

  void write_page(PageHeader header, const std::string& levels_bytes, const std::string& body,
                  PageLayout layout) {
    std::string page;
    std::size_t uncompressed_size = 0;
    if (layout == PageLayout::kDictionary) {
      uncompressed_size = body.size();
      page = compress(options.compression, body, options.zstd_level);
    } else if (layout == PageLayout::kV2) {
      std::string values_compressed = compress(options.compression, body, options.zstd_level);
      uncompressed_size = levels_bytes.size() + body.size();
      page = levels_bytes + values_compressed;
    } else {
      std::string whole;
      if (!info.required) {
        plain_encode(static_cast<std::int32_t>(levels_bytes.size()), whole);
        whole += levels_bytes;
      }
      whole += body;
      uncompressed_size = whole.size();
      page = compress(options.compression, whole, options.zstd_level);
    }
    const auto limit = static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max());
    if (uncompressed_size > limit || page.size() > limit) {
      throw invalid_input(
          "Parquet writer: a page of column '{}' would be {} bytes, over the "
          "int32 limit; lower page_bytes",
          info.name, uncompressed_size);
    }
    header.uncompressed_page_size = static_cast<std::int32_t>(uncompressed_size);
    header.compressed_page_size = static_cast<std::int32_t>(page.size());
    const std::string header_bytes = encode_page_header(header);
    file.append(header_bytes);
    file.append(page);
    total_uncompressed += static_cast<std::int64_t>(header_bytes.size() + uncompressed_size);
    total_compressed += static_cast<std::int64_t>(header_bytes.size() + page.size());
  }

  void write_data_page(std::size_t row_begin, std::size_t row_end, std::size_t value_begin,
                       std::size_t value_end, const std::string& body, Encoding encoding) {
    std::string levels_bytes;
    if (!info.required) {
      rle_bit_packed_encode(std::span(levels).subspan(row_begin, row_end - row_begin), 1,
                            levels_bytes);
    }
    const auto rows = static_cast<std::int32_t>(row_end - row_begin);
    PageHeader header;
    if (options.data_page_v2) {
      header.type = PageType::kDataPageV2;
      DataPageHeaderV2 v2;
      v2.num_values = rows;
      v2.num_nulls = rows - static_cast<std::int32_t>(value_end - value_begin);
      v2.num_rows = rows;
      v2.encoding = encoding;
      v2.definition_levels_byte_length = static_cast<std::int32_t>(levels_bytes.size());
      v2.repetition_levels_byte_length = 0;
      v2.is_compressed = options.compression != Compression::kUncompressed;
      header.data_page_header_v2 = v2;
    } else {
      header.type = PageType::kDataPage;
      DataPageHeader v1;
      v1.num_values = rows;
      v1.encoding = encoding;
      header.data_page_header = v1;
    }
    write_page(header, levels_bytes, body,
               options.data_page_v2 ? PageLayout::kV2 : PageLayout::kV1);
  }

  ColumnChunk write(std::size_t rows) {
    ColumnMetaData meta;
    meta.type = physical_type_of(info.type);
    meta.path_in_schema = {info.name};
    meta.codec = codec_of(options.compression);
    meta.num_values = static_cast<std::int64_t>(rows);
    const auto chunk_start = static_cast<std::int64_t>(file.bytes_written());

    // Dictionary pass: how many leading values the dictionary can cover.
    std::vector<P> dictionary;
    std::vector<std::uint32_t> indices;
    std::size_t dictionary_values = 0;  // values [0, dictionary_values) are dictionary-encoded
    if (options.dictionary && !values.empty()) {
      std::unordered_map<decltype(dictionary_key(values[0])), std::uint32_t> index_of;
      std::size_t dictionary_bytes = 0;
      indices.reserve(values.size());
      for (; dictionary_values < values.size(); ++dictionary_values) {
        const P& value = values[dictionary_values];
        const auto [it, inserted] =
            index_of.try_emplace(dictionary_key(value), static_cast<std::uint32_t>(0));
        if (inserted) {
          if (dictionary_bytes + plain_size(value) > options.dictionary_max_bytes) {
            index_of.erase(it);
            break;
          }
          dictionary_bytes += plain_size(value);
          it->second = static_cast<std::uint32_t>(dictionary.size());
          dictionary.push_back(value);
        }
        indices.push_back(it->second);
        // Mostly distinct values (prices, returns, features) gain nothing from a dictionary:
        // the indices are as wide as the values and compress worse, and hashing every value
        // costs most of the write. Decide from a probe, as DuckDB and Arrow do.
        if (dictionary_values + 1 == options.dictionary_probe_values &&
            static_cast<double>(dictionary.size()) >
                options.dictionary_max_distinct_ratio *
                    static_cast<double>(options.dictionary_probe_values)) {
          dictionary.clear();
          indices.clear();
          dictionary_values = 0;
          break;
        }
      }
    }
    const int index_bit_width =
        dictionary.empty()
            ? 0
            : std::max(1, bit_width_for(static_cast<std::uint32_t>(dictionary.size() - 1)));

    if (!dictionary.empty()) {
      std::string body;
      for (const P& value : dictionary) plain_encode(value, body);
      PageHeader header;
      header.type = PageType::kDictionaryPage;
      DictionaryPageHeader dict_header;
      dict_header.num_values = static_cast<std::int32_t>(dictionary.size());
      dict_header.encoding = Encoding::kPlain;
      header.dictionary_page_header = dict_header;
      meta.dictionary_page_offset = chunk_start;
      write_page(header, "", body, PageLayout::kDictionary);
    }
    meta.data_page_offset = static_cast<std::int64_t>(file.bytes_written());

    // Data pages: cut at page_bytes (estimated) and at the dictionary/PLAIN boundary.
    const double level_bytes_per_row = info.required ? 0.0 : 0.125;
    std::size_t row = 0;
    std::size_t value = 0;
    while (row < rows) {
      const std::size_t row_begin = row;
      const std::size_t value_begin = value;
      const bool in_dictionary = value < dictionary_values;
      double estimate = 0;
      while (row < rows) {
        const bool present = info.required || levels[row] != 0;
        if (present && (value < dictionary_values) != in_dictionary) break;
        estimate += level_bytes_per_row;
        if (present) {
          estimate += in_dictionary ? index_bit_width / 8.0 : plain_size(values[value]);
          ++value;
        }
        ++row;
        if (estimate >= static_cast<double>(options.page_bytes)) break;
      }
      std::string body;
      Encoding encoding = Encoding::kPlain;
      if (in_dictionary && value > value_begin) {
        encoding = Encoding::kRleDictionary;
        encode_dictionary_indices(std::span(indices).subspan(value_begin, value - value_begin),
                                  index_bit_width, body);
      } else {
        for (std::size_t v = value_begin; v < value; ++v) plain_encode(values[v], body);
      }
      write_data_page(row_begin, row, value_begin, value, body, encoding);
    }

    meta.encodings.push_back(Encoding::kPlain);  // dictionary page or PLAIN data pages
    meta.encodings.push_back(Encoding::kRle);    // definition levels
    if (!dictionary.empty()) meta.encodings.push_back(Encoding::kRleDictionary);
    meta.total_uncompressed_size = total_uncompressed;
    meta.total_compressed_size = total_compressed;
    meta.statistics = statistics(rows);

    ColumnChunk chunk;
    chunk.file_offset = 0;
    chunk.meta_data = std::move(meta);
    return chunk;
  }

  Statistics statistics(std::size_t rows) const {
    Statistics s;
    s.null_count = static_cast<std::int64_t>(rows - values.size());
    if (values.empty()) return s;
    P min = values[0];
    P max = values[0];
    for (const P& v : values) {
      if (v < min) min = v;
      if (max < v) max = v;
    }
    if constexpr (std::is_floating_point_v<P>) {
      // The format asks for -0.0 as a zero minimum and +0.0 as a zero maximum, so readers
      // that compare with either sign never skip a page wrongly.
      if (min == 0) min = -P{0};
      if (max == 0) max = P{0};
    }
    constexpr std::size_t kMaxStatisticsBytes = 256;
    if constexpr (std::same_as<P, std::string_view>) {
      // Long strings would bloat the footer; no statistics beat truncated ones we'd have to
      // mark inexact.
      if (min.size() > kMaxStatisticsBytes || max.size() > kMaxStatisticsBytes) return s;
    }
    s.min_value = statistics_bytes(min);
    s.max_value = statistics_bytes(max);
    // The legacy fields use signed order, which is right for numbers only.
    if constexpr (!std::same_as<P, std::string_view>) {
      s.min = s.min_value;
      s.max = s.max_value;
    }
    return s;
  }
};

template <typename Stored>
ColumnChunk encode_column(const Column& column, const ColumnInfo& info,
                          const ColumnChunkOptions& options, WritableFile& file,
                          std::int64_t first_row) {
  using P = decltype(physical(std::declval<const Stored&>()));
  const std::vector<Stored>& stored = column.as<Stored>();
  ChunkEncoder<P> encoder{info, options, file, {}, {}, 0, 0};
  const std::size_t rows = stored.size();
  encoder.values.reserve(rows);
  if (!info.required) encoder.levels.resize(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    bool valid = column.is_valid(i);
    if constexpr (std::is_floating_point_v<Stored>) valid = !std::isnan(stored[i]);
    if (!valid) {
      if (info.required) {
        throw invalid_input("Parquet writer: column '{}' is REQUIRED but row {} is missing",
                            info.name, first_row + static_cast<std::int64_t>(i));
      }
      continue;
    }
    const P value = physical(stored[i]);
    if constexpr (std::same_as<P, std::int32_t>) {
      const bool fits = info.logical == LogicalType::kInt8    ? value >= -128 && value <= 127
                        : info.logical == LogicalType::kInt16 ? value >= -32768 && value <= 32767
                                                              : true;
      if (!fits) {
        throw invalid_input("Parquet writer: column '{}' is annotated {} but row {} holds {}",
                            info.name, logical_type_name(info.logical),
                            first_row + static_cast<std::int64_t>(i), value);
      }
    }
    if (!info.required) encoder.levels[i] = 1;
    encoder.values.push_back(value);
  }
  return encoder.write(rows);
}

}  // namespace

ColumnChunk write_column_chunk(const Column& column, const ColumnInfo& info,
                               const ColumnChunkOptions& options, WritableFile& file,
                               std::int64_t first_row) {
  switch (column.type()) {
    case ColumnType::kInt32:
      return encode_column<std::int32_t>(column, info, options, file, first_row);
    case ColumnType::kInt64:
      return encode_column<std::int64_t>(column, info, options, file, first_row);
    case ColumnType::kFloat:
      return encode_column<float>(column, info, options, file, first_row);
    case ColumnType::kDouble:
      return encode_column<double>(column, info, options, file, first_row);
    case ColumnType::kString:
      return encode_column<std::string>(column, info, options, file, first_row);
    case ColumnType::kDate:
      return encode_column<Date>(column, info, options, file, first_row);
  }
  throw internal_error("Parquet writer: unknown column type");
}

}  // namespace gogooku3::storage::parquet
