export {
  AbortError,
  CalledProcessError,
  type CapturedOutput,
  type Command,
  CommandNotFound,
  MaxBufferError,
  ProcError,
  type ProcErrorCode,
  ShlexError,
  SpawnError,
  SubprocessError,
  TimeoutExpired,
} from './errors.js';
export {
  DEVNULL,
  INHERIT,
  type InputOption,
  type OutputOf,
  PIPE,
  type PopenOptions,
  type RunOptions,
  STDOUT,
  type StderrOption,
  type StdioOption,
} from './options.js';
export { type Outputs, Popen, popen, type WaitOptions } from './popen.js';
export { type PipelineOptions, type PipelineResult, pipeline } from './pipeline.js';
export { type CheckOutputOptions, CompletedProcess, call, checkCall, checkOutput, run } from './run.js';
export { join, quote, split } from './shlex.js';
