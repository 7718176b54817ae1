import { randomInt, randomUUID } from 'node:crypto';

/** An error as Secrets Manager reports it: `__type` on the wire, plus its HTTP status. */
export class SecretsManagerError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
  }
}

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;
/** Exactly one of the two, as on the wire (SecretBinary stays base64). */
type SecretValue = { SecretString: string } | { SecretBinary: string };

interface SecretVersion {
  id: string;
  value: SecretValue;
  createdDate: number;
  stages: Set<string>;
}

interface Tag {
  Key: string;
  Value: string;
}

interface Secret {
  arn: string;
  name: string;
  description?: string;
  tags: Tag[];
  createdDate: number;
  lastChangedDate: number;
  /** Like AWS, to the day: reading a value sets it to that day's midnight (UTC). */
  lastAccessedDate?: number;
  deletedDate?: number;
  versions: Map<string, SecretVersion>;
}

const ACCOUNT_ID = '000000000000';
const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';
const DEFAULT_RECOVERY_WINDOW_DAYS = 30;
const ARN_SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** AWS JSON timestamps are epoch seconds. */
const epochSeconds = (): number => Date.now() / 1000;

function randomArnSuffix(): string {
  return Array.from({ length: 6 }, () => ARN_SUFFIX_ALPHABET[randomInt(ARN_SUFFIX_ALPHABET.length)]).join('');
}

function optionalString(input: Input, member: string): string | undefined {
  const value = input[member];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw new SecretsManagerError('InvalidParameterException', `Invalid type for parameter ${member}.`);
  }
  return value;
}

function requiredString(input: Input, member: string): string {
  const value = optionalString(input, member);
  if (!value) {
    const field = member[0]!.toLowerCase() + member.slice(1);
    throw new SecretsManagerError('ValidationException', `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

function secretValueFrom(input: Input): SecretValue | undefined {
  const secretString = optionalString(input, 'SecretString');
  const secretBinary = optionalString(input, 'SecretBinary');
  if (secretString !== undefined && secretBinary !== undefined) {
    throw new SecretsManagerError('InvalidParameterException', "You can't specify both a binary secret value and a string secret value in the same secret.");
  }
  if (secretString !== undefined) return { SecretString: secretString };
  if (secretBinary !== undefined) return { SecretBinary: secretBinary };
  return undefined;
}

function tagsFrom(input: Input): Tag[] {
  const tags = input.Tags;
  if (tags === undefined) return [];
  const valid = (tag: unknown): tag is Tag => tag !== null && typeof tag === 'object' && typeof (tag as Tag).Key === 'string' && typeof (tag as Tag).Value === 'string';
  if (!Array.isArray(tags) || !tags.every(valid)) throw new SecretsManagerError('InvalidParameterException', 'Invalid type for parameter Tags.');
  return tags.map(({ Key, Value }) => ({ Key, Value }));
}

const LIST_FILTER_KEYS = ['description', 'name', 'tag-key', 'tag-value', 'primary-region', 'owning-service', 'all'] as const;
type ListFilterKey = (typeof LIST_FILTER_KEYS)[number];
const SORT_BY = ['created-date', 'last-accessed-date', 'last-changed-date', 'name'] as const;
const MAX_LIST_RESULTS = 100;

/** What a ListSecrets filter key matches its values against (AWS: a prefix match; `description` and `all` ignore case). */
function filterTexts(secret: Secret, key: ListFilterKey): string[] {
  switch (key) {
    case 'name':
      return [secret.name];
    case 'description':
      return secret.description === undefined ? [] : [secret.description.toLowerCase()];
    case 'tag-key':
      return secret.tags.map((tag) => tag.Key);
    case 'tag-value':
      return secret.tags.map((tag) => tag.Value);
    case 'all':
      return [secret.name, secret.description ?? '', ...secret.tags.flatMap((tag) => [tag.Key, tag.Value])]
        .flatMap((text) => text.toLowerCase().split(/[\s/_.:=+@-]+/))
        .concat(secret.name.toLowerCase());
    default:
      // No replica regions and no owning services here.
      return [];
  }
}

/** One filter: any of its values matches (a value starting with `!` matches when its prefix does not). */
function matchesFilter(secret: Secret, key: ListFilterKey, values: string[]): boolean {
  const caseless = key === 'description' || key === 'all';
  const texts = filterTexts(secret, key);
  return values.some((raw) => {
    const negated = raw.startsWith('!');
    const value = caseless ? raw.slice(negated ? 1 : 0).toLowerCase() : raw.slice(negated ? 1 : 0);
    const words = key === 'all' ? value.split(/\s+/).filter(Boolean) : [value];
    const found = words.every((word) => texts.some((text) => text.startsWith(word)));
    return negated ? !found : found;
  });
}

function listFiltersFrom(input: Input): { key: ListFilterKey; values: string[] }[] {
  const filters = input.Filters;
  if (filters === undefined) return [];
  if (!Array.isArray(filters)) throw new SecretsManagerError('InvalidParameterException', 'Invalid type for parameter Filters.');
  return filters.map((filter: unknown) => {
    const { Key, Values } = (filter ?? {}) as { Key?: unknown; Values?: unknown };
    if (!LIST_FILTER_KEYS.includes(Key as ListFilterKey)) {
      throw new SecretsManagerError(
        'ValidationException',
        `1 validation error detected: Value '${String(Key)}' at 'filters.1.member.key' failed to satisfy constraint: Member must satisfy enum value set: [${LIST_FILTER_KEYS.join(', ')}]`,
      );
    }
    if (!Array.isArray(Values) || Values.length === 0 || !Values.every((value) => typeof value === 'string')) {
      throw new SecretsManagerError('InvalidParameterException', `Invalid filter values for key ${String(Key)}.`);
    }
    return { key: Key as ListFilterKey, values: Values as string[] };
  });
}

function sameValue(a: SecretValue, b: SecretValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** SDKs fill ClientRequestToken automatically (it is an idempotency token); it becomes the VersionId. */
function versionIdFrom(input: Input): string {
  return optionalString(input, 'ClientRequestToken') ?? randomUUID();
}

function versionStagesFrom(input: Input): string[] {
  const stages = input.VersionStages;
  if (stages === undefined) return [CURRENT];
  if (!Array.isArray(stages) || !stages.every((stage) => typeof stage === 'string')) {
    throw new SecretsManagerError('InvalidParameterException', 'Invalid type for parameter VersionStages.');
  }
  return stages;
}

/** The Secrets Manager API over an in-memory store: wire-shaped input in, wire-shaped output out. */
export class SecretsManager {
  private readonly secretsByName = new Map<string, Secret>();

  constructor(private readonly region: string) {}

  perform(action: string, input: Input): Output {
    switch (action) {
      case 'CreateSecret':
        return this.createSecret(input);
      case 'GetSecretValue':
        return this.getSecretValue(input);
      case 'PutSecretValue':
        return this.putSecretValue(input);
      case 'DescribeSecret':
        return this.describeSecret(input);
      case 'DeleteSecret':
        return this.deleteSecret(input);
      case 'ListSecrets':
        return this.listSecrets(input);
      default:
        throw new SecretsManagerError('UnknownOperationException', `Unknown operation ${action}.`);
    }
  }

  private createSecret(input: Input): Output {
    const name = requiredString(input, 'Name');
    const existing = this.secretsByName.get(name);
    if (existing?.deletedDate !== undefined) {
      throw new SecretsManagerError('InvalidRequestException', "You can't create this secret because a secret with this name is already scheduled for deletion.");
    }
    if (existing) {
      throw new SecretsManagerError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
    }
    const value = secretValueFrom(input);
    const now = epochSeconds();
    const secret: Secret = {
      arn: `arn:aws:secretsmanager:${this.region}:${ACCOUNT_ID}:secret:${name}-${randomArnSuffix()}`,
      name,
      description: optionalString(input, 'Description'),
      tags: tagsFrom(input),
      createdDate: now,
      lastChangedDate: now,
      versions: new Map(),
    };
    this.secretsByName.set(name, secret);
    if (!value) return { ARN: secret.arn, Name: name };
    const version = this.addVersion(secret, value, versionIdFrom(input), [CURRENT]);
    return { ARN: secret.arn, Name: name, VersionId: version.id };
  }

  private getSecretValue(input: Input): Output {
    const secret = this.findLiveSecret(input);
    const version = this.findVersion(secret, optionalString(input, 'VersionId'), optionalString(input, 'VersionStage'));
    secret.lastAccessedDate = Math.floor(epochSeconds() / 86_400) * 86_400;
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.id,
      ...version.value,
      VersionStages: [...version.stages],
      CreatedDate: version.createdDate,
    };
  }

  private putSecretValue(input: Input): Output {
    const secret = this.findLiveSecret(input);
    const value = secretValueFrom(input);
    if (!value) {
      throw new SecretsManagerError('InvalidRequestException', 'You must provide either SecretString or SecretBinary.');
    }
    const versionId = versionIdFrom(input);
    const existing = secret.versions.get(versionId);
    if (existing && !sameValue(existing.value, value)) {
      throw new SecretsManagerError('ResourceExistsException', "You can't modify an existing version, you can only create a new version.");
    }
    // A retried request (same token, same value) is answered without creating a version.
    const version = existing ?? this.addVersion(secret, value, versionId, versionStagesFrom(input));
    return { ARN: secret.arn, Name: secret.name, VersionId: version.id, VersionStages: [...version.stages] };
  }

  private describeSecret(input: Input): Output {
    const secret = this.findSecret(input);
    const { SecretVersionsToStages, ...described } = this.listEntry(secret);
    return { ...described, VersionIdsToStages: SecretVersionsToStages };
  }

  /**
   * ListSecrets: metadata only, never a value. Filters combine with AND, a filter's values with OR; secrets
   * scheduled for deletion only with IncludePlannedDeletion; NextToken is opaque (here, the next position).
   */
  private listSecrets(input: Input): Output {
    const maxResults = input.MaxResults ?? MAX_LIST_RESULTS;
    if (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_LIST_RESULTS) {
      throw new SecretsManagerError(
        'ValidationException',
        `1 validation error detected: Value '${String(maxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and ${MAX_LIST_RESULTS}`,
      );
    }
    const sortBy = optionalString(input, 'SortBy') ?? 'created-date';
    const sortOrder = optionalString(input, 'SortOrder') ?? 'asc';
    if (!SORT_BY.includes(sortBy as (typeof SORT_BY)[number]) || (sortOrder !== 'asc' && sortOrder !== 'desc')) {
      throw new SecretsManagerError('ValidationException', `1 validation error detected: invalid SortBy "${sortBy}" or SortOrder "${sortOrder}"`);
    }
    const filters = listFiltersFrom(input);
    const includeDeleted = input.IncludePlannedDeletion === true;
    const sortKey = (secret: Secret): string | number =>
      sortBy === 'name'
        ? secret.name
        : sortBy === 'last-changed-date'
          ? secret.lastChangedDate
          : sortBy === 'last-accessed-date'
            ? (secret.lastAccessedDate ?? 0)
            : secret.createdDate;
    const listed = [...this.secretsByName.values()]
      .filter((secret) => includeDeleted || secret.deletedDate === undefined)
      .filter((secret) => filters.every(({ key, values }) => matchesFilter(secret, key, values)))
      .sort((a, b) => {
        const [x, y] = [sortKey(a), sortKey(b)];
        const order = x < y ? -1 : x > y ? 1 : 0;
        return sortOrder === 'asc' ? order : -order;
      });
    const start = this.positionFrom(optionalString(input, 'NextToken'));
    const page = listed.slice(start, start + maxResults);
    const next = start + page.length;
    return {
      SecretList: page.map((secret) => this.listEntry(secret)),
      ...(next < listed.length ? { NextToken: Buffer.from(JSON.stringify({ position: next })).toString('base64') } : {}),
    };
  }

  private positionFrom(nextToken: string | undefined): number {
    if (nextToken === undefined) return 0;
    try {
      const { position } = JSON.parse(Buffer.from(nextToken, 'base64').toString('utf8')) as { position?: unknown };
      if (typeof position === 'number' && Number.isInteger(position) && position >= 0) return position;
    } catch {
      // answered below
    }
    throw new SecretsManagerError('InvalidNextTokenException', 'The NextToken value is invalid.');
  }

  /** A secret's metadata as ListSecrets gives it (DescribeSecret names the stages map VersionIdsToStages). */
  private listEntry(secret: Secret): Output {
    const versionsToStages = Object.fromEntries([...secret.versions.values()].filter((version) => version.stages.size > 0).map((version) => [version.id, [...version.stages]]));
    return {
      ARN: secret.arn,
      Name: secret.name,
      Description: secret.description,
      CreatedDate: secret.createdDate,
      LastChangedDate: secret.lastChangedDate,
      LastAccessedDate: secret.lastAccessedDate,
      DeletedDate: secret.deletedDate,
      Tags: secret.tags.length > 0 ? secret.tags : undefined,
      SecretVersionsToStages: versionsToStages,
    };
  }

  private deleteSecret(input: Input): Output {
    const secret = this.findSecret(input);
    const force = input.ForceDeleteWithoutRecovery === true;
    const recoveryWindowDays = input.RecoveryWindowInDays;
    if (force && recoveryWindowDays !== undefined) {
      throw new SecretsManagerError('InvalidParameterException', "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
    }
    if (force) {
      this.secretsByName.delete(secret.name);
      return { ARN: secret.arn, Name: secret.name, DeletionDate: epochSeconds() };
    }
    const days = typeof recoveryWindowDays === 'number' ? recoveryWindowDays : DEFAULT_RECOVERY_WINDOW_DAYS;
    secret.deletedDate ??= epochSeconds();
    return { ARN: secret.arn, Name: secret.name, DeletionDate: secret.deletedDate + days * 86_400 };
  }

  /** SecretId may be the secret's name or its full ARN. */
  private findSecret(input: Input): Secret {
    const secretId = requiredString(input, 'SecretId');
    const secret = this.secretsByName.get(secretId) ?? [...this.secretsByName.values()].find((candidate) => candidate.arn === secretId);
    if (!secret) {
      throw new SecretsManagerError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    }
    return secret;
  }

  private findLiveSecret(input: Input): Secret {
    const secret = this.findSecret(input);
    if (secret.deletedDate !== undefined) {
      throw new SecretsManagerError('InvalidRequestException', "You can't perform this operation on the secret because it was marked for deletion.");
    }
    return secret;
  }

  private findVersion(secret: Secret, versionId: string | undefined, versionStage: string | undefined): SecretVersion {
    if (versionId !== undefined) {
      const version = secret.versions.get(versionId);
      if (version && (versionStage === undefined || version.stages.has(versionStage))) return version;
      throw new SecretsManagerError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`);
    }
    const stage = versionStage ?? CURRENT;
    const version = this.versionWithStage(secret, stage);
    if (!version) {
      throw new SecretsManagerError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for staging label: ${stage}`);
    }
    return version;
  }

  private versionWithStage(secret: Secret, stage: string): SecretVersion | undefined {
    return [...secret.versions.values()].find((version) => version.stages.has(stage));
  }

  /** A staging label is on at most one version: attaching it detaches it from the others. */
  private moveStage(secret: Secret, stage: string, to: SecretVersion): void {
    for (const version of secret.versions.values()) version.stages.delete(stage);
    to.stages.add(stage);
  }

  /** Rotation: when AWSCURRENT moves to the new version, the old current version becomes AWSPREVIOUS. */
  private addVersion(secret: Secret, value: SecretValue, id: string, stages: string[]): SecretVersion {
    const previousCurrent = this.versionWithStage(secret, CURRENT);
    const now = epochSeconds();
    const version: SecretVersion = { id, value, createdDate: now, stages: new Set() };
    secret.versions.set(id, version);
    for (const stage of stages) this.moveStage(secret, stage, version);
    if (previousCurrent && version.stages.has(CURRENT)) this.moveStage(secret, PREVIOUS, previousCurrent);
    secret.lastChangedDate = now;
    return version;
  }
}
