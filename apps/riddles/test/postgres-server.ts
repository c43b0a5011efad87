import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';

/** A throwaway PostgreSQL server from Debian's `postgresql` package, on loopback. */
export interface PostgresServer {
  url: string;
  port: number;
  stop(): void;
}

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(path.join(root, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0)
    throw new Error(`No PostgreSQL server under ${root}: apt-get install postgresql`);
  return path.join(root, versions[0]!, 'bin');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * initdb + pg_ctl start on a temporary folder and a free loopback port (socket in that folder too).
 * PostgreSQL refuses to run as root, so as root the commands run as the `postgres` user via runuser.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = binDir();
  const dir = mkdtempSync(path.join(tmpdir(), 'riddles-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = userInfo().uid === 0;
  const run = (command: string, args: string[]) => {
    const full = path.join(bin, command);
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', full, ...args]] : [full, args];
    return execFileSync(file, argv, {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 90_000,
    }).toString();
  };
  let started = false;
  const stop = () => {
    process.removeListener('exit', stop);
    try {
      if (started) run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-t', '30', 'stop']);
    } finally {
      started = false;
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    if (asRoot) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
      chownSync(dir, uid, gid);
    }
    chmodSync(dir, 0o700);
    run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    for (let attempt = 0; ; attempt++) {
      const port = await freePort();
      const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
      try {
        run('pg_ctl', [
          '-D',
          data,
          '-o',
          options,
          '-l',
          path.join(dir, 'server.log'),
          '-w',
          '-t',
          '60',
          'start',
        ]);
        started = true;
        // Should the test process end without its afterAll, the server must not outlive it.
        process.once('exit', stop);
        return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, stop };
      } catch (error) {
        // Another process may have taken the port between our probe and the server's bind.
        const log = existsSync(path.join(dir, 'server.log'))
          ? readFileSync(path.join(dir, 'server.log'), 'utf8')
          : '';
        if (attempt < 2 && /could not bind|Address already in use/i.test(log)) continue;
        throw new Error(`pg_ctl start failed: ${log}`, { cause: error });
      }
    }
  } catch (error) {
    stop();
    throw error;
  }
}
