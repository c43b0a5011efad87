// One peer of the "1M tasks at concurrency 10" memory scenario, alone in a fresh process so its
// peak RSS is its own. Plain JS so that, with a build present, no TypeScript loader inflates RSS.
// Prints {"seconds": s, "maxRssMb": mb}.
import pLimit from 'p-limit';

const { map } = await import(process.env.CB_CONCURRENCY_ENTRY);
const [peer, nText] = process.argv.slice(2);
const n = Number(nText);
const task = (i) => i;
function* items() {
  for (let i = 0; i < n; i++) yield i;
}

const started = performance.now();
if (peer === 'map') {
  await map(items(), task, { concurrency: 10 });
} else if (peer === 'p-limit') {
  const cap = pLimit(10);
  await Promise.all(Array.from(items(), (i) => cap(task, i)));
} else {
  throw new Error(`unknown peer ${peer}`);
}
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
