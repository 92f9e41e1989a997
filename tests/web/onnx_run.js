// Runs a gan export --onnx model with ONNX Runtime for Node.js on the
// latents (and labels) gan sample wrote, and compares its images with gan
// sample's --npy: prints the largest absolute difference; exit 0 when it is
// at most TOL, 1 when larger, 2 on a usage or file error.
// usage: NODE_PATH=data/npm node onnx_run.js MODEL Z.npy LABELS.npy|- IMAGES.npy TOL
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

// A .npy file (version 1 or 2) of little-endian float32 or int64.
function readNpy(path) {
  const b = fs.readFileSync(path);
  if (b.readUInt32BE(0) !== 0x934e554d || b.toString('latin1', 4, 6) !== 'PY') throw new Error(`${path}: not a .npy`);
  const v1 = b[6] === 1, hlen = v1 ? b.readUInt16LE(8) : b.readUInt32LE(8), start = (v1 ? 10 : 12) + hlen;
  const header = b.toString('latin1', v1 ? 10 : 12, start);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').filter((s) => s.trim()).map(Number);
  const bytes = b.buffer.slice(b.byteOffset + start, b.byteOffset + b.length);
  if (descr === '<f4') return { shape, data: new Float32Array(bytes) };
  if (descr === '<i8') return { shape, data: new BigInt64Array(bytes) };
  throw new Error(`${path}: dtype ${descr}, expected <f4 or <i8`);
}

async function main() {
  const [model, zPath, labelsPath, imagesPath, tol] = process.argv.slice(2);
  if (!tol) { console.error('usage: node onnx_run.js MODEL Z.npy LABELS.npy|- IMAGES.npy TOL'); process.exit(2); }
  const z = readNpy(zPath), want = readNpy(imagesPath);
  const session = await ort.InferenceSession.create(model);
  const feeds = { z: new ort.Tensor('float32', z.data, z.shape) };
  if (labelsPath !== '-') { const l = readNpy(labelsPath); feeds.labels = new ort.Tensor('int64', l.data, l.shape); }
  const got = (await session.run(feeds)).images;
  if (got.dims.join() !== want.shape.join()) {
    console.log(`shape [${got.dims}] but gan sample's is [${want.shape}]`);
    process.exit(1);
  }
  let worst = 0;
  for (let i = 0; i < got.data.length; i++) worst = Math.max(worst, Math.abs(got.data[i] - want.data[i]));
  console.log(`max |onnxruntime - gan sample| = ${worst.toExponential(2)} over ${got.data.length} values`);
  process.exit(worst <= Number(tol) ? 0 : 1);
}
main().catch((e) => { console.error(`onnx_run: ${e.message}`); process.exit(2); });
