import path from "node:path";
import type { NextConfig } from "next";

// The generated Zod contracts live outside this app, in <repo>/generated/zod; the bundler
// must be allowed to compile them, and their bare `zod` import must resolve to this app's copy.
const repoRoot = path.resolve(__dirname, "../..");

const config: NextConfig = {
  outputFileTracingRoot: repoRoot,
  turbopack: {
    root: repoRoot,
    resolveAlias: { zod: "./node_modules/zod" },
  },
  experimental: { externalDir: true },
  poweredByHeader: false,
  serverExternalPackages: ["pg"],
};

export default config;
