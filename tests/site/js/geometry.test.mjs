// Compare the JavaScript geometry of src/course_utils/widgets/explorers.js with
// course_utils.shapes / course_utils.widgets._geometry.
//
// Run by tests/site/test_widgets_js.py, which writes the cases (computed by Python) to a
// JSON file and passes its path in COURSE_GEOMETRY_CASES:
//   COURSE_GEOMETRY_CASES=cases.json node --test tests/site/js/geometry.test.mjs
// Each case: {fn, args, expected} or {fn, args, error} (the Korean message Python raised).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const source = readFileSync(fileURLToPath(new URL("../../../src/course_utils/widgets/explorers.js", import.meta.url)), "utf8");
// Loaded as the browser loads it: one ES module, no bundler (node does not need package.json "type").
const G = await import("data:text/javascript;base64," + Buffer.from(source).toString("base64"));

const casesPath = process.env.COURSE_GEOMETRY_CASES;
if (!casesPath) throw new Error("COURSE_GEOMETRY_CASES (the JSON written by tests/site/test_widgets_js.py) is not set");
const cases = JSON.parse(readFileSync(casesPath, "utf8"));

// Python name -> (JS function, how its result is made comparable with Python's JSON)
const FUNCTIONS = {
  conv_output_length: [G.convOutputLength, (r) => r],
  pool_output_length: [G.poolOutputLength, (r) => r],
  conv_transpose_output_length: [G.convTransposeOutputLength, (r) => r],
  conv_transpose_zero_padding: [G.convTransposeZeroPadding, (r) => r],
  layer_spec: [G.layerSpec, (r) => r],
  layer_output_lengths: [G.layerOutputLengths, (r) => r],
  receptive_field_indices: [G.receptiveFieldIndices, (r) => r],
  receptive_field: [G.receptiveField, (r) => [r.size, r.jump, r.start]],
  conv_geometry: [G.convGeometry, pick(["error", "output_size", "pad_before", "pad_after", "padded_size", "row",
                                        "col", "window", "window_input", "formula"])],
  receptive_field_geometry: [G.receptiveFieldGeometry, pick(["error", "sizes", "row", "col", "pixels", "size",
                                                             "jump", "start", "span"])],
  transposed_geometry: [G.transposedGeometry, pick(["error", "output_size", "grid", "row", "col", "window",
                                                    "formula"])],
  // the text lines under the convolution explorer (the dilation shown only when it is not 1)
  conv_scene_lines: [(args) => { const g = G.convGeometry(args); return { error: g.error ?? null, lines: G.scene(g).lines }; },
                     (r) => r],
};

function pick(keys) {
  return (r) => Object.fromEntries(keys.filter((k) => k in r || k === "error").map((k) => [k, r[k] ?? null]));
}

const byFn = {};
for (const c of cases) (byFn[c.fn] ??= []).push(c);

test("every Python function has cases", () => {
  assert.deepEqual(Object.keys(byFn).sort(), Object.keys(FUNCTIONS).sort());
  assert.ok(cases.length >= 1000, `only ${cases.length} cases`);
});

for (const [name, list] of Object.entries(byFn)) {
  test(`${name}: ${list.length} configurations agree with Python`, () => {
    const [fn, norm] = FUNCTIONS[name];
    let refused = 0;
    for (const c of list) {
      const where = `${name}(${JSON.stringify(c.args)})`;
      if ("error" in c) {
        refused += 1;
        assert.throws(() => fn(...c.args), (e) => {
          assert.ok(e instanceof G.GeometryError, `${where}: not a GeometryError: ${e}`);
          assert.equal(e.message, c.error, where);
          return true;
        }, `${where}: Python refuses, JS accepted`);
      } else {
        assert.deepEqual(norm(fn(...c.args)), c.expected, where);
      }
    }
    console.log(`${name}: ${list.length} cases, ${refused} refused by both`);
  });
}
