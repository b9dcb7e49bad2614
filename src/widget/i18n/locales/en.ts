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
  subtitleOffline: 'We are away right now',
  offlineNotice:
    'Nobody is online right now. Write anyway and we will answer when we are back, or leave a message and we will reply by email.',
  offlineOpen: 'Leave a message',
  offlineBack: 'Back to chat',
  offlineLabel: 'Leave a message',
  offlineIntro: 'Leave your message and email: we will get back to you there.',
  offlineName: 'Name',
  offlineEmail: 'Email',
  offlineMessage: 'Message',
  offlineSend: 'Send message',
  offlineMissing: 'Please fill this in.',
  offlineBadEmail: 'Enter an email address like name@example.com.',
  offlineTooLong: 'The message is too long.',
  offlineRateLimited: 'Too many messages. Wait a moment and try again.',
  offlineFailed: 'That did not go through. Check your connection and try again.',
  offlineSent: 'Thanks! We got your message and will reply to {email}.',
};
