import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkBoundaries } from '../../check-boundaries.mjs';

const workspace = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function project(root, kind, name, manifest, files = {}) {
  const dir = join(root, kind, name);
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: manifest.name, ...manifest }));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
}

test('the real workspace respects its boundaries', () => {
  assert.deepEqual(checkBoundaries(workspace), []);
});

test('reports a package that depends on an app, relative imports across projects, and tools in src', () => {
  const root = mkdtempSync(join(tmpdir(), 'cb-bound-'));
  try {
    project(root, 'apps', 'demo', { name: '@cb-apps/demo', dependencies: { '@cb/a': '^0.1.0' } }, {
      'src/main.ts': "import { x } from '../../../packages/a/src/index.js';\n",
    });
    project(root, 'packages', 'a', { name: '@cb/a', dependencies: { '@cb-apps/demo': '0.0.0', '@cb-tools/bench': '0.0.0' } }, {
      'src/index.ts': "import { runSuite } from '@cb-tools/bench';\nexport const x = 1;\n",
      'bench/index.ts': "import { runSuite } from '@cb-tools/bench';\nimport { x } from '../src/index.js';\n",
    });
    const problems = checkBoundaries(root);
    assert.equal(problems.length, 4, problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('depends on the app @cb-apps/demo')));
    assert.ok(problems.some((p) => p.includes('tools are dev-only')));
    assert.ok(problems.some((p) => p.includes('outside @cb-apps/demo')));
    assert.ok(problems.some((p) => p.includes('may not import an app or a tool')));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
