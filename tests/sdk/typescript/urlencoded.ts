// The Zod body of an urlencoded form (tests/loader/test_forms_and_examples.py's GOOD contract)
// parsing the URLSearchParams a handler reads: repeated fields as lists, numbers from text.
import { login } from "../sdk/typescript/src/zod/operations.js";

const parse = (text: string) => {
  const result = login.body.safeParse(new URLSearchParams(text));
  return result.success ? result.data : null;
};

console.log(JSON.stringify({
  full: parse("username=ann&password=pw&days=3&scopes=read&scopes=write"),
  one: parse("username=ann&password=pw&scopes=write"),
  defaults: parse("username=ann&password=pw"),
  badNumber: parse("username=ann&password=pw&days=three"),
  unknown: parse("username=ann&password=pw&admin=true"),
  missing: parse("username=ann"),
}));
