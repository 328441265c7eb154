#!/usr/bin/env bash
# Issue 8's acceptance run, by hand (about half an hour on two cores, too long for every CI run;
# tests/ml/sample_training_test.cpp is the fast regression version that CI runs):
#   the sample market, 500 stocks; features for mid-2018 .. mid-2022 (four years) after the
#   manifest's 576-day window; `gogooku3 train` with the CPU profile and 5 purged walk-forward
#   folds, 4 epochs of 60 day-batches each (the profile's 6 x 120 takes about twice as long). It passes when the model's out-of-sample 5-day RankIC reaches 60% of the sample
#   market's oracle RankIC on the same days and beats both baselines' (Ridge, XGBoost).
# Usage: bench/acceptance.sh [BUILD_DIR] [HOME_DIR]   (defaults build/release, /tmp/gogooku3-acceptance)
# A second run reuses the lake and trains into a new directory.
set -euo pipefail
build=${1:-build/release}
home=${2:-/tmp/gogooku3-acceptance}
binary="$build/gogooku3"
mkdir -p "$home"
printf 'sample:\n  stocks: 500\npipeline:\n  source: sample\n' > "$home/config.yaml"
common=(--home "$home" --config "$home/config.yaml")

echo "== backfill 2016-01-04 .. 2022-07-29 (500 stocks) =="
time "$binary" backfill "${common[@]}" --from 2016-01-04 --to 2022-07-29 --chunk-days 250 --quiet

out="$home/models/acceptance-$(date +%Y%m%d-%H%M%S)"
echo "== train 2018-06-01 .. 2022-06-30 -> $out =="
echo '{"epochs": 4, "days_per_epoch": 60}' > "$home/acceptance-options.json"
time "$binary" train "${common[@]}" --from 2018-06-01 --to 2022-06-30 --stocks 500 \
  --options "$home/acceptance-options.json" --out "$out"

python3 - "$out/metrics.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
model = m["model"]["overall"]["5d"]["rank_ic"]
ridge = m["baselines"]["ridge"]["overall"]["5d"]["rank_ic"]
xgb = m["baselines"]["xgboost"]["overall"]["5d"]["rank_ic"]
oracle = m["oracle_rank_ic"]["5d"]
print(f"5-day RankIC: model {model:.4f}, ridge {ridge:.4f}, xgboost {xgb:.4f}, oracle {oracle:.4f} "
      f"(model / oracle = {model / oracle:.0%})")
ok = model >= 0.6 * oracle and model > ridge and model > xgb
print("acceptance:", "PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
