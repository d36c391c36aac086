// PostgreSQL text cannot hold U+0000, which JSON strings (and the contract) allow. Free text is
// stored with NUL escaped as U+FFFF "0" and U+FFFF itself as U+FFFF U+FFFF; reads undo it.
const ESC = "\uffff";

export function toDb(value: string): string {
  if (!value.includes("\0") && !value.includes(ESC)) return value;
  return value.replaceAll(ESC, ESC + ESC).replaceAll("\0", `${ESC}0`);
}

export function fromDb(value: string): string {
  if (!value.includes(ESC)) return value;
  return value.replace(/\uffff([\uffff0])/g, (_, c: string) => (c === "0" ? "\0" : ESC));
}
