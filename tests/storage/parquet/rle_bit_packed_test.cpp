#include "storage/parquet/rle_bit_packed.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "core/error.h"

namespace gogooku3::storage::parquet {
namespace {

std::vector<std::uint32_t> decode(std::string_view bytes, int bit_width, std::size_t count) {
  std::vector<std::uint32_t> out(count);
  rle_bit_packed_decode(bytes, bit_width, out, "test");
  return out;
}

TEST(ParquetRleTest, SpecBitPackedExample) {
  // Encodings.md: 0..7 with bit width 3 pack to 10001000 11000110 11111010.
  const std::vector<std::uint32_t> values{0, 1, 2, 3, 4, 5, 6, 7};
  std::string out;
  rle_bit_packed_encode(values, 3, out);
  EXPECT_EQ(out, std::string("\x03\x88\xc6\xfa", 4));
  EXPECT_EQ(decode(out, 3, 8), values);
}

TEST(ParquetRleTest, RleRunBytes) {
  // 100 copies of 5 at bit width 3: header varint(100 << 1) = 0xc8 0x01, value one byte.
  const std::vector<std::uint32_t> values(100, 5);
  std::string out;
  rle_bit_packed_encode(values, 3, out);
  EXPECT_EQ(out, std::string("\xc8\x01\x05", 3));
  // Bit width 9 stores the run value in two bytes.
  out.clear();
  rle_bit_packed_encode(std::vector<std::uint32_t>(8, 0x1ff), 9, out);
  EXPECT_EQ(out, std::string("\x10\xff\x01", 3));
  // Bit width 0: the value takes no bytes.
  out.clear();
  rle_bit_packed_encode(std::vector<std::uint32_t>(10, 0), 0, out);
  EXPECT_EQ(out, std::string("\x14", 1));
}

TEST(ParquetRleTest, DefinitionLevelsMixed) {
  // 1,0,1 padded to a group of 8 at bit width 1: 0b00000101.
  std::string out;
  rle_bit_packed_encode(std::vector<std::uint32_t>{1, 0, 1}, 1, out);
  EXPECT_EQ(out, std::string("\x03\x05", 2));
  EXPECT_EQ(decode(out, 1, 3), (std::vector<std::uint32_t>{1, 0, 1}));
}

TEST(ParquetRleTest, DecodesHandWrittenMixedRuns) {
  // RLE run of 3 x 2, then one bit-packed group (bw 2) of 1,2,3,0,1,2,3,0.
  const std::string bytes("\x06\x02\x03\x39\x39", 5);
  EXPECT_EQ(decode(bytes, 2, 11), (std::vector<std::uint32_t>{2, 2, 2, 1, 2, 3, 0, 1, 2, 3, 0}));
}

TEST(ParquetRleTest, RoundTripsEveryBitWidth) {
  std::mt19937 rng(42);
  for (int bit_width = 0; bit_width <= 32; ++bit_width) {
    const std::uint64_t max = bit_width == 0 ? 0 : (std::uint64_t{1} << bit_width) - 1;
    std::uniform_int_distribution<std::uint64_t> value(0, max);
    std::vector<std::uint32_t> values;
    for (int block = 0; block < 40; ++block) {
      const int length = static_cast<int>(rng() % 30) + 1;
      if (rng() % 2) {
        values.insert(values.end(), length, static_cast<std::uint32_t>(value(rng)));
      } else {
        for (int i = 0; i < length; ++i) values.push_back(static_cast<std::uint32_t>(value(rng)));
      }
    }
    values.push_back(static_cast<std::uint32_t>(max));
    std::string out;
    rle_bit_packed_encode(values, bit_width, out);
    EXPECT_EQ(decode(out, bit_width, values.size()), values) << "bit width " << bit_width;
    // A long literal stretch (over one literal run) round-trips too.
    std::vector<std::uint32_t> literal(1500);
    for (std::size_t i = 0; i < literal.size(); ++i) {
      literal[i] = static_cast<std::uint32_t>(max == 0 ? 0 : (i * 7919) % (max + 1));
    }
    out.clear();
    rle_bit_packed_encode(literal, bit_width, out);
    EXPECT_EQ(decode(out, bit_width, literal.size()), literal) << "bit width " << bit_width;
  }
}

TEST(ParquetRleTest, ShortOrBadDataIsCorruption) {
  std::string out;
  rle_bit_packed_encode(std::vector<std::uint32_t>{1, 2, 3, 4, 5, 6, 7, 0}, 3, out);
  for (std::size_t cut = 0; cut < out.size(); ++cut) {
    EXPECT_THROW(decode(std::string_view(out).substr(0, cut), 3, 8), Error) << cut;
  }
  EXPECT_THROW(decode(std::string("\x02\x07", 2), 2, 1), Error);  // run value 7 > 3 bits
  EXPECT_THROW(decode("", 1, 1), Error);
  EXPECT_THROW(decode(std::string("\xff\xff\xff\xff\xff\xff\x01", 7), 1, 1), Error);
  EXPECT_THROW(decode("\x02", 33, 1), Error);
}

}  // namespace
}  // namespace gogooku3::storage::parquet
