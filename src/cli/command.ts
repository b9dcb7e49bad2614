/** What every `parley` command is: its line in the help, and what it does with its arguments. */
export interface Command {
  /** `parley backup FILE` … */
  usage: string;
  /** One line for `parley --help`. */
  summary: string;
  run(args: string[], io: CommandIo): Promise<void>;
}

/** Where a command reads and writes: the process's streams, or a test's. */
export interface CommandIo {
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  /** Results, one line each. */
  out: (line: string) => void;
  /** Progress and prompts, which must not mix into results. */
  err: (text: string) => void;
}
