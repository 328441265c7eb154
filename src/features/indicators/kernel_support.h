// The shared rules of every indicator kernel in features/indicators/.
//
// A kernel is a plain function over one stock's series, oldest bar first:
//   void sma(Series close, int period, Output out);
// - Inputs are spans of equal length n; every output span has length n too. The kernel writes
//   all n outputs: NaN for the first lookback rows (TA-Lib's "lookback", the number of leading
//   undefined values), the value from there on. A series no longer than the lookback is all
//   NaN; n = 0 is fine.
// - Inputs are finite. Halted days (NaN rows) are removed by the caller before a kernel sees
//   the series and the outputs are put back in place (see gap_aware.h); a kernel never has to
//   think about NaN input, which keeps the loops branch-free.
// - Every TA-Lib indicator reproduces TA-Lib 0.6's default definition: same formula, seeding,
//   lookback and guards for flat prices and zero volume (../shared/reference/indicators.md).
//   Agreement is checked against TA-Lib itself by scripts/interop-test.sh.
// - A parameter outside TA-Lib's accepted range (for example a period of 1 where TA-Lib
//   needs 2) is InvalidInput naming the indicator, the parameter and the accepted range;
//   inputs of different lengths are InvalidInput too.
// - Kernels are pure: no state, no allocation beyond small scratch vectors, safe to call from
//   any number of threads at once.
#pragma once

#include <cstddef>
#include <limits>
#include <span>
#include <string_view>

namespace gogooku3::features::indicators {

using Series = std::span<const double>;
using Output = std::span<double>;

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// InvalidInput "<indicator>: <parameter> must be in [min, max], got <value>" unless
// min <= value <= max.
void require_parameter(std::string_view indicator, std::string_view parameter, int value, int min,
                       int max = 100000);
void require_parameter(std::string_view indicator, std::string_view parameter, double value,
                       double min, double max);
// InvalidInput naming the indicator unless every span has length n.
void require_length(std::string_view indicator, size_t n, std::initializer_list<size_t> lengths);
// Fills out[0, min(count, out.size())) with NaN.
void fill_nan_prefix(Output out, size_t count);

}  // namespace gogooku3::features::indicators
