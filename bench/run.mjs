// `npm run bench`: every benchmark in one run, each beside its floors and peers measured now.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './lib.mjs';

const suites = ['lambda.mjs', 'stepfunctions.mjs', 'apigateway.mjs'].filter((f) => existsSync(join(root, 'bench', f)));
console.log(`Nimbus benchmarks on ${process.platform} ${process.arch}, Node ${process.version}, ${(await import('node:os')).cpus().length} cores`);
for (const file of suites) {
  const mod = await import(join(root, 'bench', file));
  if (typeof mod.main !== 'function') continue;
  try {
    const { title, rows } = await mod.main();
    if (!rows) continue; // the suite printed its own table
    console.log(`\n${title}`);
    for (const [k, v, r] of rows) console.log(`  ${String(k).padEnd(52)} ${String(v).padEnd(20)} ${r ?? ''}`);
  } catch (err) {
    console.log(`\n${file}: failed: ${err instanceof Error ? err.stack : err}`);
    process.exitCode = 1;
  }
}
