# The production image: Node 22 LTS running Next.js's standalone server. At start it applies
# any pending migrations (SQLite in /app/.data by default, or the PostgreSQL in DATABASE_URL).
FROM node:22-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY lib/db/url.mjs ./lib/db/url.mjs
COPY prisma ./prisma
RUN npm install --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:22-slim
WORKDIR /app
ENV NODE_ENV=production PORT=8000 HOSTNAME=0.0.0.0 DATA_DIR=/app/.data NEXT_TELEMETRY_DISABLED=1
# The standalone bundle carries its own node_modules, static assets and public files.
COPY --from=build /app/.next/standalone ./
# What `scripts/db.mjs deploy` needs beside it: the migrations and the WebAssembly schema engine.
COPY --from=build /app/scripts/db.mjs ./scripts/db.mjs
COPY --from=build /app/lib/db/url.mjs ./lib/db/url.mjs
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/node_modules/@prisma/schema-engine-wasm ./node_modules/@prisma/schema-engine-wasm
COPY --from=build /app/node_modules/@prisma/driver-adapter-utils ./node_modules/@prisma/driver-adapter-utils
COPY --from=build /app/node_modules/@prisma/debug ./node_modules/@prisma/debug
COPY --from=build /app/node_modules/@prisma/adapter-pg ./node_modules/@prisma/adapter-pg
COPY --from=build /app/node_modules/postgres-array ./node_modules/postgres-array
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:8000/api/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["sh", "-c", "node scripts/db.mjs deploy && exec node server.js"]
