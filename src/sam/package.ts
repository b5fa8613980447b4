// `nimbus package`: every function's code becomes a zip in the content-addressed artifact store
// (`.nimbus-sam/artifacts/<sha256>.zip`) and a template referring to those zips is written, so a
// deploy uploads exactly those bytes (the local stand-in for `sam package`'s S3 upload).
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { guarded, templateOption, type Io } from './cli-io.js';
import { storeArtifact } from './deploy/artifacts.js';
import { projectDir } from './deploy/stack-store.js';
import { loadTemplate } from './template/plan.js';
import { TemplateError, TemplateErrors } from './template/errors.js';
import type { Json } from './template/yaml.js';
import { existsSync } from 'node:fs';

type Obj = Record<string, Json>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export async function packageCommand(opts: { templateFile?: string; outputTemplateFile: string; cwd?: string }, io: Io): Promise<number> {
  return guarded(io, async () => {
    const templatePath = templateOption(opts.templateFile, opts.cwd);
    const srcDir = dirname(templatePath);
    const project = projectDir(templatePath);
    const artifacts = join(project, '.nimbus-sam', 'artifacts');
    const out = resolve(opts.cwd ?? process.cwd(), opts.outputTemplateFile);
    const outDir = dirname(out);
    const t = loadTemplate(templatePath);
    const resources = isObj(t.Resources) ? t.Resources : {};
    const globalCode = isObj(t.Globals) && isObj(t.Globals.Function) ? t.Globals.Function.CodeUri : undefined;
    const rebase = (p: string) => relative(outDir, isAbsolute(p) ? p : join(srcDir, p)) || '.';
    for (const [id, r] of Object.entries(resources)) {
      if (!isObj(r)) continue;
      const props = isObj(r.Properties) ? r.Properties : (r.Properties = {});
      if (r.Type === 'AWS::Serverless::Function' && props.InlineCode === undefined) {
        const uri = props.CodeUri ?? globalCode;
        if (typeof uri !== 'string') continue;
        const abs = isAbsolute(uri) ? uri : join(srcDir, uri);
        if (!existsSync(abs)) throw new TemplateErrors([new TemplateError(`Resources.${id}.Properties.CodeUri`, `${uri} does not exist`)]);
        const a = storeArtifact(artifacts, abs);
        props.CodeUri = relative(outDir, a.path);
        io.out(`Packaged ${id}: ${uri} → ${relative(process.cwd(), a.path)}`);
      } else if ((r.Type === 'AWS::Serverless::StateMachine' || r.Type === 'AWS::Serverless::Api' || r.Type === 'AWS::Serverless::HttpApi') && typeof props.DefinitionUri === 'string') {
        props.DefinitionUri = rebase(props.DefinitionUri);
      } else if (r.Type === 'AWS::Serverless::Application' && typeof props.Location === 'string') {
        props.Location = rebase(props.Location);
      }
    }
    if (isObj(t.Globals) && isObj(t.Globals.Function)) delete t.Globals.Function.CodeUri;
    writeFileSync(out, stringify(t, { lineWidth: 0 }));
    io.out(`Successfully packaged artifacts and wrote output template to file ${relative(process.cwd(), out) || out}`);
  });
}
