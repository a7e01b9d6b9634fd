# Phoenix: the watcher (`phoenix watch`) and the review bot (`phoenix bot`) in one image.
# TypeScript runs through tsx, a production dependency (docs/adr/0151, 0154): no build step.
# The runtime copies the same folders package.json's "files" ships.

FROM node:20-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-slim
# git: the watcher clones and pushes the config repository, the bot fetches pull request heads.
RUN apt-get update \
  && apt-get install --yes --no-install-recommends git ca-certificates \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json index.ts tsconfig.json action.yml ./
COPY bin ./bin
COPY analysis ./analysis
COPY app ./app
COPY clients ./clients
COPY constructs ./constructs
COPY generators ./generators
COPY policies ./policies
COPY templates ./templates
COPY environments/environment.ts environments/index.ts environments/load-environments.ts environments/load-module.ts environments/validate-environment.ts ./environments/
# Non-root, numeric so Kubernetes can verify runAsNonRoot; tsx's cache goes to /tmp (an emptyDir in the Deployments).
USER 65532:65532
EXPOSE 9464 3000
ENTRYPOINT ["node", "/app/bin/phoenix"]
CMD ["--help"]
