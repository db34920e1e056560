// Generates src/services/api/schema/<service>.d.ts from the services' OpenAPI documents.
//
//   npm run gen:api                      dump the documents with the repository's Python, then generate
//   node scripts/generate-api-types.mjs DOCS_DIR [OUT_DIR]   generate from documents already dumped
//
// The repository's test suite runs the second form on freshly dumped documents and fails when
// the output differs from what is committed.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const here = dirname(fileURLToPath(import.meta.url));
const project = resolve(here, "..");
const repository = resolve(project, "..");
export const DOCUMENTS = ["auth", "tickets", "chat", "files"];

async function generate(docsDir, outDir) {
  mkdirSync(outDir, { recursive: true });
  for (const name of DOCUMENTS) {
    const document = JSON.parse(readFileSync(join(docsDir, `${name}.json`), "utf8"));
    const ast = await openapiTS(document, { alphabetize: true, exportType: true });
    const header = `// Generated from /api/${name}/openapi.json by scripts/generate-api-types.mjs. Do not edit.\n\n`;
    writeFileSync(join(outDir, `${name}.d.ts`), header + astToString(ast));
  }
}

let [docsDir, outDir] = process.argv.slice(2);
if (!docsDir) {
  docsDir = mkdtempSync(join(tmpdir(), "hdms-openapi-"));
  const python = process.env.HDMS_PYTHON ?? join(repository, ".venv", "bin", "python");
  execFileSync(python, [join(repository, "scripts", "dump_openapi.py"), docsDir], { stdio: ["ignore", "ignore", "inherit"] });
}
await generate(docsDir, outDir ?? join(project, "src", "services", "api", "schema"));
