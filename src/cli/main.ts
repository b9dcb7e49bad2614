/** The `parley` process: bin/parley.js loads this through tsx. */
import { runCli } from './run-cli';

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  stdin: process.stdin,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (text) => process.stderr.write(text),
});
