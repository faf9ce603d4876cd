#!/usr/bin/env node
/**
 * `pnpm test:mutation [group ...]`: runs Stryker on each group of stryker/groups.mjs
 * (all of them when none is named), one after another, then writes
 * docs/mutation/<group>/summary.{md,json} and regenerates the table in
 * docs/mutation/README.md from every group's summary.json (so merging branches
 * that ran different groups only needs `pnpm test:mutation --table`).
 * Exits non-zero when a module scores below the bar or Stryker fails.
 */
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { groups } from '../stryker/groups.mjs';

const BAR = 80;
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const docs = join(root, 'docs', 'mutation');
const args = process.argv.slice(2);
const tableOnly = args.includes('--table');
const names = args.filter((a) => !a.startsWith('--'));
const unknown = names.filter((n) => !groups.some((g) => g.name === n));
if (unknown.length > 0) {
  console.error(`unknown mutation group(s): ${unknown.join(', ')}; groups are ${groups.map((g) => g.name).join(', ')}`);
  process.exit(2);
}
const chosen = tableOnly ? [] : groups.filter((g) => names.length === 0 || names.includes(g.name));

function git(...a) {
  try {
    return execFileSync('git', a, { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

/** Stryker's mutation score: detected / (detected + undetected); errors and ignored mutants do not count. */
function summarise(report) {
  const files = Object.entries(report.files).map(([file, { mutants }]) => {
    const count = (...states) => mutants.filter((m) => states.includes(m.status)).length;
    const killed = count('Killed', 'Timeout');
    const survived = count('Survived', 'NoCoverage');
    const ignored = count('Ignored');
    const score = killed + survived === 0 ? 100 : (100 * killed) / (killed + survived);
    const survivors = mutants
      .filter((m) => m.status === 'Survived' || m.status === 'NoCoverage')
      .map((m) => ({
        line: m.location.start.line,
        mutator: m.mutatorName,
        status: m.status,
        replacement: (m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 80),
      }))
      .sort((a, b) => a.line - b.line);
    return {
      module: relative(root, join(root, file)),
      mutants: mutants.length,
      killed,
      survived,
      ignored,
      score: Math.floor(score * 100) / 100,
      survivors,
    };
  });
  return files.sort((a, b) => a.module.localeCompare(b.module));
}

let failed = false;
for (const group of chosen) {
  console.log(`\n=== mutation group ${group.name} ===`);
  // The commit the sandbox is copied from: later commits during a long run are not what was tested.
  const dirty =
    git('status', '--porcelain', '--', ...group.mutate.map((m) => m.replace(/:[\d-]+$/, '')), ...group.tests) !== '';
  const commit = git('rev-parse', '--short', 'HEAD') + (dirty ? '+' : '');
  const run = spawnSync(
    process.execPath,
    [join(root, 'node_modules/@stryker-mutator/core/bin/stryker.js'), 'run', 'stryker/stryker.conf.mjs'],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, WXBOT_MUTATION_GROUP: group.name },
    },
  );
  const reportFile = join(root, 'reports', 'mutation', `${group.name}.json`);
  if (run.status !== 0 || !existsSync(reportFile)) {
    console.error(`stryker failed for group ${group.name} (exit ${run.status})`);
    failed = true;
    continue;
  }
  const files = summarise(JSON.parse(readFileSync(reportFile, 'utf8')));
  const summary = {
    group: group.name,
    date: new Date().toISOString().slice(0, 10),
    commit,
    files,
  };
  const out = join(docs, group.name);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  // `pnpm lint` checks JSON with prettier; write it the way prettier would.
  spawnSync(
    process.execPath,
    [join(root, 'node_modules/prettier/bin/prettier.cjs'), '--write', join(out, 'summary.json')],
    {
      cwd: root,
      stdio: 'ignore',
    },
  );
  const md = [
    `# Mutation report: ${group.name}`,
    '',
    `Run ${summary.date} on ${summary.commit} by \`pnpm test:mutation ${group.name}\`; tests: ${group.tests.map((t) => `\`${t}\``).join(', ')}.`,
    '',
    '| module | mutants | killed | survived | ignored | score |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...files.map(
      (f) => `| ${f.module} | ${f.mutants} | ${f.killed} | ${f.survived} | ${f.ignored} | ${f.score.toFixed(2)} % |`,
    ),
    '',
    '## Surviving mutants',
    '',
    ...files.flatMap((f) =>
      f.survivors.length === 0
        ? [`- ${f.module}: none`]
        : f.survivors.map(
            (s) => `- ${f.module}:${s.line} ${s.mutator} (${s.status}): \`${s.replacement.replace(/`/g, "'")}\``,
          ),
    ),
    '',
  ].join('\n');
  writeFileSync(join(out, 'summary.md'), md);
  for (const f of files) {
    console.log(`${f.score >= BAR ? 'ok  ' : 'LOW '} ${f.score.toFixed(2)} %  ${f.module}`);
    if (f.score < BAR) failed = true;
  }
}

// The table covers every group that has a summary, whichever branch ran it.
const rows = existsSync(docs)
  ? readdirSync(docs, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(docs, d.name, 'summary.json')))
      .flatMap((d) => {
        const s = JSON.parse(readFileSync(join(docs, d.name, 'summary.json'), 'utf8'));
        return s.files.map((f) => ({ ...f, group: s.group, date: s.date, commit: s.commit }));
      })
      .sort((a, b) => a.group.localeCompare(b.group) || a.module.localeCompare(b.module))
  : [];
const table = [
  '<!-- mutation-table:start (generated by scripts/mutation.mjs; do not edit by hand) -->',
  '| group | module | mutants | killed | survived | score | date | commit |',
  '| --- | --- | ---: | ---: | ---: | ---: | --- | --- |',
  ...rows.map(
    (r) =>
      `| ${r.group} | ${r.module} | ${r.mutants} | ${r.killed} | ${r.survived} | ${r.score.toFixed(2)} % | ${r.date} | ${r.commit} |`,
  ),
  '<!-- mutation-table:end -->',
].join('\n');
const readme = join(docs, 'README.md');
if (existsSync(readme)) {
  const text = readFileSync(readme, 'utf8');
  writeFileSync(readme, text.replace(/<!-- mutation-table:start[\s\S]*<!-- mutation-table:end -->/, table));
}
process.exit(failed ? 1 : 0);
