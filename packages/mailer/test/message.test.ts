import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, createMailer, HeaderError, type Mailer, type Message } from '../src/index.js';
import { createTestServer, type TestServer } from '../src/testing.js';
import { parseWithPython, python, tempDir } from './helpers.js';

let server: TestServer;
let mailer: Mailer;
let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  server = await createTestServer({});
  mailer = createMailer({ host: server.host, port: server.port, security: 'none' });
  tmp = await tempDir();
});
afterAll(async () => {
  await mailer.close();
  await server.close();
  await tmp.cleanup();
});

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('the received message', () => {
  it('has the right headers, alternatives, inline image and byte-identical attachments (mailparser and python3)', async () => {
    const binary = randomBytes(300_000);
    const binPath = join(tmp.dir, 'data.bin');
    await writeFile(binPath, binary);
    const png = randomBytes(2048);
    const attachmentTxt = Buffer.from('Line one\r\nLine two, with ünïcödé\r\n', 'utf8');
    const result = await mailer.send({
      from: { name: 'Zoë Ångström, PhD', address: 'zoe@example.com' },
      to: ['"Bob \\"the builder\\"" <bob@example.com>', { name: '田中 太郎', address: 'taro@example.jp' }],
      cc: 'Carol <carol@example.com>, dave@example.com',
      bcc: 'secret@example.com',
      replyTo: 'replies@example.com',
      subject: 'Grüße – naïve café ☕ and a very long subject line that has to be folded over several lines',
      text: 'Plain body\nwith two lines',
      html: '<p>HTML body</p><img src="cid:logo@cb">',
      attachments: [
        { path: binPath },
        { filename: 'attachment.txt', content: attachmentTxt },
        { filename: 'logo.png', content: png, contentType: 'image/png', cid: 'logo@cb' },
      ],
      headers: { 'X-Campaign': 'spring', 'X-Multi': ['one', 'two'] },
      priority: 'high',
    });
    expect(result.envelope.to).toEqual([
      'bob@example.com',
      'taro@example.jp',
      'carol@example.com',
      'dave@example.com',
      'secret@example.com',
    ]);
    const got = server.messages.at(-1)!;
    expect(got.raw).toBeDefined();
    const raw = got.raw!;
    // Bcc never appears in the message itself.
    expect(raw.toString('latin1')).not.toMatch(/secret@example\.com/);
    expect(raw.toString('latin1')).not.toMatch(/^bcc:/im);

    // mailparser's view
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe(
      'Grüße – naïve café ☕ and a very long subject line that has to be folded over several lines',
    );
    expect(got.from).toEqual([{ name: 'Zoë Ångström, PhD', address: 'zoe@example.com' }]);
    expect(got.to).toEqual([
      { name: 'Bob "the builder"', address: 'bob@example.com' },
      { name: '田中 太郎', address: 'taro@example.jp' },
    ]);
    expect(got.text?.trim()).toBe('Plain body\nwith two lines');
    expect(got.html).toContain('<img src="cid:logo@cb">');
    expect(got.headers['x-campaign']).toBe('spring');
    const byName = Object.fromEntries(got.attachments.map((a) => [a.filename, a]));
    expect(byName['data.bin']?.sha256).toBe(sha256(binary));
    expect(byName['attachment.txt']?.sha256).toBe(sha256(attachmentTxt));
    expect(byName['attachment.txt']?.contentType).toBe('text/plain');
    expect(byName['logo.png']).toMatchObject({ sha256: sha256(png), cid: 'logo@cb' });

    // python3's email package, as an independent oracle
    const py = await parseWithPython(raw);
    expect(py.defects).toEqual([]);
    expect(py.headers.subject).toBe(parsed.subject);
    expect(py.from).toEqual([{ name: 'Zoë Ångström, PhD', address: 'zoe@example.com' }]);
    expect(py.to).toEqual(got.to);
    expect(py.headers.cc).toBe('Carol <carol@example.com>, dave@example.com');
    expect(py.headers['reply-to']).toBe('replies@example.com');
    expect(py.headers['message-id']).toBe(result.messageId);
    expect(py.headers['mime-version']).toBe('1.0');
    expect(py.headers['x-priority']).toMatch(/^1/);
    expect(py.headers['x-campaign']).toBe('spring');
    expect(py.text?.replace(/\r\n/g, '\n').trim()).toBe('Plain body\nwith two lines');
    expect(py.html).toContain('<img src="cid:logo@cb">');
    const pyBy = Object.fromEntries(py.attachments.map((a) => [a.filename, a]));
    expect(pyBy['data.bin']).toMatchObject({
      sha256: sha256(binary),
      contentType: 'application/octet-stream',
    });
    expect(pyBy['attachment.txt']).toMatchObject({
      sha256: sha256(attachmentTxt),
      contentType: 'text/plain',
    });
    expect(pyBy['logo.png']).toMatchObject({ sha256: sha256(png), contentType: 'image/png', cid: 'logo@cb' });
  });

  it('labels an attachment by its own type, not multipart/mixed (the cookbook bug)', async () => {
    const raw = await compose({
      from: 'a@example.com',
      to: 'b@example.com',
      subject: 'With attachment',
      html: '<b>see attached</b>',
      attachments: [{ filename: 'attachment.txt', content: 'hello\n' }],
    });
    const py = await parseWithPython(raw);
    expect(py.headers['content-type']).toMatch(/^multipart\/mixed; boundary=/);
    expect(py.attachments).toEqual([
      expect.objectContaining({
        filename: 'attachment.txt',
        contentType: 'text/plain',
        sha256: sha256(Buffer.from('hello\n')),
      }),
    ]);
    expect(py.defects).toEqual([]);
  });
});

describe('header injection', () => {
  const base: Message = { from: 'a@example.com', to: 'b@example.com', subject: 'ok', text: 'x' };
  const cases: [string, Message][] = [
    ['subject', { ...base, subject: 'Hi\r\nBcc: victim@example.com' }],
    ['subject (bare LF)', { ...base, subject: 'Hi\nX-Evil: 1' }],
    ['from name', { ...base, from: { name: 'Eve\r\nBcc: v@example.com', address: 'eve@example.com' } }],
    ['to address', { ...base, to: { address: 'b@example.com\r\nBcc: v@example.com' } }],
    ['address string', { ...base, to: 'b@example.com\nBcc: v@example.com' }],
    ['custom header value', { ...base, headers: { 'X-Tag': 'a\r\nBcc: v@example.com' } }],
    ['custom header name', { ...base, headers: { 'X-Tag\r\nBcc': 'v@example.com' } }],
    ['custom header name with a colon', { ...base, headers: { 'X-Tag: y': 'z' } }],
    ['attachment filename', { ...base, attachments: [{ filename: 'a.txt\r\nX: y', content: 'x' }] }],
    ['reply-to', { ...base, replyTo: { name: 'R\rS', address: 'r@example.com' } }],
  ];
  for (const [what, message] of cases) {
    it(`rejects CR/LF in the ${what} with EHEADER before connecting`, async () => {
      const before = server.connections;
      const err = await mailer.send(message).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HeaderError);
      expect((err as HeaderError).code).toBe('EHEADER');
      expect((err as HeaderError).attempts).toBe(0);
      expect(server.connections).toBe(before);
      await expect(compose(message)).rejects.toBeInstanceOf(HeaderError);
    });
  }

  it('rejects any subject holding CR or LF, and round-trips any other (property, mailparser)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 80 }),
        fc.constantFrom('', '\r', '\n', '\r\n'),
        async (s, brk) => {
          const subject = brk ? `${s}${brk}Bcc: x@example.com` : s;
          if (brk) {
            await expect(compose({ ...base, subject })).rejects.toBeInstanceOf(HeaderError);
            return;
          }
          const parsed = await simpleParser(await compose({ ...base, subject }));
          // A plain ASCII subject loses the spaces and tabs at its ends when the header is unfolded;
          // one that needed RFC 2047 encoding comes back exactly, Unicode spaces included.
          const encoded = /[^\t\x20-\x7e]/.test(subject);
          expect(parsed.subject ?? '').toBe(encoded ? subject : subject.replace(/^[ \t]+|[ \t]+$/g, ''));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('quotes any display name so that it parses back to the same name and address (property, mailparser)', async () => {
    const printable = fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      maxLength: 30,
    });
    await fc.assert(
      fc.asyncProperty(fc.array(printable, { minLength: 1, maxLength: 3 }), async (names) => {
        const to = names.map((name, i) => ({ name, address: `r${i}@example.com` }));
        const parsed = await simpleParser(await compose({ ...base, to }));
        const value = Array.isArray(parsed.to) ? parsed.to.flatMap((t) => t.value) : (parsed.to?.value ?? []);
        expect(value.map((v) => v.address)).toEqual(to.map((t) => t.address));
        expect(value.map((v) => v.name.replace(/\s+/g, ' ').trim())).toEqual(
          names.map((n) => n.replace(/\s+/g, ' ').trim()),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('quotes any printable ASCII display name so that python3 parses it back (property)', async () => {
    const names = fc.sample(
      fc.string({
        unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
        minLength: 1,
        maxLength: 30,
      }),
      { numRuns: 60, seed: 7 },
    );
    const raws = await Promise.all(
      names.map(async (name) =>
        (await compose({ ...base, to: { name, address: 'r@example.com' } })).toString('base64'),
      ),
    );
    const out = await python(
      `
import sys, json, base64, email
from email import policy
res = []
for b in json.load(sys.stdin):
    m = email.message_from_bytes(base64.b64decode(b), policy=policy.default)
    a = m["to"].addresses[0]
    res.append([a.display_name, a.addr_spec])
print(json.dumps(res))
`,
      JSON.stringify(raws),
    );
    const decoded = JSON.parse(out) as [string, string][];
    decoded.forEach(([name, address], i) => {
      expect(address).toBe('r@example.com');
      expect(name.replace(/\s+/g, ' ').trim(), JSON.stringify(names[i])).toBe(
        names[i]!.replace(/\s+/g, ' ').trim(),
      );
    });
  });

  it('encodes any non-ASCII subject and name so that python3 decodes them back (property)', async () => {
    const samples = fc.sample(
      fc.record({
        subject: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 120 }),
        name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
      }),
      { numRuns: 40, seed: 42 },
    );
    const raws = await Promise.all(
      samples.map(async ({ subject, name }) =>
        (
          await compose({ from: { name, address: 'n@example.com' }, to: 'b@example.com', subject, text: 'x' })
        ).toString('base64'),
      ),
    );
    const out = await python(
      `
import sys, json, base64, email
from email import policy
res = []
from email.header import decode_header, make_header
for b in json.load(sys.stdin):
    m = email.message_from_bytes(base64.b64decode(b), policy=policy.default)
    # The display name goes through RFC 2047 decoding directly: policy.default's address parser keeps
    # the folding space between two adjacent encoded words, which RFC 2047 section 6.2 says to drop.
    raw_from = email.message_from_bytes(base64.b64decode(b))["From"]
    phrase = raw_from[: raw_from.rindex("<")].strip()
    res.append({"subject": str(m["subject"]), "name": str(make_header(decode_header(phrase)))})
print(json.dumps(res))
`,
      JSON.stringify(raws),
    );
    const decoded = JSON.parse(out) as { subject: string; name: string }[];
    decoded.forEach((d, i) => {
      expect(d.subject.trim(), JSON.stringify(samples[i])).toBe(samples[i]!.subject.trim());
      expect(d.name.trim(), JSON.stringify(samples[i])).toBe(samples[i]!.name.trim());
    });
  });
});
