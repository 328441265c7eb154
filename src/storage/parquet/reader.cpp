#include "storage/parquet/reader.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <exception>
#include <limits>
#include <mutex>
#include <set>
#include <thread>

#include "core/error.h"
#include "storage/parquet/column_chunk_reader.h"
#include "storage/parquet/statistics.h"

namespace gogooku3::storage::parquet {
namespace {

constexpr std::uint64_t kTailReadBytes = std::uint64_t{64} * 1024;
constexpr std::uint64_t kMagicBytes = 4;
constexpr std::uint64_t kMinFileBytes = 12;  // "PAR1", footer length, "PAR1"

std::int64_t chunk_start(const ColumnMetaData& meta) {
  if (meta.dictionary_page_offset && *meta.dictionary_page_offset > 0 &&
      *meta.dictionary_page_offset < meta.data_page_offset) {
    return *meta.dictionary_page_offset;
  }
  return meta.data_page_offset;
}

std::string join_names(const std::vector<ColumnInfo>& columns) {
  std::string out;
  for (const ColumnInfo& c : columns) {
    if (!out.empty()) out += ", ";
    out += c.name;
  }
  return out;
}

}  // namespace

Reader Reader::open(std::shared_ptr<const RandomAccessFile> file) {
  if (!file) throw invalid_input("Parquet reader: no file given");
  Reader reader;
  reader.name_ = file->name();
  const std::string& name = reader.name_;
  const std::uint64_t size = file->size();
  if (size < kMinFileBytes) {
    throw corruption("{}: {} bytes is too small for a Parquet file (at least {} needed)", name,
                     size, kMinFileBytes);
  }
  const std::uint64_t tail_length = std::min(size, kTailReadBytes);
  const std::string tail = file->read(size - tail_length, tail_length);
  const std::string_view trailer = std::string_view(tail).substr(tail.size() - 8);
  if (trailer.substr(4) == "PARE") {
    throw invalid_input("{}: the Parquet file is encrypted (unsupported)", name);
  }
  if (trailer.substr(4) != "PAR1") {
    throw corruption(
        "{}: no Parquet magic 'PAR1' at the end of the file; it is not Parquet or "
        "was truncated",
        name);
  }
  std::uint32_t footer_length = 0;
  std::memcpy(&footer_length, trailer.data(), 4);
  if (footer_length > size - kMinFileBytes) {
    throw corruption("{}: footer length {} passes the start of the {} byte file", name,
                     footer_length, size);
  }
  reader.footer_start_ = size - 8 - footer_length;
  std::string footer;
  if (footer_length + 8 <= tail_length) {
    footer = tail.substr(tail.size() - 8 - footer_length, footer_length);
  } else {
    footer = file->read(reader.footer_start_, footer_length);
  }
  if (tail_length == size && std::string_view(tail).substr(0, kMagicBytes) != "PAR1") {
    throw corruption("{}: no Parquet magic 'PAR1' at the start of the file", name);
  }
  reader.metadata_ = decode_file_metadata(footer, name + ": footer");
  reader.file_ = std::move(file);
  reader.validate_and_index();
  return reader;
}

void Reader::validate_and_index() {
  const FileMetaData& m = metadata_;
  if (m.schema.empty()) throw corruption("{}: footer has an empty schema", name_);
  const SchemaElement& root = m.schema.front();
  const std::int64_t declared_columns = root.num_children.value_or(0);
  std::set<std::string> names;
  for (std::size_t i = 1; i < m.schema.size(); ++i) {
    ColumnInfo info = column_info_from(m.schema[i], name_);
    if (!names.insert(info.name).second) {
      throw invalid_input("{}: column name '{}' appears twice (unsupported)", name_, info.name);
    }
    columns_.push_back(std::move(info));
  }
  if (declared_columns != static_cast<std::int64_t>(columns_.size())) {
    throw corruption("{}: schema root declares {} columns but {} follow", name_, declared_columns,
                     columns_.size());
  }
  if (m.num_rows < 0) throw corruption("{}: footer declares {} rows", name_, m.num_rows);
  if (m.row_groups.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw corruption("{}: {} row groups", name_, m.row_groups.size());
  }
  std::int64_t total_rows = 0;
  for (std::size_t g = 0; g < m.row_groups.size(); ++g) {
    const RowGroup& group = m.row_groups[g];
    const std::string context = fmt::format("{}: row group {}", name_, g);
    if (group.num_rows < 0 ||
        group.num_rows > std::numeric_limits<std::int64_t>::max() - total_rows) {
      throw corruption("{}: declares {} rows", context, group.num_rows);
    }
    total_rows += group.num_rows;
    if (group.columns.size() != columns_.size()) {
      throw corruption("{}: has {} column chunks for {} columns", context, group.columns.size(),
                       columns_.size());
    }
    RowGroupInfo info;
    info.num_rows = group.num_rows;
    info.total_byte_size = group.total_byte_size;
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      const ColumnChunk& chunk = group.columns[c];
      const ColumnInfo& column = columns_[c];
      const std::string chunk_context = fmt::format("{}, column '{}'", context, column.name);
      if (chunk.file_path) {
        throw invalid_input("{}: data lives in another file '{}' (unsupported)", chunk_context,
                            *chunk.file_path);
      }
      if (chunk.encrypted) throw invalid_input("{}: is encrypted (unsupported)", chunk_context);
      if (!chunk.meta_data) throw corruption("{}: has no column metadata", chunk_context);
      const ColumnMetaData& meta = *chunk.meta_data;
      if (meta.type != *m.schema[c + 1].type) {
        throw corruption("{}: chunk has physical type {} but the schema says {}", chunk_context,
                         static_cast<int>(meta.type), static_cast<int>(*m.schema[c + 1].type));
      }
      if (meta.path_in_schema.size() != 1 || meta.path_in_schema[0] != column.name) {
        throw corruption("{}: chunk's path_in_schema does not name the column", chunk_context);
      }
      if (meta.num_values != group.num_rows) {
        throw corruption("{}: chunk has {} values for {} rows", chunk_context, meta.num_values,
                         group.num_rows);
      }
      const std::int64_t start = chunk_start(meta);
      const auto limit = static_cast<std::int64_t>(footer_start_);
      auto outside = [&](std::int64_t offset) {
        return offset < static_cast<std::int64_t>(kMagicBytes) || offset > limit;
      };
      // Some old writers leave dictionary_page_offset 0; chunk_start() ignores it then.
      if (outside(meta.data_page_offset) ||
          (meta.dictionary_page_offset.value_or(0) != 0 && outside(*meta.dictionary_page_offset))) {
        throw corruption(
            "{}: page offsets (data {}, dictionary {}) lie outside the file's data "
            "[4, {})",
            chunk_context, meta.data_page_offset, meta.dictionary_page_offset.value_or(0), limit);
      }
      if (start < static_cast<std::int64_t>(kMagicBytes) || start > limit ||
          meta.total_compressed_size < 0 || meta.total_compressed_size > limit - start) {
        throw corruption("{}: chunk bytes [{}, +{}) lie outside the file's data [4, {})",
                         chunk_context, start, meta.total_compressed_size, limit);
      }
      ColumnChunkStats stats;
      stats.column = column.name;
      stats.null_count = -1;
      if (meta.statistics) {
        if (meta.statistics->null_count) {
          if (*meta.statistics->null_count < 0 || *meta.statistics->null_count > group.num_rows) {
            throw corruption("{}: statistics claim {} nulls among {} rows", chunk_context,
                             *meta.statistics->null_count, group.num_rows);
          }
          stats.null_count = *meta.statistics->null_count;
        }
        if (const auto bounds = usable_min_max(*meta.statistics, column, chunk_context)) {
          stats.min_text = statistics_value_text(bounds->first, column);
          stats.max_text = statistics_value_text(bounds->second, column);
        }
      }
      info.columns.push_back(std::move(stats));
    }
    row_groups_.push_back(std::move(info));
  }
  if (total_rows != m.num_rows) {
    throw corruption("{}: footer declares {} rows but its row groups hold {}", name_, m.num_rows,
                     total_rows);
  }
  for (const KeyValue& kv : m.key_value_metadata) {
    key_value_metadata_.emplace_back(kv.key, kv.value.value_or(""));
  }
  created_by_ = m.created_by.value_or("");
}

const RowGroupInfo& Reader::row_group(int index) const {
  if (index < 0 || index >= num_row_groups()) {
    throw invalid_input("{}: row group {} does not exist (the file has {})", name_, index,
                        num_row_groups());
  }
  return row_groups_[static_cast<std::size_t>(index)];
}

std::size_t Reader::column_index(std::string_view name, std::string_view purpose) const {
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].name == name) return i;
  }
  throw not_found("{}: no column '{}' ({}); columns are: {}", name_, name, purpose,
                  join_names(columns_));
}

std::vector<std::size_t> Reader::projection(const std::vector<std::string>& names) const {
  std::vector<std::size_t> indices;
  if (names.empty()) {
    for (std::size_t i = 0; i < columns_.size(); ++i) indices.push_back(i);
    return indices;
  }
  std::set<std::string_view> seen;
  for (const std::string& name : names) {
    if (!seen.insert(name).second) {
      throw invalid_input("{}: column '{}' is requested twice", name_, name);
    }
    indices.push_back(column_index(name, "requested"));
  }
  return indices;
}

Reader::FetchedChunk Reader::fetch_chunk(int group_index, std::size_t c) const {
  const RowGroup& group = metadata_.row_groups[static_cast<std::size_t>(group_index)];
  const ColumnMetaData& meta = *group.columns[c].meta_data;
  auto start = static_cast<std::uint64_t>(chunk_start(meta));
  auto length = static_cast<std::size_t>(meta.total_compressed_size);
  // The first chunk follows the leading magic; reading it too checks the magic for free.
  const bool with_magic = start == kMagicBytes;
  if (with_magic) {
    start = 0;
    length += kMagicBytes;
  }
  FetchedChunk fetched{group_index, c, file_->read(start, length), 0};
  if (with_magic) {
    if (std::string_view(fetched.bytes).substr(0, kMagicBytes) != "PAR1") {
      throw corruption("{}: no Parquet magic 'PAR1' at the start of the file", name_);
    }
    fetched.skip = kMagicBytes;
  }
  return fetched;
}

std::vector<Column> Reader::decode_chunks(const std::vector<FetchedChunk>& chunks,
                                          unsigned threads) const {
  // Below this much compressed data a thread costs more than it saves.
  constexpr std::size_t kParallelBytes = std::size_t{4} << 20;
  const auto decode = [&](const FetchedChunk& fetched) {
    const RowGroup& group = metadata_.row_groups[static_cast<std::size_t>(fetched.group)];
    const std::string context = fmt::format("{}: row group {}, column '{}'", name_, fetched.group,
                                            columns_[fetched.column].name);
    return read_column_chunk(fetched.chunk(), columns_[fetched.column],
                             *group.columns[fetched.column].meta_data,
                             static_cast<std::size_t>(group.num_rows), context);
  };
  std::size_t bytes = 0;
  for (const FetchedChunk& fetched : chunks) bytes += fetched.bytes.size();
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, chunks.size()));
  std::vector<std::optional<Column>> decoded(chunks.size());
  if (threads <= 1 || bytes < kParallelBytes) {
    for (std::size_t i = 0; i < chunks.size(); ++i) decoded[i].emplace(decode(chunks[i]));
  } else {
    // Workers take the next chunk until none is left; the first failure is rethrown here.
    std::atomic<std::size_t> next{0};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    const auto work = [&] {
      for (std::size_t i; (i = next.fetch_add(1)) < chunks.size();) {
        try {
          decoded[i].emplace(decode(chunks[i]));
        } catch (...) {
          const std::lock_guard lock(failure_mutex);
          if (!failure) failure = std::current_exception();
          next = chunks.size();
        }
      }
    };
    std::vector<std::thread> workers;
    for (unsigned t = 1; t < threads; ++t) workers.emplace_back(work);
    work();
    for (std::thread& worker : workers) worker.join();
    if (failure) std::rethrow_exception(failure);
  }
  std::vector<Column> columns;
  columns.reserve(chunks.size());
  for (std::optional<Column>& column : decoded) columns.push_back(std::move(*column));
  return columns;
}

Table Reader::read_row_group(int index, const std::vector<std::string>& names,
                             unsigned threads) const {
  row_group(index);  // InvalidInput for an index out of range
  std::vector<FetchedChunk> chunks;
  for (std::size_t c : projection(names)) chunks.push_back(fetch_chunk(index, c));
  return Table(decode_chunks(chunks, threads));
}

void Reader::check_predicate_columns(const ReadOptions& options) const {
  if (options.date_from || options.date_to) {
    const std::size_t i = column_index(kDateColumn, "needed by the date filter");
    if (columns_[i].type != ColumnType::kDate) {
      throw invalid_input("{}: column 'date' is {}, not date; cannot filter by date", name_,
                          column_type_name(columns_[i].type));
    }
  }
  if (options.codes) {
    const std::size_t i = column_index(kCodeColumn, "needed by the code filter");
    if (columns_[i].type != ColumnType::kString) {
      throw invalid_input("{}: column 'code' is {}, not string; cannot filter by code", name_,
                          column_type_name(columns_[i].type));
    }
  }
}

bool Reader::row_group_may_match(int index, const ReadOptions& options) const {
  const RowGroup& group = metadata_.row_groups[static_cast<std::size_t>(index)];
  const std::string context = fmt::format("{}: row group {}", name_, index);
  // A predicate column whose chunk is all null matches nothing.
  auto all_null = [&](const ColumnMetaData& meta) {
    return meta.statistics && meta.statistics->null_count &&
           *meta.statistics->null_count == group.num_rows;
  };
  if (options.date_from || options.date_to) {
    if (options.date_from && options.date_to && *options.date_from > *options.date_to) {
      return false;
    }
    const std::size_t c = column_index(kDateColumn, "needed by the date filter");
    const ColumnMetaData& meta = *group.columns[c].meta_data;
    if (all_null(meta)) return false;
    if (meta.statistics) {
      if (const auto bounds = usable_min_max(*meta.statistics, columns_[c], context)) {
        std::int32_t min = 0;
        std::int32_t max = 0;
        std::memcpy(&min, bounds->first.data(), 4);
        std::memcpy(&max, bounds->second.data(), 4);
        if (options.date_from && max < options.date_from->days_since_epoch()) return false;
        if (options.date_to && min > options.date_to->days_since_epoch()) return false;
      }
    }
  }
  if (options.codes) {
    if (options.codes->empty()) return false;
    const std::size_t c = column_index(kCodeColumn, "needed by the code filter");
    const ColumnMetaData& meta = *group.columns[c].meta_data;
    if (all_null(meta)) return false;
    if (meta.statistics) {
      if (const auto bounds = usable_min_max(*meta.statistics, columns_[c], context)) {
        const bool any =
            std::any_of(options.codes->begin(), options.codes->end(), [&](const std::string& code) {
              return bounds->first <= code && code <= bounds->second;
            });
        if (!any) return false;
      }
    }
  }
  return true;
}

std::vector<int> Reader::row_groups_matching(const ReadOptions& options) const {
  check_predicate_columns(options);
  std::vector<int> matching;
  for (int g = 0; g < num_row_groups(); ++g) {
    if (row_group_may_match(g, options)) matching.push_back(g);
  }
  return matching;
}

Table Reader::read(const ReadOptions& options) const {
  const std::vector<std::size_t> projected = projection(options.columns);
  std::vector<std::string> output_names;
  for (std::size_t c : projected) output_names.push_back(columns_[c].name);
  const bool by_date = options.date_from.has_value() || options.date_to.has_value();
  const bool by_code = options.codes.has_value();
  std::vector<std::string> read_names = output_names;
  auto add_read = [&](std::string_view name) {
    if (std::find(read_names.begin(), read_names.end(), name) == read_names.end()) {
      read_names.emplace_back(name);
    }
  };
  if (by_date) add_read(kDateColumn);
  if (by_code) add_read(kCodeColumn);
  const std::set<std::string> code_set =
      by_code ? std::set<std::string>(options.codes->begin(), options.codes->end())
              : std::set<std::string>();

  // Rows are appended to columns sized for every matching row group up front, and each row
  // group's table is dropped right after: the peak is the result plus one row group, not two
  // copies of the result as with a concatenation at the end.
  const std::vector<int> groups = row_groups_matching(options);
  std::size_t capacity = 0;
  for (int g : groups) capacity += static_cast<std::size_t>(row_groups_[g].num_rows);
  std::vector<Column> out;
  for (std::size_t c : projected) {
    out.emplace_back(columns_[c].name, columns_[c].type);
    out.back().reserve(capacity);
  }
  const auto append_filtered = [&](Table part) {
    if (by_date || by_code) {
      std::vector<std::size_t> keep;
      const Column* dates = by_date ? &part.column(kDateColumn) : nullptr;
      const Column* codes = by_code ? &part.column(kCodeColumn) : nullptr;
      for (std::size_t row = 0; row < part.num_rows(); ++row) {
        if (dates) {
          if (!dates->is_valid(row)) continue;
          const Date date = dates->as<Date>()[row];
          if (options.date_from && date < *options.date_from) continue;
          if (options.date_to && date > *options.date_to) continue;
        }
        if (codes) {
          if (!codes->is_valid(row) || !code_set.contains(codes->as<std::string>()[row])) {
            continue;
          }
        }
        keep.push_back(row);
      }
      if (keep.size() != part.num_rows()) part = part.take(keep);
      if (read_names.size() != output_names.size()) part = part.select(output_names);
    }
    for (std::size_t c = 0; c < out.size(); ++c) out[c].append_rows(part.column(out[c].name()));
  };
  // Row groups go in windows of one per thread: the window's chunks are read in turn on this
  // thread, decoded in parallel, then filtered and appended in file order.
  const unsigned threads =
      options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  const std::vector<std::size_t> read_columns = projection(read_names);
  for (std::size_t first = 0; first < groups.size(); first += threads) {
    const std::size_t last = std::min(groups.size(), first + threads);
    std::vector<FetchedChunk> chunks;
    for (std::size_t w = first; w < last; ++w) {
      for (std::size_t c : read_columns) chunks.push_back(fetch_chunk(groups[w], c));
    }
    std::vector<Column> decoded = decode_chunks(chunks, threads);
    chunks.clear();
    for (std::size_t w = first; w < last; ++w) {
      std::vector<Column> group_columns;
      for (std::size_t i = 0; i < read_columns.size(); ++i) {
        group_columns.push_back(std::move(decoded[(w - first) * read_columns.size() + i]));
      }
      append_filtered(Table(std::move(group_columns)));
    }
  }
  return Table(std::move(out));
}

Reader open_file(const std::filesystem::path& path) {
  return Reader::open(std::shared_ptr<const RandomAccessFile>(open_local_file(path)));
}

}  // namespace gogooku3::storage::parquet
