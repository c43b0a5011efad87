// Entry point of the echo-server worker thread. On Node 20 a worker does not inherit tsx's module
// hooks from the main thread, so this plain module loads the TypeScript worker through tsx's API.
import { tsImport } from 'tsx/esm/api';

await tsImport('./echo-worker.ts', import.meta.url);
