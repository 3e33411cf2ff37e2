// The README's "Try it in GraphiQL" examples, one tab each, for a browser's first visit
// (GraphiQL keeps the tabs, and with shouldPersistHeaders the headers, in localStorage).
// Comment lines stay short: the editor is narrow beside the result pane.
const HEADER_HINT =
  '# Put {"Authorization": "Bearer <token>"} in Headers\n' +
  '# below, with the token from signUp or signIn.\n';

export const DEFAULT_TABS = [
  {
    query:
      '# Create an account; its token is for the other tabs.\n' +
      'mutation SignUp {\n' +
      '  signUp(\n' +
      '    input: {\n' +
      '      email: "ada@example.com"\n' +
      '      username: "ada"\n' +
      '      password: "a long password"\n' +
      '    }\n' +
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
      '  sessions {\n' +
      '    edges { node { deviceName lastActiveAt current } }\n' +
      '  }\n' +
      '}\n',
  },
  {
    query:
      HEADER_HINT +
      '# Live over a websocket: sign in elsewhere for an event.\n' +
      'subscription SessionEvents {\n' +
      '  sessionEvents { kind deviceName at }\n' +
      '}\n',
  },
];
