import type { NextConfig } from "next";
import { PHASE_DEVELOPMENT_SERVER } from "next/constants";

/**
 * Production is a static export that the gateway serves at / (nginx in the stack, the
 * dispatcher in `make run`); only the development server proxies /api and /ws/ to a gateway.
 */
const gateway = process.env.HDMS_GATEWAY_URL ?? "http://127.0.0.1:8080";

export default function config(phase: string): NextConfig {
  const common: NextConfig = {
    reactStrictMode: true,
    images: { unoptimized: true },
    poweredByHeader: false,
  };
  if (phase === PHASE_DEVELOPMENT_SERVER) {
    return {
      ...common,
      // A folder of its own lets several development servers run side by side.
      distDir: process.env.NEXT_DIST_DIR ?? ".next",
      // The API's paths end in a slash (/api/tickets/); without this the dev server would
      // redirect them to the slash-less path, which the gateway redirects back cross-origin.
      skipTrailingSlashRedirect: true,
      async rewrites() {
        return [
          // :path* drops a trailing slash; keep it, or the gateway answers with a redirect.
          { source: "/api/:path*/", destination: `${gateway}/api/:path*/` },
          { source: "/api/:path*", destination: `${gateway}/api/:path*` },
          { source: "/ws/:path*/", destination: `${gateway}/ws/:path*/` },
          { source: "/ws/:path*", destination: `${gateway}/ws/:path*` },
        ];
      },
    };
  }
  // With a static export, distDir is where the exported site is written.
  return { ...common, output: "export", trailingSlash: false, distDir: process.env.HDMS_WEB_OUT ?? "out" };
}
