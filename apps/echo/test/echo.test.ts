import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type EchoServer, MESSAGE, MODES, runClient, startEchoServer } from '../src/echo.js';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const running: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (running.length > 0) await running.pop()!();
});

async function server(lines: string[]): Promise<EchoServer> {
  const s = await startEchoServer({ host: '127.0.0.1', log: (l) => lines.push(l) });
  running.push(() => s.close());
  return s;
}

function run(args: string[]): ChildProcess & { output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d;
  });
  child.stderr!.on('data', (d: Buffer) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  running.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill();
      await exited;
    }
  });
  return Object.assign(child, { output: () => out, exited });
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > 20_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('echo server and client', () => {
  it.each(MODES)('the client gets the whole message back with %s framing', async (mode) => {
    const serverLines: string[] = [];
    const clientLines: string[] = [];
    const s = await server(serverLines);
    const echoed = await runClient({
      host: '127.0.0.1',
      port: s.ports[mode]!,
      mode,
      log: (l) => clientLines.push(l),
    });
    expect(echoed).toBe(MESSAGE);
    expect(clientLines[0]).toBe(`connecting to 127.0.0.1 port ${s.ports[mode]} (${mode} framing)`);
    expect(clientLines).toContain(`sending ${JSON.stringify(MESSAGE)}`);
    expect(clientLines.at(-1)).toBe('closing socket');
    await waitFor(
      () => serverLines.some((l) => l.startsWith('no more data from 127.0.0.1:')),
      'no more data',
    );
    expect(serverLines.some((l) => l.startsWith('connection from 127.0.0.1:'))).toBe(true);
    expect(serverLines).toContain('sending data back to the client');
    const received = serverLines.filter((l) => l.startsWith('received ')).map((l) => JSON.parse(l.slice(9)));
    expect(received.join('')).toBe(MESSAGE);
    if (mode === 'fixed') expect(received).toEqual(['This is the mess', 'age. It will be ', 'repeated.']);
  });

  it('the server prints the cookbook start-up lines', async () => {
    const lines: string[] = [];
    const s = await server(lines);
    for (const mode of MODES)
      expect(lines).toContain(`starting up on 127.0.0.1 port ${s.ports[mode]} (${mode} framing)`);
    expect(lines).toContain('waiting for a connection');
  });

  it('a python3 client using recv(16) talks to the fixed-length server', async () => {
    const lines: string[] = [];
    const s = await server(lines);
    const script = `
import socket, sys
sock = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
message = b'This is the message. It will be repeated.'
padded = message + b'\\0' * (-len(message) % 16)
sock.sendall(padded)
got = b''
while len(got) < len(padded):
    data = sock.recv(16)
    if not data:
        break
    got += data
sock.close()
print(got.rstrip(b'\\0').decode())
`;
    const py = spawn('python3', ['-c', script, String(s.ports.fixed)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    py.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    const code = await new Promise((r) => py.once('close', r));
    expect(code).toBe(0);
    expect(out.trim()).toBe(MESSAGE);
  });

  it('main.ts runs a server and a client from argv; SIGTERM shuts the server down gracefully', async () => {
    const srv = run(['server', '--host', '127.0.0.1', '--port', '0', '--mode', 'delimited']);
    await waitFor(() => srv.output().includes('waiting for a connection'), 'server start');
    const port = Number(/port (\d+)/.exec(srv.output())![1]);
    const cli = run([
      'client',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--mode',
      'delimited',
      '--message',
      'hello there',
    ]);
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toContain('received "hello there"');
    await waitFor(() => srv.output().includes('no more data from'), 'server log');
    srv.kill('SIGTERM');
    expect(await srv.exited).toBe(0);
    expect(srv.output()).toContain('server closed');
  });

  it('main.ts rejects an unknown mode', async () => {
    const cli = run(['client', '--port', '1', '--mode', 'carrier-pigeon']);
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toContain('unknown mode "carrier-pigeon"');
  });
});
