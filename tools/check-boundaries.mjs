#!/usr/bin/env node
// Workspace boundaries (run by `npm run check`):
// - a package depends on another workspace project only if it is a package (@cb/*), never an app;
//   the dev-only benchmark harness (@cb-tools/*) is allowed in devDependencies;
// - source files never reach into another project by a relative path (use its public name);
// - a package never imports an app or a tool from its shipped source (src/).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export function checkBoundaries(root) {
  const problems = [];
  const projects = [];
  for (const kind of ['packages', 'apps']) {
    const dir = join(root, kind);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (existsSync(join(path, 'package.json'))) {
        projects.push({ kind, path, manifest: JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) });
      }
    }
  }
  const apps = new Set(projects.filter((p) => p.kind === 'apps').map((p) => p.manifest.name));
  for (const project of projects) {
    const { manifest, kind } = project;
    const sections = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'];
    for (const section of sections) {
      for (const dep of Object.keys(manifest[section] ?? {})) {
        if (apps.has(dep)) problems.push(`${manifest.name} depends on the app ${dep} (${section})`);
        if (kind === 'packages' && dep.startsWith('@cb-tools/') && section !== 'devDependencies') {
          problems.push(`${manifest.name} has the workspace tool ${dep} in ${section}; tools are dev-only`);
        }
      }
    }
    for (const file of sourceFiles(project.path)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = resolve(dirname(file), m[1]);
        const rel = relative(project.path, target);
        if (rel.startsWith('..')) {
          problems.push(`${relative(root, file)} imports ${m[1]}, outside ${manifest.name}; import the project by its public name`);
        }
      }
      const inSrc = relative(project.path, file).split(sep)[0] === 'src';
      if (kind === 'packages' && inSrc) {
        for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](@cb-(?:apps|tools)\/[^'"]+)['"]/g)) {
          problems.push(`${relative(root, file)} imports ${m[1]}: shipped package code may not import an app or a tool`);
        }
      }
    }
  }
  return problems;
}

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(c|m)?[jt]sx?$/.test(name) && !name.endsWith('.d.ts')) yield path;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const problems = checkBoundaries(root);
  if (problems.length) {
    process.stderr.write(`workspace boundaries: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exit(1);
  }
  process.stdout.write('workspace boundaries: ok (apps -> packages only, no relative imports across projects)\n');
}
