// Checks that DuckDB, hyparquet and parquet-wasm each read exactly what a writer says it wrote.
// Every NAME.parquet is compared with NAME.json beside it (the canonical form of readers.mjs):
// row and row-group counts, column names, types, nullability, timestamp UTC flags, DuckDB's
// DESCRIBE type, every value, and the key-value metadata; and, as "duckdb-filter", that
// DuckDB's statistics-pruned WHERE queries count the right rows (duckdb-filters.mjs). Prints
// one line per file and check, the differences under a failing one, and a last line
// "compare: N passed, M failed"; exits 1 on any mismatch.
//
//   node compare.mjs DIR_OR_FILE.parquet...
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

import { filterDifferences } from './duckdb-filters.mjs';
import { READERS, readWith } from './readers.mjs';

// What DuckDB's DESCRIBE must say for each canonical type.
const DUCKDB_TYPE_OF = {
  int8: 'TINYINT', int16: 'SMALLINT', int32: 'INTEGER', int64: 'BIGINT', float: 'FLOAT',
  double: 'DOUBLE', string: 'VARCHAR', binary: 'BLOB', date: 'DATE',
};
const kMaxDiffsPerColumn = 5;

function expectedDuckDBType(column) {
  if (column.type.startsWith('timestamp')) {
    return column.utc ? 'TIMESTAMP WITH TIME ZONE' : 'TIMESTAMP';
  }
  return DUCKDB_TYPE_OF[column.type];
}

const show = (value) => JSON.stringify(value);

// Differences between the expected canonical file and one reader's, as printable lines.
function differences(expected, actual, reader) {
  const diffs = [];
  if (actual.num_rows !== expected.num_rows) {
    diffs.push(`num_rows: expected ${expected.num_rows}, actual ${actual.num_rows}`);
  }
  if (expected.num_row_groups !== undefined && actual.num_row_groups !== undefined &&
      actual.num_row_groups !== expected.num_row_groups) {
    diffs.push(`num_row_groups: expected ${expected.num_row_groups}, ` +
               `actual ${actual.num_row_groups}`);
  }
  const expectedNames = expected.columns.map((c) => c.name);
  const actualNames = actual.columns.map((c) => c.name);
  if (show(expectedNames) !== show(actualNames)) {
    diffs.push(`columns: expected ${show(expectedNames)}, actual ${show(actualNames)}`);
  }
  for (const want of expected.columns) {
    const got = actual.columns.find((c) => c.name === want.name);
    if (!got) continue;
    const where = `column ${want.name}`;
    if (got.type !== want.type) {
      diffs.push(`${where}: type expected ${want.type}, actual ${got.type}`);
      continue;
    }
    if (want.required !== undefined && got.required !== undefined &&
        got.required !== want.required) {
      diffs.push(`${where}: required expected ${want.required}, actual ${got.required}`);
    }
    if (want.type.startsWith('timestamp') && want.utc !== undefined && got.utc !== undefined &&
        got.utc !== want.utc) {
      diffs.push(`${where}: isAdjustedToUTC expected ${want.utc}, actual ${got.utc}`);
    }
    if (reader === 'duckdb') {
      const duckdbType = expectedDuckDBType({ ...want, utc: got.utc ?? want.utc });
      if (got.duckdb_type !== duckdbType) {
        diffs.push(`${where}: DuckDB type expected ${duckdbType}, actual ${got.duckdb_type}`);
      }
    }
    let shown = 0;
    let mismatched = 0;
    const rows = Math.max(want.values.length, got.values.length);
    for (let row = 0; row < rows; ++row) {
      const a = want.values[row];
      const b = got.values[row];
      if (Object.is(a, b)) continue;
      ++mismatched;
      if (shown++ < kMaxDiffsPerColumn) {
        diffs.push(`${where} row ${row}: expected ${show(a)}, actual ${show(b)}`);
      }
    }
    if (mismatched > kMaxDiffsPerColumn) {
      diffs.push(`${where}: ${mismatched - kMaxDiffsPerColumn} more rows differ`);
    }
  }
  const expectedKv = show(expected.key_value_metadata ?? []);
  const actualKv = show(actual.key_value_metadata ?? []);
  if (expectedKv !== actualKv) {
    diffs.push(`key_value_metadata: expected ${expectedKv}, actual ${actualKv}`);
  }
  return diffs;
}

function parquetFiles(args) {
  const files = [];
  for (const arg of args) {
    if (statSync(arg).isDirectory()) {
      files.push(...readdirSync(arg).filter((f) => f.endsWith('.parquet')).sort()
        .map((f) => join(arg, f)));
    } else {
      files.push(arg);
    }
  }
  return files;
}

const args = process.argv.slice(2);
if (args.length === 0) {
  console.error('usage: node compare.mjs DIR_OR_FILE.parquet...');
  process.exit(2);
}
let passed = 0;
let failed = 0;
for (const file of parquetFiles(args)) {
  const expectedPath = file.replace(/\.parquet$/, '.json');
  if (!existsSync(expectedPath)) {
    console.log(`FAIL ${basename(file)}: no expected ${expectedPath}`);
    ++failed;
    continue;
  }
  const expected = JSON.parse(readFileSync(expectedPath, 'utf8'));
  for (const reader of [...READERS, 'duckdb-filter']) {
    let diffs;
    try {
      diffs = reader === 'duckdb-filter' ? await filterDifferences(expected, file)
        : differences(expected, await readWith(reader, file), reader);
    } catch (error) {
      diffs = [`reader failed: ${String(error?.message ?? error).split('\n')[0]}`];
    }
    if (diffs.length === 0) {
      ++passed;
      console.log(`ok   ${basename(file)} ${reader}`);
    } else {
      ++failed;
      console.log(`FAIL ${basename(file)} ${reader}`);
      for (const diff of diffs) console.log(`       ${basename(file)} ${reader} ${diff}`);
    }
  }
}
console.log(`compare: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
