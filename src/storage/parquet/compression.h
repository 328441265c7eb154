// Page compression: the codec chosen per file, and the compress / decompress primitives.
//
// Parquet compresses each page body on its own (v1: levels and values together; v2: values
// only). gogooku3 writes ZSTD (default), SNAPPY or nothing, and reads the same three; any other
// codec in a file (GZIP, LZ4, BROTLI, ...) is reported as unsupported. Decompression treats
// the input as hostile: the size the page header declares must match what the codec's own
// framing says before a byte is allocated, sizes are capped by kMaxPageBytes, and a codec
// error is Corruption naming `context`.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "storage/parquet/file_metadata.h"

namespace gogooku3::storage::parquet {

enum class Compression { kUncompressed, kSnappy, kZstd };

// "none", "snappy", "zstd".
std::string_view compression_name(Compression compression);
// Accepts those names; InvalidInput listing them otherwise.
Compression parse_compression(std::string_view name);

CompressionCodec codec_of(Compression compression);

// The largest page (uncompressed) either side will handle: Parquet page sizes are int32, and
// one page is normally around a megabyte.
inline constexpr std::size_t kMaxPageBytes = std::size_t{1} << 30;

std::string compress(Compression compression, std::string_view data, int zstd_level);

// Decompresses a page body of `codec` that the header says is `uncompressed_size` bytes.
// Throws InvalidInput for a codec we do not read, Corruption for bad data or a size mismatch.
std::string decompress(CompressionCodec codec, std::string_view data, std::size_t uncompressed_size,
                       const std::string& context);

}  // namespace gogooku3::storage::parquet
