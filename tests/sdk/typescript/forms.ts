// A multipart upload through the generated client, and the Zod schema a server validates a
// form with, run against the library example (its base URL is the first argument).
import { Client, InvalidBody } from "../sdk/typescript/src/client.js";
import { uploadBookCover } from "../sdk/typescript/src/zod/operations.js";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

async function main(): Promise<void> {
  const client = new Client({ baseUrl: process.argv[2]!, basePath: "", token: "tok_northside_5f2c9a71e0" });
  const book = await client.createBook({ isbn: "9780000000002", title: "Forms", author: "A. Writer" });
  const cover = await client.uploadBookCover(book.id, {
    image: new File([PNG], "cover.png", { type: "image/png" }),
    caption: "The front",
  });
  let refused = "";
  try {
    await client.uploadBookCover(book.id, { image: new File([PNG], "cover.txt", { type: "text/plain" }) });
  } catch (error) {
    // The client checks the body with the same Zod schema: nothing is sent.
    refused = error instanceof InvalidBody ? "InvalidBody" : String(error);
  }
  const form = (file: File, caption?: string): FormData => {
    const data = new FormData();
    data.append("image", file);
    if (caption !== undefined) data.append("caption", caption);
    return data;
  };
  const good = uploadBookCover.body.safeParse(form(new File([PNG], "c.png", { type: "image/png" }), "x"));
  const wrongType = uploadBookCover.body.safeParse(form(new File([PNG], "c.txt", { type: "text/plain" })));
  const tooBig = uploadBookCover.body.safeParse(
    form(new File([new Uint8Array(65_537)], "c.png", { type: "image/png" })),
  );
  const notAFile = uploadBookCover.body.safeParse(new URLSearchParams({ image: "text" }));
  console.log(JSON.stringify({
    cover: { media_type: cover.media_type, size: cover.size, caption: cover.caption },
    refused,
    zod: {
      good: good.success,
      goodCaption: good.success ? good.data.caption : null,
      wrongType: wrongType.success,
      tooBig: tooBig.success,
      notAFile: notAFile.success,
    },
  }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
