// Thrift compact protocol: the byte format of every Parquet footer and page header.
//
// A struct is a sequence of fields, each introduced by a one-byte header whose high nibble is
// the field-id delta from the previous field (0 means a zigzag varint id follows) and whose low
// nibble is the wire type; a zero byte ends the struct. Integers are zigzag LEB128 varints,
// doubles 8 little-endian bytes, binary a varint length and the bytes, booleans live in the
// field header's type nibble (1 true, 2 false; a bool list element is one byte). A list header
// packs the size (when < 15) and the element type into one byte, else 0xF_ and a varint size.
//
// CompactReader walks untrusted bytes: every read is bounds-checked against the buffer, nesting
// depth is capped, and a list may not claim more elements than there are bytes left (every
// element takes at least one byte), so a hostile footer can neither read out of bounds nor make
// us allocate more than its own size. Any violation throws Corruption prefixed with `context`
// (which names the file and the structure being read). Unknown fields are skipped by type, so
// footers written by newer writers decode.
//
// CompactWriter appends to a std::string. Neither class is thread-safe; both are cheap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gogooku3::storage::parquet {

enum class ThriftType : std::uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

struct ThriftField {
  std::int16_t id;
  ThriftType type;
};

struct ThriftListHeader {
  ThriftType element_type;
  std::size_t size;
};

class CompactReader {
 public:
  // Structs nest at most this deep (Parquet's deepest is ~5: FileMetaData > RowGroup >
  // ColumnChunk > ColumnMetaData > Statistics); a deeper input is Corruption, not recursion.
  static constexpr int kMaxDepth = 32;

  CompactReader(std::string_view bytes, std::string context);

  // Struct framing: begin_struct(), then next_field() until it returns nullopt (the stop byte),
  // then end_struct().
  void begin_struct();
  std::optional<ThriftField> next_field();
  void end_struct();

  // Typed reads of a field's value; a wire type that does not match is Corruption.
  bool read_bool(const ThriftField& field);
  std::int8_t read_i8(const ThriftField& field);
  std::int16_t read_i16(const ThriftField& field);
  std::int32_t read_i32(const ThriftField& field);
  std::int64_t read_i64(const ThriftField& field);
  std::string read_binary(const ThriftField& field);
  // Reads a list header; `field` must be a list. Elements follow, read with the element_*
  // functions below.
  ThriftListHeader read_list_header(const ThriftField& field);
  std::int32_t read_i32_element(ThriftType element_type);
  std::string read_binary_element(ThriftType element_type);

  // Skips one value of the given wire type, recursing into containers (depth-capped).
  void skip(ThriftType type);

  std::size_t position() const { return pos_; }
  [[noreturn]] void fail(std::string_view what) const;

 private:
  std::uint8_t read_byte();
  std::uint64_t read_varint();
  std::int64_t read_zigzag();
  void expect_type(const ThriftField& field, ThriftType type, std::string_view what) const;
  void skip_element(ThriftType type);

  std::string_view bytes_;
  std::size_t pos_ = 0;
  std::string context_;
  std::vector<std::int16_t> last_field_ids_;  // one per open struct
};

class CompactWriter {
 public:
  void begin_struct();
  void end_struct();  // writes the stop byte

  void write_bool(std::int16_t id, bool value);
  void write_i8(std::int16_t id, std::int8_t value);
  void write_i16(std::int16_t id, std::int16_t value);
  void write_i32(std::int16_t id, std::int32_t value);
  void write_i64(std::int16_t id, std::int64_t value);
  void write_binary(std::int16_t id, std::string_view value);
  // A struct-valued field: write_struct_field(id) then the struct's fields, then end_struct().
  void begin_struct_field(std::int16_t id);
  // A list field; the caller then writes `size` elements with the element_* functions (for
  // struct elements: begin_struct(), fields, end_struct()).
  void begin_list_field(std::int16_t id, ThriftType element_type, std::size_t size);
  void write_i32_element(std::int32_t value);
  void write_binary_element(std::string_view value);

  const std::string& bytes() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void field_header(std::int16_t id, ThriftType type);
  void varint(std::uint64_t value);
  void zigzag(std::int64_t value);

  std::string out_;
  std::vector<std::int16_t> last_field_ids_;  // one per open struct
};

}  // namespace gogooku3::storage::parquet
