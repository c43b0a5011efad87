import { parentPort, workerData } from 'node:worker_threads';
import { type ServerKind, startEchoServer } from './echo-servers.js';

// Runs one Node peer's echo server in a worker thread of the bench process: posts
// { port } once listening, closes the server on 'stop', then lets the thread end by itself (a
// handle left open would keep it alive, and the bench fails on that instead of terminating it).

const port = parentPort!;
const server = await startEchoServer((workerData as { kind: ServerKind }).kind);
port.once('message', async () => {
  await server.close();
  port.close();
});
port.postMessage({ port: server.port });
