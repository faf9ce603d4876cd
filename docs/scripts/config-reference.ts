// Generates docs/reference/configuration.md from the config types of @wxbot/core and the
// options of the official plugins, so the reference cannot drift from the code: the types give
// names, types and doc comments (TypeScript's checker), the plugins' zod schemas give defaults.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { z } from 'zod';

const docsDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = join(docsDir, '..');
const out = join(docsDir, 'reference', 'configuration.md');

interface Row {
  path: string;
  type: string;
  doc: string;
  fallback?: string;
}

// Types whose members are API (methods), not settings: documented in the API reference instead.
const OPAQUE = new Set(['SessionStore', 'StorageDriver', 'Logger', 'RegExp', 'Date', 'Buffer', 'AutoreplyController']);

function program(): { checker: ts.TypeChecker; file: ts.SourceFile } {
  const entry = join(docsDir, 'scripts', 'reference-entry.ts');
  const configPath = join(repo, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, repo);
  const prog = ts.createProgram([entry], { ...parsed.options, noEmit: true });
  const file = prog.getSourceFile(entry);
  if (!file) throw new Error(`cannot read ${entry}`);
  return { checker: prog.getTypeChecker(), file };
}

function aliasType(checker: ts.TypeChecker, file: ts.SourceFile, name: string): ts.Type {
  for (const st of file.statements) {
    if (ts.isTypeAliasDeclaration(st) && st.name.text === name) return checker.getTypeAtLocation(st.name);
  }
  throw new Error(`reference-entry.ts has no type ${name}`);
}

function docOf(checker: ts.TypeChecker, sym: ts.Symbol): string {
  // A comment like "when the bot is @-mentioned" reads to TypeScript as a JSDoc tag: keep its text.
  const tags = sym.getJsDocTags(checker).map((t) => `@${t.name}${t.name ? ' ' : ''}${ts.displayPartsToString(t.text)}`);
  return [ts.displayPartsToString(sym.getDocumentationComment(checker)), ...tags].join(' ').replace(/\s+/g, ' ').trim();
}

function isSettingsObject(checker: ts.TypeChecker, type: ts.Type): boolean {
  const t = checker.getNonNullableType(type);
  if (t.isUnion()) return false;
  if (!(t.flags & ts.TypeFlags.Object)) return false;
  if (t.getCallSignatures().length > 0 || checker.isArrayType(t) || checker.isTupleType(t)) return false;
  const name = t.aliasSymbol?.name ?? t.getSymbol()?.name ?? '';
  if (OPAQUE.has(name)) return false;
  const props = t.getProperties();
  if (props.length === 0) return false;
  // An interface of methods (a store, a driver) is API, not settings.
  return !props.every((p) => {
    const pt = checker.getTypeOfSymbol(p);
    return pt.getCallSignatures().length > 0;
  });
}

function walk(checker: ts.TypeChecker, type: ts.Type, prefix: string, rows: Row[], depth: number): void {
  for (const prop of checker.getNonNullableType(type).getProperties()) {
    const pt = checker.getTypeOfSymbol(prop);
    const path = prefix ? `${prefix}.${prop.name}` : prop.name;
    const typeText = checker
      .typeToString(checker.getNonNullableType(pt), undefined, ts.TypeFormatFlags.NoTruncation)
      .replace(/\s+/g, ' ');
    rows.push({ path, type: typeText.length > 90 ? 'object' : typeText, doc: docOf(checker, prop) });
    if (depth < 3 && isSettingsObject(checker, pt)) walk(checker, pt, path, rows, depth + 1);
  }
}

function defaultsOf(schema: z.ZodType): Map<string, string> {
  const found = new Map<string, string>();
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const visit = (node: unknown, path: string): void => {
    if (typeof node !== 'object' || node === null) return;
    const n = node as Record<string, unknown>;
    if ('default' in n && path) found.set(path, JSON.stringify(n.default));
    const props = n.properties;
    if (typeof props === 'object' && props !== null) {
      for (const [k, v] of Object.entries(props)) visit(v, path ? `${path}.${k}` : k);
    }
    for (const key of ['anyOf', 'oneOf', 'allOf']) {
      const list = n[key];
      if (Array.isArray(list)) for (const v of list) visit(v, path);
    }
  };
  visit(json, '');
  return found;
}

// Pipes are escaped everywhere (GFM tables); `<` only outside code spans, where VitePress would read it as HTML.
const cell = (s: string): string =>
  s
    .split('`')
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/</g, '&lt;').replace(/\{\{/g, '&#123;&#123;')))
    .join('`')
    .replace(/\|/g, '\\|');

function table(rows: readonly Row[]): string {
  const lines = ['| option | type | default | what it does |', '|---|---|---|---|'];
  for (const r of rows) {
    lines.push(
      `| \`${r.path}\` | \`${r.type.replace(/\|/g, '\\|')}\` | ${r.fallback ? `\`${r.fallback.replace(/\|/g, '\\|')}\`` : ''} | ${cell(r.doc)} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { checker, file } = program();
  const sections: string[] = [
    '# Configuration reference',
    '',
    '<!-- Generated by docs/scripts/config-reference.ts from the source types; do not edit by hand. -->',
    '',
    '`bot.config.ts` exports `defineConfig({...})`. Every option below is optional; defaults are given where',
    'the code has one (the doc comment says so otherwise). Values are checked all at once before the bot logs',
    'in, and a bad value names its config path and what to write instead.',
    '',
    '## The bot',
    '',
  ];
  const botRows: Row[] = [];
  walk(checker, aliasType(checker, file, 'BotOptionsForReference'), '', botRows, 0);
  sections.push(table(botRows), '');

  sections.push('## Several accounts (`accounts`)', '');
  sections.push(
    'Instead of `account`, `accounts: [...]` runs several accounts in one process (`wxbot start` runs them all,',
    '`wxbot login --account <name>` logs one in). Each entry takes what `account` takes plus the options below;',
    'its `rateLimits`, `sends` and `runtime` are merged over the top-level ones, and it uses the top-level',
    '`plugins` unless it has its own `plugins` or `pluginOverrides`. Names must be unique and data dirs apart.',
    '',
  );
  const accountRows: Row[] = [];
  walk(checker, aliasType(checker, file, 'AccountEntryForReference'), 'accounts[i]', accountRows, 0);
  sections.push(table(accountRows), '');

  const plugins: Array<{ name: string; typeName: string; schema: string; module: string }> = [
    {
      name: '@wxbot/plugin-autoreply',
      typeName: 'AutoreplyOptionsForReference',
      schema: 'autoreplyOptionsSchema',
      module: '@wxbot/plugin-autoreply',
    },
    {
      name: '@wxbot/plugin-friend-accept',
      typeName: 'FriendAcceptOptionsForReference',
      schema: 'friendAcceptOptionsSchema',
      module: '@wxbot/plugin-friend-accept',
    },
    {
      name: '@wxbot/plugin-group-admin',
      typeName: 'GroupAdminOptionsForReference',
      schema: 'groupAdminOptionsSchema',
      module: '@wxbot/plugin-group-admin',
    },
  ];
  sections.push('## Official plugins', '');
  sections.push(
    "Give a plugin as `[name, options]` in `plugins` (the short name works too: `'autoreply'`). Options are",
    "checked against the plugin's schema before login.",
    '',
  );
  for (const p of plugins) {
    const mod = (await import(p.module)) as Record<string, unknown>;
    const schema = mod[p.schema];
    if (!(schema instanceof z.ZodType)) throw new Error(`${p.module} does not export the zod schema ${p.schema}`);
    const defaults = defaultsOf(schema);
    const rows: Row[] = [];
    walk(checker, aliasType(checker, file, p.typeName), '', rows, 0);
    for (const r of rows) {
      const d = defaults.get(r.path);
      if (d !== undefined) r.fallback = d;
    }
    sections.push(`### ${p.name}`, '', table(rows), '');
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, sections.join('\n'));
  console.log(`wrote ${relative(repo, out)} (${botRows.length} bot options)`);
}

await main();
