/** A real SMTP server on a free port that keeps what it receives: where tests' emails go. */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface TestMailbox {
  url: string;
  /** Raw messages, in arrival order. */
  mails: string[];
  /** The text of the nth message, quoted-printable undone enough to read links. */
  text(index: number): string;
  close(): Promise<void>;
}

export async function startMailbox(): Promise<TestMailbox> {
  const mails: string[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      let data = '';
      stream.on('data', (chunk: Buffer) => (data += chunk.toString()));
      stream.on('end', () => {
        mails.push(data);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const { port } = smtp.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    text: (index) => (mails[index] ?? '').replace(/=\r?\n/g, '').replace(/=3D/g, '='),
    close: () => new Promise<void>((resolve) => smtp.close(resolve)),
  };
}
