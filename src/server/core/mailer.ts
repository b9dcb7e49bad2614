import nodemailer from 'nodemailer';

export interface Email {
  to: string;
  subject: string;
  text: string;
  /** Where a reply goes instead of the sender (a visitor's address). */
  replyTo?: string | undefined;
}

/** Sends email; resolves once the SMTP server accepted it, rejects with why it did not. */
export interface Mailer {
  send(email: Email): Promise<void>;
}

/** Email through the SMTP server of `PARLEY_SMTP_URL`, with nodemailer. */
export function smtpMailer(settings: { url: string; from: string }): Mailer {
  const transport = nodemailer.createTransport(settings.url);
  return {
    send: async (email) => {
      const { replyTo, ...rest } = email;
      await transport.sendMail({ from: settings.from, ...rest, ...(replyTo && { replyTo }) });
    },
  };
}
