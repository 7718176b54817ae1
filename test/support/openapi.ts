/**
 * Validators built from Hostinger's OpenAPI 3.0 billing slices, for contract tests.
 *
 * The spec files are read from test/fixtures/hostinger-api/: verbatim copies of
 * shared/hostinger-api/billing-openapi-{0.1.16,1.42.5}.json and of the whole spec
 * openapi-1.42.5.json (`full-1.42.5`: VPS, domains and every other schema), kept in the repo so a
 * clean clone tests without shared/. HOSTINGER_SPEC_DIR points at another folder
 * holding files of the same names (e.g. a newer cut of the spec).
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

export type SpecFile = '0.1.16' | '1.42.5' | 'full-1.42.5';

/** The fixture file a spec is read from. */
export const specFileName = (specFile: SpecFile) => (specFile === 'full-1.42.5' ? 'openapi-1.42.5.json' : `billing-openapi-${specFile}.json`);
export interface SpecCheck {
  valid: boolean;
  /** One line per violation, empty when valid. */
  errors: string;
}
export type SpecValidator = (data: unknown) => SpecCheck;

type JsonObject = Record<string, unknown>;

// ajv-formats is CommonJS: under NodeNext its default import is typed as the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function specDirectory(): URL {
  const override = process.env.HOSTINGER_SPEC_DIR;
  return override ? pathToFileURL(override.endsWith('/') ? override : `${override}/`) : new URL('../fixtures/hostinger-api/', import.meta.url);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mapValues(record: unknown, convert: (value: unknown) => unknown): JsonObject {
  if (!isObject(record)) return {};
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, convert(value)]));
}

/** OpenAPI-only annotations that JSON Schema (draft-07) does not know. */
function isOpenApiAnnotation(key: string): boolean {
  return ['example', 'nullable', 'deprecated', 'discriminator', 'xml', 'externalDocs'].includes(key) || key.startsWith('x-');
}

/** `nullable: true` is OpenAPI 3.0's way of saying "or null". */
function allowNull(schema: JsonObject): JsonObject {
  if (typeof schema.type === 'string') {
    const nullable: JsonObject = { ...schema, type: [schema.type, 'null'] };
    if (Array.isArray(schema.enum)) nullable.enum = [...schema.enum, null];
    return nullable;
  }
  // $ref / oneOf without a type of their own: null or the referenced shape.
  return { anyOf: [{ type: 'null' }, schema] };
}

/** Converts an OpenAPI 3.0 Schema Object (recursively) into a JSON Schema ajv reads strictly. */
function toJsonSchema(node: unknown): unknown {
  if (!isObject(node)) return node; // e.g. `additionalProperties: false`
  const schema: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (isOpenApiAnnotation(key)) continue;
    if (key === 'properties') schema[key] = mapValues(value, toJsonSchema);
    else if (key === 'items' || key === 'not' || key === 'additionalProperties') schema[key] = toJsonSchema(value);
    else if (key === 'allOf' || key === 'oneOf' || key === 'anyOf') schema[key] = (value as unknown[]).map(toJsonSchema);
    else schema[key] = value;
  }
  return node.nullable === true ? allowNull(schema) : schema;
}

/** A Response Object keeps its shape so JSON pointers into it work; only its schemas are converted. */
function toJsonSchemaResponse(response: unknown): JsonObject {
  const content = isObject(response) ? response.content : undefined;
  return {
    content: mapValues(content, (media) => ({ schema: toJsonSchema(isObject(media) ? media.schema : undefined) })),
  };
}

function documentId(specFile: SpecFile): string {
  return `hostinger-billing-${specFile}.json`;
}

const ajvBySpec = new Map<SpecFile, Ajv>();

/** One ajv per spec file holding its components, so `#/components/...` refs resolve inside it. */
function ajvFor(specFile: SpecFile): Ajv {
  const cached = ajvBySpec.get(specFile);
  if (cached) return cached;
  const spec: unknown = JSON.parse(readFileSync(new URL(specFileName(specFile), specDirectory()), 'utf8'));
  const components = isObject(spec) && isObject(spec.components) ? spec.components : {};
  const ajv = addFormats(new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }));
  // The document root is a container, not a schema: let strict mode accept its one key.
  ajv.addKeyword({ keyword: 'components', schemaType: 'object' });
  ajv.addSchema(
    {
      $id: documentId(specFile),
      components: {
        schemas: mapValues(components.schemas, toJsonSchema),
        responses: mapValues(components.responses, toJsonSchemaResponse),
      },
    },
    documentId(specFile),
  );
  ajvBySpec.set(specFile, ajv);
  return ajv;
}

function escapePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

function validatorAt(specFile: SpecFile, pointer: string[]): SpecValidator {
  const ajv = ajvFor(specFile);
  const ref = `${documentId(specFile)}#/${pointer.map(escapePointerToken).join('/')}`;
  const validate = ajv.getSchema(ref);
  if (!validate) throw new Error(`spec ${specFile} has nothing at ${ref}`);
  return (data) => {
    const valid = validate(data) === true;
    const errors = (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? error.keyword} ${JSON.stringify(error.params)}`).join('\n');
    return { valid, errors };
  };
}

/** Validator for `components.schemas[schemaName]`, e.g. `Billing.V1.Order.OrderResource`. */
export function specValidator(specFile: SpecFile, schemaName: string): SpecValidator {
  return validatorAt(specFile, ['components', 'schemas', schemaName]);
}

/** Validator for the JSON body of `components.responses[responseName]`, e.g. `Common.Response.ErrorResponse`. */
export function specResponseValidator(specFile: SpecFile, responseName: string): SpecValidator {
  return validatorAt(specFile, ['components', 'responses', responseName, 'content', 'application/json', 'schema']);
}
