// Summarizes a V8 .cpuprofile (node --cpu-prof; `--profile` of the benchmarks writes them under bench/results/):
//   node -r @swc-node/register bench/profile-summary.ts FILE [--active REGEX] [--top N]
// --active counts only samples between the first and last whose stack matches REGEX (e.g. router-proxy).
import { parseArgs } from 'node:util';
import { formatProfileSummary, summarizeCpuProfile } from './lib/cpuprofile';

const { values, positionals } = parseArgs({ options: { active: { type: 'string' }, top: { type: 'string' } }, allowPositionals: true });
if (positionals.length !== 1) {
  console.error('usage: node -r @swc-node/register bench/profile-summary.ts FILE.cpuprofile [--active REGEX] [--top N]');
  process.exit(2);
}
const top = values.top ? Number(values.top) : 30;
console.log(formatProfileSummary(summarizeCpuProfile(positionals[0], { top, activeFrame: values.active ? new RegExp(values.active) : undefined }), top));
