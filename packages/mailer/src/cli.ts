#!/usr/bin/env node
import { runCli } from './cli-run.js';

// `cb-mail`: see `cb-mail --help`. The password is read from CB_MAIL_PASSWORD or asked for, never from argv.
runCli(process.argv.slice(2), {
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
}).then((code) => {
  process.exitCode = code;
});
