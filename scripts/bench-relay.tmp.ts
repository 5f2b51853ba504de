import mod from './bench/relay-prof.tmp.js';
const t = Date.now();
const out = await mod.run();
for (const r of out.results) console.log(`${r.met ? '✔' : '✘'} ${r.name}: ${r.value} ${r.unit} (target ${r.target})`);
for (const n of out.notes ?? []) console.log('-', n);
console.log(`(${Math.round((Date.now() - t) / 1000)} s)`);
process.exit(0);
