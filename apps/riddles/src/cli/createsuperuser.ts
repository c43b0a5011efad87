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

async function ask(question: string, hidden: boolean): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  if (hidden && process.stdin.isTTY) {
    // Echo nothing while the password is typed.
    const output = rl as unknown as { _writeToOutput?: (s: string) => void };
    const original = output._writeToOutput;
    output._writeToOutput = (s: string) => {
      if (s.startsWith(question)) original?.call(rl, question);
    };
  }
  try {
    const answer = await rl.question(question);
    if (hidden && process.stdin.isTTY) process.stdout.write('\n');
    return answer;
  } finally {
    rl.close();
  }
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
