#!/usr/bin/env node
// Creates packages/<name> with the layout from CONVENTIONS.md:
//   npm run new-package -- <name> [--description "one line"]
// Refuses to overwrite an existing package.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root = join(dirname(fileURLToPath(import.meta.url)), '..');

function usage(message) {
  if (message) process.stderr.write(`new-package: ${message}\n`);
  process.stderr.write('usage: npm run new-package -- <name> [--description "one line"] [--root <workspace>]\n');
  process.exit(2);
}

const args = process.argv.slice(2);
let name;
let description;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--description') description = args[++i];
  else if (args[i] === '--root') root = args[++i];
  else if (args[i].startsWith('--description=')) description = args[i].slice('--description='.length);
  else if (args[i].startsWith('-')) usage(`unknown flag ${args[i]}`);
  else if (name === undefined) name = args[i];
  else usage(`unexpected argument ${args[i]}`);
}
if (!name) usage('a package name is required');
if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name)) usage(`"${name}" is not a kebab-case name`);

const dir = join(root, 'packages', name);
if (existsSync(dir)) usage(`packages/${name} already exists`);

const pkgName = `@cb/${name}`;
const pascal = name.replace(/(^|-)([a-z0-9])/g, (_, __, c) => c.toUpperCase());
const errorClass = `${pascal}Error`;
const codePrefix = name.replace(/-/g, '_').toUpperCase();
const desc = description ?? `${pkgName}: part of cb, Python's standard library ideas for Node.js`;
const year = new Date().getFullYear();

const files = {
  'package.json': `${JSON.stringify(
    {
      name: pkgName,
      version: '0.1.0',
      description: desc,
      license: 'MIT',
      type: 'module',
      sideEffects: false,
      engines: { node: '>=20' },
      exports: {
        '.': {
          import: { types: './dist/index.d.ts', default: './dist/index.js' },
          require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
        },
        './package.json': './package.json',
      },
      main: './dist/index.cjs',
      module: './dist/index.js',
      types: './dist/index.d.cts',
      files: ['dist', 'README.md', 'CHANGELOG.md', 'LICENSE'],
      keywords: ['cb', name],
      repository: { type: 'git', url: 'git+https://example.invalid/cb.git', directory: `packages/${name}` },
      publishConfig: { access: 'public' },
      scripts: {
        build: 'tsup',
        test: 'vitest run',
        typecheck: 'tsc -p tsconfig.json --noEmit',
        lint: 'biome lint .',
        'check-package': 'publint --strict && attw --pack . --profile node16',
        bench: 'tsx bench/index.ts',
      },
      devDependencies: { '@cb-tools/bench': '0.0.0' },
      nx: { tags: ['type:package'] },
    },
    null,
    2,
  )}\n`,
  'tsconfig.json': `${JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      compilerOptions: { noEmit: true, rootDir: '.' },
      include: ['src', 'test', 'bench', '*.config.ts'],
    },
    null,
    2,
  )}\n`,
  'tsup.config.ts': `import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
});
`,
  'vitest.config.ts': `import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
`,
  'src/index.ts': `export { ${errorClass}, type ${errorClass}Code } from './errors.js';
`,
  'src/errors.ts': `/** Every error code ${pkgName} throws. Callers branch on \`code\`, never on the message. */
export type ${errorClass}Code = '${codePrefix}_INVALID_OPTION';

/** Base class of every error ${pkgName} throws. */
export class ${errorClass} extends Error {
  override name = '${errorClass}';
  readonly code: ${errorClass}Code;

  constructor(code: ${errorClass}Code, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
`,
  'test/errors.test.ts': `import { describe, expect, it } from 'vitest';
import { ${errorClass} } from '../src/index.js';

describe('${errorClass}', () => {
  it('is an Error with a stable code and keeps its cause', () => {
    const cause = new Error('root');
    const err = new ${errorClass}('${codePrefix}_INVALID_OPTION', 'bad option', { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('${errorClass}');
    expect(err.code).toBe('${codePrefix}_INVALID_OPTION');
    expect(err.cause).toBe(cause);
  });
});
`,
  'bench/index.ts': `import { runSuite } from '@cb-tools/bench';
import { ${errorClass} } from '../src/index.js';

// Placeholder scenario until the package has real peers to race: constructing its error class.
await runSuite({
  title: '${pkgName}',
  scenarios: [
    {
      name: 'construct ${errorClass}',
      unit: 'ops/s',
      baseline: 'Error',
      peers: {
        Error: ({ quick }) => {
          const n = quick ? 1e4 : 1e6;
          for (let i = 0; i < n; i++) new Error('x');
          return n;
        },
        ${errorClass}: ({ quick }) => {
          const n = quick ? 1e4 : 1e6;
          for (let i = 0; i < n; i++) new ${errorClass}('${codePrefix}_INVALID_OPTION', 'x');
          return n;
        },
      },
    },
  ],
});
`,
  'README.md': `# ${pkgName}

${desc}

## Install

\`\`\`sh
npm install ${pkgName}
\`\`\`

## Quick example

\`\`\`ts
import { ${errorClass} } from '${pkgName}';
\`\`\`

## API

## Errors

Every error is a \`${errorClass}\` with a stable \`code\`:

| code | meaning | what to do |
| --- | --- | --- |
| \`${codePrefix}_INVALID_OPTION\` | an option has a bad value | fix the option named in the message |

## Differences from Python

## Benchmarks

\`\`\`sh
npx nx bench ${name}
\`\`\`

## Recipes
`,
  // nx release prepends each new version's entry to this file, newest first.
  'CHANGELOG.md': `## 0.1.0 (${new Date().toISOString().slice(0, 10)})

First version of ${pkgName}: the package skeleton, its error base class and first export.
`,
  LICENSE: `MIT License

Copyright (c) ${year} the cb contributors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`,
  'test/fixtures/.gitkeep': '',
};

for (const [rel, content] of Object.entries(files)) {
  const path = join(dir, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}
process.stdout.write(`created packages/${name} (${pkgName}); run \`npm install\` to link it into the workspace\n`);
