// The README's "Try it in GraphiQL" examples, one tab each, for a browser's first visit
// (GraphiQL keeps the tabs, and with shouldPersistHeaders the headers, in localStorage).
const HEADER_HINT =
  '# Needs the header {"Authorization": "Bearer <token>"} (Headers, below), with the\n' +
  '# token from signUp or signIn. GraphiQL remembers headers in this browser.\n';

export const DEFAULT_TABS = [
  {
    query:
      '# Create an account: the result has a bearer token for the other tabs.\n' +
      'mutation SignUp {\n' +
      '  signUp(\n' +
      '    input: {email: "ada@example.com", username: "ada", password: "a long password"}\n' +
      '  ) {\n' +
      '    token\n' +
      '  }\n' +
      '}\n',
  },
  {
    query:
      HEADER_HINT +
      'query Me {\n' +
      '  me { id username presence { status lastSeen } }\n' +
      '  sessions { edges { node { deviceName lastActiveAt current } } }\n' +
      '}\n',
  },
  {
    query:
      HEADER_HINT +
      '# Runs over a websocket; sign in from another device to see an event.\n' +
      'subscription SessionEvents {\n' +
      '  sessionEvents { kind deviceName at }\n' +
      '}\n',
  },
];
