// Makes the site the release build serves, target/site, from the browser half compiled by
// scripts/build.sh (target/front/wasm32-unknown-unknown/wasm-release/partwatch.wasm),
// style/main.css and public/:
//
//   pkg/partwatch.<hash>.js, .wasm, .css   wasm-bindgen's loader and module (wasm-opt -Oz),
//                                          and the stylesheet, JS and CSS minified by esbuild;
//                                          <hash> is the MD5 of the content, base64url
//   everything in public/                  as it is
//   <file>.gz and <file>.br                beside every file, served instead when the browser
//                                          accepts them (src/server/router.rs)
//   hash.txt beside each server binary     named on the command line: the hashes, one line
//                                          per extension ("js: <hash>"), which the server
//                                          reads at start (src/server/assets.rs)
//
// wasm-bindgen and wasm-opt (the slow part, a minute on 2 cores) run only when the compiled
// module changed: their output is kept in target/front/bundle with the hash of its input.
//
//   node scripts/site.mjs target/release [target/postgres/release …]
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { createRequire } from "node:module";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const require = createRequire(path.join(root, "scripts/web-tools/package.json"));
const esbuild = require("esbuild");

const name = "partwatch";
const input = path.join(root, "target/front/wasm32-unknown-unknown/wasm-release", `${name}.wasm`);
const kept = path.join(root, "target/front/bundle");
const site = path.join(root, "target/site");
const binDirs = process.argv.slice(2).map((d) => path.resolve(root, d));
// The browsers the CSS and JS must work in: those of browserslist's "defaults" at the time
// of writing, as esbuild names them.
const browsers = ["chrome109", "edge120", "firefox115", "safari15.6", "ios15.6"];

function fail(message) {
  console.error(`site: ${message}`);
  process.exit(1);
}

const md5 = (bytes) => createHash("md5").update(bytes).digest("base64url");
const tool = (bin) => path.join(root, "scripts/web-tools/node_modules/.bin", bin);

function run(cmd, args) {
  try {
    execFileSync(cmd, args, { stdio: ["ignore", "inherit", "inherit"] });
  } catch (e) {
    fail(`${path.basename(cmd)} failed (${e.message.split("\n")[0]})`);
  }
}

// wasm-bindgen + wasm-opt, or their kept output when the module is the same.
function bindgen() {
  if (!fs.existsSync(input)) fail(`${input} is missing: build the browser half first`);
  const source = md5(fs.readFileSync(input));
  const stamp = path.join(kept, "source.md5");
  const ready =
    fs.existsSync(stamp) &&
    fs.readFileSync(stamp, "utf8") === source &&
    fs.existsSync(path.join(kept, `${name}.js`)) &&
    fs.existsSync(path.join(kept, `${name}.wasm`));
  if (ready) return;
  fs.rmSync(kept, { recursive: true, force: true });
  fs.mkdirSync(kept, { recursive: true });
  console.log("site: wasm-bindgen");
  run("wasm-bindgen", ["--target=web", `--out-name=${name}`, `--out-dir=${kept}`, "--no-typescript", input]);
  const wasm = path.join(kept, `${name}.wasm`);
  fs.renameSync(path.join(kept, `${name}_bg.wasm`), wasm);
  console.log("site: wasm-opt -Oz");
  run(tool("wasm-opt"), ["-Oz", "--enable-bulk-memory", "--enable-nontrapping-float-to-int", wasm, "-o", wasm]);
  fs.writeFileSync(stamp, source);
}

function minify(text, loader) {
  try {
    return esbuild.transformSync(text, {
      loader,
      minify: true,
      target: browsers,
      format: loader === "js" ? "esm" : undefined,
      legalComments: "none",
    }).code;
  } catch (e) {
    fail(`esbuild could not minify the ${loader}: ${e.message}`);
  }
}

function copyDir(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const [src, dst] = [path.join(from, entry.name), path.join(to, entry.name)];
    if (entry.isDirectory()) copyDir(src, dst);
    else fs.copyFileSync(src, dst);
  }
}

function precompress(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      precompress(file);
    } else if (!/\.(gz|br)$/.test(entry.name)) {
      const bytes = fs.readFileSync(file);
      fs.writeFileSync(`${file}.gz`, zlib.gzipSync(bytes, { level: 9 }));
      fs.writeFileSync(
        `${file}.br`,
        zlib.brotliCompressSync(bytes, {
          params: {
            [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
            [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
          },
        }),
      );
    }
  }
}

bindgen();

// Made beside the old site and swapped in whole: a server serving the old one never sees a
// half-made site.
const next = `${site}.next`;
fs.rmSync(next, { recursive: true, force: true });
copyDir(path.join(root, "public"), next);
const pkg = path.join(next, "pkg");
fs.mkdirSync(pkg, { recursive: true });
if (fs.existsSync(path.join(kept, "snippets"))) copyDir(path.join(kept, "snippets"), path.join(pkg, "snippets"));

const bundle = {
  js: minify(fs.readFileSync(path.join(kept, `${name}.js`), "utf8"), "js"),
  wasm: fs.readFileSync(path.join(kept, `${name}.wasm`)),
  css: minify(fs.readFileSync(path.join(root, "style/main.css"), "utf8"), "css"),
};
const hashes = {};
for (const [ext, content] of Object.entries(bundle)) {
  hashes[ext] = md5(content);
  fs.writeFileSync(path.join(pkg, `${name}.${hashes[ext]}.${ext}`), content);
}
precompress(next);

const old = `${site}.old`;
fs.rmSync(old, { recursive: true, force: true });
if (fs.existsSync(site)) fs.renameSync(site, old);
fs.renameSync(next, site);
fs.rmSync(old, { recursive: true, force: true });

const hashText = Object.entries(hashes).map(([ext, hash]) => `${ext}: ${hash}\n`).join("");
for (const dir of binDirs) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "hash.txt"), hashText);
}
const size = (ext) => `${(fs.statSync(path.join(site, "pkg", `${name}.${hashes[ext]}.${ext}.br`)).size / 1024).toFixed(0)} KB`;
console.log(`site: target/site made (brotli: wasm ${size("wasm")}, js ${size("js")}, css ${size("css")})`);
