// A non-interactive tour of the chapter: du on a folder we make, the size CLI driven through its
// stdin, and the injection example run both ways.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkOutput, join as shellJoin } from '@cb/proc';
import { clip, compareInjection, HOSTILE_NAME } from './injection.js';
import { size } from './size.js';
import { askSize } from './size-of-tmp.js';

function heading(title: string): void {
  process.stdout.write(`\n== ${title} ==\n`);
}

const folder = mkdtempSync(join(tmpdir(), 'disk-usage-demo-'));
try {
  writeFileSync(join(folder, 'one.bin'), Buffer.alloc(256 * 1024, 1));
  writeFileSync(join(folder, 'two.bin'), Buffer.alloc(768 * 1024, 2));

  heading('1. du -sh on a folder made for the demo (checkOutput)');
  process.stdout.write(`$ ${shellJoin(['du', '-sh', folder])}\n`);
  process.stdout.write(await checkOutput(['du', '-sh', folder], { text: true }));

  heading('2. du -sh /tmp (run; /tmp is shared, so du may complain about files vanishing)');
  const tmp = await size('/tmp');
  process.stdout.write(tmp.ok ? tmp.stdout : `exit ${tmp.returncode}\n${clip(tmp.stderr, 3)}\n`);

  heading('3. size-of-tmp: driving the size CLI through its stdin with communicate()');
  for (const dir of [folder, '/tmp', join(folder, 'missing')]) {
    const a = await askSize(dir);
    process.stdout.write(`typed ${JSON.stringify(dir)} -> exit ${a.returncode}\n`);
    if (a.stdout) process.stdout.write(`  stdout: ${a.stdout}`);
    if (a.stderr) process.stdout.write(`  stderr: ${clip(a.stderr, 2)}\n`);
  }

  heading(`4. shell injection with the name ${JSON.stringify(HOSTILE_NAME)}`);
  const { unsafe, safe } = await compareInjection();
  process.stdout.write(`UNSAFE ${unsafe.call}\n  exit ${unsafe.returncode}; the shell ran du AND ls:\n`);
  process.stdout.write(`${clip(unsafe.stdout, 5).replace(/^/gm, '  | ')}\n`);
  process.stdout.write(
    `SAFE   ${safe.call}\n  exit ${safe.returncode}; du looked for a file with that odd name:\n`,
  );
  process.stdout.write(`${clip(safe.stderr, 3).replace(/^/gm, '  | ')}\n`);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
