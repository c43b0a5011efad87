import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const workspace = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const generator = join(workspace, 'tools', 'new-package.mjs');

function scratch() {
  const root = mkdtempSync(join(tmpdir(), 'cb-gen-'));
  mkdirSync(join(root, 'packages'));
  copyFileSync(join(workspace, 'tsconfig.base.json'), join(root, 'tsconfig.base.json'));
  return root;
}

test('creates a package with the conventional layout and a dual exports map', () => {
  const root = scratch();
  try {
    execFileSync(process.execPath, [generator, 'ini-file', '--description', 'configparser', '--root', root]);
    const dir = join(root, 'packages', 'ini-file');
    for (const f of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'tsup.config.ts', 'vitest.config.ts', 'tsconfig.json', 'src/index.ts', 'src/errors.ts', 'test/errors.test.ts', 'bench/index.ts']) {
      assert.ok(existsSync(join(dir, f)), `${f} exists`);
    }
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    assert.equal(pkg.name, '@cb/ini-file');
    assert.equal(pkg.version, '0.1.0');
    assert.equal(pkg.sideEffects, false);
    assert.equal(pkg.license, 'MIT');
    assert.deepEqual(pkg.files, ['dist', 'README.md', 'CHANGELOG.md', 'LICENSE']);
    assert.deepEqual(Object.keys(pkg.exports['.']), ['import', 'require']);
    assert.deepEqual(Object.keys(pkg.exports['.'].import), ['types', 'default']);
    assert.equal(pkg.exports['.'].require.types, './dist/index.d.cts');
    for (const target of ['build', 'test', 'typecheck', 'lint', 'check-package', 'bench']) assert.ok(pkg.scripts[target], target);
    assert.match(readFileSync(join(dir, 'src', 'errors.ts'), 'utf8'), /class IniFileError extends Error/);
    assert.match(readFileSync(join(dir, 'CHANGELOG.md'), 'utf8'), /^## 0\.1\.0 /);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the generated source type-checks under the workspace compiler settings', () => {
  const root = scratch();
  try {
    execFileSync(process.execPath, [generator, 'probe', '--root', root]);
    const tsc = join(workspace, 'node_modules', 'typescript', 'bin', 'tsc');
    const dir = join(root, 'packages', 'probe');
    const res = spawnSync(process.execPath, [tsc, '--noEmit', '-p', join(dir, 'tsconfig.json'), '--typeRoots', join(workspace, 'node_modules', '@types')], { encoding: 'utf8' });
    // Test and bench files import vitest and the harness, which a scratch root lacks: only src/ must be clean.
    const srcErrors = `${res.stdout}${res.stderr}`.split('\n').filter((l) => l.includes('src/'));
    assert.deepEqual(srcErrors, []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('refuses bad names and existing packages', () => {
  const root = scratch();
  try {
    const bad = spawnSync(process.execPath, [generator, 'Bad_Name', '--root', root], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /not a kebab-case name/);
    execFileSync(process.execPath, [generator, 'twice', '--root', root]);
    const again = spawnSync(process.execPath, [generator, 'twice', '--root', root], { encoding: 'utf8' });
    assert.equal(again.status, 2);
    assert.match(again.stderr, /already exists/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
