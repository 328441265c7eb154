#include "storage/parquet/column_chunk_reader.h"

#include <cmath>
#include <vector>

#include "core/error.h"
#include "storage/parquet/compression.h"
#include "storage/parquet/encoding.h"
#include "storage/parquet/rle_bit_packed.h"

namespace gogooku3::storage::parquet {
namespace {

std::string_view encoding_name(Encoding encoding) {
  switch (encoding) {
    case Encoding::kPlain:
      return "PLAIN";
    case Encoding::kPlainDictionary:
      return "PLAIN_DICTIONARY";
    case Encoding::kRle:
      return "RLE";
    case Encoding::kBitPacked:
      return "BIT_PACKED";
    case Encoding::kDeltaBinaryPacked:
      return "DELTA_BINARY_PACKED";
    case Encoding::kDeltaLengthByteArray:
      return "DELTA_LENGTH_BYTE_ARRAY";
    case Encoding::kDeltaByteArray:
      return "DELTA_BYTE_ARRAY";
    case Encoding::kRleDictionary:
      return "RLE_DICTIONARY";
    case Encoding::kByteStreamSplit:
      return "BYTE_STREAM_SPLIT";
  }
  return "unknown";
}

template <typename P>
class ChunkDecoder {
 public:
  ChunkDecoder(const ColumnInfo& info, const ColumnMetaData& meta, const std::string& context)
      : info_(info), meta_(meta), context_(context) {}

  void decode(std::string_view chunk, std::size_t rows) {
    std::size_t pos = 0;
    std::size_t rows_done = 0;
    bool seen_data_page = false;
    while (rows_done < rows) {
      if (pos >= chunk.size()) {
        throw corruption("{}: column chunk ends after {} of its {} values", context_, rows_done,
                         rows);
      }
      const std::string page_context = fmt::format("{}, page at chunk offset {}", context_, pos);
      std::size_t consumed = 0;
      const PageHeader header = decode_page_header(chunk.substr(pos), page_context, &consumed);
      pos += consumed;
      if (header.compressed_page_size < 0 || header.uncompressed_page_size < 0) {
        throw corruption("{}: negative page size ({} compressed, {} uncompressed)", page_context,
                         header.compressed_page_size, header.uncompressed_page_size);
      }
      const auto size = static_cast<std::size_t>(header.compressed_page_size);
      if (size > chunk.size() - pos) {
        throw corruption(
            "{}: page of {} bytes passes the end of the column chunk ({} bytes "
            "left)",
            page_context, size, chunk.size() - pos);
      }
      const std::string_view body = chunk.substr(pos, size);
      pos += size;
      switch (header.type) {
        case PageType::kDictionaryPage:
          if (seen_data_page || has_dictionary_) {
            throw corruption("{}: dictionary page after the chunk's first page", page_context);
          }
          read_dictionary_page(header, body, page_context);
          break;
        case PageType::kDataPage:
          rows_done += read_data_page_v1(header, body, rows - rows_done, page_context);
          seen_data_page = true;
          break;
        case PageType::kDataPageV2:
          rows_done += read_data_page_v2(header, body, rows - rows_done, page_context);
          seen_data_page = true;
          break;
        default:
          break;  // index pages and page types from the future carry no values for us
      }
    }
  }

  Column build(std::size_t rows) {
    if constexpr (std::same_as<P, std::int32_t>) {
      if (info_.type == ColumnType::kDate) {
        std::vector<Date> dates;
        dates.reserve(values_.size());
        for (std::int32_t v : values_) dates.emplace_back(v);
        return build_from<Date>(std::move(dates), rows);
      }
    }
    return build_from<P>(std::move(values_), rows);
  }

 private:
  template <typename Stored>
  Column build_from(std::vector<Stored> values, std::size_t rows) {
    if (values.size() == rows) return Column::of<Stored>(info_.name, std::move(values));
    std::vector<Stored> full(rows);
    std::size_t next = 0;
    for (std::size_t row = 0; row < rows; ++row) {
      if (present_[row]) full[row] = std::move(values[next++]);
    }
    Column column = Column::of<Stored>(info_.name, std::move(full));
    for (std::size_t row = 0; row < rows; ++row) {
      if (!present_[row]) column.set_null(row);
    }
    return column;
  }

  void read_dictionary_page(const PageHeader& header, std::string_view body,
                            const std::string& context) {
    if (!header.dictionary_page_header) {
      throw corruption("{}: dictionary page has no dictionary_page_header", context);
    }
    const DictionaryPageHeader& dict = *header.dictionary_page_header;
    if (dict.encoding != Encoding::kPlain && dict.encoding != Encoding::kPlainDictionary) {
      throw corruption("{}: dictionary page has encoding {}; it must be PLAIN", context,
                       encoding_name(dict.encoding));
    }
    if (dict.num_values < 0) {
      throw corruption("{}: dictionary page declares {} values", context, dict.num_values);
    }
    const std::string data = decompress(
        meta_.codec, body, static_cast<std::size_t>(header.uncompressed_page_size), context);
    const std::size_t used =
        plain_decode(data, static_cast<std::size_t>(dict.num_values), dictionary_, context);
    if (used != data.size()) {
      throw corruption("{}: dictionary page holds {} bytes after its {} values", context,
                       data.size() - used, dict.num_values);
    }
    has_dictionary_ = true;
  }

  std::size_t check_page_values(std::int32_t num_values, std::size_t remaining,
                                const std::string& context) const {
    if (num_values < 0 || static_cast<std::size_t>(num_values) > remaining) {
      throw corruption("{}: page declares {} values but {} remain in the column chunk", context,
                       num_values, remaining);
    }
    return static_cast<std::size_t>(num_values);
  }

  // Decodes `count` definition levels; returns how many are 1 (present).
  std::size_t read_levels(std::string_view data, std::size_t count, const std::string& context) {
    std::vector<std::uint32_t> levels(count);
    rle_bit_packed_decode(data, 1, levels, context);
    std::size_t present = 0;
    for (std::uint32_t level : levels) {
      present_.push_back(static_cast<std::uint8_t>(level));
      present += level;
    }
    return present;
  }

  std::size_t read_data_page_v1(const PageHeader& header, std::string_view body,
                                std::size_t remaining, const std::string& context) {
    if (!header.data_page_header) {
      throw corruption("{}: data page has no data_page_header", context);
    }
    const DataPageHeader& page = *header.data_page_header;
    const std::size_t count = check_page_values(page.num_values, remaining, context);
    const std::string data = decompress(
        meta_.codec, body, static_cast<std::size_t>(header.uncompressed_page_size), context);
    std::string_view values = data;
    std::size_t present = count;
    if (!info_.required) {
      if (page.definition_level_encoding != Encoding::kRle) {
        throw invalid_input("{}: definition levels in encoding {} are unsupported", context,
                            encoding_name(page.definition_level_encoding));
      }
      if (values.size() < 4) {
        throw corruption("{}: data page too short for its definition level length", context);
      }
      std::uint32_t length = 0;
      std::memcpy(&length, values.data(), 4);
      values.remove_prefix(4);
      if (length > values.size()) {
        throw corruption("{}: definition levels claim {} bytes but the page has {}", context,
                         length, values.size());
      }
      present = read_levels(values.substr(0, length), count, context);
      values.remove_prefix(length);
    }
    read_values(page.encoding, present, values, context);
    return count;
  }

  std::size_t read_data_page_v2(const PageHeader& header, std::string_view body,
                                std::size_t remaining, const std::string& context) {
    if (!header.data_page_header_v2) {
      throw corruption("{}: data page v2 has no data_page_header_v2", context);
    }
    const DataPageHeaderV2& page = *header.data_page_header_v2;
    const std::size_t count = check_page_values(page.num_values, remaining, context);
    if (page.num_rows != page.num_values) {
      throw corruption("{}: data page v2 of a flat column has {} rows but {} values", context,
                       page.num_rows, page.num_values);
    }
    if (page.repetition_levels_byte_length != 0) {
      throw corruption("{}: flat column has {} bytes of repetition levels", context,
                       page.repetition_levels_byte_length);
    }
    if (page.definition_levels_byte_length < 0 ||
        static_cast<std::size_t>(page.definition_levels_byte_length) > body.size() ||
        page.definition_levels_byte_length > header.uncompressed_page_size) {
      throw corruption("{}: definition levels of {} bytes do not fit the {} byte page", context,
                       page.definition_levels_byte_length, body.size());
    }
    if (page.num_nulls < 0 || page.num_nulls > page.num_values) {
      throw corruption("{}: page declares {} nulls among {} values", context, page.num_nulls,
                       page.num_values);
    }
    const auto levels_length = static_cast<std::size_t>(page.definition_levels_byte_length);
    std::size_t present = count;
    if (!info_.required) {
      present = read_levels(body.substr(0, levels_length), count, context);
    } else if (levels_length != 0) {
      throw corruption("{}: REQUIRED column has {} bytes of definition levels", context,
                       levels_length);
    }
    if (count - present != static_cast<std::size_t>(page.num_nulls)) {
      throw corruption("{}: page declares {} nulls but its levels hold {}", context, page.num_nulls,
                       count - present);
    }
    const std::string_view section = body.substr(levels_length);
    const auto values_size =
        static_cast<std::size_t>(header.uncompressed_page_size) - levels_length;
    std::string data;
    if (page.is_compressed && meta_.codec != CompressionCodec::kUncompressed &&
        !(section.empty() && values_size == 0)) {
      data = decompress(meta_.codec, section, values_size, context);
    } else {
      if (section.size() != values_size) {
        throw corruption("{}: uncompressed values are {} bytes but the header says {}", context,
                         section.size(), values_size);
      }
      data = section;
    }
    read_values(page.encoding, present, data, context);
    return count;
  }

  void read_values(Encoding encoding, std::size_t count, std::string_view data,
                   const std::string& context) {
    switch (encoding) {
      case Encoding::kPlain: {
        const std::size_t used = plain_decode(data, count, values_, context);
        if (used != data.size()) {
          throw corruption("{}: page holds {} bytes after its {} values", context,
                           data.size() - used, count);
        }
        return;
      }
      case Encoding::kPlainDictionary:
      case Encoding::kRleDictionary: {
        if (count == 0) return;
        if (!has_dictionary_) {
          throw corruption("{}: dictionary-encoded page but the chunk has no dictionary page",
                           context);
        }
        std::vector<std::uint32_t> indices(count);
        decode_dictionary_indices(data, dictionary_.size(), indices, context);
        values_.reserve(values_.size() + count);
        for (std::uint32_t index : indices) values_.push_back(dictionary_[index]);
        return;
      }
      default:
        throw invalid_input(
            "{}: value encoding {} ({}) is unsupported; gogooku3 reads PLAIN "
            "and dictionary encodings",
            context, encoding_name(encoding), static_cast<int>(encoding));
    }
  }

  const ColumnInfo& info_;
  const ColumnMetaData& meta_;
  const std::string& context_;
  std::vector<P> dictionary_;
  bool has_dictionary_ = false;
  std::vector<P> values_;              // present values, in row order
  std::vector<std::uint8_t> present_;  // per row, optional columns only
};

template <typename P>
Column decode_chunk(std::string_view chunk, const ColumnInfo& info, const ColumnMetaData& meta,
                    std::size_t rows, const std::string& context) {
  ChunkDecoder<P> decoder(info, meta, context);
  decoder.decode(chunk, rows);
  return decoder.build(rows);
}

}  // namespace

Column read_column_chunk(std::string_view chunk, const ColumnInfo& info, const ColumnMetaData& meta,
                         std::size_t rows, const std::string& context) {
  switch (info.type) {
    case ColumnType::kInt32:
    case ColumnType::kDate:
      return decode_chunk<std::int32_t>(chunk, info, meta, rows, context);
    case ColumnType::kInt64:
      return decode_chunk<std::int64_t>(chunk, info, meta, rows, context);
    case ColumnType::kFloat:
      return decode_chunk<float>(chunk, info, meta, rows, context);
    case ColumnType::kDouble:
      return decode_chunk<double>(chunk, info, meta, rows, context);
    case ColumnType::kString:
      return decode_chunk<std::string>(chunk, info, meta, rows, context);
  }
  throw internal_error("Parquet reader: unknown column type");
}

}  // namespace gogooku3::storage::parquet
