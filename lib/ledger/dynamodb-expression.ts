import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';

/**
 * A condition (ConditionExpression, KeyConditionExpression, FilterExpression) written as DynamoDB reads it,
 * with values as `${...}`: when`attempts = ${0} AND #status = ${'queued'}`. An attribute whose name is a
 * reserved word (status, order, source...) is written `#name`.
 */
export interface Condition {
  readonly parts: readonly string[];
  readonly values: readonly unknown[];
}

export const when = (parts: TemplateStringsArray, ...values: unknown[]): Condition => ({ parts, values });

/** An UpdateExpression as the changes it makes. Attribute names are plain; the builder aliases every one. */
export interface Update {
  /** attribute = value. An undefined value is left out: the attribute keeps what it has. */
  set?: Record<string, unknown>;
  /** attribute = value where the attribute has no value yet (if_not_exists). */
  setIfMissing?: Record<string, unknown>;
  /** One entry of a map attribute, under a key that may hold any character (a request id, say). */
  setEntry?: { map: string; key: string; value: unknown };
  /** Attributes removed; `false` and undefined entries are skipped, for removals that depend on the case. */
  remove?: (string | false | undefined)[];
}

const ATTRIBUTE = /^[A-Za-z_]\w*$/;

/**
 * Builds the expressions of one DynamoDB command, and the names and values they use:
 *
 *     const e = expressions();
 *     new UpdateItemCommand({ ..., UpdateExpression: e.update({ set: { attempts: 1 } }), ConditionExpression: e.condition(when`claimToken = ${token}`), ...e.attributes() })
 *
 * `attributes()` comes last: it holds what the expressions built before it use.
 */
export function expressions() {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  let entries = 0;
  const name = (attribute: string) => {
    if (!ATTRIBUTE.test(attribute)) throw new Error(`"${attribute}" is not an attribute name: use setEntry for map keys`);
    names[`#${attribute}`] = attribute;
    return `#${attribute}`;
  };
  const value = (v: unknown) => {
    const placeholder = `:v${Object.keys(values).length}`;
    values[placeholder] = v;
    return placeholder;
  };
  const defined = (fields: Record<string, unknown> = {}) => Object.entries(fields).filter(([, v]) => v !== undefined);

  return {
    condition({ parts, values: inserted }: Condition): string {
      for (const part of parts) for (const [, attribute] of part.matchAll(/#(\w+)/g)) if (attribute) name(attribute);
      return parts.reduce((text, part, index) => `${text}${value(inserted[index - 1])}${part}`);
    },

    update({ set, setIfMissing, setEntry, remove }: Update): string {
      const assignments = [
        ...defined(set).map(([attribute, v]) => `${name(attribute)} = ${value(v)}`),
        ...defined(setIfMissing).map(([attribute, v]) => `${name(attribute)} = if_not_exists(${name(attribute)}, ${value(v)})`),
      ];
      if (setEntry) {
        const key = `#entry${entries++}`;
        names[key] = setEntry.key;
        assignments.push(`${name(setEntry.map)}.${key} = ${value(setEntry.value)}`);
      }
      const removed = (remove ?? []).filter((attribute): attribute is string => typeof attribute === 'string').map(name);
      return [assignments.length > 0 && `SET ${assignments.join(', ')}`, removed.length > 0 && `REMOVE ${removed.join(', ')}`].filter(Boolean).join(' ');
    },

    /** The names and values of the expressions built so far; DynamoDB refuses empty maps and unused entries. */
    attributes(): { ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, AttributeValue> } {
      return {
        ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: { ...names } } : {}),
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: marshall(values, { removeUndefinedValues: true, convertClassInstanceToMap: true }) } : {}),
      };
    },
  };
}
