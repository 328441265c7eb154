#include "features/labels.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "core/error.h"

namespace gogooku3::features {

bool is_label_name(std::string_view name) { return name.starts_with("label_"); }

Table compute_labels(const Table& prices) {
  if (!prices.is_sorted_by_code_date()) {
    throw invalid_input("labels: clean prices must be sorted by (code, date)");
  }
  const auto& close = prices.column("adj_close").as<double>();
  const size_t n = prices.num_rows();
  std::vector<std::vector<double>> labels(std::size(kLabelHorizons),
                                          std::vector<double>(n, std::nan("")));
  std::vector<size_t> traded;
  for (const CodeRange& code : prices.code_ranges()) {
    traded.clear();
    for (size_t row = code.rows.begin; row < code.rows.end; ++row) {
      if (close[row] > 0 && std::isfinite(close[row])) traded.push_back(row);
    }
    for (size_t h = 0; h < std::size(kLabelHorizons); ++h) {
      const auto horizon = static_cast<size_t>(kLabelHorizons[h]);
      for (size_t k = 0; k + horizon < traded.size(); ++k) {
        labels[h][traded[k]] = close[traded[k + horizon]] / close[traded[k]] - 1.0;
      }
    }
  }
  Table out;
  out.add_column(prices.column(kCodeColumn));
  out.add_column(prices.column(kDateColumn));
  for (size_t h = 0; h < std::size(kLabelHorizons); ++h) {
    out.add_column(
        Column::of<double>(fmt::format("label_ret_{}d", kLabelHorizons[h]), std::move(labels[h])));
  }
  return std::move(out).sort_by_code_date();
}

}  // namespace gogooku3::features
