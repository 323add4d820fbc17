# firebreak in a small image, built from the package tarball (what `npm publish` ships).
#   docker build -t firebreak .
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/work" -w /work firebreak check preview.json --format sarif -o firebreak.sarif
# (--user: the image runs as `node`, uid 1000, which cannot write to a mounted directory another uid owns.)
# Reads exports, previews and Pulumi YAML programs. Node.js programs need their own
# node_modules and tsx (an optional peer): install them in a derived image.
FROM node:20-slim AS pack
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm pack --pack-destination /tmp && mv /tmp/pulumi-firebreak-*.tgz /tmp/firebreak.tgz

FROM node:20-alpine
COPY --from=pack /tmp/firebreak.tgz /tmp/firebreak.tgz
RUN npm install -g --omit=dev --no-audit --no-fund /tmp/firebreak.tgz && rm /tmp/firebreak.tgz && npm cache clean --force
USER node
WORKDIR /work
ENTRYPOINT ["firebreak"]
CMD ["--help"]
