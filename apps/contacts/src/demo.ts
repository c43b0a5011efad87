import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { runApp } from './app.js';

// The logging chapter in one run: a scripted session of the menu (two contacts, a list, a found and
// a missing contact, a rejected email), with the terminal kept clean, then the log file it left.
const SCRIPT = [
  '1',
  'Ada Lovelace',
  'ada@example.com',
  '555-0101',
  '1',
  'Alan Turing',
  'alan@example.com',
  '555-0102',
  '1',
  'Mallory',
  'not-an-email',
  '',
  '2',
  '3',
  'ada lovelace',
  '3',
  'Grace',
  '0',
];

const dir = mkdtempSync(join(tmpdir(), 'contacts-demo-'));
try {
  const dataFile = join(dir, 'contacts.csv');
  const logFile = join(dir, 'contacts.log');
  console.log('=== scripted session (stdout only: nothing is logged to the terminal) ===');
  await runApp({
    dataFile,
    logFile,
    verbose: false,
    input: Readable.from(SCRIPT.map((l) => `${l}\n`)),
    output: process.stdout,
  });
  console.log('\n=== contacts.csv ===');
  process.stdout.write(readFileSync(dataFile, 'utf8'));
  console.log('\n=== contacts.log ===');
  process.stdout.write(readFileSync(logFile, 'utf8'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
