// A date-time as the contract's models write it back: RFC 3339, offset zero as "Z", the
// fraction cut to microseconds and left out when zero ("2024-05-01T12:00:00.500000+02:00").
const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/;

export function normalizeDateTime(text: string): string {
  const match = RFC3339.exec(text);
  if (!match) throw new Error(`not an RFC 3339 date-time: ${JSON.stringify(text)}`);
  const [, date, time, fraction = "", offset = "Z"] = match;
  const micro = fraction.slice(0, 6).padEnd(6, "0");
  const zone = offset.toUpperCase() === "Z" || offset === "+00:00" || offset === "-00:00" ? "Z" : offset;
  return `${date}T${time}${/^0+$/.test(micro) ? "" : `.${micro}`}${zone}`;
}
