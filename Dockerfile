# syntax=docker/dockerfile:1
# One image for both apps. The API is the default command; the projector runs the same image with
#   node dist/apps/projector/src/main.js
# Build:  docker build -t flipside .      (docker compose builds it for you: see docs/full-stack.md)

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: compile with every dependency, then drop the development ones ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV npm_config_fund=false \
    npm_config_audit=false \
    npm_config_update_notifier=false

# Dependencies first, so that a source change reuses this layer.
# --ignore-scripts: nothing here needs an install script (tsc and tsc-alias are plain JavaScript), and it keeps
# packages' postinstall hooks (telemetry among them) out of the build.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts

COPY tsconfig.json tsconfig.build.json ./
COPY libs ./libs
COPY apps ./apps
RUN npm run build

# Production dependencies only, then prove the entry points can load everything they require:
# a run-time import of a package that is only a devDependency fails the build here, naming it,
# instead of failing the container at start.
COPY infra/docker/check-runtime-modules.mjs ./infra/docker/
RUN npm prune --omit=dev --ignore-scripts \
 && node infra/docker/check-runtime-modules.mjs dist/apps/api/src/main.js dist/apps/projector/src/main.js

# ---- runtime: the compiled apps, their production dependencies, and the files they read ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app

# Owned by root and read-only to the app user: the apps write nothing to their own folder.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The API serves docs/openapi.yaml, found by walking up from dist/apps/api/src/openapi to /app/docs.
COPY docs/openapi.yaml docs/asyncapi.yaml ./docs/

USER node
# API (PORT) and projector health/metrics (PROJECTOR_PORT)
EXPOSE 3000 3001
CMD ["node", "dist/apps/api/src/main.js"]
