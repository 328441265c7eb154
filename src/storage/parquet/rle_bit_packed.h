// The RLE / bit-packed hybrid encoding: Parquet's format for definition levels and
// dictionary indices.
//
// A stream is a sequence of runs, each introduced by a ULEB128 varint header:
//   header & 1 == 0: an RLE run of (header >> 1) copies of one value, stored in
//                    ceil(bit_width / 8) little-endian bytes;
//   header & 1 == 1: a bit-packed run of (header >> 1) groups of 8 values, each value
//                    bit_width bits, packed least-significant bit first (bit_width bytes per
//                    group); a final group may be padded with zeros.
// bit_width is not in the stream: definition levels use the bit width of the maximum level,
// dictionary pages store it in one byte before the runs, and v1 data pages prefix the level
// stream with its 4-byte little-endian length (see encoding.h and the page code).
//
// The decoder reads untrusted bytes: it never reads past `data`, and returns Corruption
// (via the caller's context) when the runs end before `count` values or a value exceeds the
// bit width. Both functions are pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace gogooku3::storage::parquet {

// Number of bits needed to store values up to max_value (0 for 0).
int bit_width_for(std::uint32_t max_value);

// Appends the encoding of `values` (each < 2^bit_width, bit_width 0..32) to `out`.
void rle_bit_packed_encode(std::span<const std::uint32_t> values, int bit_width, std::string& out);

// Decodes exactly out.size() values from `data`. Returns the number of bytes consumed.
// Throws Corruption prefixed with `context` when data is short or malformed.
std::size_t rle_bit_packed_decode(std::string_view data, int bit_width,
                                  std::span<std::uint32_t> out, const std::string& context);

}  // namespace gogooku3::storage::parquet
