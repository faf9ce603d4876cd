#!/usr/bin/env node
// The public API reports: one `packages/<pkg>/api/<entry>.api.md` per package.json export, made by
// api-extractor from the built declarations (dist/, `tsc -b tsconfig.build.json`). Committed, so a
// change to any public surface shows in review as a diff of these files.
//
//   node scripts/api-report.mjs          check: fails when a report differs from the committed one
//   node scripts/api-report.mjs --update regenerate the reports (after an intended API change)
//
// One process and one TypeScript program for every entry (api-extractor's CLI would build one per
// entry and per spawn). See docs/decisions/ (api report) for the message settings and why.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { CompilerState, Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const update = process.argv.includes('--update');

/**
 * Messages that are noise for this repository, each with its reason. Everything else api-extractor
 * reports is an error: a forgotten export (a public type that names an unexported one) fails the check.
 */
const QUIET = {
  // Release tags (@public/@beta/@internal) are a Rush-stack convention; our packages are versioned as
  // a whole and say "internal" by leaving a name out of the barrel.
  'ae-missing-release-tag': 'release tags are not used',
  // Undocumented names show in the report anyway; documentation is TypeDoc's job (docs:build).
  'ae-undocumented': 'documentation is checked by TypeDoc',
  // Doc links are written for TypeDoc, which resolves `{@link since}` against the enclosing class;
  // api-extractor wants `{@link ActionLog.since}`. TypeDoc's validation is the check for links.
  'ae-unresolved-link': 'links are resolved by TypeDoc',
};

/**
 * Forgotten exports (a public type naming one its entry does not export) known and left for the
 * package's owner: each is an internal class reachable through a public member, where the fix is a
 * narrower member type rather than exporting the class. Listed so nothing new slips in unnoticed.
 */
const KNOWN_FORGOTTEN = {
  '@wxbot/server': ['MetricsSources', 'EventBus', 'AccountHub', 'ResolvedApi'],
  '@wxbot/simulator': ['IlinkWorld', 'EndCode', 'Engine', 'AccountRegistry', 'RouteTable', 'PersonKind'],
};

/** Every package.json export with types, of every workspace package that has exports. */
function entries() {
  const out = [];
  for (const dir of readdirSync(join(root, 'packages'), { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    const folder = join(root, 'packages', dir.name);
    const pkgPath = join(folder, 'package.json');
    if (!existsSync(pkgPath)) continue;
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
    if (pkg.private === true || pkg.exports === undefined) continue;
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      if (typeof target !== 'object' || typeof target.types !== 'string') continue;
      const name = subpath === '.' ? 'index' : subpath.replace(/^\.\//, '').replace(/\//g, '-');
      out.push({ pkg: pkg.name, subpath, folder, pkgPath, dts: join(folder, target.types), name });
    }
  }
  return out;
}

function configFor(entry, tempFolder) {
  const messages = Object.fromEntries(Object.keys(QUIET).map((id) => [id, { logLevel: 'none' }]));
  return ExtractorConfig.prepare({
    configObjectFullPath: undefined,
    packageJsonFullPath: entry.pkgPath,
    configObject: {
      projectFolder: entry.folder,
      mainEntryPointFilePath: entry.dts,
      compiler: {
        // Analyses declarations only: the options that decide how their imports resolve.
        overrideTsconfig: {
          compilerOptions: {
            target: 'ES2022',
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            strict: true,
            skipLibCheck: true,
            types: ['node'],
            lib: ['ES2023'],
          },
          files: [entry.dts],
        },
      },
      apiReport: {
        enabled: true,
        reportFileName: `${entry.name}.api.md`,
        reportFolder: join(entry.folder, 'api'),
        reportTempFolder: tempFolder,
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: 'error' } },
        extractorMessageReporting: { default: { logLevel: 'error' }, ...messages },
        // The comments are written for TypeDoc, whose tags TSDoc does not all know: not a problem here.
        tsdocMessageReporting: { default: { logLevel: 'none' } },
      },
    },
  });
}

const list = entries();
const missing = list.filter((e) => !existsSync(e.dts));
if (missing.length > 0) {
  process.stderr.write(
    `api-report: no built declarations for ${missing.map((e) => relative(root, e.dts)).join(', ')}.\n` +
      'Build first: pnpm exec tsc -b tsconfig.build.json\n',
  );
  process.exit(1);
}

const temp = mkdtempSync(join(tmpdir(), 'wxbot-api-'));
const typescriptCompilerFolder = dirname(createRequire(import.meta.url).resolve('typescript/package.json'));
const changed = [];
const knownSeen = new Set();
let problems = 0;

/** The names each package's root entry exports, to tell a subpath's reference to one from a forgotten export. */
function exportedNames(program, roots) {
  const checker = program.getTypeChecker();
  const out = new Map();
  for (const { entry, config } of roots) {
    const file = program.getSourceFile(config.mainEntryPointFilePath);
    const symbol = file === undefined ? undefined : checker.getSymbolAtLocation(file);
    out.set(entry.pkg, new Set(symbol === undefined ? [] : checker.getExportsOfModule(symbol).map((s) => s.name)));
  }
  return out;
}
try {
  const configs = list.map((e) => ({ entry: e, config: configFor(e, join(temp, e.pkg.replace('/', '__'))) }));
  // One program for all entries: the declarations of every package are read and checked once.
  const compilerState = CompilerState.create(configs[0].config, {
    additionalEntryPoints: configs.map((c) => c.config.mainEntryPointFilePath),
    typescriptCompilerFolder,
  });
  const rootExports = exportedNames(
    compilerState.program,
    configs.filter((c) => c.entry.subpath === '.'),
  );
  for (const { entry, config } of configs) {
    if (update) mkdirSync(join(entry.folder, 'api'), { recursive: true });
    const label = `${entry.pkg}${entry.subpath === '.' ? '' : entry.subpath.slice(1)}`;
    const rootNames = rootExports.get(entry.pkg) ?? new Set();
    // errorCount would count the messages quieted above too: the callback counts the rest.
    const result = Extractor.invoke(config, {
      localBuild: update,
      printApiReportDiff: !update,
      compilerState,
      typescriptCompilerFolder,
      messageCallback: (message) => {
        // The preamble and the "report changed" notices: we say it once, shorter, below. A diff
        // (check mode) and console errors still show.
        if (
          message.category === 'console' &&
          message.logLevel !== 'error' &&
          message.messageId !== 'console-api-report-diff'
        ) {
          message.handled = true;
          return;
        }
        if (message.messageId === 'ae-forgotten-export') {
          const symbol = /The symbol "([^"]+)"/.exec(message.text)?.[1] ?? '';
          // A subpath (./testing, ./client) naming a type its package's root exports: importable, not forgotten.
          const fromRoot = entry.subpath !== '.' && rootNames.has(symbol);
          const known = (KNOWN_FORGOTTEN[entry.pkg] ?? []).includes(symbol);
          if (fromRoot || known) {
            message.logLevel = 'none';
            if (known) knownSeen.add(`${entry.pkg}:${symbol}`);
            return;
          }
        }
        if (message.logLevel === 'error') problems++;
        message.text = `${label}: ${message.text}`;
      },
    });
    if (result.apiReportChanged) changed.push({ label, file: relative(root, config.reportFilePath) });
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}

for (const c of changed) {
  process.stderr.write(`${update ? 'updated' : 'differs'}: ${c.file} (${c.label})\n`);
}
if (problems > 0) {
  process.stderr.write(`api-report: ${problems} problem(s) above; fix them (or, if noise, quiet them in QUIET)\n`);
  process.exit(1);
}
if (!update && changed.length > 0) {
  process.stderr.write(
    'api-report: the public API changed. If that is intended, run `pnpm api:update` and commit the reports.\n',
  );
  process.exit(1);
}
const knownLeft = Object.entries(KNOWN_FORGOTTEN).flatMap(([pkg, names]) =>
  names.filter((n) => !knownSeen.has(`${pkg}:${n}`)).map((n) => `${pkg}:${n}`),
);
if (knownLeft.length > 0) {
  process.stderr.write(
    `api-report: fixed, drop from KNOWN_FORGOTTEN in scripts/api-report.mjs: ${knownLeft.join(', ')}\n`,
  );
}
process.stdout.write(`api-report: ${list.length} entries ${update ? 'written' : 'match their reports'}\n`);
