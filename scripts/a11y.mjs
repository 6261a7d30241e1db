// Accessibility of built sites as a reader's browser sees them: every page kind, light
// and dark colour schemes, 1,280 and 360 px wide, checked by axe-core (WCAG 2.2 A/AA and
// axe's best practices) in Debian's Chromium through puppeteer-core; and no page may
// scroll sideways at 360 px. Prints each violation with its rule and element; exits 1 on
// any. Run by scripts/test.sh:  node scripts/a11y.mjs SITE_DIR...
import { createServer } from "node:http";
import { readFile, readdir, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.resolve("target/a11y/node_modules/"));
const puppeteer = require("puppeteer-core");
const axePath = require.resolve("axe-core/axe.min.js");

const TYPES = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".svg": "image/svg+xml",
  ".xml": "application/xml", ".json": "application/json", ".js": "text/javascript" };

/** The site's base path (`/` or e.g. `/news/`), read from its stylesheet link. */
async function basePath(root) {
  const home = await readFile(path.join(root, "index.html"), "utf8");
  const link = home.match(/<link[^>]*href="(?:https?:\/\/[^/"]+)?(\/[^"]*?)style\.css"/);
  return link ? link[1] : "/";
}

/** Serves `root` at `base` on 127.0.0.1 as a static host would (folders by their index.html). */
function serve(root, base) {
  const server = createServer(async (req, res) => {
    const url = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (!url.startsWith(base)) { res.writeHead(404).end(); return; }
    let file = path.join(root, url.slice(base.length - 1));
    if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
    try {
      if ((await stat(file)).isDirectory()) file = path.join(file, "index.html");
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404, { "content-type": TYPES[".html"] }).end(await readFile(path.join(root, "404.html")).catch(() => ""));
    }
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

/** The first sub-folder of `dir` (a page of that kind), or null. */
async function first(root, dir) {
  try {
    const names = (await readdir(path.join(root, dir), { withFileTypes: true }))
      .filter((e) => e.isDirectory()).map((e) => e.name).sort();
    return names.length ? `/${dir}/${names[0]}/` : null;
  } catch { return null; }
}

/** One page of every kind the site has. */
async function pageKinds(root) {
  const issues = (await readdir(path.join(root, "issues"))).filter((n) => /^\d+$/.test(n))
    .sort((a, b) => b - a);
  const candidates = ["/", "/issues/", `/issues/${issues[0]}/`, "/outages/", "/outages/tags/",
    await first(root, "outages/tags"), "/outages/services/", await first(root, "outages/services"),
    "/tags/", await first(root, "tags"), "/feeds/", "/search/", "/about/", "/404.html"];
  const kinds = [];
  for (const url of candidates.filter(Boolean)) {
    const file = url.endsWith(".html") ? url : `${url}index.html`;
    if (await stat(path.join(root, file)).then(() => true, () => false)) kinds.push(url);
  }
  return kinds;
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--headless=new", "--disable-gpu"],
});
let violations = 0, checked = 0;
try {
  for (const site of process.argv.slice(2)) {
    const root = path.resolve(site);
    const prefix = await basePath(root);
    const server = await serve(root, prefix);
    const base = `http://127.0.0.1:${server.address().port}${prefix.slice(0, -1)}`;
    const page = await browser.newPage();
    for (const url of await pageKinds(root)) {
      for (const scheme of ["light", "dark"]) {
        for (const width of [1280, 360]) {
          await page.setViewport({ width, height: 900 });
          await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: scheme }]);
          await page.goto(base + url, { waitUntil: "load" });
          await page.addScriptTag({ path: axePath });
          const result = await page.evaluate(() => window.axe.run(document, {
            runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
          }));
          const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          checked++;
          const where = `${path.basename(root)}${url} (${scheme}, ${width} px)`;
          for (const v of result.violations) {
            violations++;
            console.log(`a11y: ${where}: ${v.id} (${v.impact}): ${v.help}`);
            for (const node of v.nodes.slice(0, 3)) console.log(`    ${node.target.join(" ")}: ${node.html.slice(0, 160)}`);
          }
          if (sideways > 0) {
            violations++;
            console.log(`a11y: ${where}: the page scrolls sideways by ${sideways} px`);
          }
        }
      }
    }
    await page.close();
    server.close();
  }
} finally {
  await browser.close();
}
console.log(`a11y: ${checked} page views checked, ${violations} violations`);
process.exit(violations ? 1 : 0);
