// WebIDL conversions and Chrome's error conventions, as far as the bindings' behaviour is
// visible to the app.


/** Chrome's message prefix for an exception thrown by `iface.method()`. */
export function context(method, iface) {
  return (message) => `Failed to execute '${method}' on '${iface}': ${message}`;
}

export const domError = (name, message) => new DOMException(message, name);

/** Runs `fn`, turning a synchronous throw into a rejected promise (as for promise-returning IDL
 * operations). */
export function attempt(fn) {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err);
  }
}

// WebIDL conversions, as far as the bindings' behaviour is visible to the app.
function idlModulo(value, modulus) {
  let x = Number(value);
  if (!Number.isFinite(x)) return 0;
  x = Math.trunc(x) % modulus;
  if (x < 0) x += modulus;
  return x === 0 ? 0 : x; // no -0
}
export const idlOctet = (v) => idlModulo(v, 0x100);
export const idlUnsignedShort = (v) => idlModulo(v, 0x10000);
export const idlUnsignedLong = (v) => idlModulo(v, 0x100000000);

/** [EnforceRange] conversion of dictionary member `member`; `where` formats the error. */
export function idlEnforceRange(value, bits, member, dictionary, where) {
  const typeName = bits === 8 ? "octet" : bits === 16 ? "unsigned short" : "unsigned long";
  const prefix = `Failed to read the '${member}' property from '${dictionary}': `;
  const x = Number(value);
  if (!Number.isFinite(x)) throw new TypeError(where(`${prefix}Value is not a finite ${typeName}.`));
  const t = Math.trunc(x);
  if (t < 0 || t > 2 ** bits - 1) {
    throw new TypeError(where(`${prefix}Value is outside the '${typeName}' value range.`));
  }
  return t === 0 ? 0 : t;
}

export function idlEnum(value, allowed, member, dictionary, enumName, where) {
  const s = String(value);
  if (!allowed.includes(s)) {
    throw new TypeError(
      where(
        `Failed to read the '${member}' property from '${dictionary}': ` +
          `The provided value '${s}' is not a valid enum value of type ${enumName}.`,
      ),
    );
  }
  return s;
}

/** A dictionary argument: undefined/null read as {}, other non-objects are refused. */
export function idlDictionary(value, name, where) {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" && typeof value !== "function") {
    throw new TypeError(where(`The provided value is not of type '${name}'.`));
  }
  return value;
}

export function idlSequence(value, member, dictionary, where) {
  if (value === null || typeof value !== "object" || typeof value[Symbol.iterator] !== "function") {
    throw new TypeError(
      where(
        `Failed to read the '${member}' property from '${dictionary}': ` +
          "The provided value cannot be converted to a sequence.",
      ),
    );
  }
  return Array.from(value);
}

/** navigator.userActivation.isActive (treated as inactive where the API is missing). */
export function userIsActive() {
  const ua = globalThis.navigator && globalThis.navigator.userActivation;
  return Boolean(ua && ua.isActive);
}
