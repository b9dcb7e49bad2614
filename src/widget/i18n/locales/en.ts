/**
 * English, the reference catalog: complete, and the fallback for every key another language lacks.
 * A new language is a new file beside this one exporting the same two objects (keys may be missing).
 * `launcher` is split from `chat` so the loader on the host page bundles only its few strings.
 */
export const launcher = {
  openChat: 'Open chat',
  openChatUnread: 'Open chat ({count} unread)',
  closeChat: 'Close chat',
  frameTitle: 'Parley chat',
  // For the site's developer, in the host page's browser console.
  originNotAllowed:
    'Parley: origin {origin} is not allowed for this site — add it in Settings → Sites',
  unknownSite:
    'Parley: there is no site with the key "{key}" — copy the embed code again from Settings → Sites',
};

export const chat = {
  documentTitle: 'Chat',
  title: 'Chat with us',
  subtitle: 'We usually reply within a few minutes',
  welcome: 'Hi! Ask us anything, we are here to help.',
  closeChat: 'Close chat',
  messagesLabel: 'Messages',
  messageLabel: 'Message',
  messagePlaceholder: 'Write a message…',
  send: 'Send',
  lengthCount: '{used} / {max}',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  unavailable: 'Chat is not available on this page.',
  agentTyping: '{name} is typing…',
  someoneTyping: 'Agent is typing…',
  sneakPeekNotice: 'The agent can see what you type',
  agentFallbackName: 'Support',
  botFallbackName: 'Assistant',
  you: 'You',
  statusSending: 'Sending…',
  statusSent: 'Sent',
  statusRead: 'Read',
  errorTooLong: 'Not sent: the message is too long.',
  errorInvalidText: 'Not sent: the message contains characters that cannot be sent.',
  errorRejected: 'Not sent: the message was refused.',
  resolved: 'This conversation was closed. Write a message below to start again.',
  errorContactRequired: 'Not sent: tell us your name and email first.',
  prechatLabel: 'Before the chat',
  prechatIntro: 'Before we start, tell us who you are so we can get back to you.',
  prechatName: 'Name',
  prechatEmail: 'Email',
  prechatRequiredNote: 'Fields marked * are required.',
  prechatStart: 'Start chat',
  prechatMissing: 'Please fill this in.',
  prechatBadEmail: 'Enter an email address like name@example.com.',
  prechatFailed: 'That did not go through. Check your connection and try again.',
  prechatInvalid: 'Check your answers: the email address was not accepted.',
};
