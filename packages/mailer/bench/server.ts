// The benchmark's SMTP server, in its own process so that it does not share a thread with the clients.
import { createTestServer } from '../src/testing.js';

const server = await createTestServer({ keepRawBytes: 0, parse: false });
process.stdout.write(`${JSON.stringify({ host: server.host, port: server.port })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  process.stderr.write(`received ${server.messages.length} messages\n`);
  void server.close().then(() => process.exit(0));
});
