#include "storage/parquet/compression.h"

#include <snappy.h>
#include <zstd.h>

#include "core/error.h"

namespace gogooku3::storage::parquet {

std::string_view compression_name(Compression compression) {
  switch (compression) {
    case Compression::kUncompressed:
      return "none";
    case Compression::kSnappy:
      return "snappy";
    case Compression::kZstd:
      return "zstd";
  }
  return "unknown";
}

Compression parse_compression(std::string_view name) {
  for (Compression c : {Compression::kUncompressed, Compression::kSnappy, Compression::kZstd}) {
    if (name == compression_name(c)) return c;
  }
  throw invalid_input("unknown Parquet compression '{}'; valid names are none, snappy, zstd", name);
}

CompressionCodec codec_of(Compression compression) {
  switch (compression) {
    case Compression::kUncompressed:
      return CompressionCodec::kUncompressed;
    case Compression::kSnappy:
      return CompressionCodec::kSnappy;
    case Compression::kZstd:
      return CompressionCodec::kZstd;
  }
  return CompressionCodec::kUncompressed;
}

std::string compress(Compression compression, std::string_view data, int zstd_level) {
  switch (compression) {
    case Compression::kUncompressed:
      return std::string(data);
    case Compression::kSnappy: {
      std::string out;
      snappy::Compress(data.data(), data.size(), &out);
      return out;
    }
    case Compression::kZstd: {
      std::string out(ZSTD_compressBound(data.size()), '\0');
      const std::size_t n =
          ZSTD_compress(out.data(), out.size(), data.data(), data.size(), zstd_level);
      if (ZSTD_isError(n)) {
        throw internal_error("zstd compression failed: {}", ZSTD_getErrorName(n));
      }
      out.resize(n);
      return out;
    }
  }
  throw internal_error("unknown compression {}", static_cast<int>(compression));
}

namespace {

std::string_view codec_name(CompressionCodec codec) {
  switch (codec) {
    case CompressionCodec::kUncompressed:
      return "UNCOMPRESSED";
    case CompressionCodec::kSnappy:
      return "SNAPPY";
    case CompressionCodec::kGzip:
      return "GZIP";
    case CompressionCodec::kLzo:
      return "LZO";
    case CompressionCodec::kBrotli:
      return "BROTLI";
    case CompressionCodec::kLz4:
      return "LZ4";
    case CompressionCodec::kZstd:
      return "ZSTD";
    case CompressionCodec::kLz4Raw:
      return "LZ4_RAW";
  }
  return "unknown";
}

}  // namespace

std::string decompress(CompressionCodec codec, std::string_view data, std::size_t uncompressed_size,
                       const std::string& context) {
  if (uncompressed_size > kMaxPageBytes) {
    throw corruption("{}: page claims {} uncompressed bytes, over the {} byte limit", context,
                     uncompressed_size, kMaxPageBytes);
  }
  switch (codec) {
    case CompressionCodec::kUncompressed:
      if (data.size() != uncompressed_size) {
        throw corruption("{}: uncompressed page is {} bytes but its header says {}", context,
                         data.size(), uncompressed_size);
      }
      return std::string(data);
    case CompressionCodec::kSnappy: {
      std::size_t length = 0;
      if (!snappy::GetUncompressedLength(data.data(), data.size(), &length)) {
        throw corruption("{}: snappy data has no valid length header", context);
      }
      if (length != uncompressed_size) {
        throw corruption("{}: snappy data holds {} bytes but the page header says {}", context,
                         length, uncompressed_size);
      }
      std::string out(length, '\0');
      if (!snappy::RawUncompress(data.data(), data.size(), out.data())) {
        throw corruption("{}: snappy data is damaged", context);
      }
      return out;
    }
    case CompressionCodec::kZstd: {
      const unsigned long long declared = ZSTD_getFrameContentSize(data.data(), data.size());
      if (declared == ZSTD_CONTENTSIZE_ERROR) {
        throw corruption("{}: zstd data has no valid frame header", context);
      }
      if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != uncompressed_size) {
        throw corruption("{}: zstd frame holds {} bytes but the page header says {}", context,
                         declared, uncompressed_size);
      }
      std::string out(uncompressed_size, '\0');
      const std::size_t n = ZSTD_decompress(out.data(), out.size(), data.data(), data.size());
      if (ZSTD_isError(n)) {
        throw corruption("{}: zstd data is damaged: {}", context, ZSTD_getErrorName(n));
      }
      if (n != uncompressed_size) {
        throw corruption("{}: zstd data holds {} bytes but the page header says {}", context, n,
                         uncompressed_size);
      }
      return out;
    }
    default:
      break;
  }
  throw invalid_input(
      "{}: compression codec {} ({}) is unsupported; gogooku3 reads "
      "UNCOMPRESSED, SNAPPY and ZSTD",
      context, codec_name(codec), static_cast<int>(codec));
}

}  // namespace gogooku3::storage::parquet
