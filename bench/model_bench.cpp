// ATFT-GAT-FAN speed on this machine (issue 8's performance section), on synthetic inputs of
// the production shape (127 features, a stock graph with ~20 neighbours per stock):
//   - training: ms per day-batch (forward, pinball + correlation loss, backward, AdamW step)
//     and samples (stocks) per second, for a profile at a number of stocks per day;
//   - inference: ms to score one day of 4,000 stocks (forward only, no gradient);
//   - peak resident memory of the process.
// Usage: build/release/bench/model_bench [--profile cpu|gpu] [--stocks 500] [--steps 20]
//        [--infer-stocks 4000] [--threads 0]
// There is no peer binary to compare against here (the predecessor is Python); the numbers go
// into the issue notes. A CUDA LibTorch runs the same code on the GPU when one is present.
#include <fmt/format.h>
#include <sys/resource.h>
#include <torch/torch.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <thread>

#include "ml/model/atft_gat_fan.h"
#include "ml/model/loss.h"

namespace gogooku3 {
namespace {

struct Inputs {
  torch::Tensor x, mask, edge_index, edge_attr, target, target_mask;
};

Inputs make_inputs(const ml::ModelConfig& config, int64_t stocks, const torch::Device& device) {
  const int64_t t = config.lookback;
  const int64_t f = config.features;
  const int64_t neighbours = 20;
  Inputs in;
  in.x = torch::randn({stocks, t, f}).clamp(-5, 5);
  in.mask = (torch::rand({stocks, t, f}) > 0.05).to(torch::kFloat);
  in.x = in.x * in.mask;
  const torch::Tensor targets = torch::arange(stocks).repeat_interleave(neighbours + 1);
  torch::Tensor sources = torch::randint(0, stocks, {stocks, neighbours + 1});
  sources.select(1, 0).copy_(torch::arange(stocks));  // one self-loop each
  in.edge_index = torch::stack({sources.reshape(-1), targets});
  in.edge_attr = torch::randn({in.edge_index.size(1), config.edge_dim});
  in.target = torch::randn({stocks, static_cast<int64_t>(config.horizons.size())});
  in.target_mask = torch::ones_like(in.target);
  for (torch::Tensor* tensor :
       {&in.x, &in.mask, &in.edge_index, &in.edge_attr, &in.target, &in.target_mask}) {
    *tensor = tensor->to(device);
  }
  return in;
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

int run(int argc, char** argv) {
  CLI::App app{"ATFT-GAT-FAN training and inference speed"};
  std::string profile = "cpu";
  int stocks = 500;
  int steps = 20;
  int infer_stocks = 4000;
  int threads = 0;
  int lookback = 0;
  int vsn_width = 0;
  int hidden = 0;
  app.add_option("--lookback", lookback, "Override the profile's lookback T");
  app.add_option("--vsn-width", vsn_width, "Override the per-feature VSN width");
  app.add_option("--hidden", hidden, "Override the hidden size");
  app.add_option("--profile", profile)->check(CLI::IsMember({"cpu", "gpu"}));
  app.add_option("--stocks", stocks, "Stocks per training day-batch");
  app.add_option("--steps", steps, "Timed training steps (after 2 warm-up steps)");
  app.add_option("--infer-stocks", infer_stocks, "Stocks scored in the inference timing");
  app.add_option("--threads", threads, "CPU threads (0: every core)");
  CLI11_PARSE(app, argc, argv);

  at::set_num_threads(threads > 0 ? threads
                                  : static_cast<int>(std::thread::hardware_concurrency()));
  const torch::Device device = torch::cuda::is_available() ? torch::kCUDA : torch::kCPU;
  ml::ModelConfig config =
      profile == "cpu" ? ml::ModelConfig::cpu_profile() : ml::ModelConfig::gpu_profile();
  if (lookback > 0) config.lookback = lookback;
  if (vsn_width > 0) config.vsn_feature_hidden = vsn_width;
  if (hidden > 0) config.hidden = hidden;
  config.fan_top_k = std::min(config.fan_top_k, config.lookback / 2 + 1);
  config.validate();
  torch::manual_seed(1);
  ml::AtftGatFan model(config);
  model->to(device);
  int64_t parameters = 0;
  for (const torch::Tensor& p : model->parameters()) parameters += p.numel();
  fmt::print(
      "profile {} on {}: hidden {}, lookback {}, VSN width {}, {} features, {} parameters, {} "
      "threads\n",
      profile, device.str(), config.hidden, config.lookback, config.vsn_feature_hidden,
      config.features, parameters, at::get_num_threads());

  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(5e-4));
  const Inputs train = make_inputs(config, stocks, device);
  const ml::LossConfig loss_config;
  auto step = [&] {
    const ml::ModelOutput out =
        model->forward(train.x, train.mask, train.edge_index, train.edge_attr);
    const ml::LossTerms loss =
        ml::atft_loss(out.quantiles, train.target, train.target_mask, config, loss_config);
    optimizer.zero_grad();
    loss.total.backward();
    torch::nn::utils::clip_grad_norm_(model->parameters(), 1.0);
    optimizer.step();
    if (device.is_cuda()) torch::cuda::synchronize();
  };
  for (int i = 0; i < 2; ++i) step();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < steps; ++i) step();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double per_batch = seconds / steps;
  fmt::print("training: {} stocks per day-batch, {:.1f} ms per day-batch, {:.0f} samples/s\n",
             stocks, per_batch * 1e3, stocks / per_batch);

  const Inputs infer = make_inputs(config, infer_stocks, device);
  model->eval();
  torch::NoGradGuard no_grad;
  double best = 1e30;
  for (int i = 0; i < 3; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    const ml::ModelOutput out =
        model->forward(infer.x, infer.mask, infer.edge_index, infer.edge_attr);
    if (device.is_cuda()) torch::cuda::synchronize();
    (void)out;
    best = std::min(best,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  fmt::print("inference: {} stocks in {:.1f} ms\n", infer_stocks, best * 1e3);
  fmt::print("peak resident memory: {:.0f} MB\n", peak_rss_mb());
  return 0;
}

}  // namespace
}  // namespace gogooku3

int main(int argc, char** argv) { return gogooku3::run(argc, argv); }
