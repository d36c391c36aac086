// Every pagination style through the generated TypeScript client's iterators, against the
// paging server: `node paging.js BASE_URL`. Prints one JSON line: each walk's item ids, and
// what the page method of the Link-paged list returned.
import { Client } from "../sdk/typescript/src/index.js";

// A walk is cut off after 50 items, so a client that loops fails instead of hanging.
async function ids(items: AsyncIterable<{ id: string }>): Promise<string[]> {
  const out: string[] = [];
  for await (const item of items) {
    out.push(item.id);
    if (out.length === 50) break;
  }
  return out;
}

// The Link header as RFC 8288 writes it: the next page of a client whose server answers one
// empty page with `link` (a constructed Response has no URL: targets resolve against the
// request's), or the message of what the client threw.
async function nextOf(link: string | null): Promise<string | null> {
  const fake = async (): Promise<Response> =>
    new Response("[]", { status: 200, headers: link === null ? {} : { link, "content-type": "application/json" } });
  const client = new Client({ baseUrl: "http://api.test", token: "t", fetch: fake });
  try {
    return (await client.listLink({ per_page: 2 })).next;
  } catch (error) {
    return `threw: ${String(error)}`;
  }
}

async function main(baseUrl: string): Promise<void> {
  const client = new Client({ baseUrl, token: "t" });
  const walks: Record<string, string[]> = {};
  // The caller's filter and sort of each walk, which every page must keep.
  const queries = {
    all: {},
    red: { colour: "red" },
    "red-desc": { colour: "red", sort: "-rank" },
  } as const;
  for (const [key, query] of Object.entries(queries)) {
    walks[`cursor/${key}`] = await ids(client.iterCursor({ ...query, limit: 2 }));
    walks[`token/${key}`] = await ids(client.iterToken({ ...query, page_size: 2 }));
    walks[`after/${key}`] = await ids(client.iterAfter({ ...query, limit: 2 }));
    walks[`link/${key}`] = await ids(client.iterLink({ ...query, per_page: 2 }));
    walks[`offset/${key}`] = await ids(client.iterOffset({ ...query, limit: 2 }));
    walks[`page/${key}`] = await ids(client.iterPage({ ...query, per_page: 2 }));
  }
  const first = await client.listLink({ colour: "red", per_page: 2 });
  const linkPage = { ids: first.items.map((item) => item.id), next: first.next };
  const links = {
    absent: await nextOf(null),
    severalRels: await nextOf('<https://x.test/first>; rel="first", </v1/link?page=2&a=b>; rel="next last"'),
    quotedComma: await nextOf('<http://api.test/v1/link?page=3>; title="a, b; c"; rel=next'),
    prevOnly: await nextOf('<http://api.test/v1/link?page=1>; rel="prev"'),
    elsewhere: await nextOf('<https://elsewhere.test/v1/link?page=2>; rel="next"'),
  };
  console.log(JSON.stringify({ walks, linkPage, links }));
}

main(process.argv[2]!).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
