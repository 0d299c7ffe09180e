// The import rules of lib/ and bin/. lib/ is layered and imports only point down:
//   core/               imports core/ only
//   util/               core/, util/
//   firebird/, mysql/   core/, util/ and itself (never each other)
//   stages/             core/, util/, stages/
//   state/              core/, util/, stages/, state/
//   sync/               anything in lib/
// lib/index.ts is the public face and the only part of lib/ that bin/ imports; the drivers stay in their adapters.
// Checked by `npm run lint:imports` (part of `npm test`) and by spec/unit/layers.spec.ts, which also proves each
// rule bites.
//
// Every import counts, type-only ones included: a type-only import still ties one layer to another.
// TypeScript 7's package no longer exposes the compiler API that dependency-cruiser parses .ts with,
// so .ts files are parsed with swc, which keeps `import type` and `export type … from` as imports.

/** Folders of lib/ a layer may import, besides packages and node's own modules. */
const only = (layer, allowed) => ({
  name: `${layer}-imports-only-${allowed.join('-')}`,
  comment: `lib/${layer}/ imports only lib/{${allowed.join(',')}}/`,
  severity: 'error',
  from: { path: `^lib/${layer}/` },
  to: { path: '^(lib|bin)/', pathNot: `^lib/(${allowed.join('|')})/` },
});

/** A driver package is imported only by its adapter. */
const driver = (pkg, adapter) => ({
  name: `${pkg}-only-in-${adapter}`,
  comment: `the ${pkg} driver is imported only under lib/${adapter}/`,
  severity: 'error',
  from: { pathNot: `^lib/${adapter}/` },
  to: { path: `(^|/)node_modules/${pkg}/` },
});

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'no module reaches itself through its imports (type-only imports included)',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-unresolvable',
      comment: 'every import resolves; an unresolved one would escape every other rule',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    only('core', ['core']),
    only('util', ['core', 'util']),
    {
      name: 'firebird-not-mysql',
      comment: 'the source adapter never imports the target adapter',
      severity: 'error',
      from: { path: '^lib/firebird/' },
      to: { path: '^lib/mysql/' },
    },
    {
      name: 'mysql-not-firebird',
      comment: 'the target adapter never imports the source adapter',
      severity: 'error',
      from: { path: '^lib/mysql/' },
      to: { path: '^lib/firebird/' },
    },
    only('firebird', ['core', 'util', 'firebird']),
    only('mysql', ['core', 'util', 'mysql']),
    only('stages', ['core', 'util', 'stages']),
    only('state', ['core', 'util', 'stages', 'state']),
    {
      name: 'lib-not-bin',
      comment: 'the library never imports the command line',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^bin/' },
    },
    {
      name: 'bin-imports-only-lib-index',
      comment: 'bin/ reaches the library only through its public face, lib/index.ts (and its own files)',
      severity: 'error',
      from: { path: '^bin/' },
      to: { path: '^lib/', pathNot: '^lib/index\\.ts$' },
    },
    driver('node-firebird', 'firebird'),
    driver('mysql2', 'mysql'),
  ],
  options: {
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: '(^|/)node_modules/' },
    // resolve as node does for this ESM package: package.json "exports" with their conditions, .js -> .ts
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['main', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
