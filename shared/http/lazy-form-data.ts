/**
 * `FormData` as the function bundles have it instead of Node's global (esbuild injects it: build/fetch-globals.ts).
 * openai-node asks `body instanceof FormData` of every request body, and in Node 20 reading that global loads all of
 * undici (see light-headers.ts for what that costs a cold instance). Nothing in the functions builds form data, so
 * this class only answers that question without the load: a value that does not even call itself FormData
 * (Symbol.toStringTag, which Node's FormData instances inherit) is none; anything else is asked of Node's class.
 * Constructing one builds Node's own FormData, so code that does (the SDK's file uploads) works as before.
 */
export class LazyFormData {
  constructor(...args: unknown[]) {
    const NodeFormData = globalThis.FormData as unknown as new (...args: unknown[]) => object;
    // A constructor returning an object makes `new LazyFormData()` that object: Node's FormData.
    return new NodeFormData(...args) as LazyFormData;
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    if ((value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] !== 'FormData') return false;
    return value instanceof globalThis.FormData;
  }
}
