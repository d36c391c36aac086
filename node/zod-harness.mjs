// A long-lived validator process for synth's tests: one request per stdin line (JSON), one
// response per stdout line. The Python side loads emitted TypeScript modules once and then
// sends values in batches, so thousands of values cost one process.
//
//   {"op": "load", "id": "m", "files": {"schemas.ts": "..."}, "entry": "schemas.ts"}
//     -> {"ok": true, "exports": ["Contact", ...]}
//   {"op": "validate", "module": "m", "schema": "Contact", "texts": ["{...}", ...]}
//     -> {"ok": true, "results": [{"valid": true} | {"valid": false, "issues": [...]}]}
//   ("output": true in a validate request adds "output": the parsed value as JSON text, a key
//   whose value is undefined written as {"$undefined": true}, so a key Zod adds shows.)
//   {"op": "unload", "id": "m"}
//
// TypeScript is transpiled in process with typescript's transpileModule (types are checked
// separately by tsc in the test suite); modules are evaluated as CommonJS with a require that
// resolves "zod" and the module's sibling files.
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import path from "node:path";

const require = createRequire(import.meta.url);
const ts = require("typescript");
const zod = require("zod");

const modules = new Map();

function transpile(source, fileName) {
  return ts.transpileModule(source, {
    fileName,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  }).outputText;
}

function load(files, entry) {
  const cache = new Map();
  const resolve = (from, spec) => {
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
    for (const candidate of [base, `${base}.ts`, base.replace(/\.js$/, ".ts"), `${base}/index.ts`]) {
      if (Object.hasOwn(files, candidate)) return candidate;
    }
    throw new Error(`cannot resolve ${spec} from ${from}`);
  };
  const evaluate = (name) => {
    if (cache.has(name)) return cache.get(name).exports;
    const module = { exports: {} };
    cache.set(name, module);
    const localRequire = (spec) => {
      if (spec === "zod" || spec.startsWith("zod/")) return zod;
      return evaluate(resolve(name, spec));
    };
    const fn = new Function("require", "module", "exports", transpile(files[name], name));
    fn(localRequire, module, module.exports);
    return module.exports;
  };
  return evaluate(entry);
}

function issueList(error) {
  return error.issues.slice(0, 5).map((i) => ({ path: i.path.map(String), code: i.code, message: i.message }));
}

function keepUndefined(_key, value) {
  return value === undefined ? { $undefined: true } : value;
}

function handle(request) {
  switch (request.op) {
    case "load": {
      const exports = load(request.files, request.entry);
      modules.set(request.id, exports);
      return { ok: true, exports: Object.keys(exports).sort() };
    }
    case "unload":
      modules.delete(request.id);
      return { ok: true };
    case "validate": {
      const exports = modules.get(request.module);
      if (!exports) throw new Error(`module ${request.module} is not loaded`);
      const schema = exports[request.schema];
      if (!schema || typeof schema.safeParse !== "function") {
        throw new Error(`${request.schema} is not a schema exported by ${request.module}`);
      }
      const results = request.texts.map((text) => {
        let value;
        try {
          value = JSON.parse(text);
        } catch (e) {
          return { valid: false, issues: [{ path: [], code: "invalid_json", message: String(e) }] };
        }
        try {
          const result = schema.safeParse(value);
          if (!result.success) return { valid: false, issues: issueList(result.error) };
          return request.output ? { valid: true, output: JSON.stringify(result.data, keepUndefined) } : { valid: true };
        } catch (e) {
          return { valid: false, crashed: true, issues: [{ path: [], code: "crash", message: String(e) }] };
        }
      });
      return { ok: true, results };
    }
    default:
      throw new Error(`unknown op ${request.op}`);
  }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  let response;
  try {
    response = handle(JSON.parse(line));
  } catch (e) {
    response = { ok: false, error: String(e && e.stack ? e.stack : e) };
  }
  process.stdout.write(JSON.stringify(response) + "\n");
}
