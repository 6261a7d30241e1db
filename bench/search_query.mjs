// What a reader pays for one search: opens SITE/search/?q=WORD in Debian's Chromium
// (puppeteer-core from target/a11y, installed by scripts/test.sh), waits for results and
// counts the requests under /pagefind/ and their bytes (bodies as received).
//   node bench/search_query.mjs SITE_DIR WORD [WORD...]
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.resolve("target/a11y/node_modules/"));
const puppeteer = require("puppeteer-core");
const [root, ...words] = process.argv.slice(2).map((a, i) => (i === 0 ? path.resolve(a) : a));
const TYPES = { ".html": "text/html", ".css": "text/css", ".js": "text/javascript",
  ".json": "application/json", ".wasm": "application/wasm" };

// A site without a /search/ page (Hugo's, indexed by Pagefind's CLI) is searched through
// this one: Pagefind's default UI on its single bundle.
const PLAIN = `<!DOCTYPE html><html lang="en"><title>q</title><link rel="stylesheet" href="/pagefind/pagefind-ui.css">
<div id="search"></div><script src="/pagefind/pagefind-ui.js"></script><script>
const ui = new PagefindUI({ element: "#search", showSubResults: true });
ui.triggerSearch(new URLSearchParams(location.search).get("q"));</script>`;
const searchPage = (await stat(path.join(root, "search/index.html")).catch(() => null)) ? "/search/" : "/__search.html";

const server = createServer(async (req, res) => {
  if (req.url.startsWith("/__search.html")) return res.writeHead(200, { "content-type": "text/html" }).end(PLAIN);
  let file = path.join(root, decodeURIComponent(new URL(req.url, "http://x").pathname));
  if (!file.startsWith(root)) return res.writeHead(403).end();
  try {
    if ((await stat(file)).isDirectory()) file = path.join(file, "index.html");
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" })
      .end(await readFile(file));
  } catch { res.writeHead(404).end(); }
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await puppeteer.launch({ executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--headless=new"] });
for (const word of words) {
  const page = await browser.newPage();
  const seen = [];
  page.on("response", async (r) => {
    if (!new URL(r.url()).pathname.includes("/pagefind/")) return;
    const body = await r.buffer().catch(() => Buffer.alloc(0));
    seen.push(body.length);
  });
  const start = Date.now();
  await page.goto(`${origin}${searchPage}?q=${encodeURIComponent(word)}`);
  // Results, or Pagefind's "No results for …" message.
  await page.waitForFunction(() => document.querySelector(".pagefind-ui__result-link") ||
    /results? for/i.test(document.querySelector(".pagefind-ui__message")?.textContent ?? ""), { timeout: 30000 });
  await new Promise((ok) => setTimeout(ok, 1000)); // let the first page of results' fragments land
  const results = await page.$$eval(".pagefind-ui__result", (r) => r.length);
  const bytes = seen.reduce((a, b) => a + b, 0);
  console.log(`query "${word}": ${seen.length} requests, ${(bytes / 1024).toFixed(0)} KiB under /pagefind/, ` +
    `${results} results shown, first results after ${Date.now() - start - 1000} ms`);
  await page.close();
}
await browser.close();
server.close();
