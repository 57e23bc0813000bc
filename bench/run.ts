/**
 * `npm run bench -- [name ...] [--smoke | options]`: runs benchmarks; each prints its figures beside a
 * baseline measured in the same run, and the ratio. `--smoke` runs each briefly (CI proves they work).
 */
const BENCHES: Record<string, () => Promise<{ main: (args: string[]) => Promise<unknown> }>> = {
  tickets: () => import('./tickets.ts'),
  sla: () => import('./sla.ts'),
  ingest: () => import('./ingest.ts'),
  kb: () => import('./kb.ts'),
  paging: () => import('./paging.ts'),
  rca: () => import('./rca.ts'),
};

async function run(): Promise<void> {
  const args = process.argv.slice(2);
  const smoke = args.includes('--smoke');
  // Benchmark names come first; the options after them (with their values) go to each benchmark.
  const firstOption = args.findIndex((a) => a.startsWith('--'));
  const names = firstOption < 0 ? args : args.slice(0, firstOption);
  const options = firstOption < 0 ? [] : args.slice(firstOption);
  const unknown = names.filter((n) => !(n in BENCHES));
  if (unknown.length) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
  for (const name of names.length ? names : Object.keys(BENCHES)) {
    console.log(`\n### bench ${name}${smoke ? ' (smoke)' : ''}`);
    const mod = await BENCHES[name]!();
    await mod.main(smoke ? ['--smoke'] : options);
  }
}

await run();
