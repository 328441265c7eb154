#include "storage/parquet/encoding.h"

#include "core/error.h"
#include "storage/parquet/rle_bit_packed.h"

namespace gogooku3::storage::parquet {

template <FixedWidthValue T>
std::size_t plain_decode(std::string_view data, std::size_t count, std::vector<T>& out,
                         const std::string& context) {
  if (count > data.size() / sizeof(T)) {
    throw corruption("{}: PLAIN data of {} bytes cannot hold {} values of {} bytes", context,
                     data.size(), count, sizeof(T));
  }
  const std::size_t old_size = out.size();
  out.resize(old_size + count);
  if (count > 0) std::memcpy(out.data() + old_size, data.data(), count * sizeof(T));
  return count * sizeof(T);
}

template std::size_t plain_decode(std::string_view, std::size_t, std::vector<std::int32_t>&,
                                  const std::string&);
template std::size_t plain_decode(std::string_view, std::size_t, std::vector<std::int64_t>&,
                                  const std::string&);
template std::size_t plain_decode(std::string_view, std::size_t, std::vector<float>&,
                                  const std::string&);
template std::size_t plain_decode(std::string_view, std::size_t, std::vector<double>&,
                                  const std::string&);

std::size_t plain_decode(std::string_view data, std::size_t count, std::vector<std::string>& out,
                         const std::string& context) {
  // Each value takes at least its 4-byte length, which bounds the reservation.
  if (count > data.size() / 4) {
    throw corruption("{}: PLAIN data of {} bytes cannot hold {} byte arrays", context, data.size(),
                     count);
  }
  out.reserve(out.size() + count);
  std::size_t pos = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (data.size() - pos < 4) {
      throw corruption("{}: PLAIN byte array {} of {} has no length (data ends)", context, i,
                       count);
    }
    std::uint32_t length = 0;
    std::memcpy(&length, data.data() + pos, 4);
    pos += 4;
    if (length > data.size() - pos) {
      throw corruption("{}: PLAIN byte array {} claims {} bytes but only {} remain", context, i,
                       length, data.size() - pos);
    }
    out.emplace_back(data.substr(pos, length));
    pos += length;
  }
  return pos;
}

void encode_dictionary_indices(std::span<const std::uint32_t> indices, int bit_width,
                               std::string& out) {
  out.push_back(static_cast<char>(bit_width));
  rle_bit_packed_encode(indices, bit_width, out);
}

void decode_dictionary_indices(std::string_view data, std::size_t dictionary_size,
                               std::span<std::uint32_t> out, const std::string& context) {
  if (out.empty()) return;
  if (data.empty()) throw corruption("{}: dictionary-encoded page has no bit width", context);
  const int bit_width = static_cast<std::uint8_t>(data[0]);
  if (bit_width > 32) {
    throw corruption("{}: dictionary index bit width {} is over 32", context, bit_width);
  }
  rle_bit_packed_decode(data.substr(1), bit_width, out, context);
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] >= dictionary_size) {
      throw corruption("{}: dictionary index {} is out of range (dictionary has {} values)",
                       context, out[i], dictionary_size);
    }
  }
}

}  // namespace gogooku3::storage::parquet
