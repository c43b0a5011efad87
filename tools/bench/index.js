// Shared benchmark harness. Every peer of a scenario runs in the same process, interleaved
// (round-robin with a rotating start, so no peer always runs first or last), for several rounds;
// the table shows each peer's median and its ratio to the named baseline.
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export function parseArgs(argv = process.argv.slice(2)) {
  let quick = process.env.CB_BENCH_QUICK === '1' || process.env.CB_BENCH_QUICK === 'true';
  let json = null;
  let filter = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') quick = true;
    else if (arg === '--json') {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        json = next;
        i++;
      } else json = '-';
    } else if (arg.startsWith('--json=')) json = arg.slice('--json='.length);
    else if (arg === '--filter') filter = argv[++i] ?? null;
    else if (arg.startsWith('--filter=')) filter = arg.slice('--filter='.length);
  }
  return { quick, json, filter };
}

export function median(values) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function toSample(value) {
  if (typeof value === 'number') return { work: value };
  if (value && typeof value === 'object' && typeof value.work === 'number') return value;
  throw new TypeError('a benchmark peer must return a number (work done) or { work, seconds?, metrics? }');
}

function figure(sample, seconds, measure, scale) {
  if (measure === 'time') return (seconds / sample.work) * scale;
  return sample.work / seconds;
}

function fmt(n) {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (abs >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  if (abs >= 100) return n.toFixed(0);
  if (abs >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

export function formatTable(result) {
  const better = result.measure === 'time' ? 'lower is better' : 'higher is better';
  const ratioCols = Object.keys(result.rows[0]?.ratios ?? {});
  const metricCols = [...new Set(result.rows.flatMap((r) => Object.keys(r.metrics)))];
  const header = [
    'peer',
    `${result.unit} (median)`,
    ...ratioCols.map((c) => `x ${c}`),
    ...metricCols.map((m) => `${m} (median)`),
  ];
  const lines = [
    `### ${result.scenario} (${better}; ${result.rounds} round${result.rounds === 1 ? '' : 's'}; baseline: ${result.baseline})`,
    '',
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
  ];
  for (const row of result.rows) {
    const cells = [
      row.peer,
      fmt(row.median),
      ...ratioCols.map((c) => (Number.isFinite(row.ratios[c]) ? `${row.ratios[c].toFixed(2)}x` : 'n/a')),
      ...metricCols.map((m) => (m in row.metrics ? fmt(row.metrics[m]) : '')),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

async function runScenario(scenario, quick) {
  const measure = scenario.measure ?? 'rate';
  const scale = scenario.scale ?? 1e9;
  const names = Object.keys(scenario.peers);
  if (!names.includes(scenario.baseline)) {
    throw new Error(`scenario "${scenario.name}": baseline "${scenario.baseline}" is not one of its peers`);
  }
  const rounds = quick ? 1 : Math.max(1, scenario.rounds ?? 5);
  const warmup = quick ? 0 : Math.max(0, scenario.warmup ?? 1);
  const samples = new Map(names.map((n) => [n, []]));
  const metrics = new Map(names.map((n) => [n, {}]));
  await scenario.setup?.({ quick });
  try {
    for (let w = 0; w < warmup; w++) {
      for (const name of names) await scenario.peers[name]({ quick, round: -1 });
    }
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(k + round) % names.length];
        const start = performance.now();
        const sample = toSample(await scenario.peers[name]({ quick, round }));
        const elapsed = (performance.now() - start) / 1000;
        const seconds = sample.seconds ?? elapsed;
        samples.get(name).push(figure(sample, seconds, measure, scale));
        for (const [key, value] of Object.entries(sample.metrics ?? {})) {
          (metrics.get(name)[key] ??= []).push(value);
        }
      }
    }
  } finally {
    await scenario.teardown?.();
  }
  const medians = new Map(names.map((n) => [n, median(samples.get(n))]));
  const against = [scenario.baseline, ...(scenario.compare ?? []).filter((c) => c !== scenario.baseline)];
  const rows = names.map((peer) => {
    const ratios = {};
    for (const other of against) {
      const base = medians.get(other);
      // A ratio above 1 always means "better than": faster rate, or less time per op.
      ratios[other] = measure === 'time' ? base / medians.get(peer) : medians.get(peer) / base;
    }
    const m = {};
    for (const [key, values] of Object.entries(metrics.get(peer))) m[key] = median(values);
    return { peer, median: medians.get(peer), samples: samples.get(peer), ratios, metrics: m };
  });
  return { scenario: scenario.name, unit: scenario.unit, measure, baseline: scenario.baseline, rounds, rows };
}

export async function runSuite(suite, argv) {
  const { quick, json, filter } = parseArgs(argv);
  const result = {
    title: suite.title,
    quick,
    node: process.version,
    date: new Date().toISOString(),
    scenarios: [],
  };
  const out = json === '-' ? process.stderr : process.stdout;
  out.write(`## ${suite.title}${quick ? ' (quick)' : ''}\n\n`);
  for (const scenario of suite.scenarios) {
    if (filter && !scenario.name.includes(filter)) continue;
    const res = await runScenario(scenario, quick);
    result.scenarios.push(res);
    out.write(`${formatTable(res)}\n\n`);
  }
  if (json === '-') process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else if (json) writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}
