// Drives gan export --web's page in Debian's chromium (headless, through
// playwright-core) and checks it against gan sample: the grid of a seed
// holds gan sample --seed S -n 64's images (the floats within TOL, the
// pixels within one level), "New samples" moves to the next seed, the class
// picker's "all" gives gan sample --class all's rows, and the slider at 0
// shows the first picked image. Prints one line per check; exit 0 when all
// pass, 1 when one fails, 2 when the page or browser cannot run.
// usage: NODE_PATH=data/npm node page_test.js URL CHECKS_DIR [SCREENSHOT.png]
//   CHECKS_DIR holds seed7.npy (gan sample --seed 7 -n 64 --npy), seed8.npy,
//   and for a conditional generator all.npy (--class all --nrow 8).
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const TOL = 1e-5;
let failed = 0;
function check(what, ok, detail) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? ` (${detail})` : ''}`);
  if (!ok) failed++;
}

function readNpyF32(file) {
  const b = fs.readFileSync(file);
  const v1 = b[6] === 1, hlen = v1 ? b.readUInt16LE(8) : b.readUInt32LE(8), start = (v1 ? 10 : 12) + hlen;
  return new Float32Array(b.buffer.slice(b.byteOffset + start, b.byteOffset + b.length));
}

// gan's pixel value of x (src/io/image_grid.c), in float32 steps.
function byte(x) {
  const f = Math.fround;
  const v = f(f(f(x + 1) * 127.5) + 0.5);
  return v >= 0 ? (v <= 255 ? Math.floor(v) : 255) : 0;
}

async function waitReady(page) {
  await page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.status), null, { timeout: 60000 });
  const status = await page.evaluate(() => document.body.dataset.status);
  if (status !== 'ready') throw new Error(`the page says: ${await page.textContent('#status')}`);
}

// The page's last grid: its floats, and its canvas's pixels cell by cell.
async function lastGrid(page) {
  return page.evaluate(() => {
    const { state } = window.ganPage, canvas = document.getElementById('grid');
    const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    return { seed: state.last.seed, n: state.last.n, images: Array.from(state.last.images),
      width: canvas.width, pixels: Array.from(px.data), info: state.info };
  });
}

function compareGrid(label, grid, want) {
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(grid.images[i] - want[i]));
  check(`${label}: the page's images are gan sample's`, grid.images.length === want.length && worst <= TOL,
    `${grid.images.length} values, max difference ${worst.toExponential(2)}`);
  const { image_size: S, channels: C } = grid.info, plane = S * S;
  let off = 0, worstPx = 0;
  for (let i = 0; i < grid.n; i++)
    for (let c = 0; c < 3; c++)
      for (let p = 0; p < plane; p++) {
        const x0 = 2 + (i % 8) * (S + 2), y0 = 2 + Math.floor(i / 8) * (S + 2);
        const got = grid.pixels[4 * ((y0 + Math.floor(p / S)) * grid.width + x0 + (p % S)) + c];
        const d = Math.abs(got - byte(want[(i * C + (C === 3 ? c : 0)) * plane + p]));
        worstPx = Math.max(worstPx, d);
        if (d) off++;
      }
  check(`${label}: the canvas shows gan's pixels`, worstPx <= 1 && off <= grid.n * plane * 3 / 1000,
    `${off} channel values off by ${worstPx} at most`);
}

async function main() {
  const [url, dir, screenshot] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-default-apps', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 900, height: 1000 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('requestfailed', (r) => errors.push(`${r.url()}: ${r.failure().errorText}`));
    await page.goto(`${url}?seed=7`);
    await waitReady(page);
    let grid = await lastGrid(page);
    check('the page reads the seed from its address', grid.seed === '7');
    compareGrid('seed 7', grid, readNpyF32(path.join(dir, 'seed7.npy')));
    await page.click('#next');
    await page.waitForFunction(() => window.ganPage.state.last.seed === '8');
    await waitReady(page);
    grid = await lastGrid(page);
    check('"New samples" draws the next seed', grid.seed === '8' && (await page.inputValue('#seed')) === '8');
    compareGrid('seed 8', grid, readNpyF32(path.join(dir, 'seed8.npy')));
    const classes = grid.info.classes.length;
    check('the class picker shows for a conditional generator only', (await page.isVisible('#class')) === classes > 0);
    if (classes) {
      await page.fill('#seed', '7');
      await page.selectOption('#class', 'all');
      await page.waitForFunction(() => window.ganPage.state.last.choice === 'all');
      await waitReady(page);
      grid = await lastGrid(page);
      check('"all" gives a row per class', grid.n === classes * 8);
      compareGrid('class all', grid, readNpyF32(path.join(dir, 'all.npy')));
    }
    // the slider at 0 shows the first picked image (the grid's first by default)
    await page.fill('#t', '0');
    await page.dispatchEvent('#t', 'input');
    await waitReady(page);
    const same = await page.evaluate(() => {
      const pixels = (id) => { const c = document.getElementById(id); return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data); };
      const a = pixels('from'), b = pixels('between');
      return a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) <= 1);
    });
    check('the slider at 0 shows the first image', same);
    check('no script error or failed request', errors.length === 0, errors.join('; '));
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  } finally {
    await browser.close();
  }
  process.exit(failed ? 1 : 0);
}
main().catch((e) => { console.error(`page_test: ${e.message}`); process.exit(2); });
