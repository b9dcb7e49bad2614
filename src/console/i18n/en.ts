/**
 * The English catalog, and the shape every other catalog follows: a new language is a file
 * beside this one named by its tag (`de.ts`, `pt-BR.ts`) whose default export
 * `satisfies MessageSchema`. vue-i18n syntax: `{name}` is a value; `|` separates plural forms;
 * a literal `@`, `{`, `}`, `|` or `$` is written as `{'@'}`.
 */
const en = {
  app: {
    name: 'Parley',
    titleWithUnread: '({count}) Parley',
  },
  signIn: {
    title: 'Sign in to Parley',
    subtitle: 'Agent console',
    email: 'Email',
    password: 'Password',
    submit: 'Sign in',
    submitting: 'Signing in…',
    tooManyAttemptsWait: 'Too many sign-in attempts. Try again in {minutes} min.',
    expired: 'Your session has ended. Sign in again to go on: your unsent replies are kept.',
    elsewhere:
      'You were signed out in another tab. Sign in again to go on: your unsent replies are kept.',
  },
  header: {
    navigation: 'Main',
    inbox: 'Inbox',
    embedding: 'Embedding',
    signOut: 'Sign out',
    signOutFailed: 'Could not sign out. {reason}',
  },
  notifications: {
    enable: 'Enable notifications',
    disable: 'Turn off notifications',
    blocked: 'Notifications blocked',
    blockedHint:
      'Your browser blocks notifications from this site. Allow them in its site settings.',
    newConversation: 'New conversation',
    newMessage: 'New message from {name}',
  },
  connection: {
    connecting: 'Connecting…',
    offline: 'Connection lost. Reconnecting… Missed messages will appear once it is back.',
  },
  inbox: {
    conversations: 'Conversations',
    statusTabs: 'Conversation status',
    tabOpen: 'Open',
    tabResolved: 'Resolved',
    tabBlocked: 'Blocked',
    loading: 'Loading conversations…',
    loadMore: 'Load more conversations',
    loadingMore: 'Loading more…',
    emptyOpen: 'No open conversations. New chats will show up here.',
    emptyResolved: 'No resolved conversations yet.',
    emptyBlocked: 'No blocked visitors.',
    noMessages: 'No messages yet',
    previewByAgent: 'Agent: {body}',
    unread: '{count} unread',
    selectTitle: 'Select a conversation',
    selectHint: 'Pick a conversation from the list to read it and reply.',
  },
  visitor: {
    anonymous: 'Visitor {id}',
    someone: 'A visitor',
  },
  conversation: {
    label: 'Conversation',
    back: 'Back to conversations',
    statusOpen: 'Open',
    statusPending: 'Pending',
    statusResolved: 'Resolved',
    resolve: 'Resolve',
    resolveFailed: 'Could not resolve the conversation. {reason}',
    block: 'Block visitor',
    blockTitle: 'Block this visitor?',
    blockExplanation:
      'Their messages are refused from now on and their conversations move to Blocked. You can unblock them there.',
    blockAddress: 'Also block their IP address (every visitor from it)',
    blockConfirm: 'Block',
    blockCancel: 'Cancel',
    blocked: 'Blocked',
    unblock: 'Unblock visitor',
    blockFailed: 'Could not change the block. {reason}',
    loading: 'Loading messages…',
    loadFailed: 'The messages could not be loaded.',
    notFound: 'This conversation does not exist, or you cannot see it.',
    loadOlder: 'Load earlier messages',
    loadingOlder: 'Loading…',
    messages: 'Messages',
    empty: 'No messages yet.',
    visitorTyping: 'Visitor is typing…',
  },
  message: {
    agent: 'Agent',
    bot: 'Bot',
    system: 'System',
    privateNote: 'Private note',
  },
  composer: {
    label: 'Reply',
    placeholder: 'Write a reply… Enter sends, Shift+Enter starts a new line.',
    notePlaceholder: 'Write a private note. Only agents will see it.',
    privateNote: 'Private note',
    send: 'Send',
    sending: 'Sending…',
    failed: 'Not sent. {reason} Your text is kept: press Send to try again.',
    waitingForConnection:
      'Not sent yet: you are offline. It will be sent as soon as the connection is back.',
    tooLong: 'Too long: {length} characters, at most {max}.',
    resolvedHint: 'This conversation is resolved. Sending a reply reopens it.',
    pendingLabel: 'Replies not sent yet',
    waiting: 'Waiting for the connection',
  },
  embedding: {
    title: 'Embedding',
    loading: 'Loading sites…',
    siteKey: 'Site key:',
    allowedOrigins: 'Allowed origins',
  },
  refusedOrigins: {
    title: 'Recently refused origins',
    hint: 'Pages on these origins tried to show the chat and were refused. Allow the ones that are yours.',
    loading: 'Loading…',
    empty: 'No page was refused lately.',
    refusals: 'refused once | refused {count} times',
    allow: 'Allow',
    allowedNow: '{origin} may now show the chat. Reload its page.',
    allowFailed: 'Could not allow {origin}. {reason}',
    loadFailed: 'Could not load the refused origins. {reason}',
  },
  common: {
    retry: 'Try again',
  },
  /** One sentence per failure code (see api/request-error.ts), shown as a request's reason. */
  errors: {
    invalid_payload: 'The server did not accept the request.',
    message_too_long: 'The message is too long.',
    invalid_text: 'The message contains characters that cannot be sent.',
    unknown_event: 'The server did not understand the request.',
    unauthorized: 'Your session has ended. Please sign in again.',
    forbidden_origin: 'This address is not allowed to connect.',
    forbidden: 'You are not allowed to do that.',
    invalid_credentials: 'Wrong email or password.',
    too_many_attempts: 'Too many sign-in attempts. Wait a few minutes and try again.',
    rate_limited: 'Too many requests at once. Wait a moment and try again.',
    too_many_connections: 'Too many open connections. Close a tab and try again.',
    not_found: 'It no longer exists.',
    internal: 'Something went wrong on the server.',
    network: 'The server cannot be reached. Check your connection.',
    timeout: 'The server did not answer in time.',
    offline: 'You are offline; the connection is being restored.',
  },
};

export type MessageSchema = typeof en;

export default en;
