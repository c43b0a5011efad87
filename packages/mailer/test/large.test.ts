import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../src/testing.js';
import { python, tempDir } from './helpers.js';

const SIZE = 100 * 1024 * 1024;
const MB = 1024 * 1024;
let server: TestServer;
let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir();
  server = await createTestServer({ keepRawBytes: 0, keepAttachmentBytes: 0, rawDirectory: tmp.dir });
});
afterAll(async () => {
  await server.close();
  await tmp.cleanup();
});

/** Pseudo-random, incompressible bytes generated chunk by chunk (never held whole). */
function* chunks(total: number): Generator<Buffer> {
  let seed = createHash('sha256').update('cb-mailer').digest();
  for (let left = total; left > 0; ) {
    const parts: Buffer[] = [];
    for (let i = 0; i < 2048; i++) {
      seed = createHash('sha256').update(seed).digest();
      parts.push(seed);
    }
    const chunk = Buffer.concat(parts).subarray(0, Math.min(left, 65536));
    left -= chunk.length;
    yield chunk;
  }
}

describe('a 100 MB attachment', () => {
  it('streams from disk byte-identical while the sender memory stays flat', async () => {
    const path = join(tmp.dir, 'large.bin');
    const hash = createHash('sha256');
    await pipeline(
      Readable.from(chunks(SIZE)),
      async function* (source: AsyncIterable<Buffer>) {
        for await (const c of source) {
          hash.update(c);
          yield c;
        }
      },
      createWriteStream(path),
    );
    const expected = hash.digest('hex');
    const script = fileURLToPath(new URL('./fixtures/send-large.ts', import.meta.url));
    const tsx = createRequire(import.meta.url).resolve('tsx/cli');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--expose-gc', tsx, script, String(server.port), path],
      { maxBuffer: 1024 * 1024 },
    );
    const report = JSON.parse(stdout) as {
      response: string;
      baselineRss: number;
      peakRss: number;
      baselineHeap: number;
      peakHeap: number;
    };
    expect(report.response).toMatch(/^250 /);
    const [got] = await server.waitForMessages(1);
    expect(got?.attachments).toHaveLength(1);
    expect(got?.attachments[0]).toMatchObject({ filename: 'large.bin', size: SIZE, sha256: expected });
    expect(got?.size).toBeGreaterThan((SIZE * 4) / 3);
    // The file is 100 MB and its base64 form ~137 MB; the sender must hold neither.
    expect((report.peakRss - report.baselineRss) / MB).toBeLessThan(64);
    expect((report.peakHeap - report.baselineHeap) / MB).toBeLessThan(48);
    // python3's email package, reading the received message from disk, finds the same bytes.
    const py = JSON.parse(
      await python(
        `
import sys, json, hashlib
from email.parser import BytesFeedParser
from email import policy
parser = BytesFeedParser(policy=policy.default)
with open(sys.argv[1], "rb") as f:
    for chunk in iter(lambda: f.read(1 << 20), b""):
        parser.feed(chunk)
msg = parser.close()
out = []
for part in msg.iter_attachments():
    data = part.get_payload(decode=True)
    out.append({"filename": part.get_filename(), "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
print(json.dumps({"subject": str(msg["subject"]), "attachments": out, "defects": [type(d).__name__ for d in msg.defects]}))
`,
        '',
        [got!.rawPath!],
      ),
    ) as {
      subject: string;
      attachments: { filename: string; size: number; sha256: string }[];
      defects: string[];
    };
    expect(py.subject).toBe('Large attachment');
    expect(py.defects).toEqual([]);
    expect(py.attachments).toEqual([{ filename: 'large.bin', size: SIZE, sha256: expected }]);
    // Re-read the file to be sure the test compared against what was on disk.
    const again = createHash('sha256');
    for await (const c of createReadStream(path)) again.update(c as Buffer);
    expect(again.digest('hex')).toBe(expected);
  }, 180_000);
});
