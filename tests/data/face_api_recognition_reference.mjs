// The reference for tests/test_face_embedding.py: face-api's FaceRecognitionNet forward pass
// (src/faceRecognitionNet/*.ts of @vladmandic/face-api 1.7.15), transcribed op for op and run with
// TensorFlow.js' own CPU kernels and weight decoder, independently of Keras and of cnnkit.
// Regenerate face_api_recognition_reference.npy (not needed in CI):
//   npm install @tensorflow/tfjs-core@4.22.0 @tensorflow/tfjs-backend-cpu@4.22.0
//   python -c "..."   # write the three test inputs of test_face_embedding.py as float32 to in.f32
//   node face_api_recognition_reference.mjs data/face-api/model/ in.f32 out.f32
//   python -c "import numpy as np; np.save('face_api_recognition_reference.npy', np.fromfile('out.f32', np.float32).reshape(-1, 128))"
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import fs from 'fs';
await tf.setBackend('cpu');
const dir = process.argv[2];
const manifest = JSON.parse(fs.readFileSync(dir + 'face_recognition_model-weights_manifest.json'));
const buf = fs.readFileSync(dir + 'face_recognition_model.bin');
const W = tf.io.decodeWeights(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength), manifest[0].weights);
function layer(x, p, strides, relu, padding = 'same') {
  let out = tf.add(tf.conv2d(x, W[p + '/conv/filters'], strides, padding), W[p + '/conv/bias']);
  out = tf.add(tf.mul(out, W[p + '/scale/weights']), W[p + '/scale/biases']);
  return relu ? tf.relu(out) : out;
}
function residual(x, p) { let o = layer(x, p + '/conv1', 1, true); o = layer(o, p + '/conv2', 1, false); return tf.relu(tf.add(o, x)); }
function residualDown(x, p) {
  let out = layer(x, p + '/conv1', 2, true, 'valid'); out = layer(out, p + '/conv2', 1, false);
  let pooled = tf.avgPool(x, 2, 2, 'valid');
  const zeros = tf.zeros(pooled.shape);
  if (pooled.shape[1] !== out.shape[1]) {
    let s = [...out.shape]; s[1] = 1; out = tf.concat([out, tf.zeros(s)], 1);
    s = [...out.shape]; s[2] = 1; out = tf.concat([out, tf.zeros(s)], 2);
  }
  if (pooled.shape[3] !== out.shape[3]) pooled = tf.concat([pooled, zeros], 3);
  return tf.relu(tf.add(pooled, out));
}
const raw = fs.readFileSync(process.argv[3]);
const n = raw.byteLength / 4 / (150 * 150 * 3);
const x0 = tf.tensor4d(new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4), [n, 150, 150, 3]);
let x = tf.div(tf.sub(x0, tf.tensor1d([122.782, 117.001, 104.298])), 255);
let out = layer(x, 'conv32_down', 2, true, 'valid');
out = tf.maxPool(out, 3, 2, 'valid');
for (const b of ['conv32_1', 'conv32_2', 'conv32_3']) out = residual(out, b);
out = residualDown(out, 'conv64_down'); for (const b of ['conv64_1', 'conv64_2', 'conv64_3']) out = residual(out, b);
out = residualDown(out, 'conv128_down'); for (const b of ['conv128_1', 'conv128_2']) out = residual(out, b);
out = residualDown(out, 'conv256_down'); for (const b of ['conv256_1', 'conv256_2']) out = residual(out, b);
out = residualDown(out, 'conv256_down_out');
const emb = tf.matMul(tf.mean(out, [1, 2]), W['fc']);
fs.writeFileSync(process.argv[4], Buffer.from((await emb.data()).buffer));
console.log('embeddings', emb.shape);
