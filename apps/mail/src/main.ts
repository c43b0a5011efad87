// `npm start -- [simple|ssl|html|attachment ...] [--host H --port N --security tls|starttls|none --ca FILE]
//                [--from ADDR --to ADDR]`
// Without --host the programs run against embedded test servers. For a real server the login comes from
// the environment (CB_MAIL_USER, CB_MAIL_PASSWORD), never from the command line.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { MailerError, type Security } from '@cb/mailer';
import { PROGRAMS, type ProgramName } from './programs.js';
import { runPrograms, type Target } from './run.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    host: { type: 'string' },
    port: { type: 'string' },
    security: { type: 'string' },
    ca: { type: 'string' },
    from: { type: 'string', default: 'Cookbook Sender <sender@example.com>' },
    to: { type: 'string', default: 'Cookbook Reader <reader@example.com>' },
  },
});

const unknown = positionals.filter((p) => !(PROGRAMS as readonly string[]).includes(p));
if (unknown.length) {
  process.stderr.write(`Unknown program(s): ${unknown.join(', ')}. Choose from ${PROGRAMS.join(', ')}\n`);
  process.exit(2);
}
const programs = (positionals.length ? positionals : PROGRAMS) as ProgramName[];
const target: Target = {};
if (values.host) {
  target.host = values.host;
  if (values.port) target.port = Number(values.port);
  if (values.security) target.security = values.security as Security;
  if (values.ca) target.ca = readFileSync(values.ca, 'utf8');
  if (process.env.CB_MAIL_USER) {
    target.user = process.env.CB_MAIL_USER;
    target.pass = process.env.CB_MAIL_PASSWORD ?? '';
  }
}

try {
  await runPrograms(programs, target, { from: values.from, to: values.to }, (line) => {
    process.stdout.write(`${line}\n`);
  });
} catch (err) {
  if (err instanceof MailerError) {
    process.stderr.write(`${err.code}: ${err.message}\n`);
    process.exitCode = 1;
  } else {
    throw err;
  }
}
