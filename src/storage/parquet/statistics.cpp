#include "storage/parquet/statistics.h"

#include <cstring>

#include "core/date.h"
#include "core/error.h"

namespace gogooku3::storage::parquet {
namespace {

std::size_t fixed_width(ColumnType type) {
  switch (type) {
    case ColumnType::kInt32:
    case ColumnType::kDate:
    case ColumnType::kFloat:
      return 4;
    case ColumnType::kInt64:
    case ColumnType::kDouble:
      return 8;
    case ColumnType::kString:
      return 0;
  }
  return 0;
}

template <typename T>
T load(const std::string& bytes) {
  T value{};
  std::memcpy(&value, bytes.data(), sizeof(T));
  return value;
}

}  // namespace

std::optional<std::pair<std::string, std::string>> usable_min_max(const Statistics& statistics,
                                                                  const ColumnInfo& info,
                                                                  const std::string& context) {
  std::optional<std::pair<std::string, std::string>> result;
  if (statistics.min_value && statistics.max_value) {
    result.emplace(*statistics.min_value, *statistics.max_value);
  } else if (info.type != ColumnType::kString && statistics.min && statistics.max) {
    result.emplace(*statistics.min, *statistics.max);
  }
  if (!result) return result;
  const std::size_t width = fixed_width(info.type);
  if (width != 0 && (result->first.size() != width || result->second.size() != width)) {
    throw corruption("{}: statistics of column '{}' are {} and {} bytes, not {}", context,
                     info.name, result->first.size(), result->second.size(), width);
  }
  return result;
}

std::string statistics_value_text(const std::string& bytes, const ColumnInfo& info) {
  switch (info.type) {
    case ColumnType::kInt32:
      return std::to_string(load<std::int32_t>(bytes));
    case ColumnType::kInt64:
      return std::to_string(load<std::int64_t>(bytes));
    case ColumnType::kFloat:
      return fmt::format("{}", load<float>(bytes));
    case ColumnType::kDouble:
      return fmt::format("{}", load<double>(bytes));
    case ColumnType::kDate:
      return Date(load<std::int32_t>(bytes)).to_string();
    case ColumnType::kString:
      return bytes;
  }
  return bytes;
}

}  // namespace gogooku3::storage::parquet
