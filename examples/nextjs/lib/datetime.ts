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

// The same instant as a PostgreSQL timestamptz literal in UTC. RFC 3339 allows any offset up
// to ±23:59 but PostgreSQL only to ±15:59, so the offset is applied here; the fraction (whole
// minutes never touch it) keeps its microseconds, and years before 1 are written "BC".
export function toUtcInstant(text: string): string {
  const match = RFC3339.exec(text);
  if (!match) throw new Error(`not an RFC 3339 date-time: ${JSON.stringify(text)}`);
  const [, date = "", time = "", fraction = "", offset = "Z"] = match;
  const [year = 0, month = 1, day = 1] = date.split("-").map(Number);
  const [hour = 0, minute = 0, second = 0] = time.split(":").map(Number);
  const local = new Date(0);
  local.setUTCFullYear(year, month - 1, day);
  local.setUTCHours(hour, minute, second, 0);
  let shift = 0;
  if (offset.toUpperCase() !== "Z") {
    const [oh = 0, om = 0] = offset.slice(1).split(":").map(Number);
    shift = (offset.startsWith("-") ? -1 : 1) * (oh * 60 + om);
  }
  const utc = new Date(local.getTime() - shift * 60_000);
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  const micro = fraction.slice(0, 6).padEnd(6, "0");
  const rest = `${pad(utc.getUTCMonth() + 1)}-${pad(utc.getUTCDate())} ${pad(utc.getUTCHours())}:` +
    `${pad(utc.getUTCMinutes())}:${pad(utc.getUTCSeconds())}.${micro}+00`;
  const y = utc.getUTCFullYear();
  return y >= 1 ? `${pad(y, 4)}-${rest}` : `${pad(1 - y, 4)}-${rest} BC`;
}
