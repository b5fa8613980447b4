// `nimbus build`: each AWS::Serverless::Function with a local CodeUri is built into
// `.nimbus-sam/build/<LogicalId>/` — TypeScript/JavaScript bundled with esbuild when the function
// has `Metadata: {BuildMethod: esbuild}` (as SAM does), otherwise copied with its dependencies
// installed (npm for Node.js, pip for Python) — and `.nimbus-sam/build/template.yaml` points at the
// results. Later commands pick the built template up automatically, as `sam` does.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import { guarded, overridesOption, templateOption, type Io } from './cli-io.js';
import { TemplateError, TemplateErrors } from './template/errors.js';
import { loadTemplate, planTemplate } from './template/plan.js';
import { rebaseIncludes } from './template/include.js';
import type { Json } from './template/yaml.js';
import { TOOL_DIRS } from './tool-dirs.js';

type Obj = Record<string, Json>;
const notToolDir = (p: string) => !TOOL_DIRS.has(basename(p));

/** Copies a code folder entry by entry: with `CodeUri: .` the build folder lies inside the source,
 * and a single recursive copy of a folder into itself is refused even when filtered out. */
function copyCode(source: string, target: string, filter: (p: string) => boolean) {
  mkdirSync(target, { recursive: true });
  for (const name of readdirSync(source)) {
    const from = join(source, name);
    if (filter(from)) cpSync(from, join(target, name), { recursive: true, filter });
  }
}
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface BuildOptions {
  templateFile?: string;
  parameterOverrides?: string[];
  cwd?: string;
}

export async function buildCommand(opts: BuildOptions, io: Io): Promise<number> {
  return guarded(io, async () => {
    const templatePath = templateOption(opts.templateFile, opts.cwd, false);
    // Validate first: a broken template fails before any build work. What Nimbus does not provide
    // (a table, a queue) is not built anyway: as with sam build, it does not stop the build; nor does
    // a parameter whose value only `deploy` is given.
    planTemplate({
      templatePath, stackName: 'build', region: 'us-east-1', accountId: '000000000000', overrides: overridesOption(opts.parameterOverrides),
      skipUnsupported: true, allowUnsetParameters: true,
    });
    const built = await buildTemplate(templatePath, io);
    io.out('');
    io.out('Build Succeeded');
    io.out(`Built Artifacts  : ${relative(process.cwd(), dirname(built)) || '.'}`);
    io.out(`Built Template   : ${relative(process.cwd(), built)}`);
  });
}

export async function buildTemplate(templatePath: string, io: Io): Promise<string> {
  const srcDir = dirname(templatePath);
  const buildDir = join(srcDir, '.nimbus-sam', 'build');
  rmSync(buildDir, { recursive: true, force: true });
  mkdirSync(buildDir, { recursive: true });
  const t = loadTemplate(templatePath);
  const globals = isObj(t.Globals) && isObj(t.Globals.Function) ? t.Globals.Function : {};
  const resources = isObj(t.Resources) ? t.Resources : {};
  const rel = (p: string) => relative(buildDir, isAbsolute(p) ? p : join(srcDir, p)) || '.';
  for (const [id, r] of Object.entries(resources)) {
    if (!isObj(r)) continue;
    const props = isObj(r.Properties) ? r.Properties : {};
    if (r.Type === 'AWS::Serverless::Function') {
      // No CodeUri: the template's folder is the code, as `sam build`/`sam package` take it.
      const codeUri = props.CodeUri ?? globals.CodeUri ?? (props.ImageUri === undefined && props.PackageType !== 'Image' ? '.' : undefined);
      if (typeof codeUri !== 'string' || props.InlineCode !== undefined) continue;
      const source = resolve(srcDir, codeUri);
      if (!existsSync(source)) throw new TemplateErrors([new TemplateError(`Resources.${id}.Properties.CodeUri`, `${codeUri} does not exist`)]);
      const runtime = String(props.Runtime ?? globals.Runtime ?? '');
      const target = join(buildDir, id);
      io.out(`Building codeuri: ${source} runtime: ${runtime} metadata: ${JSON.stringify(r.Metadata ?? {})} functions: ${id}`);
      if (statSync(source).isFile()) cpSync(source, join(buildDir, `${id}.zip`));
      else if (isObj(r.Metadata) && r.Metadata.BuildMethod === 'esbuild') await esbuildFunction(id, source, target, r.Metadata, props.Handler ?? globals.Handler, io);
      else if (runtime.startsWith('python')) pythonFunction(source, target, io);
      else if (runtime.startsWith('nodejs')) nodeFunction(source, target, io);
      else copyCode(source, target, notToolDir);
      props.CodeUri = statSync(source).isFile() ? `${id}.zip` : id;
      r.Properties = props;
      if (isObj(r.Metadata)) r.Metadata = { ...r.Metadata, 'Nimbus::Built': true };
    } else if (r.Type === 'AWS::Serverless::LayerVersion' && typeof props.ContentUri === 'string') {
      const source = resolve(srcDir, props.ContentUri);
      if (!existsSync(source)) throw new TemplateErrors([new TemplateError(`Resources.${id}.Properties.ContentUri`, `${props.ContentUri} does not exist`)]);
      const method = isObj(r.Metadata) && typeof r.Metadata.BuildMethod === 'string' ? r.Metadata.BuildMethod : undefined;
      io.out(`Building layer: ${source} metadata: ${JSON.stringify(r.Metadata ?? {})} layer: ${id}`);
      props.ContentUri = buildLayer(id, source, join(buildDir, id), method, io);
      r.Properties = props;
    } else if (r.Type === 'AWS::Serverless::StateMachine' || r.Type === 'AWS::Serverless::Api' || r.Type === 'AWS::Serverless::HttpApi') {
      if (typeof props.DefinitionUri === 'string') props.DefinitionUri = rel(props.DefinitionUri);
    } else if (r.Type === 'AWS::Serverless::Application' && typeof props.Location === 'string') {
      // The nested template is deployed from its source (it is not built here).
      props.Location = rel(props.Location);
    }
  }
  if (isObj(t.Globals) && isObj(t.Globals.Function) && typeof t.Globals.Function.CodeUri === 'string') delete t.Globals.Function.CodeUri;
  rebaseIncludes(t, srcDir, buildDir);
  const out = join(buildDir, 'template.yaml');
  writeFileSync(out, stringify(t, { lineWidth: 0 }));
  return out;
}

/**
 * A layer's content, as `sam build` makes it: with a runtime BuildMethod the source goes where that
 * runtime looks in /opt, dependencies installed (`nodejs/` with node_modules, `python/` with
 * pip's packages); without one (or `makefile`-less others) it is copied as it is. Returns the
 * ContentUri relative to the build folder.
 */
function buildLayer(id: string, source: string, target: string, method: string | undefined, io: Io): string {
  if (statSync(source).isFile()) {
    cpSync(source, `${target}.zip`);
    return `${id}.zip`;
  }
  if (method?.startsWith('nodejs')) nodeFunction(source, join(target, 'nodejs'), io);
  else if (method?.startsWith('python')) pythonFunction(source, join(target, 'python'), io);
  else copyCode(source, target, notToolDir);
  return id;
}

async function esbuildFunction(id: string, source: string, target: string, metadata: Obj, handler: Json | undefined, io: Io) {
  const { build } = await import('esbuild');
  const props = isObj(metadata.BuildProperties) ? metadata.BuildProperties : {};
  let entries = Array.isArray(props.EntryPoints) ? props.EntryPoints.map(String) : [];
  if (!entries.length && typeof handler === 'string') {
    const base = handler.slice(0, handler.lastIndexOf('.'));
    entries = [['.ts', '.mts', '.js', '.mjs'].map((e) => base + e).find((f) => existsSync(join(source, f))) ?? `${base}.ts`];
  }
  const work = installDependencies(source, target, io);
  const format = props.Format === 'esm' ? 'esm' : 'cjs';
  try {
    await build({
      entryPoints: entries.map((e) => join(work, e)),
      outdir: target,
      outbase: work,
      bundle: true,
      platform: 'node',
      format,
      target: typeof props.Target === 'string' ? props.Target : 'es2022',
      minify: props.Minify === true,
      sourcemap: props.Sourcemap === true,
      external: Array.isArray(props.External) ? props.External.map(String) : [],
      outExtension: format === 'esm' && props.OutExtension === undefined ? { '.js': '.mjs' } : { '.js': '.js' },
      logLevel: 'silent',
    });
  } catch (err) {
    throw new Error(`esbuild failed for ${id}: ${(err as Error).message}`);
  } finally {
    if (work !== source) rmSync(work, { recursive: true, force: true });
  }
}

/** npm dependencies are installed in a scratch copy when the function declares any and has none. */
function installDependencies(source: string, target: string, io: Io): string {
  const pkg = join(source, 'package.json');
  if (!existsSync(pkg)) return source;
  const deps = (JSON.parse(readFileSync(pkg, 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {};
  if (!Object.keys(deps).length || existsSync(join(source, 'node_modules'))) return source;
  const work = `${target}.work`;
  copyCode(source, work, (p) => basename(p) !== 'node_modules' && notToolDir(p));
  io.out(`Running npm install in ${basename(source)}`);
  execFileSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund'], { cwd: work, stdio: 'pipe' });
  return work;
}

function nodeFunction(source: string, target: string, io: Io) {
  copyCode(source, target, (p) => basename(p) !== 'node_modules' && basename(p) !== '.test' && notToolDir(p));
  const pkg = join(target, 'package.json');
  if (!existsSync(pkg)) return;
  const deps = (JSON.parse(readFileSync(pkg, 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {};
  if (!Object.keys(deps).length) return;
  io.out(`Running npm install --omit=dev in ${basename(target)}`);
  execFileSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund'], { cwd: target, stdio: 'pipe' });
}

function pythonFunction(source: string, target: string, io: Io) {
  copyCode(source, target, (p) => basename(p) !== '__pycache__' && notToolDir(p));
  const req = join(source, 'requirements.txt');
  if (!existsSync(req) || !readFileSync(req, 'utf8').trim()) return;
  io.out(`Running pip install -r requirements.txt in ${basename(target)}`);
  execFileSync('python3', ['-m', 'pip', 'install', '--quiet', '-r', req, '-t', target], { stdio: 'pipe' });
}
