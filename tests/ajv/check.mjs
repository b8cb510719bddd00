// Compiles a JSON Schema (draft 2020-12) with Ajv in strict mode, then validates each JSON
// document given after it. Prints "ok", or the errors and exits with 1.
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [schemaPath, ...documents] = process.argv.slice(2);
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
let validate;
try {
  validate = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")));
} catch (error) {
  console.log(`the schema does not compile in strict mode: ${error.message}`);
  process.exit(1);
}
let failed = false;
for (const path of documents) {
  if (!validate(JSON.parse(readFileSync(path, "utf8")))) {
    console.log(`${path}: ${ajv.errorsText(validate.errors)}`);
    failed = true;
  }
}
if (failed) process.exit(1);
console.log("ok");
