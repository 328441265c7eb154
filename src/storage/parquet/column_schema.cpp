#include "storage/parquet/column_schema.h"

#include "core/error.h"

namespace gogooku3::storage::parquet {
namespace {

std::string_view physical_type_name(PhysicalType type) {
  switch (type) {
    case PhysicalType::kBoolean:
      return "BOOLEAN";
    case PhysicalType::kInt32:
      return "INT32";
    case PhysicalType::kInt64:
      return "INT64";
    case PhysicalType::kInt96:
      return "INT96";
    case PhysicalType::kFloat:
      return "FLOAT";
    case PhysicalType::kDouble:
      return "DOUBLE";
    case PhysicalType::kByteArray:
      return "BYTE_ARRAY";
    case PhysicalType::kFixedLenByteArray:
      return "FIXED_LEN_BYTE_ARRAY";
  }
  return "unknown";
}

LogicalTypeAnnotation integer(int bits) {
  LogicalTypeAnnotation t;
  t.kind = LogicalTypeAnnotation::Kind::kInteger;
  t.bit_width = bits;
  t.is_signed = true;
  return t;
}

// The annotation of an element, from LogicalType when present, else from ConvertedType.
// nullopt means "an annotation outside our mapping".
std::optional<LogicalType> annotation_of(const SchemaElement& e) {
  if (e.logical_type) {
    const LogicalTypeAnnotation& t = *e.logical_type;
    switch (t.kind) {
      case LogicalTypeAnnotation::Kind::kString:
        return LogicalType::kString;
      case LogicalTypeAnnotation::Kind::kDate:
        return LogicalType::kDate;
      case LogicalTypeAnnotation::Kind::kTimestamp:
        if (t.unit == TimeUnit::kMillis) return LogicalType::kTimestampMillis;
        if (t.unit == TimeUnit::kMicros) return LogicalType::kTimestampMicros;
        return std::nullopt;
      case LogicalTypeAnnotation::Kind::kInteger:
        if (!t.is_signed) return std::nullopt;
        if (t.bit_width == 8) return LogicalType::kInt8;
        if (t.bit_width == 16) return LogicalType::kInt16;
        if (t.bit_width == 32) return LogicalType::kInt32;
        if (t.bit_width == 64) return LogicalType::kInt64;
        return std::nullopt;
      case LogicalTypeAnnotation::Kind::kOther:
        return std::nullopt;
    }
  }
  if (!e.converted_type) return LogicalType::kNone;
  switch (*e.converted_type) {
    case converted_type::kUtf8:
      return LogicalType::kString;
    case converted_type::kDate:
      return LogicalType::kDate;
    case converted_type::kTimestampMillis:
      return LogicalType::kTimestampMillis;
    case converted_type::kTimestampMicros:
      return LogicalType::kTimestampMicros;
    case converted_type::kInt8:
      return LogicalType::kInt8;
    case converted_type::kInt16:
      return LogicalType::kInt16;
    case converted_type::kInt32:
      return LogicalType::kInt32;
    case converted_type::kInt64:
      return LogicalType::kInt64;
    default:
      return std::nullopt;
  }
}

}  // namespace

std::string_view logical_type_name(LogicalType type) {
  switch (type) {
    case LogicalType::kNone:
      return "none";
    case LogicalType::kString:
      return "string";
    case LogicalType::kDate:
      return "date";
    case LogicalType::kTimestampMillis:
      return "timestamp_millis";
    case LogicalType::kTimestampMicros:
      return "timestamp_micros";
    case LogicalType::kInt8:
      return "int8";
    case LogicalType::kInt16:
      return "int16";
    case LogicalType::kInt32:
      return "int32";
    case LogicalType::kInt64:
      return "int64";
  }
  return "unknown";
}

LogicalType default_logical_type(ColumnType type) {
  switch (type) {
    case ColumnType::kInt32:
      return LogicalType::kInt32;
    case ColumnType::kInt64:
      return LogicalType::kInt64;
    case ColumnType::kFloat:
    case ColumnType::kDouble:
      return LogicalType::kNone;
    case ColumnType::kString:
      return LogicalType::kString;
    case ColumnType::kDate:
      return LogicalType::kDate;
  }
  return LogicalType::kNone;
}

void check_logical_type(const Field& field, LogicalType logical) {
  bool ok = false;
  switch (field.type) {
    case ColumnType::kInt32:
      ok = logical == LogicalType::kNone || logical == LogicalType::kInt8 ||
           logical == LogicalType::kInt16 || logical == LogicalType::kInt32;
      break;
    case ColumnType::kInt64:
      ok = logical == LogicalType::kNone || logical == LogicalType::kInt64 ||
           logical == LogicalType::kTimestampMillis || logical == LogicalType::kTimestampMicros;
      break;
    case ColumnType::kFloat:
    case ColumnType::kDouble:
      ok = logical == LogicalType::kNone;
      break;
    case ColumnType::kString:
      ok = logical == LogicalType::kNone || logical == LogicalType::kString;
      break;
    case ColumnType::kDate:
      ok = logical == LogicalType::kDate;
      break;
  }
  if (!ok) {
    throw invalid_input("Parquet writer: logical type {} cannot annotate column '{}' of type {}",
                        logical_type_name(logical), field.name, column_type_name(field.type));
  }
}

PhysicalType physical_type_of(ColumnType type) {
  switch (type) {
    case ColumnType::kInt32:
    case ColumnType::kDate:
      return PhysicalType::kInt32;
    case ColumnType::kInt64:
      return PhysicalType::kInt64;
    case ColumnType::kFloat:
      return PhysicalType::kFloat;
    case ColumnType::kDouble:
      return PhysicalType::kDouble;
    case ColumnType::kString:
      return PhysicalType::kByteArray;
  }
  return PhysicalType::kInt32;
}

SchemaElement schema_element_for(const ColumnInfo& column) {
  SchemaElement e;
  e.type = physical_type_of(column.type);
  e.repetition = column.required ? Repetition::kRequired : Repetition::kOptional;
  e.name = column.name;
  LogicalTypeAnnotation t;
  switch (column.logical) {
    case LogicalType::kNone:
      return e;
    case LogicalType::kString:
      t.kind = LogicalTypeAnnotation::Kind::kString;
      e.converted_type = converted_type::kUtf8;
      break;
    case LogicalType::kDate:
      t.kind = LogicalTypeAnnotation::Kind::kDate;
      e.converted_type = converted_type::kDate;
      break;
    case LogicalType::kTimestampMillis:
    case LogicalType::kTimestampMicros:
      t.kind = LogicalTypeAnnotation::Kind::kTimestamp;
      t.adjusted_to_utc = true;
      t.unit =
          column.logical == LogicalType::kTimestampMillis ? TimeUnit::kMillis : TimeUnit::kMicros;
      // The legacy annotations mean "UTC-adjusted", which is what we write.
      e.converted_type = column.logical == LogicalType::kTimestampMillis
                             ? converted_type::kTimestampMillis
                             : converted_type::kTimestampMicros;
      break;
    case LogicalType::kInt8:
      t = integer(8);
      e.converted_type = converted_type::kInt8;
      break;
    case LogicalType::kInt16:
      t = integer(16);
      e.converted_type = converted_type::kInt16;
      break;
    case LogicalType::kInt32:
      t = integer(32);
      e.converted_type = converted_type::kInt32;
      break;
    case LogicalType::kInt64:
      t = integer(64);
      e.converted_type = converted_type::kInt64;
      break;
  }
  e.logical_type = t;
  return e;
}

ColumnInfo column_info_from(const SchemaElement& e, const std::string& file) {
  if (e.num_children && *e.num_children > 0) {
    throw invalid_input(
        "{}: column '{}' is a nested group; gogooku3 reads flat schemas only "
        "(unsupported)",
        file, e.name);
  }
  if (!e.type) throw corruption("{}: schema leaf '{}' has no physical type", file, e.name);
  if (!e.repetition) {
    throw corruption("{}: schema leaf '{}' has no repetition type", file, e.name);
  }
  if (*e.repetition == Repetition::kRepeated) {
    throw invalid_input(
        "{}: column '{}' is REPEATED; gogooku3 reads flat schemas only "
        "(unsupported)",
        file, e.name);
  }
  if (*e.repetition != Repetition::kRequired && *e.repetition != Repetition::kOptional) {
    throw corruption("{}: column '{}' has unknown repetition type {}", file, e.name,
                     static_cast<int>(*e.repetition));
  }
  ColumnInfo info{e.name, ColumnType::kInt32, LogicalType::kNone,
                  *e.repetition == Repetition::kRequired};
  const std::optional<LogicalType> logical = annotation_of(e);
  bool ok = logical.has_value();
  if (ok) {
    info.logical = *logical;
    switch (*e.type) {
      case PhysicalType::kInt32:
        if (*logical == LogicalType::kDate) {
          info.type = ColumnType::kDate;
        } else {
          info.type = ColumnType::kInt32;
          ok = *logical == LogicalType::kNone || *logical == LogicalType::kInt8 ||
               *logical == LogicalType::kInt16 || *logical == LogicalType::kInt32;
        }
        break;
      case PhysicalType::kInt64:
        info.type = ColumnType::kInt64;
        ok = *logical == LogicalType::kNone || *logical == LogicalType::kInt64 ||
             *logical == LogicalType::kTimestampMillis || *logical == LogicalType::kTimestampMicros;
        break;
      case PhysicalType::kFloat:
        info.type = ColumnType::kFloat;
        ok = *logical == LogicalType::kNone;
        break;
      case PhysicalType::kDouble:
        info.type = ColumnType::kDouble;
        ok = *logical == LogicalType::kNone;
        break;
      case PhysicalType::kByteArray:
        info.type = ColumnType::kString;
        ok = *logical == LogicalType::kNone || *logical == LogicalType::kString;
        break;
      default:
        ok = false;
    }
  }
  if (!ok) {
    std::string annotation = "no annotation";
    if (e.logical_type) {
      annotation = fmt::format("logical type #{}", static_cast<int>(e.logical_type->kind));
    } else if (e.converted_type) {
      annotation = fmt::format("converted type {}", *e.converted_type);
    }
    throw invalid_input(
        "{}: column '{}' has physical type {} with {}, which gogooku3 does not read "
        "(unsupported); supported are INT32, INT64, FLOAT, DOUBLE and BYTE_ARRAY strings",
        file, e.name, physical_type_name(*e.type), annotation);
  }
  return info;
}

}  // namespace gogooku3::storage::parquet
