import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CsvError, openTable, parse } from '../src/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cb-csv-table-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openTable', () => {
  it('creates the file with a header, appends records and reads them back', async () => {
    const path = join(dir, 'contacts.csv');
    const t = await openTable(path, { fieldnames: ['name', 'email'] });
    await t.append({ name: 'Ana', email: 'ana@example.com' });
    await t.append([{ name: 'Ben, Jr.', email: 'ben@example.com' }, { name: 'Cy' }]);
    expect(await t.readAll()).toEqual([
      { name: 'Ana', email: 'ana@example.com' },
      { name: 'Ben, Jr.', email: 'ben@example.com' },
      { name: 'Cy', email: '' },
    ]);
    const found = [];
    for await (const rec of t.find((r) => r.name.startsWith('B'))) found.push(rec.email);
    expect(found).toEqual(['ben@example.com']);
    await t.close();
    expect(await readFile(path, 'utf8')).toBe(
      'name,email\r\nAna,ana@example.com\r\n"Ben, Jr.",ben@example.com\r\nCy,\r\n',
    );
  });

  it('reopens an existing file, keeps its rows and appends after them', async () => {
    const path = join(dir, 't.csv');
    const a = await openTable(path, { fieldnames: ['id'] });
    await a.append({ id: '1' });
    await a.close();
    const b = await openTable(path);
    expect(b.fieldnames).toEqual(['id']);
    await b.append({ id: '2' });
    await b.close();
    expect(parse(await readFile(path, 'utf8'))).toEqual([['id'], ['1'], ['2']]);
  });

  it('refuses a different header with CSV_HEADER_MISMATCH and leaves the file untouched', async () => {
    const path = join(dir, 't.csv');
    await writeFile(path, 'name,phone\r\nAna,1\r\n');
    const err = await openTable(path, { fieldnames: ['phone', 'name'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CsvError);
    expect((err as CsvError).code).toBe('CSV_HEADER_MISMATCH');
    expect((err as CsvError).value).toEqual(['name', 'phone']);
    expect(await readFile(path, 'utf8')).toBe('name,phone\r\nAna,1\r\n');
  });

  it('serializes concurrent appends so every row lands whole and in call order', async () => {
    const path = join(dir, 't.csv');
    const t = await openTable(path, { fieldnames: ['n', 'text'] });
    const t2 = await openTable(path, { fieldnames: ['n', 'text'] });
    const big = 'x'.repeat(100_000);
    await Promise.all(
      Array.from({ length: 50 }, (_, n) => (n % 2 ? t : t2).append({ n: String(n), text: `${big}"${n}"\n` })),
    );
    await Promise.all([t.close(), t2.close()]);
    const rows = parse(await readFile(path, 'utf8'), { fieldSizeLimit: 1e6 });
    expect(rows.length).toBe(51);
    expect(rows.slice(1).map((r) => r[0])).toEqual(Array.from({ length: 50 }, (_, n) => String(n)));
    expect(rows.slice(1).every((r, n) => r[1] === `${big}"${n}"\n`)).toBe(true);
  });

  it('validates a whole batch before writing, so a bad record writes nothing', async () => {
    const path = join(dir, 't.csv');
    const t = await openTable(path, { fieldnames: ['a'] });
    await expect(t.append([{ a: '1' }, { b: '2' } as unknown as { a: string }])).rejects.toMatchObject({
      code: 'CSV_EXTRA_FIELDS',
    });
    await t.close();
    expect(await readFile(path, 'utf8')).toBe('a\r\n');
  });

  it('starts a new line when the file does not end with one, without rewriting the old row', async () => {
    const path = join(dir, 't.csv');
    await writeFile(path, 'a,b\n1,2');
    const t = await openTable(path, { fieldnames: ['a', 'b'], lineterminator: '\n' });
    await t.append({ a: '3', b: '4' });
    await t.close();
    expect(await readFile(path, 'utf8')).toBe('a,b\n1,2\n3,4\n');
  });

  it('refuses a file whose last record was cut short, and leaves it untouched', async () => {
    const path = join(dir, 't.csv');
    for (const text of ['a,b\r\n1,2\r\n"3,x', 'a,b\r\n1,2\r\n3']) {
      await writeFile(path, text);
      await expect(openTable(path, { fieldnames: ['a', 'b'] })).rejects.toMatchObject({
        code: 'CSV_INCOMPLETE_RECORD',
      });
      expect(await readFile(path, 'utf8')).toBe(text);
    }
  });

  it('after a SIGKILL during appends, holds only whole rows or refuses to append after a cut one', async () => {
    const path = join(dir, 'killed.csv');
    const script = fileURLToPath(new URL('./fixtures/append-forever.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, path], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => resolve());
      child.on('error', reject);
      child.on('exit', () => reject(new Error('child exited early')));
    });
    await new Promise((r) => setTimeout(r, 30));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const text = await readFile(path, 'utf8');
    const rows = parse(text, { fieldSizeLimit: 1e6 });
    const whole = rows.slice(1).filter((r) => r.length === 2 && r[1] === `x,"y"\n${'z'.repeat(2000)}`);
    expect(whole.length).toBeGreaterThanOrEqual(200);
    expect(whole.map((r) => r[0])).toEqual(whole.map((_, k) => String(k)));
    const table = await openTable(path, { fieldnames: ['n', 'text'] }).catch((err: unknown) => err);
    if (table instanceof CsvError) {
      expect(table.code).toBe('CSV_INCOMPLETE_RECORD');
      expect(/\r\n$/.test(text)).toBe(false);
    } else {
      expect(whole.length).toBe(rows.length - 1);
      await (table as Awaited<ReturnType<typeof openTable>>).close();
    }
  }, 60_000);

  it('rejects appends after close and needs fieldnames to create a file', async () => {
    const path = join(dir, 't.csv');
    await expect(openTable(path)).rejects.toMatchObject({ code: 'CSV_INVALID_OPTION' });
    const t = await openTable(path, { fieldnames: ['a'] });
    await t.close();
    await expect(t.append({ a: '1' })).rejects.toMatchObject({ code: 'CSV_CLOSED' });
    await expect(openTable(path, { fieldnames: ['a'], colour: 'red' } as object)).rejects.toThrow(TypeError);
  });
});
