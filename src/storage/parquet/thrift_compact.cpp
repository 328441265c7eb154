#include "storage/parquet/thrift_compact.h"

#include <cstring>
#include <limits>

#include "core/error.h"

namespace gogooku3::storage::parquet {

CompactReader::CompactReader(std::string_view bytes, std::string context)
    : bytes_(bytes), context_(std::move(context)) {}

void CompactReader::fail(std::string_view what) const {
  throw corruption("{}: {} (thrift offset {})", context_, what, pos_);
}

std::uint8_t CompactReader::read_byte() {
  if (pos_ >= bytes_.size()) fail("unexpected end of thrift data");
  return static_cast<std::uint8_t>(bytes_[pos_++]);
}

std::uint64_t CompactReader::read_varint() {
  std::uint64_t value = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    const std::uint8_t byte = read_byte();
    if (shift == 63 && byte > 1) fail("varint overflows 64 bits");
    value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return value;
  }
  fail("varint longer than 10 bytes");
}

std::int64_t CompactReader::read_zigzag() {
  const std::uint64_t raw = read_varint();
  return static_cast<std::int64_t>(raw >> 1) ^ -static_cast<std::int64_t>(raw & 1);
}

void CompactReader::begin_struct() {
  if (last_field_ids_.size() >= static_cast<std::size_t>(kMaxDepth)) {
    fail("structs nested too deeply");
  }
  last_field_ids_.push_back(0);
}

void CompactReader::end_struct() { last_field_ids_.pop_back(); }

std::optional<ThriftField> CompactReader::next_field() {
  const std::uint8_t header = read_byte();
  if (header == 0) return std::nullopt;
  const auto type = static_cast<ThriftType>(header & 0x0f);
  if (header & 0x0f) {
    if ((header & 0x0f) > static_cast<int>(ThriftType::kStruct)) {
      fail(fmt::format("unknown thrift field type {}", header & 0x0f));
    }
  }
  const int delta = header >> 4;
  std::int64_t id = 0;
  if (delta != 0) {
    id = static_cast<std::int64_t>(last_field_ids_.back()) + delta;
  } else {
    id = read_zigzag();
  }
  if (id < std::numeric_limits<std::int16_t>::min() ||
      id > std::numeric_limits<std::int16_t>::max()) {
    fail("field id out of range");
  }
  last_field_ids_.back() = static_cast<std::int16_t>(id);
  return ThriftField{static_cast<std::int16_t>(id), type};
}

void CompactReader::expect_type(const ThriftField& field, ThriftType type,
                                std::string_view what) const {
  if (field.type != type) {
    fail(fmt::format("field {} should be {} but has wire type {}", field.id, what,
                     static_cast<int>(field.type)));
  }
}

bool CompactReader::read_bool(const ThriftField& field) {
  if (field.type == ThriftType::kBoolTrue) return true;
  if (field.type == ThriftType::kBoolFalse) return false;
  fail(fmt::format("field {} should be a bool but has wire type {}", field.id,
                   static_cast<int>(field.type)));
}

std::int8_t CompactReader::read_i8(const ThriftField& field) {
  expect_type(field, ThriftType::kByte, "an i8");
  return static_cast<std::int8_t>(read_byte());
}

std::int16_t CompactReader::read_i16(const ThriftField& field) {
  expect_type(field, ThriftType::kI16, "an i16");
  const std::int64_t value = read_zigzag();
  if (value < std::numeric_limits<std::int16_t>::min() ||
      value > std::numeric_limits<std::int16_t>::max()) {
    fail(fmt::format("field {} does not fit an i16", field.id));
  }
  return static_cast<std::int16_t>(value);
}

std::int32_t CompactReader::read_i32(const ThriftField& field) {
  expect_type(field, ThriftType::kI32, "an i32");
  return read_i32_element(ThriftType::kI32);
}

std::int64_t CompactReader::read_i64(const ThriftField& field) {
  expect_type(field, ThriftType::kI64, "an i64");
  return read_zigzag();
}

std::string CompactReader::read_binary(const ThriftField& field) {
  expect_type(field, ThriftType::kBinary, "a binary");
  return read_binary_element(ThriftType::kBinary);
}

std::int32_t CompactReader::read_i32_element(ThriftType element_type) {
  if (element_type != ThriftType::kI32) fail("list element should be an i32");
  const std::int64_t value = read_zigzag();
  if (value < std::numeric_limits<std::int32_t>::min() ||
      value > std::numeric_limits<std::int32_t>::max()) {
    fail("value does not fit an i32");
  }
  return static_cast<std::int32_t>(value);
}

std::string CompactReader::read_binary_element(ThriftType element_type) {
  if (element_type != ThriftType::kBinary) fail("list element should be a binary");
  const std::uint64_t length = read_varint();
  if (length > bytes_.size() - pos_) {
    fail(fmt::format("binary of {} bytes passes the end of the thrift data", length));
  }
  std::string value(bytes_.substr(pos_, length));
  pos_ += length;
  return value;
}

ThriftListHeader CompactReader::read_list_header(const ThriftField& field) {
  if (field.type != ThriftType::kList && field.type != ThriftType::kSet) {
    fail(fmt::format("field {} should be a list but has wire type {}", field.id,
                     static_cast<int>(field.type)));
  }
  const std::uint8_t header = read_byte();
  std::uint64_t size = header >> 4;
  if (size == 15) size = read_varint();
  const auto element_type = static_cast<ThriftType>(header & 0x0f);
  if ((header & 0x0f) == 0 || (header & 0x0f) > static_cast<int>(ThriftType::kStruct)) {
    fail(fmt::format("unknown list element type {}", header & 0x0f));
  }
  // Every element occupies at least one byte, so a larger count is a lie.
  if (size > bytes_.size() - pos_) {
    fail(fmt::format("list claims {} elements but only {} bytes remain", size,
                     bytes_.size() - pos_));
  }
  return ThriftListHeader{element_type, static_cast<std::size_t>(size)};
}

void CompactReader::skip_element(ThriftType type) {
  // Inside containers a bool is a whole byte.
  if (type == ThriftType::kBoolTrue || type == ThriftType::kBoolFalse) {
    read_byte();
  } else {
    skip(type);
  }
}

void CompactReader::skip(ThriftType type) {
  switch (type) {
    case ThriftType::kBoolTrue:
    case ThriftType::kBoolFalse:
      return;
    case ThriftType::kByte:
      read_byte();
      return;
    case ThriftType::kI16:
    case ThriftType::kI32:
    case ThriftType::kI64:
      read_varint();
      return;
    case ThriftType::kDouble:
      if (bytes_.size() - pos_ < 8) fail("unexpected end of thrift data");
      pos_ += 8;
      return;
    case ThriftType::kBinary:
      read_binary_element(ThriftType::kBinary);
      return;
    case ThriftType::kList:
    case ThriftType::kSet: {
      const ThriftListHeader header = read_list_header(ThriftField{0, ThriftType::kList});
      begin_struct();  // counts container nesting against the depth cap
      for (std::size_t i = 0; i < header.size; ++i) skip_element(header.element_type);
      end_struct();
      return;
    }
    case ThriftType::kMap: {
      const std::uint64_t size = read_varint();
      if (size == 0) return;
      const std::uint8_t types = read_byte();
      const auto key_type = static_cast<ThriftType>(types >> 4);
      const auto value_type = static_cast<ThriftType>(types & 0x0f);
      if ((types >> 4) == 0 || (types >> 4) > 12 || (types & 0x0f) == 0 || (types & 0x0f) > 12) {
        fail("unknown map element type");
      }
      if (size > (bytes_.size() - pos_) / 2) fail("map claims more entries than bytes remain");
      begin_struct();
      for (std::uint64_t i = 0; i < size; ++i) {
        skip_element(key_type);
        skip_element(value_type);
      }
      end_struct();
      return;
    }
    case ThriftType::kStruct:
      begin_struct();
      while (const std::optional<ThriftField> field = next_field()) skip(field->type);
      end_struct();
      return;
    case ThriftType::kStop:
      break;
  }
  fail(fmt::format("cannot skip wire type {}", static_cast<int>(type)));
}

// ---- writer ----

void CompactWriter::varint(std::uint64_t value) {
  while (value >= 0x80) {
    out_.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out_.push_back(static_cast<char>(value));
}

void CompactWriter::zigzag(std::int64_t value) {
  varint((static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63));
}

void CompactWriter::field_header(std::int16_t id, ThriftType type) {
  std::int16_t& last = last_field_ids_.back();
  const int delta = id - last;
  if (delta > 0 && delta <= 15) {
    out_.push_back(static_cast<char>((delta << 4) | static_cast<int>(type)));
  } else {
    out_.push_back(static_cast<char>(type));
    zigzag(id);
  }
  last = id;
}

void CompactWriter::begin_struct() { last_field_ids_.push_back(0); }

void CompactWriter::end_struct() {
  out_.push_back(0);
  last_field_ids_.pop_back();
}

void CompactWriter::write_bool(std::int16_t id, bool value) {
  field_header(id, value ? ThriftType::kBoolTrue : ThriftType::kBoolFalse);
}

void CompactWriter::write_i8(std::int16_t id, std::int8_t value) {
  field_header(id, ThriftType::kByte);
  out_.push_back(static_cast<char>(value));
}

void CompactWriter::write_i16(std::int16_t id, std::int16_t value) {
  field_header(id, ThriftType::kI16);
  zigzag(value);
}

void CompactWriter::write_i32(std::int16_t id, std::int32_t value) {
  field_header(id, ThriftType::kI32);
  zigzag(value);
}

void CompactWriter::write_i64(std::int16_t id, std::int64_t value) {
  field_header(id, ThriftType::kI64);
  zigzag(value);
}

void CompactWriter::write_binary(std::int16_t id, std::string_view value) {
  field_header(id, ThriftType::kBinary);
  write_binary_element(value);
}

void CompactWriter::begin_struct_field(std::int16_t id) {
  field_header(id, ThriftType::kStruct);
  begin_struct();
}

void CompactWriter::begin_list_field(std::int16_t id, ThriftType element_type, std::size_t size) {
  field_header(id, ThriftType::kList);
  if (size < 15) {
    out_.push_back(static_cast<char>((size << 4) | static_cast<int>(element_type)));
  } else {
    out_.push_back(static_cast<char>(0xf0 | static_cast<int>(element_type)));
    varint(size);
  }
}

void CompactWriter::write_i32_element(std::int32_t value) { zigzag(value); }

void CompactWriter::write_binary_element(std::string_view value) {
  varint(value.size());
  out_.append(value);
}

}  // namespace gogooku3::storage::parquet
