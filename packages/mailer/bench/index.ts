import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runSuite, type Scenario } from '@cb-tools/bench';
import { createTransport } from 'nodemailer';
import { createMailer } from '../src/index.js';

// 2,000 small messages to a loopback smtp-server (no greeting delay, reverse lookup off, no parsing) that
// runs in its own process: @cb/mailer against nodemailer with the same pool of 5, and python3's smtplib
// over one connection.
let server: { host: string; port: number };
let child: ChildProcess;
const count = (quick: boolean): number => (quick ? 200 : 2000);
const message = (i: number) => ({
  from: 'bench@example.com',
  to: 'sink@example.com',
  subject: `Benchmark message ${i}`,
  text: 'A short benchmark body.\n',
});

async function startServer(): Promise<void> {
  const tsx = createRequire(import.meta.url).resolve('tsx/cli');
  const script = fileURLToPath(new URL('./server.ts', import.meta.url));
  child = spawn(process.execPath, [tsx, script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  server = JSON.parse(line.toString()) as { host: string; port: number };
}

interface Run {
  sent: number;
  /** Wall-clock seconds. */
  seconds: number;
  /** CPU seconds the client itself used. */
  cpu: number;
}

async function cbMailer(quick: boolean): Promise<Run> {
  const n = count(quick);
  const mailer = createMailer({
    host: server.host,
    port: server.port,
    security: 'none',
    pool: { maxConnections: 5, maxMessages: Number.MAX_SAFE_INTEGER },
  });
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: n }, (_, i) => mailer.send(message(i))));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await mailer.close();
  return { sent: n, seconds, cpu: (used.user + used.system) / 1e6 };
}

async function nodemailer(quick: boolean): Promise<Run> {
  const n = count(quick);
  const transport = createTransport({
    host: server.host,
    port: server.port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: 5,
    maxMessages: Number.MAX_SAFE_INTEGER,
  });
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: n }, (_, i) => transport.sendMail(message(i))));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  transport.close();
  return { sent: n, seconds, cpu: (used.user + used.system) / 1e6 };
}

async function smtplib(quick: boolean): Promise<Run> {
  const script = fileURLToPath(new URL('./python_smtplib.py', import.meta.url));
  const { stdout } = await promisify(execFile)('python3', [
    script,
    server.host,
    String(server.port),
    String(count(quick)),
  ]);
  return JSON.parse(stdout) as Run;
}

const PEERS = {
  '@cb/mailer pool 5': cbMailer,
  'nodemailer pool 5': nodemailer,
  'python smtplib 1 conn': smtplib,
};

/** The same runs, judged by wall-clock throughput or by the client's own CPU time per message. */
function scenario(by: 'wall' | 'cpu'): Scenario {
  const peers: Scenario['peers'] = {};
  for (const [name, run] of Object.entries(PEERS)) {
    peers[name] = async ({ quick }) => {
      const r = await run(quick);
      return { work: r.sent, seconds: by === 'wall' ? r.seconds : r.cpu };
    };
  }
  return {
    name:
      by === 'wall'
        ? 'send 2,000 messages over SMTP on loopback (quick: 200): throughput'
        : 'send 2,000 messages over SMTP on loopback (quick: 200): client CPU per message',
    unit: by === 'wall' ? 'msgs/s' : 'CPU µs/msg',
    measure: by === 'wall' ? 'rate' : 'time',
    scale: 1e6,
    baseline: 'nodemailer pool 5',
    compare: ['python smtplib 1 conn'],
    rounds: 9,
    setup: startServer,
    teardown: async () => {
      child.stdin?.end();
      await once(child, 'exit');
    },
    peers,
  };
}

await runSuite({ title: '@cb/mailer', scenarios: [scenario('wall'), scenario('cpu')] });
