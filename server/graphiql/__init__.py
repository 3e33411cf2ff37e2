"""GraphiQL served from the app itself: no CDN, a CSP of our own origin only.

`src/` is the page's JavaScript, bundled by `build.mjs` (run by `make install`) from the npm
packages in package-lock.json into `static/` (not committed), whose `manifest.json` names
the content-hashed script and style sheet the page loads.
"""
