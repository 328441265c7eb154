// Checks a file's column statistics the way a query engine uses them: DuckDB skips row groups
// whose min/max/null_count exclude a WHERE clause, so a wrong statistic loses rows silently
// while SELECT * still reads correctly. For every column and row group this counts, in the
// whole file, the rows equal to the group's smallest and largest value and the null rows, and
// compares DuckDB's filtered count with the count from the expected canonical JSON.
import { DuckDBInstance } from '@duckdb/node-api';

let connection;
async function duckdb() {
  if (!connection) {
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    connection = await instance.connect();
  }
  return connection;
}

// Canonical micros since the epoch as a timestamp literal, with "+00" for UTC-adjusted ones.
function timestampLiteral(micros, utc) {
  const millis = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const extra = String(micros - millis * 1000n).padStart(3, '0');
  const iso = new Date(Number(millis)).toISOString().replace('T', ' ').replace('Z', '');
  return `${iso}${extra}${utc ? '+00' : ''}`;
}

// The SQL right-hand side and its parameter for `column = value`, or undefined for a value
// not worth probing (floats that are not ordinary numbers).
function probe(column, value) {
  switch (column.type) {
    case 'int8': return ['CAST(? AS TINYINT)', String(value)];
    case 'int16': return ['CAST(? AS SMALLINT)', String(value)];
    case 'int32': return ['CAST(? AS INTEGER)', String(value)];
    case 'int64': return ['CAST(? AS BIGINT)', value];
    case 'float':
      return typeof value === 'number' ? ['CAST(? AS FLOAT)', String(value)] : undefined;
    case 'double':
      return typeof value === 'number' ? ['CAST(? AS DOUBLE)', String(value)] : undefined;
    case 'string': return ['?', value];
    case 'date': return ['CAST(? AS DATE)', value];
    case 'timestamp_ms':
    case 'timestamp_us': {
      const micros = BigInt(value) * (column.type === 'timestamp_ms' ? 1000n : 1n);
      const type = column.utc ? 'TIMESTAMPTZ' : 'TIMESTAMP';
      return [`CAST(? AS ${type})`, timestampLiteral(micros, column.utc)];
    }
    default: return undefined;
  }
}

function numeric(value) {
  if (value === '-0') return -0;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  if (value === 'NaN') return NaN;
  return value;
}

function compareValues(type, a, b) {
  if (type === 'int64' || type.startsWith('timestamp')) {
    return BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;
  }
  if (type === 'string') return Buffer.compare(Buffer.from(a), Buffer.from(b));
  return a < b ? -1 : a > b ? 1 : 0;  // numbers, and dates as YYYY-MM-DD
}

function rowsEqual(column, value) {
  if (column.type === 'float' || column.type === 'double') {
    return column.values.filter((v) => v !== null && numeric(v) === value).length;
  }
  return column.values.filter((v) => v === value).length;
}

// Differences between DuckDB's filtered counts and the expected ones, as printable lines.
export async function filterDifferences(expected, path) {
  const con = await duckdb();
  const groups = (await con.runAndReadAll(
    'SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata(?) ORDER BY 1',
    [path])).getRows().map(([, rows]) => Number(rows));
  const diffs = [];
  const count = async (where, params) => Number((await con.runAndReadAll(
    `SELECT count(*) FROM read_parquet(?) WHERE ${where}`, [path, ...params])).getRows()[0][0]);
  for (const column of expected.columns) {
    const quoted = `"${column.name.replaceAll('"', '""')}"`;
    const probes = new Set();
    let start = 0;
    for (const rows of groups) {
      const values = column.values.slice(start, start + rows)
        .filter((v) => v !== null && probe(column, v) !== undefined)
        .sort((a, b) => compareValues(column.type, a, b));
      if (values.length > 0) probes.add(values[0]).add(values[values.length - 1]);
      start += rows;
    }
    for (const value of probes) {
      const [rhs, param] = probe(column, value);
      const actual = await count(`${quoted} = ${rhs}`, [param]);
      const wanted = rowsEqual(column, value);
      if (actual !== wanted) {
        diffs.push(`column ${column.name}: WHERE = ${JSON.stringify(value)} counts ${actual} ` +
                   `rows, expected ${wanted} (row group statistics exclude it?)`);
      }
    }
    const nulls = column.values.filter((v) => v === null).length;
    const actualNulls = await count(`${quoted} IS NULL`, []);
    if (actualNulls !== nulls) {
      diffs.push(`column ${column.name}: WHERE IS NULL counts ${actualNulls} rows, ` +
                 `expected ${nulls} (null_count statistics?)`);
    }
  }
  return diffs;
}
