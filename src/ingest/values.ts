/**
 * Pulumi's signature-keyed property values (sdk/go/common/resource/sig):
 * secrets, assets, archives, resource references, output values, and the
 * unknown sentinel. Secrets are dropped here, at the door: neither their
 * ciphertext nor a --show-secrets plaintext is kept anywhere after ingest.
 */
import { asSpecial, special, type PropertyMap, type PropertyValue } from './types.js';

export const SIG_KEY = '4dabf18193072939515e22adb298388d';
export const SIG_SECRET = '1b47061264138c4ac30d75fd1eb44270';
export const SIG_ASSET = 'c44067f5952c0a294b673a41bacd8c17';
export const SIG_ARCHIVE = '0def7320c3a5731c473e5ecbe6d01bc7';
export const SIG_RESOURCE_REF = '5cf8f73096256a8f31e491e813e4eb8e';
export const SIG_OUTPUT = 'd0e6a833031e9bbcd3f4e8bde6ca49a4';
export const SIG_BYTES = '803fd3297a5875dc03ca845dda5d2a98';
export const UNKNOWN_SENTINEL = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

const SECRET = special({ kind: 'secret' });
const UNKNOWN = special({ kind: 'unknown' });

function decodeSigned(obj: Record<string, unknown>): PropertyValue {
  switch (obj[SIG_KEY]) {
    case SIG_SECRET:
      return SECRET;
    case SIG_ASSET:
    case SIG_ARCHIVE:
      return special({
        kind: obj[SIG_KEY] === SIG_ASSET ? 'asset' : 'archive',
        ...(typeof obj.path === 'string' ? { path: obj.path } : {}),
        ...(typeof obj.uri === 'string' ? { uri: obj.uri } : {}),
      });
    case SIG_RESOURCE_REF:
      return typeof obj.urn === 'string' ? special({ kind: 'resource-ref', urn: obj.urn, ...(typeof obj.id === 'string' ? { id: obj.id } : {}) }) : UNKNOWN;
    case SIG_OUTPUT: {
      if (obj.secret === true) return SECRET;
      return 'value' in obj ? decodeValue(obj.value) : UNKNOWN;
    }
    default:
      // Byte strings and signatures we do not know carry nothing placement needs.
      return UNKNOWN;
  }
}

/**
 * Decode one JSON value of a state's inputs or outputs. Plain objects and
 * arrays freshly parsed from JSON are decoded in place (no copy of a large
 * state is made); special objects are replaced by their decoded form.
 */
export function decodeValue(value: unknown): PropertyValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
      return value === UNKNOWN_SENTINEL ? UNKNOWN : value;
    case 'number':
    case 'boolean':
      return value;
    case 'object': {
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const v = value[i];
          if (v !== null && (typeof v === 'object' || v === UNKNOWN_SENTINEL)) value[i] = decodeValue(v);
        }
        return value as PropertyValue[];
      }
      const obj = value as Record<string, unknown>;
      if (SIG_KEY in obj) return decodeSigned(obj);
      return decodeMap(obj);
    }
    default:
      return null;
  }
}

/** Decode a property map in place (see decodeValue); anything but an object gives {}. */
export function decodeMap(value: unknown): PropertyMap {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const obj = value as Record<string, unknown>;
  for (const key in obj) {
    const v = obj[key];
    if (v !== null && (typeof v === 'object' || v === UNKNOWN_SENTINEL)) obj[key] = decodeValue(v);
  }
  return obj as PropertyMap;
}

/**
 * Pulumi's `additionalSecretOutputs`: the properties a resource names there
 * are secrets whatever the file holds (a state written by an old engine, a
 * hand-edited export, a preview). Marked in place on a decoded map, in inputs
 * too (an input of the same name usually carries the same value).
 */
/** markSecrets on a map not yet decoded (a worker's): the named values become secret envelopes, which decodeMap reads as secrets. */
export function secretEnvelopes(map: PropertyMap, names: unknown): PropertyMap {
  if (!Array.isArray(names)) return map;
  for (const name of names)
    if (typeof name === 'string' && Object.prototype.hasOwnProperty.call(map, name))
      map[name] = { [SIG_KEY]: SIG_SECRET, ciphertext: '' } as unknown as PropertyMap[string];
  return map;
}

export function markSecrets(map: PropertyMap, names: unknown): PropertyMap {
  if (!Array.isArray(names)) return map;
  for (const name of names) if (typeof name === 'string' && Object.prototype.hasOwnProperty.call(map, name)) map[name] = SECRET;
  return map;
}

/**
 * The inverse of decodeValue, for the states firebreak writes (`plan
 * --apply`): a secret becomes an empty secret envelope (its value was never
 * kept), the unknown the sentinel, a resource reference its signed form.
 */
export function encodeValue(value: PropertyValue): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(encodeValue);
  const sp = asSpecial(value);
  if (sp) {
    switch (sp.kind) {
      case 'secret':
        return { [SIG_KEY]: SIG_SECRET, ciphertext: '' };
      case 'unknown':
        return UNKNOWN_SENTINEL;
      case 'resource-ref':
        return { [SIG_KEY]: SIG_RESOURCE_REF, urn: sp.urn, ...(sp.id ? { id: sp.id } : {}) };
      default:
        return { [SIG_KEY]: sp.kind === 'asset' ? SIG_ASSET : SIG_ARCHIVE, ...(sp.path ? { path: sp.path } : {}), ...(sp.uri ? { uri: sp.uri } : {}) };
    }
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = encodeValue((value as PropertyMap)[key]!);
  return out;
}
