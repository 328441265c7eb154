#include "storage/parquet/rle_bit_packed.h"

#include <algorithm>
#include <bit>

#include "core/error.h"

namespace gogooku3::storage::parquet {
namespace {

// Bit-packed groups are flushed in runs of at most this many values, keeping the header small.
constexpr std::size_t kMaxLiteralRun = 512;

void put_varint(std::uint64_t value, std::string& out) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

// `values.size()` is a multiple of 8 except possibly for the final run, which is zero-padded.
void put_bit_packed(std::span<const std::uint32_t> values, int bit_width, std::string& out) {
  if (values.empty()) return;
  const std::size_t groups = (values.size() + 7) / 8;
  put_varint((groups << 1) | 1, out);
  std::uint64_t buffer = 0;
  int buffered_bits = 0;
  for (std::size_t i = 0; i < groups * 8; ++i) {
    const std::uint64_t value = i < values.size() ? values[i] : 0;
    buffer |= value << buffered_bits;
    buffered_bits += bit_width;
    while (buffered_bits >= 8) {
      out.push_back(static_cast<char>(buffer & 0xff));
      buffer >>= 8;
      buffered_bits -= 8;
    }
  }
  // groups * 8 * bit_width is a multiple of 8, so nothing is left over.
}

void put_rle_run(std::uint32_t value, std::size_t count, int bit_width, std::string& out) {
  put_varint(static_cast<std::uint64_t>(count) << 1, out);
  for (int byte = 0; byte < (bit_width + 7) / 8; ++byte) {
    out.push_back(static_cast<char>((value >> (8 * byte)) & 0xff));
  }
}

}  // namespace

int bit_width_for(std::uint32_t max_value) { return static_cast<int>(std::bit_width(max_value)); }

void rle_bit_packed_encode(std::span<const std::uint32_t> values, int bit_width, std::string& out) {
  std::size_t literal_begin = 0;  // values[literal_begin, i) await bit-packing
  std::size_t i = 0;
  while (i < values.size()) {
    std::size_t run = 1;
    while (i + run < values.size() && values[i + run] == values[i]) ++run;
    const std::size_t pending = i - literal_begin;
    if (run >= 8 && pending % 8 == 0) {
      put_bit_packed(values.subspan(literal_begin, pending), bit_width, out);
      put_rle_run(values[i], run, bit_width, out);
      i += run;
      literal_begin = i;
    } else if (run >= 8) {
      // Complete the pending literal group from the run, then let the rest become a run.
      i += 8 - pending % 8;
    } else {
      i += run;
    }
    if (i - literal_begin >= kMaxLiteralRun && (i - literal_begin) % 8 == 0) {
      put_bit_packed(values.subspan(literal_begin, i - literal_begin), bit_width, out);
      literal_begin = i;
    }
  }
  // A long literal stretch is flushed in whole groups; only the final run is padded.
  std::size_t pending = values.size() - literal_begin;
  while (pending > kMaxLiteralRun) {
    put_bit_packed(values.subspan(literal_begin, kMaxLiteralRun), bit_width, out);
    literal_begin += kMaxLiteralRun;
    pending -= kMaxLiteralRun;
  }
  put_bit_packed(values.subspan(literal_begin), bit_width, out);
}

std::size_t rle_bit_packed_decode(std::string_view data, int bit_width,
                                  std::span<std::uint32_t> out, const std::string& context) {
  if (bit_width < 0 || bit_width > 32) {
    throw corruption("{}: RLE/bit-packed bit width {} is outside 0..32", context, bit_width);
  }
  const std::uint64_t max_value = (std::uint64_t{1} << bit_width) - 1;
  const std::size_t value_bytes = static_cast<std::size_t>((bit_width + 7) / 8);
  std::size_t pos = 0;
  std::size_t filled = 0;
  while (filled < out.size()) {
    std::uint64_t header = 0;
    for (int shift = 0;; shift += 7) {
      if (pos >= data.size()) {
        throw corruption("{}: RLE/bit-packed data ends after {} of {} values", context, filled,
                         out.size());
      }
      if (shift > 35) throw corruption("{}: RLE/bit-packed run header too long", context);
      const auto byte = static_cast<std::uint8_t>(data[pos++]);
      header |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) break;
    }
    const std::uint64_t count_field = header >> 1;
    if (header & 1) {
      const std::uint64_t bytes_needed = count_field * static_cast<std::uint64_t>(bit_width);
      if (bytes_needed > data.size() - pos) {
        // The last run may be cut short by a writer that omitted padding: accept what is
        // present if it covers the values still needed.
        const std::uint64_t available_values =
            bit_width == 0 ? count_field * 8 : (data.size() - pos) * 8 / bit_width;
        if (available_values < out.size() - filled) {
          throw corruption(
              "{}: bit-packed run of {} groups passes the end of the data ({} bytes left)", context,
              count_field, data.size() - pos);
        }
      }
      const std::size_t take =
          static_cast<std::size_t>(std::min<std::uint64_t>(count_field * 8, out.size() - filled));
      std::uint64_t buffer = 0;
      int buffered_bits = 0;
      std::size_t byte_pos = pos;
      for (std::size_t k = 0; k < take; ++k) {
        while (buffered_bits < bit_width) {
          buffer |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(data[byte_pos++]))
                    << buffered_bits;
          buffered_bits += 8;
        }
        out[filled + k] = static_cast<std::uint32_t>(buffer & max_value);
        buffer = bit_width == 64 ? 0 : buffer >> bit_width;
        buffered_bits -= bit_width;
      }
      filled += take;
      pos += static_cast<std::size_t>(std::min<std::uint64_t>(bytes_needed, data.size() - pos));
    } else {
      if (value_bytes > data.size() - pos) {
        throw corruption("{}: RLE run value passes the end of the data", context);
      }
      std::uint64_t value = 0;
      for (std::size_t b = 0; b < value_bytes; ++b) {
        value |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(data[pos + b])) << (8 * b);
      }
      pos += value_bytes;
      if (value > max_value) {
        throw corruption("{}: RLE run value {} does not fit {} bits", context, value, bit_width);
      }
      const std::size_t take =
          static_cast<std::size_t>(std::min<std::uint64_t>(count_field, out.size() - filled));
      std::fill_n(out.begin() + static_cast<std::ptrdiff_t>(filled), take,
                  static_cast<std::uint32_t>(value));
      filled += take;
    }
  }
  return pos;
}

}  // namespace gogooku3::storage::parquet
