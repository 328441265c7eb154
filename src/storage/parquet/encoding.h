// Value encodings of Parquet pages: PLAIN and dictionary indices.
//
// PLAIN stores values back to back: INT32/FLOAT as 4 little-endian bytes, INT64/DOUBLE as 8,
// BYTE_ARRAY as a 4-byte little-endian length followed by the bytes. Statistics use the same
// bytes, minus the length prefix for byte arrays.
//
// Dictionary encoding splits a column chunk into one dictionary page (the distinct values,
// PLAIN) and data pages holding indices into it: one byte with the index bit width, then the
// indices in the RLE/bit-packed hybrid (rle_bit_packed.h). Writers call the encoding
// RLE_DICTIONARY; old writers say PLAIN_DICTIONARY for the same bytes.
//
// Decoders take untrusted bytes and a count from a page header: they check that the bytes
// hold exactly that many values (fixed width) or at least that many well-formed ones (byte
// arrays, whose lengths are checked before anything is allocated) and throw Corruption
// prefixed with `context` otherwise. This code assumes a little-endian host.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gogooku3::storage::parquet {

static_assert(std::endian::native == std::endian::little, "PLAIN encoding assumes little-endian");

template <typename T>
concept FixedWidthValue = std::same_as<T, std::int32_t> || std::same_as<T, std::int64_t> ||
    std::same_as<T, float> || std::same_as<T, double>;

template <FixedWidthValue T>
void plain_encode(T value, std::string& out) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

inline void plain_encode(std::string_view value, std::string& out) {
  plain_encode(static_cast<std::int32_t>(value.size()), out);
  out.append(value);
}

// Appends `count` values decoded from the front of `data` to `out`; returns bytes consumed.
template <FixedWidthValue T>
std::size_t plain_decode(std::string_view data, std::size_t count, std::vector<T>& out,
                         const std::string& context);
std::size_t plain_decode(std::string_view data, std::size_t count, std::vector<std::string>& out,
                         const std::string& context);

// One value's PLAIN bytes as a statistics value (no length prefix for byte arrays).
template <FixedWidthValue T>
std::string statistics_bytes(T value) {
  std::string out;
  plain_encode(value, out);
  return out;
}
inline std::string statistics_bytes(std::string_view value) { return std::string(value); }

// A dictionary data page body: the bit width byte, then the indices.
void encode_dictionary_indices(std::span<const std::uint32_t> indices, int bit_width,
                               std::string& out);
// Decodes out.size() indices and checks each is below dictionary_size.
void decode_dictionary_indices(std::string_view data, std::size_t dictionary_size,
                               std::span<std::uint32_t> out, const std::string& context);

}  // namespace gogooku3::storage::parquet
