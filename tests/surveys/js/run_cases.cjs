// Runs app/static/js/conditions.js on the shared case table surveys/logic/cases.json.
// Usage: node run_cases.cjs [conditions.js] [cases.json]; exits 1 on any mismatch.
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..", "..", "..");
const conditionsPath = path.resolve(process.argv[2] || path.join(root, "app/static/js/conditions.js"));
const casesPath = path.resolve(process.argv[3] || path.join(root, "surveys/logic/cases.json"));
const conditions = require(conditionsPath);
const table = JSON.parse(fs.readFileSync(casesPath, "utf8"));

function same(a, b) {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  return false;
}

const failures = [];
let checked = 0;
for (const c of table.cases) {
  checked += 1;
  let got;
  try {
    got = { value: conditions.evaluate(c.expr, c.answers) };
  } catch (error) {
    if (!error.code) throw error;
    got = { error: error.code };
  }
  if ("error_code" in c) {
    if (got.error !== c.error_code) failures.push({ expr: c.expr.slice(0, 80), expected: c.error_code, got });
  } else if (!("value" in got) || !same(got.value, c.expected)) {
    failures.push({ expr: c.expr.slice(0, 80), expected: c.expected, got });
  }
}
for (const c of table.pipe_cases) {
  checked += 1;
  const got = conditions.pipe(c.text, c.answers, table.definition);
  if (got !== c.expected) failures.push({ text: c.text, expected: c.expected, got });
}
for (const f of failures) console.log("MISMATCH " + JSON.stringify(f));
console.log(`${checked} cases, ${failures.length} mismatches`);
process.exit(failures.length ? 1 : 0);
