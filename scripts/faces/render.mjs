// Renders procedural faces with DiceBear (one style, pinned version) into a
// folder of PNGs, one subfolder per class, and labels.csv. Deterministic:
// picture i's options come from i alone, so the same arguments give the
// same bytes. Run by scripts/fetch_faces.sh, which unpacks the packages.
// usage: node render.mjs STYLE N SIZE OUT_DIR
import fs from "fs";
import path from "path";
import { createAvatar } from "@dicebear/core";
import { Resvg } from "@resvg/resvg-js";

const [styleName, nText, sizeText, out] = process.argv.slice(2);
const n = Number(nText), size = Number(sizeText);
const style = await import(`@dicebear/${styleName}`);

// The labels: hair colour (two or three shades a class, from the style's own
// palette) and glasses; the class is "<hair>" or "<hair>-glasses".
const HAIR = {
  black: ["0e0e0e"],
  brown: ["6a4e35", "562306"],
  blonde: ["e5d7a3", "b9a05f"],
  red: ["cb6820", "ac6511", "ab2a18"],
};
const BACKGROUND = ["b6e3f4", "c0aede", "d1d4f9", "ffd5dc", "ffdfbf"];

// mulberry32: a small PRNG seeded by the picture's index
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = (r, list) => list[Math.floor(r() * list.length)];

const hairNames = Object.keys(HAIR);
const rows = ["file,class,hair,glasses"];
for (let i = 0; i < n; i++) {
  const r = rng(0x9e3779b9 ^ i);
  const hair = hairNames[i % hairNames.length]; // classes in turn: equal counts
  const glasses = Math.floor(i / hairNames.length) % 2 === 1;
  const cls = glasses ? `${hair}-glasses` : hair;
  const svg = createAvatar(style, {
    seed: `gan-faces-${i}`,
    size,
    hairColor: [pick(r, HAIR[hair])],
    hairProbability: 100,
    glassesProbability: glasses ? 100 : 0,
    backgroundColor: [pick(r, BACKGROUND)],
  }).toString();
  const png = new Resvg(svg, { fitTo: { mode: "width", value: size } }).render().asPng();
  const file = `${cls}/${String(i).padStart(6, "0")}.png`;
  fs.mkdirSync(path.join(out, cls), { recursive: true });
  fs.writeFileSync(path.join(out, file), png);
  rows.push(`${file},${cls},${hair},${glasses ? 1 : 0}`);
}
fs.writeFileSync(path.join(out, "labels.csv"), rows.join("\n") + "\n");
