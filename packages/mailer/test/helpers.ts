import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createMailer, type Mailer, type SmtpMailerOptions } from '../src/index.js';
import { createTestServer, type TestServer, type TestServerOptions } from '../src/testing.js';

/** Runs python3 with `code`, feeding `input` on stdin; resolves with stdout (throws on a non-zero exit). */
export function python(code: string, input: Buffer | string = '', args: string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', code, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`python3 exited ${code}: ${Buffer.concat(err).toString('utf8')}`));
    });
    child.stdin.end(input);
  });
}

/** Parses a raw message with python3's `email` package (policy.default) and returns a summary. */
export interface PythonSummary {
  headers: Record<string, string>;
  from: { name: string; address: string }[];
  to: { name: string; address: string }[];
  text: string | null;
  html: string | null;
  attachments: {
    filename: string | null;
    contentType: string;
    cid: string | null;
    sha256: string;
    size: number;
  }[];
  defects: string[];
}

export async function parseWithPython(raw: Buffer): Promise<PythonSummary> {
  const code = `
import sys, json, hashlib, email
from email import policy
msg = email.message_from_binary_file(sys.stdin.buffer, policy=policy.default)
def addrs(name):
    h = msg[name]
    if h is None: return []
    return [{"name": a.display_name, "address": a.addr_spec} for a in h.addresses]
body_text = msg.get_body(preferencelist=("plain",))
body_html = msg.get_body(preferencelist=("html",))
atts = []
for part in msg.walk():
    if part.is_multipart(): continue
    if part is body_text or part is body_html: continue
    data = part.get_payload(decode=True) or b""
    cid = part.get("Content-ID")
    atts.append({"filename": part.get_filename(), "contentType": part.get_content_type(),
                 "cid": cid.strip("<>") if cid else None, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)})
defects = [type(d).__name__ for part in msg.walk() for d in part.defects]
print(json.dumps({
  "headers": {k.lower(): str(v) for k, v in msg.items()},
  "from": addrs("From"), "to": addrs("To"),
  "text": body_text.get_content() if body_text is not None else None,
  "html": body_html.get_content() if body_html is not None else None,
  "attachments": atts, "defects": defects}))
`;
  return JSON.parse(await python(code, raw)) as PythonSummary;
}

/** A temp folder removed by the returned cleanup. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'cb-mailer-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Registers an `afterEach` that closes every test server and mailer made through the returned functions
 * (mailers first), so a failing test leaves nothing open for the next one.
 */
export function closeAfterEach(): {
  server(options?: TestServerOptions): Promise<TestServer>;
  mailer(options: SmtpMailerOptions): Mailer;
  /** A test server and a mailer pointed at it with `security: 'none'`. */
  setup(
    serverOptions?: TestServerOptions,
    mailerOptions?: Partial<SmtpMailerOptions>,
  ): Promise<{ s: TestServer; m: Mailer }>;
} {
  const mailers: Mailer[] = [];
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all([...mailers.splice(0), ...servers.splice(0)].map((o) => o.close()));
  });
  const server = async (options?: TestServerOptions): Promise<TestServer> => {
    const s = await createTestServer(options);
    servers.push(s);
    return s;
  };
  const mailer = (options: SmtpMailerOptions): Mailer => {
    const m = createMailer(options);
    mailers.push(m);
    return m;
  };
  return {
    server,
    mailer,
    async setup(serverOptions = {}, mailerOptions = {}) {
      const s = await server(serverOptions);
      const m = mailer({ host: s.host, port: s.port, security: 'none', ...mailerOptions });
      return { s, m };
    },
  };
}
