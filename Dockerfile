# The liveblog service image: `docker build -t liveblog .`, then deploy/compose.yaml runs two
# instances of it behind HAProxy on a Redis with AOF (docs/operations.md, "Docker").
#
# Docker does not run on the project's CI machine, so test/deploy/production-install.test.ts
# proves this recipe there: it reads the runtime stage below and does exactly what it says (copy
# package.json, package-lock.json and the built dist/ alone, run its `npm ci`, start its CMD as
# a non-root user with its ENV, run its HEALTHCHECK) and checks that no dev dependency is
# installed or imported. Change this file and that test together.

# --- build: every dependency, the TypeScript build and the reader's bundles (dist/) ---
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY shared shared
COPY server server
COPY client client
RUN npm run build

# --- runtime: production dependencies and dist/ only ---
FROM node:20-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: the one production dependency that has one (bufferutil) ships prebuilt binaries.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist dist
# The node image's unprivileged user; it may read /app but not change it.
USER node
EXPOSE 3000
# node:20-slim has no curl; Node 20 has fetch.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Not `npm start`: that builds first, which needs the dev dependencies this image leaves out.
CMD ["node", "dist/server/main.js"]
