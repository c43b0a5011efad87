/**
 * `npm run createsuperuser [-- --username NAME --email EMAIL --noinput]`: creates an admin account.
 * Prompts for what is missing; with `--noinput` the password comes from RIDDLES_SUPERUSER_PASSWORD
 * (or `--password`, which leaves it in the shell history).
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { createSuperuser, type NewSuperuser, validateSuperuserField } from '../auth/users.js';
import { Repository } from '../db/repo.js';
import { RiddlesError } from '../errors.js';
import { openFromEnv, runCli } from './open.js';

/** Asks questions on one readline interface (several would lose piped lines); hides passwords on a TTY. */
function prompter() {
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: process.stdin.isTTY === true,
  });
  const lines = rl[Symbol.asyncIterator]();
  let muted = false;
  const output = rl as unknown as { _writeToOutput?: (s: string) => void };
  const original = output._writeToOutput?.bind(rl);
  if (original !== undefined) {
    output._writeToOutput = (s: string) => {
      if (!muted) original(s);
    };
  }
  return {
    async ask(question: string, hidden: boolean): Promise<string> {
      process.stdout.write(question);
      muted = hidden && process.stdin.isTTY === true;
      const next = await lines.next();
      if (muted) process.stdout.write('\n');
      muted = false;
      if (next.done === true) {
        throw new RiddlesError('RIDDLES_INVALID_SUPERUSER', 'Input ended before the superuser was complete');
      }
      return next.value;
    },
    close: () => rl.close(),
  };
}

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      username: { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
      noinput: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const input: NewSuperuser = {
    username: values.username ?? '',
    email: values.email ?? '',
    password: values.password ?? process.env.RIDDLES_SUPERUSER_PASSWORD ?? '',
  };
  if (values.noinput) {
    if (input.username === '' || input.password === '') {
      throw new RiddlesError(
        'RIDDLES_INVALID_SUPERUSER',
        'With --noinput, give --username and the password in RIDDLES_SUPERUSER_PASSWORD',
      );
    }
  } else {
    const { ask, close } = prompter();
    try {
      while (input.username === '' || validateSuperuserField('username', input.username) !== undefined) {
        if (input.username !== '')
          process.stdout.write(`${validateSuperuserField('username', input.username)}\n`);
        input.username = (await ask('Username: ', false)).trim();
      }
      if (values.email === undefined) {
        input.email = (await ask('Email address: ', false)).trim();
        while (validateSuperuserField('email', input.email) !== undefined) {
          process.stdout.write(`${validateSuperuserField('email', input.email)}\n`);
          input.email = (await ask('Email address: ', false)).trim();
        }
      }
      while (input.password === '') {
        const first = await ask('Password: ', true);
        const again = await ask('Password (again): ', true);
        if (first !== again) {
          process.stdout.write("Error: Your passwords didn't match.\n");
          continue;
        }
        const problem = validateSuperuserField('password', first, input.username);
        if (problem !== undefined) {
          process.stdout.write(`${problem}\n`);
          continue;
        }
        input.password = first;
      }
    } finally {
      close();
    }
  }
  const database = await openFromEnv();
  try {
    await database.migrate();
    await createSuperuser(new Repository(database.db), input);
    process.stdout.write('Superuser created successfully.\n');
  } finally {
    await database.close();
  }
});
