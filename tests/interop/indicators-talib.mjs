// Checks `gogooku3 indicators` against TA-Lib itself (TA-Lib's C code compiled to WebAssembly,
// the talib-web package): for every TA-Lib indicator name, with default and other parameters,
// over seeded OHLCV series chosen to reach the edge cases (a random walk, long flat stretches
// with zero volume, a constant series, high prices, and series of 1, 5 and 30 bars).
// One check per name and series: the same undefined prefix (TA-Lib's outBegIdx) and every
// later value within 1e-9, relative or absolute. Prints one FAIL line per failing check, the
// largest error seen, and "indicators: N passed, M failed"; exits non-zero on any failure.
//   node indicators-talib.mjs GOGOOKU3_BINARY WORK_DIR
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [binary, workDir] = process.argv.slice(2);
if (!binary || !workDir) {
  console.error('usage: node indicators-talib.mjs GOGOOKU3_BINARY WORK_DIR');
  process.exit(2);
}
mkdirSync(workDir, { recursive: true });

const TOLERANCE = 1e-9;

// --- TA-Lib -------------------------------------------------------------------------------
// talib-web's own wrappers pass endIdx = n (one past the last bar) and drop outBegIdx and
// outNBElement, so the C functions are called directly through its Emscripten module:
// TA_NAME(startIdx, endIdx, inputs..., options..., &outBegIdx, &outNBElement, outputs...).
const require = createRequire(import.meta.url);
const wasmPath = require.resolve('talib-web/lib/talib.wasm');
// Emscripten fetches the wasm; node's fetch cannot read a local file.
globalThis.fetch = async () =>
  new Response(readFileSync(wasmPath), { headers: { 'content-type': 'application/wasm' } });
const talib = require('talib-web');
const wasm = await talib.init(wasmPath);

// Returns `outputs` arrays of n values, NaN outside [outBegIdx, outBegIdx + outNBElement).
function taCall(name, inputs, options, outputs) {
  const n = inputs[0].length;
  const allocated = [];
  const alloc = (doubles) => {
    const pointer = wasm._malloc(Math.max(doubles, 1) * 8);
    allocated.push(pointer);
    return pointer;
  };
  try {
    const args = [0, n - 1];
    for (const input of inputs) {
      const pointer = alloc(n);
      wasm.HEAPF64.set(Float64Array.from(input), pointer / 8);
      args.push(pointer);
    }
    args.push(...options);
    const begin = alloc(1);
    const count = alloc(1);
    args.push(begin, count);
    const outPointers = [];
    for (let k = 0; k < outputs; k++) {
      outPointers.push(alloc(n));
      args.push(outPointers[k]);
    }
    const code = wasm.ccall(`TA_${name}`, 'number', args.map(() => 'number'), args);
    if (code !== 0) throw new Error(`TA_${name} returned ${code}`);
    const first = wasm.HEAP32[begin / 4];
    const defined = wasm.HEAP32[count / 4];
    return outPointers.map((pointer) => {
      const values = new Array(n).fill(NaN);
      for (let i = 0; i < defined; i++) values[first + i] = wasm.HEAPF64[pointer / 8 + i];
      return values;
    });
  } finally {
    for (const pointer of allocated) wasm._free(pointer);
  }
}

const SMA = 0; // TA_MAType_SMA, the default MA type of STOCH, STOCHRSI, PPO, APO and BBANDS

// Our name -> [TA-Lib function, inputs, options, number of outputs, which output].
function taLibCall(name) {
  const fields = name.split('_');
  const numbers = fields.filter((f) => /^[0-9.]+$/.test(f)).map(Number);
  const base = fields.filter((f) => !/^[0-9.]+$/.test(f)).join('_');
  const [a, b, c] = numbers;
  const C = ['close'];
  const HLC = ['high', 'low', 'close'];
  const table = {
    sma: ['SMA', C, [a], 1, 0],
    ema: ['EMA', C, [a], 1, 0],
    wma: ['WMA', C, [a], 1, 0],
    dema: ['DEMA', C, [a], 1, 0],
    tema: ['TEMA', C, [a], 1, 0],
    trima: ['TRIMA', C, [a], 1, 0],
    kama: ['KAMA', C, [a], 1, 0],
    t3: ['T3', C, [a, 0.7], 1, 0],
    rsi: ['RSI', C, [a], 1, 0],
    cmo: ['CMO', C, [a], 1, 0],
    macd: ['MACD', C, [a, b, c], 3, 0],
    macd_signal: ['MACD', C, [a, b, c], 3, 1],
    macd_hist: ['MACD', C, [a, b, c], 3, 2],
    ppo: ['PPO', C, [a, b, SMA], 1, 0],
    apo: ['APO', C, [a, b, SMA], 1, 0],
    bb_upper: ['BBANDS', C, [a, b, b, SMA], 3, 0],
    bb_middle: ['BBANDS', C, [a, b, b, SMA], 3, 1],
    bb_lower: ['BBANDS', C, [a, b, b, SMA], 3, 2],
    atr: ['ATR', HLC, [a], 1, 0],
    natr: ['NATR', HLC, [a], 1, 0],
    trange: ['TRANGE', HLC, [], 1, 0],
    adx: ['ADX', HLC, [a], 1, 0],
    adxr: ['ADXR', HLC, [a], 1, 0],
    plus_di: ['PLUS_DI', HLC, [a], 1, 0],
    minus_di: ['MINUS_DI', HLC, [a], 1, 0],
    cci: ['CCI', HLC, [a], 1, 0],
    willr: ['WILLR', HLC, [a], 1, 0],
    stoch_k: ['STOCH', HLC, [a, b, SMA, c, SMA], 2, 0],
    stoch_d: ['STOCH', HLC, [a, b, SMA, c, SMA], 2, 1],
    stochrsi_k: ['STOCHRSI', C, [a, b, c, SMA], 2, 0],
    stochrsi_d: ['STOCHRSI', C, [a, b, c, SMA], 2, 1],
    mfi: ['MFI', [...HLC, 'volume'], [a], 1, 0],
    obv: ['OBV', ['close', 'volume'], [], 1, 0],
    ad: ['AD', [...HLC, 'volume'], [], 1, 0],
    adosc: ['ADOSC', [...HLC, 'volume'], [a, b], 1, 0],
    roc: ['ROC', C, [a], 1, 0],
    mom: ['MOM', C, [a], 1, 0],
    trix: ['TRIX', C, [a], 1, 0],
    ultosc: ['ULTOSC', HLC, [a, b, c], 1, 0],
    aroon_up: ['AROON', ['high', 'low'], [a], 2, 1], // outputs: aroonDown, aroonUp
    aroon_down: ['AROON', ['high', 'low'], [a], 2, 0],
    aroonosc: ['AROONOSC', ['high', 'low'], [a], 1, 0],
    stddev: ['STDDEV', C, [a, 1], 1, 0],
    var: ['VAR', C, [a, 1], 1, 0],
    linearreg_slope: ['LINEARREG_SLOPE', C, [a], 1, 0],
    medprice: ['MEDPRICE', ['high', 'low'], [], 1, 0],
    typprice: ['TYPPRICE', HLC, [], 1, 0],
    midprice: ['MIDPRICE', ['high', 'low'], [a], 1, 0],
    bop: ['BOP', ['open', 'high', 'low', 'close'], [], 1, 0],
    sar: ['SAR', ['high', 'low'], [0.02, 0.2], 1, 0],
  };
  if (!(base in table)) throw new Error(`no TA-Lib function for ${name}`);
  return table[base];
}

// Every TA-Lib name of `gogooku3 indicators`: TA-Lib's defaults, other common settings, and the
// smallest periods TA-Lib handles. Left out: a MACD signal period of 1, TRIX 1 and ULTOSC with
// every period 1. TA-Lib accepts them but computes its lookback from an inner EMA/SMA lookback
// function that returns -1 for a period of 1, so it starts one bar early and reads before the
// first bar (MACD 3,10,1 returns a denormal and a shifted signal line; TRIX 1 fails on one bar).
const NAMES = [
  'sma_5', 'sma_30', 'sma_2',
  'ema_12', 'ema_26', 'ema_2',
  'wma_10', 'wma_30',
  'dema_10', 'dema_30',
  'tema_10', 'tema_30',
  'trima_5', 'trima_10', 'trima_30',
  'kama_10', 'kama_30',
  't3_5', 't3_10',
  'rsi_14', 'rsi_2',
  'cmo_14', 'cmo_9',
  'macd_12_26_9', 'macd_signal_12_26_9', 'macd_hist_12_26_9',
  'macd_5_35_5', 'macd_signal_5_35_5', 'macd_hist_5_35_5',
  'macd_26_12_9', 'macd_signal_3_10_2', 'macd_hist_3_10_2',
  'ppo_12_26', 'ppo_5_10', 'apo_12_26', 'apo_5_10',
  'bb_upper_20_2', 'bb_middle_20_2', 'bb_lower_20_2', 'bb_upper_10_1.5', 'bb_lower_10_1.5',
  'atr_14', 'atr_5', 'atr_1', 'natr_14', 'natr_1', 'trange',
  'adx_14', 'adx_5', 'adx_2', 'adxr_14', 'adxr_5',
  'plus_di_14', 'minus_di_14', 'plus_di_5', 'minus_di_5', 'plus_di_1', 'minus_di_1',
  'cci_14', 'cci_20', 'willr_14', 'willr_5',
  'stoch_k_14_3_3', 'stoch_d_14_3_3', 'stoch_k_5_3_3', 'stoch_d_5_3_3', 'stoch_k_1_1_1',
  'stoch_d_5_1_4',
  'stochrsi_k_14_5_3', 'stochrsi_d_14_5_3', 'stochrsi_k_14_14_3', 'stochrsi_d_14_14_3',
  'stochrsi_k_5_1_1',
  'mfi_14', 'mfi_5', 'obv', 'ad', 'adosc_3_10', 'adosc_5_20',
  'roc_10', 'roc_1', 'mom_10', 'mom_1', 'trix_15', 'trix_5', 'trix_2',
  'ultosc_7_14_28', 'ultosc_3_5_9', 'ultosc_1_1_2', 'ultosc_2_1_1',
  'aroon_up_14', 'aroon_down_14', 'aroonosc_14', 'aroon_up_5', 'aroon_down_5', 'aroonosc_5',
  'stddev_5', 'stddev_20', 'var_5', 'var_20', 'var_1',
  'linearreg_slope_14', 'linearreg_slope_5', 'linearreg_slope_2',
  'medprice', 'typprice', 'midprice_14', 'midprice_5', 'bop', 'sar',
];

// --- Series ---------------------------------------------------------------------------------
function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normalFrom(uniform) {
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

const round = (x, tick) => Math.round(x / tick) * tick;

// A random walk on a price grid of `tick` (so that equal closes, highs and lows happen), with
// consistent bars and some days without volume.
function randomWalk(n, seed, { start = 1000, tick = 0.1, volatility = 0.015 } = {}) {
  const uniform = mulberry32(seed);
  const normal = normalFrom(uniform);
  const bars = { open: [], high: [], low: [], close: [], volume: [] };
  let close = start;
  for (let t = 0; t < n; t++) {
    const open = round(close * Math.exp((volatility / 3) * normal()), tick);
    close = round(open * Math.exp(volatility * normal()), tick);
    bars.open.push(open);
    bars.close.push(close);
    bars.high.push(round(Math.max(open, close) * (1 + 0.01 * uniform()), tick));
    bars.low.push(round(Math.min(open, close) * (1 - 0.01 * uniform()), tick));
    bars.volume.push(uniform() < 0.05 ? 0 : Math.round(1e5 * Math.exp(normal())));
  }
  return bars;
}

// Moves interleaved with long stretches where open = high = low = close does not change, most
// of them without volume; flat single bars (high = low) after a gap as well.
function flatStretches(n, seed) {
  const uniform = mulberry32(seed);
  const walk = randomWalk(n, seed + 1);
  const bars = { open: [], high: [], low: [], close: [], volume: [] };
  let t = 0;
  let last = 500;
  while (t < n) {
    const flat = uniform() < 0.5;
    const length = flat ? 5 + Math.floor(uniform() * 40) : 3 + Math.floor(uniform() * 20);
    const silent = uniform() < 0.7;
    for (let i = 0; i < length && t < n; i++, t++) {
      if (flat) {
        for (const key of ['open', 'high', 'low', 'close']) bars[key].push(last);
        bars.volume.push(silent ? 0 : 1000);
      } else {
        const scale = last / walk.close[t === 0 ? 0 : t - 1];
        for (const key of ['open', 'high', 'low', 'close']) bars[key].push(round(walk[key][t] * scale, 0.1));
        bars.volume.push(walk.volume[t]);
        last = bars.close[t];
      }
    }
  }
  return bars;
}

function constant(n) {
  return {
    open: new Array(n).fill(100), high: new Array(n).fill(100), low: new Array(n).fill(100),
    close: new Array(n).fill(100), volume: new Array(n).fill(1000),
  };
}

const SERIES = {
  walk600: randomWalk(600, 1),
  flat400: flatStretches(400, 2),
  constant120: constant(120),
  highprice600: randomWalk(600, 3, { start: 38000, tick: 5, volatility: 0.02 }),
  short1: randomWalk(1, 4),
  short5: randomWalk(5, 5),
  short30: randomWalk(30, 6),
};

function writeCsv(path, bars) {
  const lines = ['date,open,high,low,close,volume'];
  const day = Date.UTC(2020, 0, 1);
  for (let t = 0; t < bars.close.length; t++) {
    const date = new Date(day + t * 86400000).toISOString().slice(0, 10);
    lines.push([date, bars.open[t], bars.high[t], bars.low[t], bars.close[t], bars.volume[t]].join(','));
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

function readOurs(path) {
  const [header, ...rows] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const names = header.split(',').slice(1);
  const columns = Object.fromEntries(names.map((name) => [name, []]));
  for (const row of rows) {
    const fields = row.split(',');
    names.forEach((name, i) => columns[name].push(fields[i + 1] === 'NaN' ? NaN : Number(fields[i + 1])));
  }
  return columns;
}

// --- Compare --------------------------------------------------------------------------------
let passed = 0;
let failed = 0;
let worst = { error: 0 };
let worstRelative = { error: 0 };

for (const [seriesName, bars] of Object.entries(SERIES)) {
  const input = join(workDir, `${seriesName}.csv`);
  const output = join(workDir, `${seriesName}-indicators.csv`);
  writeCsv(input, bars);
  try {
    execFileSync(binary, ['indicators', '--input', input, '--output', output, '--names', NAMES.join(',')],
      { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    console.log(`FAIL gogooku3 indicators on ${seriesName}: exit ${e.status}: ${String(e.stderr).trim()}`);
    failed += NAMES.length;
    continue;
  }
  const ours = readOurs(output);
  for (const name of NAMES) {
    const [fn, inputs, options, outputs, which] = taLibCall(name);
    let theirs;
    try {
      theirs = taCall(fn, inputs.map((key) => bars[key]), options, outputs)[which];
    } catch (e) {
      console.log(`FAIL ${name} ${seriesName}: TA-Lib: ${e.message}`);
      failed++;
      continue;
    }
    const mine = ours[name];
    const bad = [];
    for (let row = 0; row < theirs.length; row++) {
      const [a, b] = [mine[row], theirs[row]];
      if (Number.isNaN(a) || Number.isNaN(b)) {
        if (Number.isNaN(a) !== Number.isNaN(b)) bad.push(row);
        continue;
      }
      const absolute = Math.abs(a - b);
      const relative = b === 0 ? (a === 0 ? 0 : Infinity) : absolute / Math.abs(b);
      const error = Math.min(absolute, relative);
      if (!(error <= TOLERANCE)) bad.push(row);
      if (error > worst.error) worst = { error, name, seriesName, row, a, b };
      if (Math.abs(b) >= 1e-6 && relative > worstRelative.error) {
        worstRelative = { error: relative, name, seriesName, row, a, b };
      }
    }
    if (mine.length !== theirs.length) {
      console.log(`FAIL ${name} ${seriesName}: ${mine.length} rows from gogooku3, ${theirs.length} bars`);
      failed++;
    } else if (bad.length > 0) {
      const row = bad[0];
      console.log(`FAIL ${name} ${seriesName} row ${row}: ours ${mine[row]}, theirs ${theirs[row]}` +
        ` (${bad.length} rows differ; first defined row: ours ${mine.findIndex((v) => !Number.isNaN(v))},` +
        ` TA-Lib ${theirs.findIndex((v) => !Number.isNaN(v))})`);
      failed++;
    } else {
      passed++;
    }
  }
}

const describe = (w) => (w.name ? `${w.error.toExponential(2)} (${w.name} ${w.seriesName} row ${w.row}: ours ${w.a}, theirs ${w.b})` : '0');
console.log(`largest error, min(absolute, relative): ${describe(worst)}`);
console.log(`largest relative error where |TA-Lib| >= 1e-6: ${describe(worstRelative)}`);
console.log(`indicators: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
