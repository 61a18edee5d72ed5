/** Where a command writes, and the environment it reads. */
export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Where an answer is read from: a live `run` asks before it writes. */
  stdin?: NodeJS.ReadableStream;
  /** stdin is a terminal: without one, nothing is asked (timers, scripts, CI). */
  isTTY?: boolean;
}
