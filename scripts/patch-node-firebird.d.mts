/** Types of scripts/patch-node-firebird.mjs, for its spec. */
export declare const VERSION: string;
/** Per file of the driver: [exact text, replacement, how many times the text occurs]. */
export declare const EDITS: Record<string, Array<[string, string, number]>>;
export declare function patchText(
  text: string,
  edits: Array<[string, string, number]>,
): { text: string; alreadyPatched: boolean; error?: undefined } | { error: string; text?: undefined; alreadyPatched?: undefined };
