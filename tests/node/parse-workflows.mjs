// Reads GitHub Actions workflow files with GitHub's own parser of the workflow syntax (@actions/workflow-parser, the
// library behind GitHub's Actions language services) and prints one JSON array on stdout, one entry per file:
//
//   { "file", "errors": [message...],
//     "document": the file as the parser read it (mappings, sequences, literals; an expression as its source text),
//     "jobs": [{ "id", "runsOn", "needs": [...], "steps": [{ "id", "name", "uses", "run", "if" }] }] }
//
// "errors" holds what the parser reports against GitHub's workflow schema (unknown keys, wrong types, bad
// expressions) and what converting the file to GitHub's workflow model reports (a job that needs an unknown job,
// duplicate step ids); "jobs" is that model, with GitHub's defaults filled in (a step's `if` is `success()`, a step
// without an id gets a generated one). The .NET tests (tests/Hosts.Tests/Workflows) assert on this output.
//
// Run with tsx as the loader (`node --import tsx parse-workflows.mjs FILE...`, from this folder): the parser's
// modules import its JSON schema without an import attribute, which node's own ESM loader refuses.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
  NoOperationTraceWriter,
  convertWorkflowTemplate,
  isMapping,
  isSequence,
  parseWorkflow,
} from '@actions/workflow-parser';

function plain(token) {
  if (token === undefined || token === null) {
    return null;
  }
  if (isMapping(token)) {
    const object = {};
    for (const pair of token) {
      object[String(pair.key.toString())] = plain(pair.value);
    }
    return object;
  }
  if (isSequence(token)) {
    return [...token].map(plain);
  }
  if (token.isExpression) {
    return token.source ?? token.toString();
  }
  // Literals: a string, number or boolean token has a value; a null token has none.
  return 'value' in token ? token.value : null;
}

function text(token) {
  return token === undefined || token === null ? null : plain(token);
}

async function read(path) {
  const content = readFileSync(path, 'utf8');
  const parsed = parseWorkflow({ name: basename(path), content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((error) => error.message);
  let jobs = [];
  if (parsed.value !== undefined && errors.length === 0) {
    const model = await convertWorkflowTemplate(parsed.context, parsed.value);
    errors.push(...(model.errors ?? []).map((error) => error.Message));
    jobs = (model.jobs ?? []).map((job) => ({
      id: job.id.value,
      runsOn: text(job['runs-on']),
      needs: (job.needs ?? []).map((need) => need.value),
      steps: (job.steps ?? []).map((step) => ({
        id: step.id,
        name: text(step.name),
        uses: text(step.uses),
        run: text(step.run),
        if: text(step.if),
      })),
    }));
  }
  return { file: basename(path), errors, document: plain(parsed.value), jobs };
}

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('usage: node --import tsx parse-workflows.mjs WORKFLOW.yml...\n');
  process.exit(2);
}
const results = [];
for (const file of files) {
  results.push(await read(file));
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
