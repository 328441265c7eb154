#include "features/indicators/kernel_support.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace gogooku3::features::indicators {

void require_parameter(std::string_view indicator, std::string_view parameter, int value, int min,
                       int max) {
  if (value < min || value > max) {
    throw invalid_input("{}: {} must be in [{}, {}], got {}", indicator, parameter, min, max,
                        value);
  }
}

void require_parameter(std::string_view indicator, std::string_view parameter, double value,
                       double min, double max) {
  if (!(value >= min && value <= max)) {
    throw invalid_input("{}: {} must be in [{}, {}], got {}", indicator, parameter, min, max,
                        value);
  }
}

void require_length(std::string_view indicator, size_t n, std::initializer_list<size_t> lengths) {
  for (const size_t length : lengths) {
    if (length != n) {
      throw invalid_input("{}: every input and output must have {} values, one has {}", indicator,
                          n, length);
    }
  }
}

void fill_nan_prefix(Output out, size_t count) {
  std::fill_n(out.begin(), std::min(count, out.size()), kNaN);
}

}  // namespace gogooku3::features::indicators
