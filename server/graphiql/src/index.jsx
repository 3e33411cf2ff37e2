// PersonalPod's GraphiQL: every script, style sheet, font and worker is bundled from npm
// packages by build.mjs and served by the app itself (server/graphiql), so the page works
// offline and under a Content-Security-Policy that allows only our own origin.
import './workers.js';
import 'graphiql/style.css';
import '@graphiql/plugin-explorer/style.css';
import './page.css';

import { explorerPlugin } from '@graphiql/plugin-explorer';
import { GraphiQL } from 'graphiql';
import { useCallback, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';

import { authorizationOf, createFetcher, parseHeaders } from './fetcher.js';
import { DEFAULT_TABS } from './tabs.js';

const root = document.getElementById('graphiql');
// The page is served by the GraphQL endpoint itself (a GET asking for HTML).
const url = new URL(window.location.pathname, window.location.origin);
const subscriptionUrl = new URL(url);
subscriptionUrl.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
const baseFetcher = createFetcher({ url: url.href, subscriptionUrl: subscriptionUrl.href });
const plugins = [explorerPlugin()];

function App() {
  // GraphiQL introspects again whenever its fetcher changes: a new fetcher per
  // Authorization header reloads the schema once the user has signed in.
  const [authorization, setAuthorization] = useState(null);
  const timer = useRef(null);
  const fetcher = useMemo(
    () => (params, options) => baseFetcher(params, options),
    [authorization], // the header is the reason for a new identity
  );
  const onEditHeaders = useCallback((text) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      const headers = parseHeaders(text);
      if (headers) setAuthorization(authorizationOf(headers));
    }, 400);
  }, []);
  return (
    <GraphiQL
      fetcher={fetcher}
      plugins={plugins}
      defaultTabs={DEFAULT_TABS}
      defaultEditorToolsVisibility="headers"
      shouldPersistHeaders
      onEditHeaders={onEditHeaders}
    >
      <GraphiQL.Logo>PersonalPod</GraphiQL.Logo>
    </GraphiQL>
  );
}

createRoot(root).render(<App />);
