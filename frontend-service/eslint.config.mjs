import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { FlatCompat } from "@eslint/eslintrc";

const compat = new FlatCompat({ baseDirectory: dirname(fileURLToPath(import.meta.url)) });

export default [
  { ignores: ["node_modules/**", ".next*/**", "out/**", "next-env.d.ts", "src/services/api/schema/**", "test-results/**", "playwright-report/**"] },
  ...compat.extends("next/core-web-vitals", "next/typescript"),
  {
    rules: {
      // Classic zod is ~50 kB gzip; forms use zod/mini with English messages from @/lib/zod.
      "no-restricted-imports": ["error", { paths: [{ name: "zod", message: 'Import * as z from "@/lib/zod".' }] }],
    },
  },
];
