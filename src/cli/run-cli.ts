/**
 * `parley <command>`: the operator's tools, on the database PARLEY_DATABASE_URL names (the same
 * environment `npm start` reads). Each command is a file beside this one; main.ts runs this.
 */
import { backup } from './backup';
import { CliError } from './cli-error';
import type { Command, CommandIo } from './command';
import { createAdmin } from './create-admin';
import { migrate } from './migrate';
import { migrateDataCommand } from './migrate-data';
import { resetPassword } from './reset-password';
import { restore } from './restore';

const COMMANDS: Record<string, Command> = {
  migrate,
  'create-admin': createAdmin,
  'reset-password': resetPassword,
  backup,
  restore,
  'migrate-data': migrateDataCommand,
};

function help(): string {
  const lines = ['Usage: parley <command> [options]', '', 'Commands:'];
  for (const command of Object.values(COMMANDS)) {
    lines.push(`  ${command.usage}`, `      ${command.summary}`);
  }
  lines.push('', 'The database is the one PARLEY_DATABASE_URL names (see README.md, "Databases").');
  return lines.join('\n');
}

/** Runs one command line; resolves with the process's exit code. */
export async function runCli(argv: string[], io: CommandIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(help());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`parley: unknown command "${name}"\n\n${help()}\n`);
    return 2;
  }
  try {
    await command.run(args, io);
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`parley ${name}: ${error.message} [${error.code}]\n`);
      if (error.exitCode === 2) io.err(`usage: ${command.usage}\n`);
      return error.exitCode;
    }
    // node:util parseArgs: an unknown option or a missing value.
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`parley ${name}: ${(error as Error).message}\nusage: ${command.usage}\n`);
      return 2;
    }
    io.err(`parley ${name} failed: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}
