import { MESSAGE, MODES, runClient, startEchoServer } from './echo.js';

// The socket chapter in one run: the echo server on ephemeral ports (one per framing), the client
// in every framing mode, then a graceful shutdown.
const server = await startEchoServer({ log: (line) => console.log(`[server] ${line}`) });
let failures = 0;
try {
  for (const mode of MODES) {
    console.log(`\n--- ${mode} framing ---`);
    const echoed = await runClient({
      port: server.ports[mode]!,
      mode,
      log: (line) => console.log(`[client] ${line}`),
    });
    const ok = echoed === MESSAGE;
    if (!ok) failures++;
    console.log(`[client] the whole message came back: ${ok ? 'yes' : 'NO'}`);
  }
} finally {
  console.log('\n[server] shutting down gracefully');
  await server.close();
  console.log('[server] closed');
}
if (failures > 0) process.exitCode = 1;
