import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach } from 'vitest';
import { createServer, type FramedServer, type ServerOptions } from '../src/index.js';

const cleanups: Array<() => unknown> = [];

/** Runs every registered cleanup after each test, so nothing is left listening. */
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** Registers a cleanup for the current test. */
export function defer(fn: () => unknown): void {
  cleanups.push(fn);
}

/** A temp dir removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cb-framed-'));
  defer(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A listening server on 127.0.0.1 with an ephemeral port, destroyed after the test. */
export async function startServer(options: ServerOptions): Promise<{ server: FramedServer; port: number }> {
  const server = createServer(options);
  const addr = await server.listen(0, '127.0.0.1');
  defer(() => server.close({ graceful: false }));
  return { server, port: (addr as net.AddressInfo).port };
}

/** Listens with a plain `net` server on 127.0.0.1 (ephemeral port), closed after the test. */
export async function listenRaw(server: net.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  defer(() => new Promise((r) => server.close(r)));
  return (server.address() as net.AddressInfo).port;
}

/** An echo server: every message goes straight back. */
export function echoServer(options: Omit<ServerOptions, 'onConnection'> = {}) {
  return startServer({
    ...options,
    async onConnection(conn) {
      for await (const m of conn.messages()) void conn.send(m);
    },
  });
}

/** A raw TCP client socket (closes fully when the server does), destroyed after the test. */
export function rawConnect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
    defer(() => s.destroy());
  });
}

/** Resolves when `socket` closes (or has closed). */
export function closed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.closed) resolve();
    else socket.once('close', () => resolve());
  });
}

/** Runs a python3 script to completion; resolves with its stdout, rejects with its stderr. */
export function runPython(script: string, args: string[] = [], timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    defer(() => {
      if (child.exitCode === null) child.kill();
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d;
    });
    const timer = setTimeout(() => child.kill(), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`python3 exited with ${code}: ${err}`));
    });
  });
}

/** Starts a long-running python3 script that prints a port on its first line; killed after the test. */
export function startPython(script: string): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-u', '-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    defer(
      () =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.once('close', () => done());
          child.kill();
        }),
    );
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve({ child, port: Number(line.trim()) }));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`python3 exited early with ${code}`)));
  });
}

/** Waits until `predicate` holds, polling; fails after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
