// Writes Parquet files with DuckDB for our Reader to read (parquet_interop_read), each with the
// values it holds in the canonical JSON form of readers.mjs beside it (NAME.parquet, NAME.json).
// The expected values come from the generators below, not from reading the file back, so a
// DuckDB bug could not hide behind its own reader.
//
//   node duckdb-write.mjs OUTDIR
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  DuckDBInstance, DuckDBDateValue, DuckDBTimestampMillisecondsValue, DuckDBTimestampValue,
} from '@duckdb/node-api';

import { canonicalFloat, dateFromDays, sortedPairs } from './readers.mjs';

// DuckDB rounds ROW_GROUP_SIZE up to its vector size (2048), so 5000 rows make 3 row groups.
const kRows = 5000;
const kRowGroupSize = 2048;

const pick = (list, i) => list[i % list.length];
const nullEvery = (n, i, value) => (i % n === n - 1 ? null : value);

const kFloats = [0, -0, 1.5, NaN, Infinity, -Infinity, 3.4028234663852886e38,
  1.401298464324817e-45, 1.1754943508222875e-38];
const kDoubles = [0.1, -0, NaN, Infinity, -Infinity, 5e-324, 1.7976931348623157e308, 1e-300];
const kStrings = ['', '日本語テキスト', 'トヨタ自動車', '🙂 emoji', 'a\u0000b', 'tab\tquote"back\\'];

// DuckDB's v2 writer computes INT32 deltas in 64 bits, and arrow-rs (parquet-wasm) rejects a
// min_delta outside the int32 range ("'min_delta' too large"); so the v2 case keeps int32
// values away from the extremes, where the reference readers would disagree.
let int32Extremes = true;

// name, DuckDB type, canonical type, value of row i (a JS value; null for null), appender call.
const COLUMNS = [
  ['i8', 'TINYINT', 'int8', (i) => nullEvery(7, i, i % 10 === 0
    ? pick([-128, 127], i / 10) : ((i * 37) % 256) - 128),
    (a, v) => a.appendTinyInt(v)],
  ['i16', 'SMALLINT', 'int16', (i) => nullEvery(11, i, pick([-32768, 32767, 0, 1234, -1], i)),
    (a, v) => a.appendSmallInt(v)],
  ['i32', 'INTEGER', 'int32', (i) => nullEvery(13, i, i % 17 === 0 && int32Extremes
    ? pick([-2147483648, 2147483647], i) : i * 7919 - 20000000),
    (a, v) => a.appendInteger(v)],
  ['i64', 'BIGINT', 'int64', (i) => nullEvery(5, i, i % 19 === 0
    ? pick([-(2n ** 63n), 2n ** 63n - 1n], i) : BigInt(i) * 1000000007n - 123456789n),
    (a, v) => a.appendBigInt(v)],
  ['f32', 'FLOAT', 'float', (i) => nullEvery(9, i, i % 3 === 0
    ? pick(kFloats, i / 3) : Math.fround(i * 0.1 - 100)),
    (a, v) => a.appendFloat(v)],
  ['f64', 'DOUBLE', 'double', (i) => nullEvery(8, i, i % 4 === 0 ? pick(kDoubles, i / 4) : i / 7),
    (a, v) => a.appendDouble(v)],
  ['code', 'VARCHAR', 'string', (i) => nullEvery(10, i, String(13000 + (i % 40) * 10)),
    (a, v) => a.appendVarchar(v)],
  ['text', 'VARCHAR', 'string', (i) => nullEvery(6, i, i % 2 === 0
    ? pick(kStrings, i / 2) : `row ${i} ${'x'.repeat(i % 97)}`),
    (a, v) => a.appendVarchar(v)],
  ['date', 'DATE', 'date', (i) => nullEvery(12, i, i % 23 === 0
    ? pick([-25567, 0, 47482, -719162], i) : 19000 + i),
    (a, v) => a.appendDate(new DuckDBDateValue(v))],
  ['ts_ms', 'TIMESTAMP_MS', 'timestamp_ms', (i) => nullEvery(14, i, i % 29 === 0
    ? pick([0n, -1n, -2208988800000n], i) : 1700000000000n + BigInt(i) * 60001n),
    (a, v) => a.appendTimestampMilliseconds(new DuckDBTimestampMillisecondsValue(v))],
  ['ts_us', 'TIMESTAMP', 'timestamp_us', (i) => nullEvery(15, i, i % 31 === 0
    ? pick([0n, -1n, -2208988800000001n], i) : 1700000000000000n + BigInt(i) * 1000003n),
    (a, v) => a.appendTimestamp(new DuckDBTimestampValue(v))],
];

// A day of prices per 40 codes, sorted by (date, code) as the lake stores them: row groups
// cover disjoint date ranges, so date filters prune by statistics.
const PRICES = [
  ['date', 'DATE', 'date', (i) => 19000 + Math.floor(i / 40),
    (a, v) => a.appendDate(new DuckDBDateValue(v))],
  ['code', 'VARCHAR', 'string', (i) => String(13000 + (i % 40) * 10), (a, v) => a.appendVarchar(v)],
  ['close', 'DOUBLE', 'double', (i) => nullEvery(50, i, 1000 + ((i * 7) % 997) / 4),
    (a, v) => a.appendDouble(v)],
  ['volume', 'BIGINT', 'int64', (i) => BigInt(i * 100), (a, v) => a.appendBigInt(v)],
];

function canonical(type, value) {
  if (value === null) return null;
  if (type === 'float' || type === 'double') return canonicalFloat(value);
  if (type === 'date') return dateFromDays(value);
  if (typeof value === 'bigint') return value.toString();
  return value;
}

const CASES = [
  { name: 'duckdb_zstd', options: 'COMPRESSION zstd' },
  { name: 'duckdb_snappy', options: 'COMPRESSION snappy' },
  { name: 'duckdb_uncompressed', options: 'COMPRESSION uncompressed' },
  { name: 'duckdb_no_dictionary', options: 'COMPRESSION zstd, DICTIONARY_SIZE_LIMIT 1' },
  // Data page v2 with DuckDB's v2 encodings (DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY,
  // BYTE_STREAM_SPLIT, RLE_DICTIONARY). Our reader reads PLAIN and dictionary pages only
  // (reader.h), so it may instead reject the file with an InvalidInput naming the encoding.
  {
    name: 'duckdb_v2_zstd', options: 'COMPRESSION zstd, PARQUET_VERSION v2',
    int32Extremes: false, oursMayReject: 'DELTA_BINARY_PACKED',
  },
  { name: 'duckdb_empty', options: 'COMPRESSION zstd', rows: 0 },
  { name: 'duckdb_prices_sorted', options: 'COMPRESSION snappy', columns: PRICES },
];

const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: node duckdb-write.mjs OUTDIR');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
const con = await instance.connect();
for (const testCase of CASES) {
  const rows = testCase.rows ?? kRows;
  const columns = testCase.columns ?? COLUMNS;
  int32Extremes = testCase.int32Extremes ?? true;
  const table = `t_${testCase.name}`;
  const columnsSql = columns.map(([name, type]) => `"${name}" ${type}`).join(', ');
  await con.run(`CREATE TABLE ${table} (${columnsSql})`);
  const appender = await con.createAppender(table);
  for (let i = 0; i < rows; ++i) {
    for (const [, , , value, append] of columns) {
      const v = value(i);
      if (v === null) appender.appendNull(); else append(appender, v);
    }
    appender.endRow();
  }
  appender.closeSync();

  const file = join(outDir, `${testCase.name}.parquet`);
  const kv = [['writer', 'duckdb'], ['case', testCase.name], ['note', '株価 ✓']];
  const kvSql = kv.map(([k, v]) => `"${k}": '${v}'`).join(', ');
  await con.run(`COPY (SELECT * FROM ${table}) TO '${file}' (FORMAT PARQUET, ` +
                `ROW_GROUP_SIZE ${kRowGroupSize}, KV_METADATA {${kvSql}}, ${testCase.options})`);
  const rowGroups = Number((await con.runAndReadAll(
    'SELECT count(DISTINCT row_group_id) AS n FROM parquet_metadata(?)', [file]))
    .getRowObjectsJS()[0].n);
  if (rows > kRowGroupSize && rowGroups < 2) {
    throw new Error(`${file}: expected several row groups, DuckDB wrote ${rowGroups}`);
  }
  const expected = {
    num_rows: rows,
    num_row_groups: rowGroups,
    columns: columns.map(([name, duckdbType, type, value]) => ({
      name, type, required: false, ...(type.startsWith('timestamp') ? { utc: false } : {}),
      duckdb_type: duckdbType === 'TIMESTAMP_MS' ? 'TIMESTAMP' : duckdbType,
      values: Array.from({ length: rows }, (_, i) => canonical(type, value(i))),
    })),
    key_value_metadata: sortedPairs(kv),
  };
  if (testCase.oursMayReject) expected.unsupported_by_ours = testCase.oursMayReject;
  writeFileSync(join(outDir, `${testCase.name}.json`), `${JSON.stringify(expected)}\n`);
  console.log(`wrote ${file} (${rows} rows, ${rowGroups} row groups)`);
}
