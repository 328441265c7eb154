// RandomStream: the sample market's only source of randomness — a counter-based generator.
//
// A stream is named by (seed, purpose, stock, day) and hashed once into a key; its n-th draw is
// splitmix64(key + n * golden ratio). Nothing is carried from one day or stock to the next, so
// the value drawn for stock 17 on 2019-05-07 is the same however the simulation got there, how
// many stocks it has or how far it runs. The distributions (uniform, normal by the polar
// Box-Muller method, Student-t by Bailey's polar method) are written out here rather than taken
// from <random>, whose distributions differ between standard libraries. The one platform dependence
// left is <cmath> (log and pow; sqrt is exact): the same C library gives the same bits.
//
// A RandomStream is a small value; make one where it is needed. Not thread-safe (it counts).
#pragma once

#include <cmath>
#include <cstdint>

namespace gogooku3::market::sample {

// What a stream is for. The numbers are part of the output: never renumber, only append.
enum class StreamPurpose : uint64_t {
  kUniverse = 1,         // a stock's static traits (sector, size, price, market)
  kCorporateEvents = 2,  // a stock's delisting day and split schedule
  kMarketFactor = 3,
  kSectorFactor = 4,
  kIdiosyncratic = 5,  // a stock's daily return shock
  kIntraday = 6,       // a stock's open, high, low and volume
  kHalt = 7,
  kListings = 8,       // how many stocks list on a day
  kInvestorFlows = 9,  // a section's weekly flows
  kCodes = 10,         // the order in which codes are handed out
  kTopixIntraday = 11,
};

// splitmix64's finaliser: a bijection of 64-bit words with good avalanche.
constexpr uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class RandomStream {
 public:
  static constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

  RandomStream(uint64_t seed, StreamPurpose purpose, uint64_t stock, int64_t day)
      : key_(mix64(mix64(mix64(mix64(seed + kGolden) ^ static_cast<uint64_t>(purpose)) ^ stock) ^
                   static_cast<uint64_t>(day))) {}

  uint64_t next_u64() { return mix64(key_ + (++counter_) * kGolden); }

  // In (0, 1): never exactly 0 or 1, so log() and division are always safe.
  double uniform() { return (static_cast<double>(next_u64() >> 11) + 0.5) * 0x1.0p-53; }

  // Standard normal by Marsaglia's polar form of Box-Muller (no sin/cos); the second value of
  // each pair is kept for the next call.
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    for (;;) {
      const double u = 2.0 * uniform() - 1.0;
      const double v = 2.0 * uniform() - 1.0;
      const double s = u * u + v * v;
      if (s >= 1.0 || s == 0.0) continue;
      const double scale = std::sqrt(-2.0 * std::log(s) / s);
      spare_ = v * scale;
      has_spare_ = true;
      return u * scale;
    }
  }

  // Student-t with `dof` degrees of freedom (dof > 2), scaled to unit variance. Bailey's polar
  // method: one accepted point of the unit disc per value (about 79% are accepted).
  double student_t(double dof) {
    for (;;) {
      const double u = 2.0 * uniform() - 1.0;
      const double v = 2.0 * uniform() - 1.0;
      const double w = u * u + v * v;
      if (w >= 1.0) continue;
      const double t = u * std::sqrt(dof * (std::pow(w, -2.0 / dof) - 1.0) / w);
      return t * std::sqrt((dof - 2.0) / dof);
    }
  }

  bool bernoulli(double probability) { return uniform() < probability; }

  // Exponential with the given rate (mean 1 / rate).
  double exponential(double rate) { return -std::log(uniform()) / rate; }

  // Uniform integer in [0, n), n > 0.
  uint64_t below(uint64_t n) {
    const auto k = static_cast<uint64_t>(uniform() * static_cast<double>(n));
    return k < n ? k : n - 1;
  }

 private:
  uint64_t key_;
  uint64_t counter_ = 0;
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace gogooku3::market::sample
