# PersonalPod API image: `personalpod serve` by default; the same image runs
# `personalpod migrate` and `personalpod worker` (see compose.yaml).

# GraphiQL's scripts, styles and workers, bundled from the pinned npm packages (see
# server/graphiql/build.mjs); the final image needs no node.
FROM node:20-slim AS graphiql
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY server/graphiql ./server/graphiql
RUN npm run build:graphiql

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    HOST=0.0.0.0 \
    PORT=8000

WORKDIR /app

# Dependencies first, from pyproject.toml alone, so code changes do not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install torch==2.13.0 \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The project itself. Editable on purpose: `personalpod migrate` finds the Alembic scripts
# beside the `server` package (../migrations), which a plain wheel install would leave out.
COPY . .
COPY --from=graphiql /build/server/graphiql/static ./server/graphiql/static
RUN pip install --no-deps -e . \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin personalpod

USER personalpod

EXPOSE 8000

HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)" || exit 1

CMD ["personalpod", "serve"]
