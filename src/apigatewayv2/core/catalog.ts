// The data plane's read model: an API with its deployed stages, read from the repository in one go
// (the data plane caches it until the API's revision moves).
import type { DeployedStage, HttpApiCatalog, ServedApi } from './model.js';
import type { HttpApiRepository } from './repository.js';

export class RepositoryCatalog implements HttpApiCatalog {
  constructor(private readonly repo: HttpApiRepository) {}

  revision(apiId: string): number {
    return this.repo.revision(apiId);
  }

  load(apiId: string): ServedApi | undefined {
    const found = this.repo.findApi(apiId);
    if (!found) return undefined;
    const stages = new Map<string, DeployedStage>();
    for (const stage of this.repo.list(apiId, 'stage')) {
      if (stage.deploymentId === undefined) continue;
      const record = this.repo.get(apiId, 'deployment', stage.deploymentId);
      if (record) stages.set(stage.stageName, { stage, deploymentId: stage.deploymentId, snapshot: record.snapshot });
    }
    return { scope: found.scope, api: found.api, stages };
  }
}
