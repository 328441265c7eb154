#!/usr/bin/env python3
"""The pandas peer of bench/features_bench.cpp: the features a manifest asks for (the 127 of
config/features.yaml in the benchmark), written the way a quant would write them in
pandas/numpy, with the catalog's definitions (src/features/catalog/families_*.cpp) and TA-Lib's
seeding where the engine uses TA-Lib kernels. Every family of the catalog is here, by name
pattern (ret_{h}d, rsi_{n}, macd_hist_{a}_{b}_{g}, cs_rank_{base}, ...), so a change to the
active set needs no change here.

  features_pandas.py --prices P.csv --topix T.csv --flows F.csv --features a,b,c --out S.csv
                     [--sample-stride K]

Inputs (written by features_bench):
  prices  code,date,adj_open,adj_high,adj_low,adj_close,adj_volume,turnover_value,
          upper_limit,lower_limit,sector33_code,market_code   sorted by (code, date)
  topix   date,open,high,low,close
  flows   published_date,end_date,section,foreigners_balance,individuals_balance,total_total

Only the computation is timed (after the CSVs are read, up to the finished table of one float32
column per feature). It prints one JSON line: {"seconds": ..., "rows": ..., "features": ...}.
--out receives the rows of every K-th code (code order) as CSV, for the value comparison.

Conventions shared with the engine (features/engine.h):
  - Stock features are computed over each stock's traded days only (open, high, low, close all
    finite and > 0); halted rows get NaN. Missing volume / turnover count as 0.
  - Rolling windows run on the stacked (code, date)-sorted traded rows, and the first rows of
    each code (whose window would reach into the previous code) are masked; recursive
    smoothers (EMA, Wilder) run per code with groupby().ewm(adjust=False) after TA-Lib's seed
    (the plain mean of the first `period` values). KAMA and SAR, whose recursions are not an
    ewm, are plain loops.
  - Market features are computed on TOPIX's own days and joined by date; flow features on each
    section's weekly series and joined as of the last publication strictly before the day.
  - Cross-section features rank / standardise the stored (float32) values of their base per day.
Only python3 stdlib + numpy + pandas.
"""

import argparse
import json
import re
import sys
import time

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

NAN = np.nan
EPS = 1e-14  # TA-Lib's TA_IS_ZERO band
FLAT = 1e-7  # the catalog's kFlatTolerance: a band narrower than this share of the price is flat


def quiet():
    return np.errstate(invalid="ignore", divide="ignore", over="ignore")


# --------------------------------------------------------------------------------------------
# Stacked per-code series


class Stacked:
    """Rows of many codes, sorted by (code, date); `pos` is the row's index within its code."""

    def __init__(self, key):
        self.key = np.asarray(key)
        self.pos = pd.Series(self.key).groupby(self.key, sort=False).cumcount().to_numpy()
        self.n = len(self.key)

    def mask(self, x, first):
        """NaN for the first `first` rows of every code (their window reaches the previous code)."""
        x = np.asarray(x, dtype=float)
        x[self.pos < first] = NAN
        return x

    def shift(self, x, h):
        y = np.full(self.n, NAN)
        if h < self.n:
            y[h:] = x[:self.n - h]
        return self.mask(y, h)

    def rolling(self, x, n):
        return pd.Series(x).rolling(n)

    def mean(self, x, n):
        return self.mask(self.rolling(x, n).mean().to_numpy(), n - 1)

    def sum(self, x, n):
        return self.mask(self.rolling(x, n).sum().to_numpy(), n - 1)

    def std(self, x, n, ddof=1):
        return self.mask(self.rolling(x, n).std(ddof=ddof).to_numpy(), n - 1)

    def max(self, x, n):
        return self.mask(self.rolling(x, n).max().to_numpy(), n - 1)

    def min(self, x, n):
        return self.mask(self.rolling(x, n).min().to_numpy(), n - 1)

    def cumsum(self, x):
        return pd.Series(x).groupby(self.key, sort=False).cumsum().to_numpy()

    def ewm(self, x, alpha, ignore_na=False):
        """Per-code y = (1 - alpha) y + alpha x, started at each code's first non-NaN value."""
        s = pd.Series(x).groupby(self.key, sort=False)
        return s.ewm(alpha=alpha, adjust=False, ignore_na=ignore_na).mean().to_numpy()

    def seeded(self, x, n, first, seed=None):
        """x with NaN before group position `first` and, at `first`, `seed` (default: the mean
        of the n values ending there): the input of a TA-Lib-seeded recursive average."""
        if seed is None:
            seed = self.rolling(x, n).mean().to_numpy()
        y = np.array(x, dtype=float)
        y[self.pos < first] = NAN
        at = self.pos == first
        y[at] = seed[at]
        return y

    def ema(self, x, n, start=0):
        """TA-Lib EMA (k = 2/(n+1)) of x whose values begin at group position `start`: seeded at
        start + n - 1 with the plain mean of the first n values."""
        if n == 1:
            return self.mask(x.copy(), start)
        return self.ewm(self.seeded(x, n, start + n - 1), 2.0 / (n + 1))

    def wilder(self, x, n, first):
        """Wilder's average (alpha = 1/n) seeded at `first` with the mean of the n values ending
        there."""
        return self.ewm(self.seeded(x, n, first), 1.0 / n)

    def windows(self, x, n, reduce):
        """reduce(window matrix) over every window of n rows (oldest first), chunked so that the
        window matrix stays small (8M values); masked like the rolling helpers."""
        out = np.full(self.n, NAN)
        if self.n >= n:
            view = sliding_window_view(x, n)
            chunk = max(1, (1 << 23) // n)
            for a in range(0, len(view), chunk):
                block = view[a:a + chunk]
                out[a + n - 1:a + n - 1 + len(block)] = reduce(block)
        return self.mask(out, n - 1)

    def bars_since(self, x, n, highest):
        """Bars since the window's maximum (minimum), the most recent bar on ties."""
        def ago(block):
            newest_first = block[:, ::-1]
            best = np.argmax(newest_first, axis=1) if highest else np.argmin(newest_first, axis=1)
            return best.astype(float)
        return self.windows(x, n, ago)


def gap_ratio(a, b):
    """a / b - 1, NaN unless b > 0 (the catalog's gap_ratio)."""
    with quiet():
        return np.where(np.isfinite(a) & np.isfinite(b) & (b > 0), a / b - 1.0, NAN)


def safe_div(a, b):
    with quiet():
        return np.where(np.isfinite(a) & np.isfinite(b) & (b != 0), a / b, NAN)


def nan_like(x):
    """0 where x is finite, NaN where it is not: added to a np.where result to keep x's NaN."""
    return 0.0 * x


def sample_std(S, x, n):
    """The catalog's rolling_std: sample std, 0 when the variance is rounding noise of the mean."""
    sd, mean = S.std(x, n), S.mean(x, n)
    var = sd * sd
    return np.where(var > 1e-14 * (mean * mean + 1e-300), sd, 0.0) + nan_like(sd)


def talib_stddev(S, x, n):
    """TA-Lib's STDDEV (population, 0 under 1e-14 of variance)."""
    var = S.std(x, n, ddof=0) ** 2
    return np.where(var < EPS, 0.0, np.sqrt(np.maximum(var, 0.0))) + nan_like(var)


# --------------------------------------------------------------------------------------------
# One price series context: a stock universe (many codes) or TOPIX (one code)


class Prices:
    CACHE_SIZE = 12

    def __init__(self, key, o, h, l, c, v, turn, up, down, m):
        self.S = Stacked(key)
        self.o, self.h, self.l, self.c = o, h, l, c
        self.v, self.turn, self.up, self.down, self.m = v, turn, up, down, m
        self._cache = {}

    def cached(self, key, compute):
        """Intermediates shared by several features (returns, RSI, ...), a few at a time."""
        if key not in self._cache:
            if len(self._cache) >= self.CACHE_SIZE:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = compute()
        return self._cache[key]

    def c1(self):
        return self.cached("c1", lambda: self.S.shift(self.c, 1))

    def logret(self):
        def compute():
            with quiet():
                return np.log(self.c / self.c1())
        return self.cached("r", compute)

    def sma(self, x_name, n):
        return self.cached(("sma", x_name, n), lambda: self.S.mean(getattr(self, x_name), n))

    def realized_vol(self, n):
        return self.cached(("vol", n), lambda: sample_std(self.S, self.logret(), n))


# --------------------------------------------------------------------------------------------
# Indicators (TA-Lib definitions)


def rsi_parts(P, n):
    def compute():
        S, c = P.S, P.c
        d = c - P.c1()
        with quiet():
            gain = np.where(d > 0, d, 0.0) + nan_like(d)
            loss = np.where(d < 0, -d, 0.0) + nan_like(d)
        return S.wilder(gain, n, n), S.wilder(loss, n, n)
    return P.cached(("rsi_parts", n), compute)


def rsi(P, n, cmo=False):
    g, l = rsi_parts(P, n)
    total = g + l
    with quiet():
        value = (g - l) if cmo else g
        out = np.where(np.abs(total) < EPS, 0.0, 100.0 * (value / total)) + nan_like(total)
    return P.S.mask(out, n)


def moving_average(P, kind, n):
    S, c = P.S, P.c
    if kind == "sma":
        return P.sma("c", n)
    if kind == "ema":
        return S.ema(c, n)
    if kind == "wma":
        w = np.arange(1, n + 1, dtype=float)
        w /= w.sum()
        return S.windows(c, n, lambda block: block @ w)
    if kind in ("dema", "tema"):
        e1 = S.ema(c, n)
        e2 = S.ema(e1, n, start=n - 1)
        if kind == "dema":
            return 2.0 * e1 - e2
        e3 = S.ema(e2, n, start=2 * (n - 1))
        return e3 + (3.0 * e1 - 3.0 * e2)
    if kind == "trima":
        a, b = ((n + 1) // 2, (n + 1) // 2) if n % 2 else (n // 2, n // 2 + 1)
        return S.mask(S.rolling(S.rolling(c, a).mean().to_numpy(), b).mean().to_numpy(), n - 1)
    if kind == "t3":
        return t3(P, n)
    if kind == "kama":
        return kama(P, n)
    raise KeyError(kind)


def t3(P, n, a=0.7):
    S = P.S
    levels, x, start = [], P.c, 0
    for _ in range(6):
        x = S.ema(x, n, start=start)
        start += n - 1
        levels.append(x)
    c1 = -a ** 3
    c2 = 3 * a * a + 3 * a ** 3
    c3 = -6 * a * a - 3 * a - 3 * a ** 3
    c4 = 1 + 3 * a + a ** 3 + 3 * a * a
    return S.mask(c1 * levels[5] + c2 * levels[4] + c3 * levels[3] + c4 * levels[2], 6 * (n - 1))


def kama(P, n):
    """Kaufman's adaptive average: an EMA with a per-bar constant, so a loop (TA-Lib's)."""
    S, x = P.S, P.c
    slowest, fastest = 2.0 / 31.0, 2.0 / 3.0
    change = np.abs(x - S.shift(x, n))
    path = S.sum(np.abs(x - S.shift(x, 1)), n)
    with quiet():
        ratio = np.where((path <= x - S.shift(x, n)) | (np.abs(path) < EPS), 1.0,
                         np.abs(change / path))
    sc = (ratio * (fastest - slowest) + slowest) ** 2
    out = np.full(S.n, NAN)
    pos = S.pos
    average = 0.0
    for i in range(S.n):
        if pos[i] < n:
            continue
        if pos[i] == n:
            average = x[i - 1]  # TA-Lib seeds with the previous close
        average = (x[i] - average) * sc[i] + average
        out[i] = average
    return out


def macd(P, fast, slow, signal):
    def compute():
        S, c = P.S, P.c
        a, b = sorted((fast, slow))
        slow_ema = S.ema(c, b)
        fast_ema = S.ema(c, a, start=b - a)  # both start on bar b - 1
        line = fast_ema - slow_ema
        sig = S.ema(line, signal, start=b - 1)
        first = b - 1 + signal - 1
        return S.mask(line.copy(), first), S.mask(sig, first), S.mask(line - sig, first)
    return P.cached(("macd", fast, slow, signal), compute)


def trix(P, n):
    S = P.S
    once = S.ema(P.c, n)
    twice = S.ema(once, n, start=n - 1)
    thrice = S.ema(twice, n, start=2 * (n - 1))
    prev = S.shift(thrice, 1)
    with quiet():
        out = np.where(prev != 0, (thrice / prev - 1.0) * 100.0, 0.0) + nan_like(prev)
    return S.mask(out, 3 * (n - 1) + 1)


def true_range(P):
    def compute():
        prev = P.c1()
        rng = np.fmax(P.h - P.l, np.fmax(np.abs(prev - P.h), np.abs(prev - P.l)))
        return rng + nan_like(prev)
    return P.cached("tr", compute)


def directional(P, n):
    """+DI, -DI and whether the Wilder TR sum is zero, TA-Lib's way."""
    def compute():
        S = P.S
        up = P.h - S.shift(P.h, 1)
        down = S.shift(P.l, 1) - P.l
        with quiet():
            plus_dm = np.where((up > 0) & (up > down), up, 0.0) + nan_like(up)
            minus_dm = np.where((down > 0) & (down > up), down, 0.0) + nan_like(up)

        def wilder_sum(x):  # S - S/n + x after the plain sum of bars 1..n-1, divided by n
            seed = S.rolling(x, n - 1).sum().to_numpy() / n
            return S.ewm(S.seeded(x, n - 1, n - 1, seed=seed), 1.0 / n)

        p, m, t = wilder_sum(plus_dm), wilder_sum(minus_dm), wilder_sum(true_range(P))
        tr_zero = np.abs(t * n) < EPS
        with quiet():
            plus = np.where(tr_zero, 0.0, 100.0 * (p / t)) + nan_like(t)
            minus = np.where(tr_zero, 0.0, 100.0 * (m / t)) + nan_like(t)
        return S.mask(plus, n), S.mask(minus, n), tr_zero
    return P.cached(("dm", n), compute)


def adx(P, n):
    def compute():
        S = P.S
        plus, minus, tr_zero = directional(P, n)
        total = plus + minus
        with quiet():
            defined = ~tr_zero & ~(np.abs(total) < EPS)
            dx = np.where(defined, 100.0 * (np.abs(minus - plus) / total), NAN)
        first = 2 * n - 1
        seed = S.rolling(np.where(np.isnan(dx), 0.0, dx), n).sum().to_numpy() / n
        x = S.seeded(dx, n, first, seed=seed)
        # An undefined DX leaves the average as it is: ignore_na skips it.
        return S.mask(S.ewm(x, 1.0 / n, ignore_na=True), first)
    return P.cached(("adx", n), compute)


def fast_k(S, high, low, close, n):
    hh, ll = S.max(high, n), S.min(low, n)
    rng = (hh - ll) / 100.0
    with quiet():
        return np.where(rng != 0, (close - ll) / rng, 0.0) + nan_like(rng)


def sar(P, acceleration=0.02, maximum=0.2):
    """Wilder's parabolic SAR as TA-Lib starts and steps it: a loop per code."""
    h, l, pos = P.h, P.l, P.S.pos
    out = np.full(P.S.n, NAN)
    is_long = extreme = stop = factor = prev_high = prev_low = 0.0
    for i in range(P.S.n):
        if pos[i] == 0:
            continue
        if pos[i] == 1:
            down, up = l[i - 1] - l[i], h[i] - h[i - 1]
            is_long = not (down > 0 and down > up)
            extreme = h[i] if is_long else l[i]
            stop = l[i - 1] if is_long else h[i - 1]
            factor = acceleration
            prev_high, prev_low = h[i], l[i]
        bar_high, bar_low = h[i], l[i]
        if is_long:
            if bar_low <= stop:
                is_long = False
                stop = max(extreme, prev_high, bar_high)
                out[i] = stop
                factor = acceleration
                extreme = bar_low
                stop = max(stop + factor * (extreme - stop), prev_high, bar_high)
            else:
                out[i] = stop
                if bar_high > extreme:
                    extreme = bar_high
                    factor = min(factor + acceleration, maximum)
                stop = min(stop + factor * (extreme - stop), prev_low, bar_low)
        else:
            if bar_high >= stop:
                is_long = True
                stop = min(extreme, prev_low, bar_low)
                out[i] = stop
                factor = acceleration
                extreme = bar_high
                stop = min(stop + factor * (extreme - stop), prev_low, bar_low)
            else:
                out[i] = stop
                if bar_low < extreme:
                    extreme = bar_low
                    factor = min(factor + acceleration, maximum)
                stop = max(stop + factor * (extreme - stop), prev_high, bar_high)
        prev_high, prev_low = bar_high, bar_low
    return out


def window_sum_vol(P, terms, n, scale):
    """sqrt(sum of n terms * scale), TA-Lib-style lookback n-1."""
    return np.sqrt(np.maximum(0.0, P.S.sum(terms, n) * scale))


def rogers_satchell_terms(P):
    with quiet():
        return (np.log(P.h / P.c) * np.log(P.h / P.o) + np.log(P.l / P.c) * np.log(P.l / P.o))


def yang_zhang(P, n):
    S, prev = P.S, P.c1()
    with quiet():
        overnight = np.log(P.o / prev)
        intraday = np.log(P.c / P.o) + nan_like(prev)
    rs = rogers_satchell_terms(P) + nan_like(prev)
    k = 0.34 / (1.34 + (n + 1.0) / (n - 1.0))
    var = S.std(overnight, n) ** 2 + k * S.std(intraday, n) ** 2 + (1 - k) * S.mean(rs, n)
    return S.mask(np.sqrt(np.maximum(0.0, var)), n)


def ultosc(P, periods):
    S, prev = P.S, P.c1()
    bp = P.c - np.fmin(P.l, prev) + nan_like(prev)
    tr = true_range(P)
    total = 0.0
    for p, w in zip(sorted(periods), (4.0, 2.0, 1.0)):
        b, t = S.sum(bp, p), S.sum(tr, p)
        with quiet():
            total = total + np.where(np.abs(t) < EPS, 0.0, w * (b / t)) + nan_like(t)
    return S.mask(100.0 * (total / 7.0), max(periods))


def mfi(P, n):
    S = P.S
    tp = (P.h + P.l + P.c) / 3.0
    change = tp - S.shift(tp, 1)
    flow = tp * P.v
    with quiet():
        pos = np.where(change > 0, flow, 0.0) + nan_like(change)
        neg = np.where(change < 0, flow, 0.0) + nan_like(change)
    ps, ns = S.sum(pos, n), S.sum(neg, n)
    total = ps + ns
    with quiet():
        return S.mask(np.where(total < 1.0, 0.0, 100.0 * (ps / total)) + nan_like(total), n)


def cci(P, n):
    S = P.S
    tp = (P.h + P.l + P.c) / 3.0
    mean = S.mean(tp, n)
    dev = S.windows(tp, n, lambda b: np.abs(b - b.mean(axis=1, keepdims=True)).mean(axis=1))
    dist = tp - mean
    with quiet():
        return np.where((dist != 0) & (dev != 0), dist / (0.015 * dev), 0.0) + nan_like(dev)


def bbands(P, n, k):
    mid = P.sma("c", n)
    dev = talib_stddev(P.S, P.c, n)
    return mid + k * dev, mid, mid - k * dev


def accumulation(P):
    rng = P.h - P.l
    with quiet():
        return np.where(rng > 0, ((P.c - P.l) - (P.h - P.c)) / rng * P.v, 0.0)


def paired_returns(P):
    def compute():
        S, c, m = P.S, P.c, P.m
        c1, m1 = P.c1(), S.shift(m, 1)
        with quiet():
            rs = np.where(c1 > 0, c / c1 - 1.0, NAN)
            rm = np.where(m1 > 0, m / m1 - 1.0, NAN)
        return np.where(np.isfinite(rm), rs, NAN), rm
    return P.cached("paired", compute)


def rolling_pair(P, n):
    def compute():
        S = P.S
        rs, rm = paired_returns(P)
        a, b = pd.Series(rs), pd.Series(rm)
        cov = S.mask(a.rolling(n).cov(b, ddof=0).to_numpy(), n)
        var_m = S.mask(b.rolling(n).var(ddof=0).to_numpy(), n)
        with quiet():
            beta = np.where(var_m > 0, cov / var_m, NAN)
        corr = S.mask(np.clip(a.rolling(n).corr(b).to_numpy(), -1.0, 1.0), n)
        return beta, corr
    return P.cached(("pair", n), compute)


# --------------------------------------------------------------------------------------------
# The catalog's stock families, by name pattern


def part(P, name):
    """The daily parts of a bar's move (gaps family)."""
    with quiet():
        if name == "gap_overnight":
            return np.log(P.o / P.c1())
        if name == "intraday_ret":
            return np.log(P.c / P.o)
        if name == "hl_range":
            return np.log(P.h / P.l)
        rng = P.h - P.l
        return np.where(rng > 0, (P.c - P.l) / rng, 0.5)  # close_location


def stock_feature(P, name):
    S, o, h, l, c, v, turn = P.S, P.o, P.h, P.l, P.c, P.v, P.turn
    f = re.fullmatch
    if g := f(r"(log)?ret_(\d+)d", name):
        n = int(g[2])
        with quiet():
            ratio = c / S.shift(c, n)
            return np.log(ratio) if g[1] else ratio - 1.0
    if g := f(r"realized_vol_(\d+)", name):
        return P.realized_vol(int(g[1]))
    if g := f(r"downside_vol_(\d+)", name):
        r = P.logret()
        return np.sqrt(S.mean(np.where(np.isfinite(r), np.where(r < 0, r * r, 0.0), NAN), int(g[1])))
    if g := f(r"parkinson_vol_(\d+)", name):
        n = int(g[1])
        with quiet():
            return window_sum_vol(P, np.log(h / l) ** 2, n, 1.0 / (4.0 * np.log(2.0) * n))
    if g := f(r"garman_klass_vol_(\d+)", name):
        n = int(g[1])
        with quiet():
            terms = 0.5 * np.log(h / l) ** 2 - (2.0 * np.log(2.0) - 1.0) * np.log(c / o) ** 2
        return window_sum_vol(P, terms, n, 1.0 / n)
    if g := f(r"rogers_satchell_vol_(\d+)", name):
        n = int(g[1])
        return window_sum_vol(P, rogers_satchell_terms(P), n, 1.0 / n)
    if g := f(r"yang_zhang_vol_(\d+)", name):
        return yang_zhang(P, int(g[1]))
    if g := f(r"vol_ratio_(\d+)_(\d+)", name):
        return safe_div(P.realized_vol(int(g[1])), P.realized_vol(int(g[2])))
    if g := f(r"ret_(skew|kurt)_(\d+)", name):
        n = int(g[2])
        rolling = S.rolling(P.logret(), n)
        return S.mask((rolling.skew() if g[1] == "skew" else rolling.kurt()).to_numpy(), n)

    if g := f(r"(sma|ema|wma|dema|tema|trima|kama|t3)_gap_(\d+)", name):
        return gap_ratio(c, moving_average(P, g[1], int(g[2])))
    if g := f(r"(sma|ema)_cross_(\d+)_(\d+)", name):
        a, b = int(g[2]), int(g[3])
        if g[1] == "sma":
            return gap_ratio(P.sma("c", a), P.sma("c", b))
        return gap_ratio(S.ema(c, a), S.ema(c, b))

    if g := f(r"(rsi|cmo)_(\d+)", name):
        return rsi(P, int(g[2]), cmo=g[1] == "cmo")
    if g := f(r"stochrsi_(k|d)_(\d+)_(\d+)_(\d+)", name):
        n, k, d = int(g[2]), int(g[3]), int(g[4])
        x = rsi(P, n)
        hh, ll = S.max(x, k), S.min(x, k)
        rng = (hh - ll) / 100.0
        with quiet():
            # TA-Lib tests the range against exactly 0; the ewm recursion leaves ~1e-13 of
            # rounding on an RSI that did not move, so "flat" is below 1e-9 points here.
            fk = np.where(rng > 1e-11, (x - ll) / rng, 0.0) + nan_like(rng)
        out = fk if g[1] == "k" else S.mean(fk, d)
        return S.mask(out, n + k - 1 + d - 1)
    if g := f(r"(macd|macd_signal|macd_hist)_(\d+)_(\d+)_(\d+)", name):
        lines = macd(P, int(g[2]), int(g[3]), int(g[4]))
        return safe_div(lines[("macd", "macd_signal", "macd_hist").index(g[1])],
                        np.where(c > 0, c, NAN))
    if g := f(r"(ppo|apo)_(\d+)_(\d+)", name):
        a, b = sorted((int(g[2]), int(g[3])))
        fast, slow = P.sma("c", a), P.sma("c", b)
        if g[1] == "apo":
            return (fast - slow) / c
        with quiet():
            return np.where(np.abs(slow) < EPS, 0.0, (fast - slow) / slow * 100.0) + nan_like(slow)
    if g := f(r"trix_(\d+)", name):
        return trix(P, int(g[1]))
    if g := f(r"linreg_slope_(\d+)", name):
        n = int(g[1])
        x = np.arange(n, dtype=float) - (n - 1) / 2.0
        return S.windows(c, n, lambda block: block @ (x / (x * x).sum())) / c
    if g := f(r"stoch_(k|d)_(\d+)_(\d+)_(\d+)", name):
        n, k, d = int(g[2]), int(g[3]), int(g[4])
        slow_k = S.mask(S.rolling(fast_k(S, h, l, c, n), k).mean().to_numpy(), n - 1 + k - 1)
        out = slow_k if g[1] == "k" else S.mean(slow_k, d)
        return S.mask(out, n - 1 + k - 1 + d - 1)
    if g := f(r"willr_(\d+)", name):
        n = int(g[1])
        hh, ll = S.max(h, n), S.min(l, n)
        rng = (hh - ll) / -100.0
        with quiet():
            return np.where(rng != 0, (hh - c) / rng, 0.0) + nan_like(rng)
    if g := f(r"cci_(\d+)", name):
        return cci(P, int(g[1]))
    if g := f(r"ultosc_(\d+)_(\d+)_(\d+)", name):
        return ultosc(P, (int(g[1]), int(g[2]), int(g[3])))
    if g := f(r"aroon(_up|_down|osc)_(\d+)", name):
        n = int(g[2])
        ago_high = P.cached(("ago_h", n + 1), lambda: S.bars_since(h, n + 1, True))
        ago_low = P.cached(("ago_l", n + 1), lambda: S.bars_since(l, n + 1, False))
        if g[1] == "_up":
            return (100.0 / n) * (n - ago_high)
        if g[1] == "_down":
            return (100.0 / n) * (n - ago_low)
        return (100.0 / n) * (ago_low - ago_high)
    if g := f(r"adx_(\d+)", name):
        return adx(P, int(g[1]))
    if g := f(r"adxr_(\d+)", name):
        n = int(g[1])
        x = adx(P, n)
        return S.mask((x + S.shift(x, n - 1)) / 2.0, 3 * n - 2)
    if g := f(r"(plus_di|minus_di|di_spread)_(\d+)", name):
        plus, minus, _ = directional(P, int(g[2]))
        return plus if g[1] == "plus_di" else minus if g[1] == "minus_di" else plus - minus
    if g := f(r"natr_(\d+)", name):
        n = int(g[1])
        atr = S.wilder(true_range(P), n, n)
        with quiet():
            return S.mask(np.where(np.abs(c) < EPS, 0.0, atr / c * 100.0), n)
    if g := f(r"mfi_(\d+)", name):
        return mfi(P, int(g[1]))
    if name == "sar_gap":
        return gap_ratio(c, sar(P))
    if g := f(r"bop(_mean_(\d+))?", name):
        with quiet():
            bop = np.where(h - l < EPS, 0.0, (c - o) / (h - l))
        return S.mean(bop, int(g[2])) if g[1] else bop

    if g := f(r"bb_(pctb|width)_(\d+)_(\d+)", name):
        upper, mid, lower = bbands(P, int(g[2]), int(g[3]) / 10.0)
        width = upper - lower
        with quiet():
            if g[1] == "width":
                return np.where(mid > 0, width / mid, NAN)
            return np.where(width > FLAT * mid, (c - lower) / width,
                            np.where(np.isfinite(width), 0.5, NAN))
    if g := f(r"midprice_gap_(\d+)", name):
        n = int(g[1])
        return gap_ratio(c, (S.max(h, n) + S.min(l, n)) / 2.0)
    if g := f(r"(range_pos|donchian_width)_(\d+)", name):
        n = int(g[2])
        hi, lo = S.max(h, n), S.min(l, n)
        rng = hi - lo
        with quiet():
            if g[1] == "donchian_width":
                return rng / c
            return np.where(rng > 0, (c - lo) / rng, np.where(np.isfinite(rng), 0.5, NAN))
    if g := f(r"close_zscore_(\d+)", name):
        n = int(g[1])
        mean, sd = P.sma("c", n), talib_stddev(S, c, n)
        with quiet():
            return np.where(sd > FLAT * mean, (c - mean) / sd, np.where(np.isfinite(sd), 0.0, NAN))

    if g := f(r"volume_ratio_(\d+)", name):
        return safe_div(v, P.sma("v", int(g[1])))
    if name == "log_turnover":
        return np.log1p(turn)
    if g := f(r"log_turnover_mean_(\d+)", name):
        return np.log1p(P.sma("turn", int(g[1])))
    if g := f(r"turnover_ratio_(\d+)_(\d+)", name):
        return safe_div(P.sma("turn", int(g[1])), P.sma("turn", int(g[2])))
    if g := f(r"amihud_(\d+)", name):
        n, c1 = int(g[1]), P.c1()
        with quiet():
            illiquidity = np.where(turn > 0, np.abs(c / c1 - 1.0) / turn, 0.0) + nan_like(c1)
        days = np.round(S.sum(np.where(turn > 0, 1.0, 0.0) + nan_like(c1), n))
        with quiet():
            return np.where(days > 0, S.sum(illiquidity, n) / days, NAN) * 1e9
    if g := f(r"(obv|ad)_slope_(\d+)", name):
        n = int(g[2])
        if g[1] == "obv":
            c1 = P.c1()
            signed = np.where(c > c1, v, np.where(c < c1, -v, 0.0))
            first = S.pos == 0
            signed[first] = v[first]
            line = S.cumsum(signed)
        else:
            line = S.cumsum(accumulation(P))
        change = line - S.shift(line, n)
        traded = S.sum(v, n)
        with quiet():
            return np.where(traded > 0, change / traded, np.where(np.isfinite(change), 0.0, NAN))
    if g := f(r"adosc_(\d+)_(\d+)", name):
        a, b = int(g[1]), int(g[2])
        line = S.cumsum(accumulation(P))
        osc = S.ewm(line, 2.0 / (a + 1.0)) - S.ewm(line, 2.0 / (b + 1.0))  # seeded at bar 0
        mean = P.sma("v", b)
        with quiet():
            out = np.where(mean > 0, osc / mean, np.where(np.isfinite(mean), 0.0, NAN))
        return S.mask(out, max(a, b) - 1)
    if g := f(r"volume_zscore_(\d+)", name):
        n = int(g[1])
        lv = np.log1p(v)
        mean, sd = S.mean(lv, n), sample_std(S, lv, n)
        with quiet():
            return np.where(sd > 0, (lv - mean) / sd, np.where(np.isfinite(sd), 0.0, NAN))
    if g := f(r"zero_volume_days_(\d+)", name):
        return S.mean(np.where(v <= 0, 1.0, 0.0), int(g[1]))
    if g := f(r"price_volume_corr_(\d+)", name):
        n = int(g[1])
        lv = np.log1p(v)
        dv = lv - S.shift(lv, 1)
        corr = pd.Series(P.logret()).rolling(n).corr(pd.Series(dv)).to_numpy()
        return S.mask(np.clip(corr, -1.0, 1.0), n)

    if name in ("high_52w_gap", "low_52w_gap", "pos_52w"):
        hi, lo = S.max(h, 250), S.min(l, 250)
        if name == "high_52w_gap":
            return gap_ratio(c, hi)
        if name == "low_52w_gap":
            return gap_ratio(c, lo)
        rng = hi - lo
        with quiet():
            return np.where(rng > 0, (c - lo) / rng, np.where(np.isfinite(rng), 0.5, NAN))
    if g := f(r"drawdown_(\d+)", name):
        return gap_ratio(c, S.max(c, int(g[1])))
    if g := f(r"rally_(\d+)", name):
        return gap_ratio(c, S.min(c, int(g[1])))
    if g := f(r"days_since_(high|low)_(\d+)", name):
        n = int(g[2])
        return S.bars_since(h if g[1] == "high" else l, n, g[1] == "high") / n

    if g := f(r"(gap_overnight|intraday_ret|hl_range|close_location)(_mean_(\d+))?", name):
        daily = part(P, g[1])
        return S.mean(daily, int(g[3])) if g[2] else daily
    if name == "upper_shadow":
        return (h - np.maximum(o, c)) / c
    if name == "lower_shadow":
        return (np.minimum(o, c) - l) / c
    if g := f(r"gap_abs_mean_(\d+)", name):
        return S.mean(np.abs(part(P, "gap_overnight")), int(g[1]))

    if g := f(r"limit_(up|down)_today", name):
        return P.up if g[1] == "up" else P.down
    if g := f(r"limit_(up|down)_count_(\d+)", name):
        return S.sum(P.up if g[1] == "up" else P.down, int(g[2]))
    if g := f(r"days_since_limit_(up|down)", name):
        hit = P.up if g[1] == "up" else P.down
        last = pd.Series(np.where(hit > 0, S.pos, NAN)).groupby(S.key, sort=False).ffill()
        last = last.to_numpy()
        days = np.minimum(250.0, np.where(np.isnan(last), 250.0, S.pos - last))
        return S.mask(days / 250.0, 249)

    if g := f(r"(beta|corr_topix|alpha|idio_vol)_(\d+)", name):
        n = int(g[2])
        beta, corr = rolling_pair(P, n)
        if g[1] == "beta":
            return beta
        if g[1] == "corr_topix":
            return corr
        rs, rm = paired_returns(P)
        if g[1] == "alpha":
            return S.mean(rs, n) - beta * S.mean(rm, n)
        rho = np.where(np.isfinite(corr), corr, 0.0)
        return sample_std(S, rs, n) * np.sqrt(np.maximum(0.0, 1.0 - rho * rho))
    if g := f(r"rel_strength_(\d+)d", name):
        n, m = int(g[1]), P.m
        ms = S.shift(m, n)
        with quiet():
            return (c / S.shift(c, n) - 1.0) - np.where(ms > 0, m / ms - 1.0, NAN)
    raise KeyError(f"features_pandas.py does not know the feature '{name}'")


# --------------------------------------------------------------------------------------------
# Market (TOPIX) and flow features


def topix_features(topix, to, names):
    t = topix[(topix["close"] > 0) & (topix["date"] <= to)].sort_values("date", kind="stable")
    t = t.drop_duplicates("date", keep="first").reset_index(drop=True)
    zeros = np.zeros(len(t))
    P = Prices(zeros.astype(np.int64), *(t[k].to_numpy(float) for k in ("open", "high", "low", "close")),
               zeros, zeros, zeros, zeros, t["close"].to_numpy(float))
    # topix_X is X computed on TOPIX as if it were a stock (topix_vol_N: realized_vol_N).
    def as_stock(name):
        return re.sub(r"^vol_(\d+)$", r"realized_vol_\1", name[len("topix_"):])
    return pd.DataFrame({name: stock_feature(P, as_stock(name)) for name in names},
                        index=t["date"])


SECTIONS = {"0101": "TSE1st", "0102": "TSE2nd", "0104": "TSEMothers", "0106": "TSEJASDAQ",
            "0107": "TSEJASDAQ", "0111": "TSEPrime", "0112": "TSEStandard", "0113": "TSEGrowth"}


def flow_values(fl, names):
    """Each flow feature at the last week of `fl` (one section's weeks, oldest first)."""
    total = fl["total_total"].to_numpy(float)
    with quiet():
        foreign = np.where(total > 0, fl["foreigners_balance"].to_numpy(float) / total, NAN)
        individual = np.where(total > 0, fl["individuals_balance"].to_numpy(float) / total, NAN)
    ratios = {"foreign_net": foreign, "individual_net": individual,
              "smart_money": foreign - individual}
    row = {}
    for name in names:
        g = re.fullmatch(r"(foreign_net|individual_net|smart_money)_ratio(_mean_(\d+)w|_z_(\d+)w|"
                         r"_chg_1w)?", name)
        if not g:
            raise KeyError(f"features_pandas.py does not know the feature '{name}'")
        x = pd.Series(ratios[g[1]])
        if g[3]:
            values = x.rolling(int(g[3])).mean()
        elif g[4]:
            n = int(g[4])
            mean, sd = x.rolling(n).mean(), x.rolling(n).std()
            with quiet():
                values = pd.Series(np.where(sd > 0, (x - mean) / sd,
                                            np.where(np.isfinite(sd), 0.0, NAN)))
        elif g[2]:
            values = x.diff()
        else:
            values = x
        row[name] = values.iloc[-1]
    return row


def flow_features(flows, names):
    """Point in time: as of each publication, the weeks known then (a corrected week's latest
    record), each feature at the last week."""
    fl = flows.sort_values(["section", "published_date"], kind="stable")
    rows = []
    for section, group in fl.groupby("section", sort=True):
        for published, _ in group.groupby("published_date", sort=True):
            known = group[group["published_date"] <= published]
            known = known.drop_duplicates("end_date", keep="last").sort_values("end_date")
            rows.append({"section": section, "published_date": published,
                         **flow_values(known.reset_index(drop=True), names)})
    return pd.DataFrame(rows)


FLOW = re.compile(r"(foreign_net|individual_net|smart_money)_ratio.*")
CROSS = re.compile(r"(cs_rank|cs_z|sec_rel)_(.*)")


# --------------------------------------------------------------------------------------------
# The table


def compute(prices, topix, flows, names):
    n = len(prices)
    index = {name: i for i, name in enumerate(names)}
    table = np.full((len(names), n), NAN, dtype=np.float32)  # the output, one row per feature
    cross = {name: CROSS.fullmatch(name) for name in names if CROSS.fullmatch(name)}
    market = [name for name in names if name.startswith("topix_")]
    flow = [name for name in names if FLOW.fullmatch(name)]
    stock = [name for name in names if name not in cross and name not in market and name not in flow]
    extra_bases = [g[2] for g in cross.values() if g[2] not in index]
    bases = {}

    o, h, l, c = (prices[k].to_numpy(float) for k in ("adj_open", "adj_high", "adj_low", "adj_close"))
    with quiet():
        traded = (o > 0) & (h > 0) & (l > 0) & (c > 0) & np.isfinite(o + h + l + c)
    rows = np.flatnonzero(traded)
    px = prices.iloc[rows]
    close_by_date = topix.drop_duplicates("date", keep="last").set_index("date")["close"]
    P = Prices(px["code"].cat.codes.to_numpy(), o[rows], h[rows], l[rows], c[rows],
               np.nan_to_num(px["adj_volume"].to_numpy(float), nan=0.0),
               np.nan_to_num(px["turnover_value"].to_numpy(float), nan=0.0),
               (px["upper_limit"].to_numpy(float) > 0).astype(float),
               (px["lower_limit"].to_numpy(float) > 0).astype(float),
               px["date"].map(close_by_date).to_numpy(float))
    del o, h, l, c, px
    for name in stock + extra_bases:
        values = stock_feature(P, name)
        if name in index:
            table[index[name], rows] = values
        else:
            bases[name] = np.full(n, NAN, dtype=np.float32)
            bases[name][rows] = values
    del P

    dates = prices["date"].to_numpy()
    if market:
        tx = topix_features(topix, prices["date"].max(), market)
        at = tx.index.get_indexer(dates)
        for name in market:
            values = tx[name].to_numpy()[at]
            values[at < 0] = NAN
            table[index[name]] = values

    if flow and len(flows):
        fl = flow_features(flows, flow)
        left = pd.DataFrame({"row": np.arange(n), "date": dates,
                             "section": prices["market_code"].map(SECTIONS).to_numpy()})
        left = left[left["section"].notna()].sort_values("date", kind="stable")
        joined = pd.merge_asof(left, fl.sort_values("published_date", kind="stable"),
                               left_on="date", right_on="published_date", by="section",
                               allow_exact_matches=False)
        for name in flow:
            table[index[name], joined["row"].to_numpy()] = joined[name].to_numpy()

    # the day's cross-section, over the stored (float32) values of the base
    sectors = prices["sector33_code"].cat.codes.to_numpy()
    for name, g in cross.items():
        base = (table[index[g[2]]] if g[2] in index else bases[g[2]]).astype(float)
        s = pd.Series(base)
        if g[1] == "cs_rank":
            by_day = s.groupby(dates)
            rank = by_day.rank(method="average").to_numpy()
            count = by_day.transform("count").to_numpy()
            with quiet():
                values = np.where(count > 1, (rank - 1) / (count - 1), 0.5) + nan_like(rank)
        elif g[1] == "cs_z":
            mean = s.groupby(dates).transform("mean").to_numpy()
            sd = np.sqrt(pd.Series((base - mean) ** 2).groupby(dates).transform("mean").to_numpy())
            with quiet():
                z = np.where(sd > 1e-12 * (np.abs(mean) + 1e-300), (base - mean) / sd, 0.0)
            values = np.clip(z, -5.0, 5.0) + nan_like(base)
        else:
            values = base - s.groupby([dates, sectors]).transform("median").to_numpy()
        table[index[name]] = values
    return pd.DataFrame(table.T, columns=names, copy=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prices", required=True)
    parser.add_argument("--topix", required=True)
    parser.add_argument("--flows", required=True)
    parser.add_argument("--features", required=True, help="comma-separated names, in order")
    parser.add_argument("--out", required=True)
    parser.add_argument("--sample-stride", type=int, default=100)
    args = parser.parse_args()

    numbers = ("adj_open", "adj_high", "adj_low", "adj_close", "adj_volume", "turnover_value",
               "upper_limit", "lower_limit")
    prices = pd.read_csv(args.prices, keep_default_na=False,
                         dtype={"code": "category", "sector33_code": "category",
                                "market_code": "category"},
                         na_values={k: ["", "nan", "NaN"] for k in numbers})
    prices["date"] = pd.to_datetime(prices["date"], format="%Y-%m-%d")
    topix = pd.read_csv(args.topix)
    topix["date"] = pd.to_datetime(topix["date"], format="%Y-%m-%d")
    flows = pd.read_csv(args.flows, dtype={"section": str})
    flows["published_date"] = pd.to_datetime(flows["published_date"], format="%Y-%m-%d")
    names = args.features.split(",")

    start = time.perf_counter()
    table = compute(prices, topix, flows, names)
    seconds = time.perf_counter() - start

    codes = prices["code"]
    keep = np.flatnonzero(codes.isin(pd.unique(codes)[::max(1, args.sample_stride)]).to_numpy())
    out = table.iloc[keep].copy()
    out.insert(0, "date", prices["date"].iloc[keep].dt.strftime("%Y-%m-%d").to_numpy())
    out.insert(0, "code", codes.iloc[keep].astype(str).to_numpy())
    out.to_csv(args.out, index=False, na_rep="nan")
    print(json.dumps({"seconds": round(seconds, 3), "rows": int(len(table)),
                      "features": int(table.shape[1]), "pandas": pd.__version__,
                      "numpy": np.__version__}))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
