import type { CommandIo } from './command';
import { CliError } from './cli-error';

/** The same floor as PARLEY_ADMIN_PASSWORD; argon2id does the rest. */
const MIN_LENGTH = 8;
const MAX_LENGTH = 1024;

/**
 * A new password: from standard input with `--password-stdin` (one line; a trailing newline is
 * not part of it), else typed twice at the terminal without echo. With neither a flag nor a
 * terminal there is nobody to ask, which is an error rather than a hang.
 */
export async function readNewPassword(io: CommandIo, fromStdin: boolean): Promise<string> {
  let password: string;
  if (fromStdin) {
    password = (await readAll(io.stdin)).replace(/\r?\n$/, '');
  } else if (io.stdin.isTTY && io.stdin.setRawMode) {
    password = await promptHidden(io, 'New password: ');
    if ((await promptHidden(io, 'Repeat it: ')) !== password) {
      throw new CliError('password_mismatch', 'the two passwords differ; nothing was changed');
    }
  } else {
    throw new CliError(
      'no_terminal',
      'no terminal to ask for the password on: pipe it in and pass --password-stdin',
    );
  }
  if (password.length < MIN_LENGTH || password.length > MAX_LENGTH) {
    throw new CliError(
      'password_invalid',
      `the password must be ${MIN_LENGTH} to ${MAX_LENGTH} characters; nothing was changed`,
    );
  }
  return password;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : chunk.toString();
  return text;
}

/** Reads one line in raw mode, echoing nothing; Ctrl-C or Ctrl-D give up. */
function promptHidden(io: CommandIo, question: string): Promise<string> {
  const input = io.stdin;
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (outcome: () => void) => {
      input.off('data', onData);
      input.setRawMode!(false);
      input.pause();
      io.err('\n');
      outcome();
    };
    const onData = (chunk: Buffer | string) => {
      for (const char of chunk.toString()) {
        if (char === '\r' || char === '\n') return finish(() => resolve(value));
        if (char === '\u0003' || char === '\u0004') {
          return finish(() => reject(new CliError('cancelled', 'cancelled; nothing was changed')));
        }
        if (char === '\u007f' || char === '\b') value = Array.from(value).slice(0, -1).join('');
        else value += char;
      }
    };
    io.err(question);
    input.setRawMode!(true);
    input.on('data', onData);
    input.resume();
  });
}
