#!/usr/bin/env node
// Registry end-to-end check (`npm run registry:e2e`).
//
// Starts a real npm registry (verdaccio) on 127.0.0.1 with its own storage in a temp folder, builds
// and publishes every package under packages/, then for each package separately creates a fresh
// consumer project outside the workspace, installs only that package (plus the peer dependencies it
// declares) from the registry and proves that, for every subpath in its `exports` map, an ESM
// `import`, a CJS `require` and TypeScript type checks (moduleResolution node16 and bundler) work.
// A package may also keep smoke scripts in `e2e/smoke.mjs` and `e2e/smoke.cjs` (not published): its
// e2e/ folder is copied into its consumer project and those run there with node, to prove the
// installed builds work, not only load. The registry is stopped by PID whatever happens. A new package is covered without
// editing this file.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const registryDir = join(root, 'tools', 'registry');
const verdaccioBin = join(registryDir, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
const tscBin = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const nxBin = join(root, 'node_modules', 'nx', 'dist', 'bin', 'nx.js');
const TYPES_NODE = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies['@types/node'];
const started = Date.now();

class E2eError extends Error {
  constructor(pkg, step, detail) {
    super(`registry:e2e failed for ${pkg} at "${step}":\n${detail}`);
    this.name = 'E2eError';
  }
}

function log(line) {
  process.stdout.write(`${line}\n`);
}

function run(cmd, args, { cwd, env, pkg = 'workspace', step, input } = {}) {
  const res = spawnSync(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    input,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.error || res.status !== 0) {
    const output = `${res.stdout ?? ''}${res.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new E2eError(
      pkg,
      step ?? `${cmd} ${args.join(' ')}`,
      `${res.error ? String(res.error) : `exit code ${res.status}`}\n${output}`,
    );
  }
  return res.stdout;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForRegistry(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new E2eError('registry', 'start verdaccio', `verdaccio exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/-/ping`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new E2eError('registry', 'start verdaccio', `no answer from ${url} within ${timeoutMs} ms`);
}

async function addUser(url) {
  const name = 'cb-e2e';
  const res = await fetch(`${url}/-/user/org.couchdb.user:${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password: `pw-${process.pid}-${Date.now()}`, type: 'user', roles: [] }),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok || typeof body.token !== 'string') {
    throw new E2eError('registry', 'create a publishing user', `HTTP ${res.status}: ${JSON.stringify(body)}`);
  }
  return body.token;
}

function workspacePackages() {
  const dir = join(root, 'packages');
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'package.json')))
    .map((d) => {
      const path = join(dir, d.name);
      const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'));
      return { dir: path, manifest };
    })
    .filter(({ manifest }) => !manifest.private)
    .sort((a, b) => a.manifest.name.localeCompare(b.manifest.name));
}

/** Every importable subpath of an exports map: '.', './testing', ... (not package.json, not patterns). */
function subpaths(manifest) {
  const exp = manifest.exports;
  if (exp === undefined) return ['.'];
  if (typeof exp === 'string' || !Object.keys(exp).some((k) => k.startsWith('.'))) return ['.'];
  return Object.keys(exp).filter((k) => !k.endsWith('.json') && !k.includes('*'));
}

function specifier(name, sub) {
  return sub === '.' ? name : `${name}/${sub.slice(2)}`;
}

function checkConsumer({ manifest, dir: pkgDir }, consumerRoot, registryUrl, npmrc) {
  const name = manifest.name;
  const dir = join(consumerRoot, name.replace('@', '').replace('/', '__'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'cb-consumer', version: '1.0.0', private: true }, null, 2)}\n`,
  );
  const peers = Object.entries(manifest.peerDependencies ?? {}).map(([n, range]) => `${n}@${range}`);
  const env = { npm_config_userconfig: npmrc, npm_config_registry: registryUrl };
  run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--ignore-scripts', `${name}@${manifest.version}`, ...peers, `@types/node@${TYPES_NODE}`],
    { cwd: dir, env, pkg: name, step: 'npm install from the local registry' },
  );
  const installed = JSON.parse(readFileSync(join(dir, 'node_modules', ...name.split('/'), 'package.json'), 'utf8'));
  if (installed.version !== manifest.version) {
    throw new E2eError(name, 'npm install', `installed ${installed.version}, expected ${manifest.version}`);
  }
  const smokes = [];
  const e2eDir = join(pkgDir, 'e2e');
  if (existsSync(e2eDir)) {
    for (const file of readdirSync(e2eDir)) writeFileSync(join(dir, file), readFileSync(join(e2eDir, file)));
    for (const smoke of ['smoke.mjs', 'smoke.cjs']) {
      if (!existsSync(join(e2eDir, smoke))) continue;
      run(process.execPath, [smoke], { cwd: dir, pkg: name, step: `e2e/${smoke}` });
      smokes.push(`e2e/${smoke}`);
    }
  }
  const specs = subpaths(installed).map((sub) => specifier(name, sub));
  const results = [];
  for (const spec of specs) {
    const esmOut = run(
      process.execPath,
      ['--input-type=module', '-e', `const m = await import(${JSON.stringify(spec)}); console.log(JSON.stringify(Object.keys(m).filter((k) => k !== 'default').sort()));`],
      { cwd: dir, pkg: name, step: `ESM import of ${spec}` },
    );
    const cjsOut = run(
      process.execPath,
      ['--input-type=commonjs', '-e', `const m = require(${JSON.stringify(spec)}); console.log(JSON.stringify(Object.keys(m).filter((k) => k !== 'default' && k !== '__esModule').sort()));`],
      { cwd: dir, pkg: name, step: `CJS require of ${spec}` },
    );
    const esmKeys = JSON.parse(esmOut.trim().split('\n').pop());
    const cjsKeys = JSON.parse(cjsOut.trim().split('\n').pop());
    if (esmKeys.length === 0) throw new E2eError(name, `ESM import of ${spec}`, 'the module has no exports');
    if (JSON.stringify(esmKeys) !== JSON.stringify(cjsKeys)) {
      throw new E2eError(
        name,
        `ESM and CJS parity of ${spec}`,
        `ESM exports: ${esmKeys.join(', ')}\nCJS exports: ${cjsKeys.join(', ')}`,
      );
    }
    results.push({ spec, count: esmKeys.length });
  }

  // Type checks: .mts resolves through the "import" condition and .cts through "require" (node16);
  // bundler resolution reads the "import" types like a bundler would. skipLibCheck is off so the
  // published .d.ts files themselves are checked.
  const imports = specs.map((s, i) => `import * as m${i} from ${JSON.stringify(s)};`).join('\n');
  const uses = `export const modules = [${specs.map((_, i) => `m${i}`).join(', ')}];\n`;
  writeFileSync(join(dir, 'esm.mts'), `${imports}\n${uses}`);
  writeFileSync(
    join(dir, 'cjs.cts'),
    `${specs.map((s, i) => `import m${i} = require(${JSON.stringify(s)});`).join('\n')}\n${uses}`,
  );
  writeFileSync(join(dir, 'bundler.ts'), `${imports}\n${uses}`);
  const common = { strict: true, noEmit: true, skipLibCheck: false, types: ['node'], target: 'ES2022' };
  writeFileSync(
    join(dir, 'tsconfig.node16.json'),
    JSON.stringify({ compilerOptions: { ...common, module: 'node16', moduleResolution: 'node16' }, files: ['esm.mts', 'cjs.cts'] }),
  );
  writeFileSync(
    join(dir, 'tsconfig.bundler.json'),
    JSON.stringify({ compilerOptions: { ...common, module: 'esnext', moduleResolution: 'bundler' }, files: ['bundler.ts'] }),
  );
  run(process.execPath, [tscBin, '-p', 'tsconfig.node16.json'], { cwd: dir, pkg: name, step: 'tsc (moduleResolution node16)' });
  run(process.execPath, [tscBin, '-p', 'tsconfig.bundler.json'], { cwd: dir, pkg: name, step: 'tsc (moduleResolution bundler)' });
  return { results, smokes };
}

async function main() {
  if (!existsSync(verdaccioBin)) {
    log('installing the local registry (tools/registry: npm ci)');
    run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: registryDir, step: 'npm ci in tools/registry' });
  }
  const packages = workspacePackages();
  if (packages.length === 0) throw new E2eError('workspace', 'find packages', 'no publishable package under packages/');

  log(`building ${packages.length} packages`);
  run(process.execPath, [nxBin, 'run-many', '-t', 'build', '-p', ...packages.map((p) => p.manifest.name), '--outputStyle=static'], {
    cwd: root,
    step: 'nx run-many -t build',
  });

  const temp = mkdtempSync(join(tmpdir(), 'cb-registry-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = join(temp, 'config.yaml');
  const upstream = process.env.CB_E2E_UPLINK ?? 'https://registry.npmjs.org/';
  writeFileSync(
    config,
    [
      `storage: ${join(temp, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(temp, 'htpasswd')}`,
      '    max_users: 10',
      'uplinks:',
      '  npmjs:',
      `    url: ${upstream}`,
      '    timeout: 60s',
      'packages:',
      "  '@cb/*':",
      '    access: $all',
      '    publish: $authenticated',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      '    proxy: npmjs',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );

  const registry = spawn(process.execPath, [verdaccioBin, '--config', config, '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let registryLog = '';
  registry.stdout.on('data', (d) => (registryLog += d));
  registry.stderr.on('data', (d) => (registryLog += d));
  const signal = (sig) => {
    if (registry.exitCode === null && registry.pid) {
      try {
        process.kill(registry.pid, sig);
      } catch {
        // already gone
      }
    }
  };
  const stop = () => signal('SIGTERM');
  const onSignal = (sig) => {
    stop();
    rmSync(temp, { recursive: true, force: true });
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let failed = false;
  try {
    await waitForRegistry(url, registry, 30_000);
    log(`registry: verdaccio (pid ${registry.pid}) on ${url}, storage in ${temp}`);
    const token = await addUser(url);
    const npmrc = join(temp, 'npmrc');
    writeFileSync(npmrc, `registry=${url}/\n//127.0.0.1:${port}/:_authToken=${token}\n`);

    for (const pkg of packages) {
      run('npm', ['publish', '--registry', `${url}/`, '--userconfig', npmrc, '--ignore-scripts'], {
        cwd: pkg.dir,
        pkg: pkg.manifest.name,
        step: 'npm publish',
      });
      log(`published ${pkg.manifest.name}@${pkg.manifest.version}`);
    }

    const consumers = join(temp, 'consumers');
    for (const pkg of packages) {
      const t0 = Date.now();
      const { results, smokes } = checkConsumer(pkg, consumers, `${url}/`, npmrc);
      const detail = results.map((r) => `${r.spec} (${r.count} exports)`).join(', ');
      const ran = smokes.length > 0 ? `; ran ${smokes.join(', ')}` : '';
      log(`ok ${pkg.manifest.name}@${pkg.manifest.version}: ESM import, CJS require, tsc node16 + bundler for ${detail}${ran} [${((Date.now() - t0) / 1000).toFixed(1)} s]`);
    }
    log(`registry:e2e passed for ${packages.length} packages in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (err) {
    failed = true;
    process.stderr.write(`\n${err instanceof Error ? err.message : String(err)}\n`);
    if (registryLog.trim()) process.stderr.write(`\nregistry log (tail):\n${registryLog.trim().split('\n').slice(-20).join('\n')}\n`);
  } finally {
    stop();
    await new Promise((resolve) => {
      if (registry.exitCode !== null) resolve();
      else {
        const timer = setTimeout(() => {
          signal('SIGKILL');
          resolve();
        }, 5000);
        registry.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      }
    });
    rmSync(temp, { recursive: true, force: true });
    log(`registry stopped (pid ${registry.pid})`);
  }
  process.exitCode = failed ? 1 : 0;
}

try {
  await main();
} catch (err) {
  process.stderr.write(`\n${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
