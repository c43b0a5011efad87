import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resetForTests } from '../src/config.js';
import {
  DatagramHandler,
  Formatter,
  getLogger,
  HTTPHandler,
  SMTPHandler,
  SocketHandler,
  SysLogHandler,
} from '../src/index.js';
import { runScript, tempDir } from './helpers/env.js';

afterEach(async () => {
  await resetForTests();
});

/** A TCP peer that decodes 4-byte length-prefixed frames. */
async function frameServer(port = 0): Promise<{
  server: Server;
  port: number;
  frames: Array<Record<string, unknown>>;
  sockets: Set<Socket>;
}> {
  const frames: Array<Record<string, unknown>> = [];
  const sockets = new Set<Socket>();
  const server = createServer((sock) => {
    sockets.add(sock);
    let buf = Buffer.alloc(0);
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
        const n = buf.readUInt32BE(0);
        frames.push(JSON.parse(buf.subarray(4, 4 + n).toString('utf8')));
        buf = buf.subarray(4 + n);
      }
    });
    sock.on('close', () => sockets.delete(sock));
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port, frames, sockets };
}

/** A real SMTP server on loopback that keeps each mail's subject and raw text. */
async function mailServer(): Promise<{
  server: SMTPServer;
  port: number;
  mails: Array<{ subject: string; body: string }>;
}> {
  const mails: Array<{ subject: string; body: string }> = [];
  const server = new SMTPServer({
    authOptional: true,
    disableReverseLookup: true,
    onData(stream, _session, cb) {
      let raw = '';
      stream.on('data', (c: Buffer) => {
        raw += c.toString();
      });
      stream.on('end', () => {
        mails.push({ subject: /^Subject: (.*)$/m.exec(raw)?.[1] ?? '', body: raw });
        cb();
      });
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  return { server, port: (server.server.address() as AddressInfo).port, mails };
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function closeServer(server: Server, sockets: Set<Socket> = new Set()): Promise<void> {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('SocketHandler', () => {
  it('validates the retry and queue options', () => {
    for (const options of [
      { retryStart: -1 },
      { retryStart: Number.NaN },
      { retryMax: Number.POSITIVE_INFINITY },
      { retryStart: 500, retryMax: 100 },
      { retryFactor: 0.5 },
      { maxQueue: 1.5 },
      { maxQueue: '10' },
    ]) {
      expect(() => new SocketHandler('127.0.0.1', 9, options as never)).toThrow(
        expect.objectContaining({ code: 'LOG_INVALID_OPTION' }),
      );
    }
    const ok = new SocketHandler('127.0.0.1', 9, { maxQueue: Number.POSITIVE_INFINITY, retryFactor: 1 });
    void ok.close();
  });

  it('sends each record as a length-prefixed JSON frame with the message merged', async () => {
    const { server, port, frames, sockets } = await frameServer();
    const h = new SocketHandler('127.0.0.1', port);
    const log = getLogger('sock');
    log.addHandler(h);
    log.warning('saved %d rows to %s', 3, 'db');
    log.error('failed', new Error('disk full'));
    await h.flush();
    await until(() => frames.length === 2);
    expect(frames[0]).toMatchObject({
      name: 'sock',
      levelname: 'WARNING',
      levelno: 30,
      msg: 'saved 3 rows to db',
      args: [],
    });
    expect(String(frames[1]!.excText)).toMatch(/^Error: disk full\n/);
    await h.close();
    await closeServer(server, sockets);
  });

  it('keeps records while the peer is down and delivers them in order once it is up', async () => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const port = (probe.address() as AddressInfo).port;
    await closeServer(probe);
    const h = new SocketHandler('127.0.0.1', port, { retryStart: 1, retryMax: 5 });
    const errors = vi.spyOn(h, 'handleError').mockImplementation(() => {});
    const log = getLogger('sock.down');
    log.addHandler(h);
    log.warning('first');
    await until(() => errors.mock.calls.length > 0);
    const { server, frames, sockets } = await frameServer(port);
    await new Promise((r) => setTimeout(r, 20));
    log.warning('second');
    await until(() => frames.length === 2);
    expect(frames.map((f) => f.msg)).toEqual(['first', 'second']);
    await h.close();
    await closeServer(server, sockets);
  });
});

describe('DatagramHandler', () => {
  it('sends each record as one UDP datagram', async () => {
    const server = createSocket('udp4');
    server.bind(0, '127.0.0.1');
    await once(server, 'listening');
    const got: Array<Record<string, unknown>> = [];
    server.on('message', (m: Buffer) =>
      got.push(JSON.parse(m.subarray(4, 4 + m.readUInt32BE(0)).toString())),
    );
    const h = new DatagramHandler('127.0.0.1', server.address().port);
    getLogger('udp').addHandler(h);
    getLogger('udp').warning('ping %d', 1);
    await h.flush();
    await until(() => got.length === 1);
    expect(got[0]).toMatchObject({ name: 'udp', msg: 'ping 1' });
    await h.close();
    server.close();
  });
});

describe('SysLogHandler', () => {
  it('sends RFC 5424 messages over UDP with facility and severity in PRI', async () => {
    const server = createSocket('udp4');
    server.bind(0, '127.0.0.1');
    await once(server, 'listening');
    const got: string[] = [];
    server.on('message', (m: Buffer) => got.push(m.toString()));
    const h = new SysLogHandler({
      address: { host: '127.0.0.1', port: server.address().port },
      facility: 'local0',
      appName: 'contacts',
      hostname: 'box',
    });
    getLogger('sys').addHandler(h);
    getLogger('sys').error('disk %s', 'full');
    await h.flush();
    await until(() => got.length === 1);
    expect(got[0]).toMatch(
      new RegExp(
        `^<131>1 \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z box contacts ${process.pid} sys - disk full$`,
      ),
    );
    await h.close();
    server.close();
  });

  it('sends RFC 3164 lines over TCP and octet-counted frames over a unix socket', async () => {
    const tmp = tempDir();
    const received: string[] = [];
    const make = (): Server =>
      createServer((s) => {
        s.on('data', (c: Buffer) => received.push(c.toString()));
      });
    const tcp = make();
    tcp.listen(0, '127.0.0.1');
    await once(tcp, 'listening');
    const path = join(tmp.dir, 'syslog.sock');
    const unix = make();
    unix.listen(path);
    await once(unix, 'listening');
    const a = new SysLogHandler({
      address: { host: '127.0.0.1', port: (tcp.address() as AddressInfo).port },
      protocol: 'tcp',
      rfc: '3164',
      framing: 'lf',
      appName: 'app',
      hostname: 'box.example.com',
    });
    const b = new SysLogHandler({ address: path, appName: 'app', hostname: 'box' });
    a.handle(getLogger('x').makeRecord(20, 'hello %s', ['tcp']));
    b.handle(getLogger('x').makeRecord(10, 'hello unix', []));
    await a.flush();
    await b.flush();
    await until(() => received.join('').includes('hello tcp\n') && received.join('').includes('hello unix'));
    const all = received.join('');
    expect(all).toMatch(
      new RegExp(
        `<14>[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d box app\\[${process.pid}\\]: hello tcp\\n`,
      ),
    );
    const m = /(\d+) (<15>1 .*hello unix)/.exec(all);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBe(Buffer.byteLength(m![2]!));
    await a.close();
    await b.close();
    await new Promise<void>((r) => tcp.close(() => r()));
    await new Promise<void>((r) => unix.close(() => r()));
    tmp.remove();
  });

  it('rejects an unknown facility', () => {
    expect(() => new SysLogHandler({ facility: 'nope' as 'user' })).toThrow(
      expect.objectContaining({ code: 'LOG_INVALID_OPTION' }),
    );
  });
});

describe('HTTPHandler', () => {
  it('POSTs each record as JSON and reports non-2xx answers through handleError', async () => {
    const bodies: Array<Record<string, unknown>> = [];
    let status = 204;
    const server = createHttpServer((req, res) => {
      let data = '';
      req.on('data', (c: Buffer) => {
        data += c.toString();
      });
      req.on('end', () => {
        bodies.push({
          ...JSON.parse(data),
          method: req.method,
          ct: req.headers['content-type'],
          auth: req.headers.authorization,
        });
        res.statusCode = status;
        res.end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/log`;
    const h = new HTTPHandler(url, { headers: { authorization: 'Bearer t' } });
    const errors = vi.spyOn(h, 'handleError').mockImplementation(() => {});
    const log = getLogger('http');
    log.addHandler(h);
    log.warning('one %d', 1);
    log.error('two');
    await h.flush();
    expect(bodies.map((b) => b.msg).sort()).toEqual(['one 1', 'two']);
    expect(bodies[0]).toMatchObject({
      method: 'POST',
      ct: 'application/json',
      auth: 'Bearer t',
      name: 'http',
    });
    expect(errors).not.toHaveBeenCalled();
    status = 500;
    log.error('three');
    await h.flush();
    expect(errors).toHaveBeenCalledTimes(1);
    await h.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('rejects a non-http URL', () => {
    expect(() => new HTTPHandler('ftp://x')).toThrow(expect.objectContaining({ code: 'LOG_INVALID_OPTION' }));
  });

  it('sends a record whose extra holds a bigint, as its digits', async () => {
    const bodies: Array<Record<string, unknown>> = [];
    const server = createHttpServer((req, res) => {
      let data = '';
      req.on('data', (c: Buffer) => {
        data += c.toString();
      });
      req.on('end', () => {
        bodies.push(JSON.parse(data));
        res.end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const h = new HTTPHandler(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const errors = vi.spyOn(h, 'handleError').mockImplementation(() => {});
    const log = getLogger('http.bigint');
    log.addHandler(h);
    log.error('big', { extra: { n: 10n ** 20n } });
    await h.flush();
    expect(errors).not.toHaveBeenCalled();
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toMatchObject({ msg: 'big', n: '100000000000000000000' });
    await h.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('validates method, headers and timeout', () => {
    for (const options of [
      { method: 'GET' },
      { headers: { a: 1 } },
      { headers: 'x' },
      { timeout: 0 },
      { timeout: 'x' },
    ]) {
      expect(() => new HTTPHandler('http://127.0.0.1:1/', options as never)).toThrow(
        expect.objectContaining({ code: 'LOG_INVALID_OPTION' }),
      );
    }
  });
});

describe('SMTPHandler', () => {
  it('batches an error storm into one mail through a real SMTP server', async () => {
    const { server, port, mails } = await mailServer();
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    const mailer = {
      send: (m: { from: string; to: string | readonly string[]; subject: string; text: string }) =>
        transport.sendMail({ ...m, to: [...[m.to].flat()] }),
    };
    const h = new SMTPHandler(mailer, {
      from: 'app@example.com',
      to: ['ops@example.com'],
      subject: 'app errors',
      batchMs: 60_000,
    });
    h.setFormatter(new Formatter('%(levelname)s %(message)s'));
    const log = getLogger('smtp');
    log.addHandler(h);
    for (let i = 0; i < 50; i++) log.error('request %d failed', i);
    await h.flush();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('app errors (50 records)');
    expect(mails[0]!.body).toContain('ERROR request 49 failed');
    log.critical('alone');
    await h.close();
    expect(mails).toHaveLength(2);
    expect(mails[1]!.subject).toBe('app errors');
    transport.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('mails an open batch when the program ends on its own, without waiting for the window', async () => {
    const { server, port, mails } = await mailServer();
    const started = Date.now();
    const res = await runScript(fileURLToPath(new URL('./fixtures/smtp-exit.ts', import.meta.url)), [
      String(port),
    ]);
    expect(res.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(50_000);
    expect(mails.map((m) => m.subject)).toEqual(['job failed']);
    await new Promise<void>((r) => server.close(() => r()));
  }, 60_000);

  it('loads @cb/mailer lazily when given SMTP connection options', async () => {
    const { server, port, mails } = await mailServer();
    const h = new SMTPHandler(
      { host: '127.0.0.1', port, security: 'none' },
      { from: 'app@example.com', to: 'ops@example.com', subject: 'errors', batchMs: 60_000 },
    );
    getLogger('smtp.lazy').addHandler(h);
    getLogger('smtp.lazy').error('one');
    getLogger('smtp.lazy').error('two');
    await h.close();
    expect(mails.map((m) => m.subject)).toEqual(['errors (2 records)']);
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('needs from, to and subject', () => {
    expect(() => new SMTPHandler({ send: async () => undefined }, {} as never)).toThrow(
      expect.objectContaining({ code: 'LOG_INVALID_OPTION' }),
    );
  });
});
