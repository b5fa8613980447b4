// Tags of event buses and rules, addressed by ARN (ListTagsForResource, TagResource, UntagResource).
// A bus's tags come from CreateEventBus, a rule's from the PutRule that creates it; both go when the
// resource is deleted. Never sees HTTP.
import type { EventsRepository } from './repository.js';
import { DEFAULT_BUS, tagList, type EventBuses, type Scope } from './buses.js';
import { ResourceNotFound, Validation } from './errors.js';

type Input = Record<string, unknown>;

const RESOURCE_ARN = /^arn:aws[\w-]*:events:([^:]+):(\d{12}):(event-bus|rule)\/(.+)$/;

export class EventTags {
  constructor(
    private readonly repo: EventsRepository,
    private readonly buses: EventBuses,
  ) {}

  list(s: Scope, i: Input): Input {
    const arn = this.existing(s, i.ResourceARN);
    return { Tags: this.repo.tags(s.accountId, s.region, arn) };
  }

  tag(s: Scope, i: Input): Input {
    const arn = this.existing(s, i.ResourceARN);
    const tags = tagList(i.Tags);
    if (!tags) throw Validation("1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null");
    this.repo.putTags(s.accountId, s.region, arn, tags);
    return {};
  }

  untag(s: Scope, i: Input): Input {
    const arn = this.existing(s, i.ResourceARN);
    const keys = i.TagKeys;
    if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string' || k.length < 1 || k.length > 128)) {
      throw Validation("1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]");
    }
    this.repo.removeTags(s.accountId, s.region, arn, keys as string[]);
    return {};
  }

  /** The ARN of a bus or rule of the caller's scope that exists, else AWS's not-found error for it. */
  private existing(s: Scope, v: unknown): string {
    if (typeof v !== 'string' || v.length < 1 || v.length > 1600) {
      throw Validation(`1 validation error detected: Value ${v === undefined ? 'null' : `'${String(v)}'`} at 'resourceARN' failed to satisfy constraint: Member must ${v === undefined ? 'not be null' : 'have length less than or equal to 1600'}`);
    }
    const m = RESOURCE_ARN.exec(v);
    if (!m) throw Validation('Parameter ResourceARN is not valid.');
    const [, , , kind, rest] = m as unknown as [string, string, string, string, string];
    if (kind === 'event-bus') {
      if (this.buses.lookup(s, v) === undefined) throw ResourceNotFound(`Event bus ${rest} does not exist.`);
      return v;
    }
    // rule/{name} on the default bus, rule/{bus}/{name} on any other.
    const cut = rest.lastIndexOf('/');
    const bus = cut < 0 ? DEFAULT_BUS : rest.slice(0, cut);
    const name = rest.slice(cut + 1);
    const inScope = m[1] === s.region && m[2] === s.accountId;
    if (!inScope || !this.repo.getRule({ account: s.accountId, region: s.region, bus }, name)) {
      throw ResourceNotFound(`Rule ${name} does not exist on EventBus ${bus}.`);
    }
    return v;
  }
}
