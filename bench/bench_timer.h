// A tiny timing driver for bench/: best-of-N wall time of a callable, and one printed line
// that puts gogooku3 next to its peer measured in the same run.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>

namespace gogooku3::bench {

template <typename F>
double best_seconds(int repeats, F&& work) {
  double best = std::numeric_limits<double>::infinity();
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    work();
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    best = std::min(best, elapsed.count());
  }
  return best;
}

inline void report(const char* what, double ours, const char* peer_name, double peer) {
  std::printf("%-44s gogooku3 %10.3f ms   %-26s %10.3f ms   speed-up x%.2f\n", what,
              ours * 1e3, peer_name, peer * 1e3, peer / ours);
}

}  // namespace gogooku3::bench
