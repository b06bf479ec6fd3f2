// Slider explorers of chapters 3-5 (convolution window, receptive-field stack,
// transposed convolution): geometry, SVG drawing and sliders in one dependency-free
// ES module.
//
// - In a notebook it is the anywidget front end of course_utils.widgets.GeometryCanvas:
//   Python keeps the state (ipywidgets sliders) and syncs `geometry` = {kind, params,
//   scene: {lines}}; this module computes the drawing from `params` and shows Python's lines.
// - In the static book the same text is inlined by course_utils.widgets.static_html and
//   `mount()` adds its own sliders: no kernel, nothing fetched.
// - tests/site/js/geometry.test.mjs checks every geometry function below against
//   course_utils.shapes on thousands of configurations (tests/site/test_widgets_js.py).
//
// The geometry mirrors course_utils.shapes line by line, with the same Korean errors.

// --------------------------------------------------------------------------- validation
export class GeometryError extends Error {}

function pyRepr(v) {
  if (v === null || v === undefined) return "None";
  if (typeof v === "string") return `'${v}'`;
  if (typeof v === "boolean") return v ? "True" : "False";
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(", ")}]`;
  return String(v);
}

function topic(name) {
  return /[nmlg]$/i.test(name) ? `${name}은` : `${name}는`;
}

function checkInt(value, name, minimum = 1) {
  if (!Number.isInteger(value) || value < minimum)
    throw new GeometryError(`${topic(name)} ${minimum} 이상의 정수여야 합니다 (받은 값: ${pyRepr(value)}).`);
  return value;
}

function checkPadding(padding, allowInt = true) {
  if (typeof padding === "string" && ["valid", "same"].includes(padding.toLowerCase())) return padding.toLowerCase();
  if (allowInt && Number.isInteger(padding) && padding >= 0) return padding;
  const allowed = allowInt ? "'valid', 'same' 또는 0 이상의 정수" : "'valid' 또는 'same'";
  throw new GeometryError(`padding은 ${allowed}여야 합니다 (받은 값: ${pyRepr(padding)}).`);
}

function checkStrideDilation(s, d) {
  if (s > 1 && d > 1)
    throw new GeometryError("stride와 dilation은 동시에 1보다 클 수 없습니다 (Keras가 거부합니다) " +
      `(받은 값: stride=${s}, dilation=${d}).`);
}

const ceilDiv = (a, b) => -Math.floor(-a / b);

// --------------------------------------------------------------------------- course_utils.shapes
export function effectiveKernel(k, d = 1) {
  return d * (k - 1) + 1;
}

export function samePadding(n, window, s) {
  const out = ceilDiv(n, s);
  const total = Math.max((out - 1) * s + window - n, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

export function convOutputLength(inputLength, kernelSize, stride = 1, padding = "valid", dilation = 1) {
  const n = checkInt(inputLength, "input_length");
  const k = checkInt(kernelSize, "kernel_size");
  const s = checkInt(stride, "stride");
  const d = checkInt(dilation, "dilation");
  padding = checkPadding(padding);
  checkStrideDilation(s, d);
  if (padding === "same") return ceilDiv(n, s);
  const p = padding === "valid" ? 0 : padding;
  const kEff = effectiveKernel(k, d);
  if (kEff > n + 2 * p)
    throw new GeometryError("kernel_size는 유효 크기 dilation*(kernel_size-1)+1이 padding을 포함한 입력 " +
      `길이 이하여야 합니다: 유효 크기 ${kEff} > 입력 길이 ${n + 2 * p} (받은 값: ` +
      `kernel_size=${k}, dilation=${d}, input_length=${n}, padding=${pyRepr(padding)}).`);
  return Math.floor((n + 2 * p - kEff) / s) + 1;
}

export function poolOutputLength(inputLength, poolSize, stride = null, padding = "valid") {
  const n = checkInt(inputLength, "input_length");
  const k = checkInt(poolSize, "pool_size");
  const s = stride === null ? k : checkInt(stride, "stride");
  padding = checkPadding(padding, false);
  if (padding === "same") return ceilDiv(n, s);
  if (k > n)
    throw new GeometryError("padding='valid'에서 pool_size는 입력 길이 이하여야 합니다 " +
      `(받은 값: pool_size=${k}, input_length=${n}).`);
  return Math.floor((n - k) / s) + 1;
}

export function convTransposeOutputLength(inputLength, kernelSize, stride = 1, padding = "valid",
                                          outputPadding = null, dilation = 1) {
  const n = checkInt(inputLength, "input_length");
  const k = checkInt(kernelSize, "kernel_size");
  const s = checkInt(stride, "stride");
  const d = checkInt(dilation, "dilation");
  padding = checkPadding(padding);
  let op = outputPadding === null ? null : checkInt(outputPadding, "output_padding", 0);
  if (op !== null && op >= s)
    throw new GeometryError(`output_padding은 stride보다 작아야 합니다 (받은 값: output_padding=${op}, stride=${s}).`);
  checkStrideDilation(s, d);
  const kEff = effectiveKernel(k, d);
  if (padding === "same") {
    if (op === null) return n * s;
    if (kEff % 2 + op === 0)
      throw new GeometryError("padding='same'에서 짝수 (유효) 커널과 output_padding=0을 함께 쓰면 출력 " +
        `길이 (n-1)*s=${(n - 1) * s}에서 입력 길이 ${n}이 다시 나오지 않아 ` +
        `TensorFlow가 거부합니다 (받은 값: kernel_size=${k}, dilation=${d}, ` +
        "output_padding=0). output_padding을 None 또는 1 이상으로 주세요.");
    return (n - 1) * s + kEff % 2 + op;
  }
  if (op === null) op = Math.max(kEff, s) - kEff;
  const length = (n - 1) * s + kEff + op;
  if (padding === "valid") return length;
  if (length - 2 * padding < 1)
    throw new GeometryError(`padding은 ${Math.floor((length - 1) / 2)} 이하여야 합니다: 양쪽에서 padding칸씩 잘라내면 ` +
      `길이 ${length}의 출력이 남지 않습니다 (받은 값: padding=${padding}).`);
  return length - 2 * padding;
}

export function layerSpec(layer, index = 0) {
  const where = `layers[${index}]`;
  const shapeError = () => new GeometryError(`${where}는 (kernel, stride) 또는 (kernel, stride, dilation) 튜플이어야 ` +
    `합니다 (앞에 'conv'/'pool'을 붙일 수 있습니다) (받은 값: ${pyRepr(layer)}).`);
  if (!Array.isArray(layer)) throw shapeError();
  const items = layer.slice();
  const kind = items.length && typeof items[0] === "string" ? items.shift() : "conv";
  if (items.length !== 2 && items.length !== 3) throw shapeError();
  if (kind !== "conv" && kind !== "pool")
    throw new GeometryError(`${where}의 종류는 'conv' 또는 'pool'이어야 합니다 (받은 값: ${pyRepr(kind)}).`);
  const k = checkInt(items[0], `${where}의 kernel`);
  const s = checkInt(items[1], `${where}의 stride`);
  const d = checkInt(items.length === 3 ? items[2] : 1, `${where}의 dilation`);
  if (kind === "pool" && d !== 1)
    throw new GeometryError(`${where}: 풀링에는 dilation이 없습니다 (1이어야 합니다, 받은 값: ${d}).`);
  return [kind, k, s, d];
}

export function layerOutputLengths(inputLength, layers) {
  const sizes = [checkInt(inputLength, "input_length")];
  layers.forEach((layer, i) => {
    const [kind, k, s, d] = layerSpec(layer, i);
    try {
      sizes.push(kind === "pool" ? poolOutputLength(sizes[sizes.length - 1], k, s, "valid")
                                 : convOutputLength(sizes[sizes.length - 1], k, s, "valid", d));
    } catch (e) {
      throw new GeometryError(`${i + 1}번째 층: ${e.message}`);
    }
  });
  return sizes;
}

export function receptiveFieldIndices(layers, position = 0) {
  position = checkInt(position, "position", 0);
  const specs = layers.map((layer, i) => layerSpec(layer, i));
  const levels = [[position]];
  for (const [, k, s, d] of specs.slice().reverse()) {
    const set = new Set();
    for (const p of levels[levels.length - 1]) for (let j = 0; j < k; j++) set.add(p * s + j * d);
    levels.push([...set].sort((a, b) => a - b));
  }
  return levels.reverse();
}

// Size, jump and start of the field of a valid conv/pool stack (shapes.receptive_field on tuples).
export function receptiveField(layers) {
  const specs = layers.map((layer, i) => layerSpec(layer, i));
  let lo = 0, hi = 0, jump = 1;
  for (const [, k, s, d] of specs.slice().reverse()) {
    lo = lo * s;
    hi = hi * s + effectiveKernel(k, d) - 1;
  }
  for (const [, , s] of specs) jump *= s;
  return { size: hi - lo + 1, jump, start: (lo + hi) / 2 };
}

export function convTransposeZeroPadding(inputLength, kernelSize, stride = 1, padding = "valid",
                                         outputPadding = null, dilation = 1) {
  const out = convTransposeOutputLength(inputLength, kernelSize, stride, padding, outputPadding, dilation);
  const n = inputLength, s = stride, kEff = effectiveKernel(kernelSize, dilation);
  padding = checkPadding(padding);
  const p = padding === "valid" ? 0 : padding === "same" ? samePadding(out, kEff, s)[0] : padding;
  const before = kEff - 1 - p;
  const after = out + kEff - 1 - before - ((n - 1) * s + 1);
  return [before, after, out];
}

// --------------------------------------------------------------------------- explorer geometry
// (the numbers of course_utils.widgets._geometry, computed here for the drawing)
export function normalizePadding(padding) {
  if (typeof padding === "string") {
    const p = padding.trim().toLowerCase();
    if (p === "valid" || p === "same") return p;
    if (/^[0-9]+$/.test(p)) return parseInt(p, 10);
  } else if (Number.isInteger(padding) && padding >= 0) {
    return padding;
  }
  throw new GeometryError(`padding은 'valid', 'same' 또는 0 이상의 정수여야 합니다: ${pyRepr(padding)}`);
}

const clamp = (v, lo, hi) => Math.min(Math.max(v, lo), hi);
const range = (n) => Array.from({ length: n }, (_, i) => i);
const window1d = (pos, k, s, d) => range(k).map((j) => pos * s + j * d);
const fmtIdx = (idx) => `[${idx.join(", ")}]`;
const fmtNum = (x) => (Number.isInteger(x) ? String(x) : String(x));

export function convFormula(n, k, s, padding, d, out) {
  if (padding === "same") return `⌈${n} / ${s}⌉ = ${out}`;
  const p = padding === "valid" ? 0 : padding;
  // chapter 3's formula while the dilation is 1; the dilated form (chapter 4) only when it is not
  if (Number(d) === 1) return `⌊(${n} + 2·${p} − ${k}) / ${s}⌋ + 1 = ${out}`;
  return `⌊(${n} + 2·${p} − ${d}·(${k} − 1) − 1) / ${s}⌋ + 1 = ${out}`;
}

export function convFormulaLabel(padding, d) {
  if (padding === "same") return "출력 크기 (padding='same': ⌈n / s⌉)";
  return "출력 크기 " + (Number(d) === 1 ? "⌊(n + 2p − k) / s⌋ + 1" : "⌊(n + 2p − d(k − 1) − 1) / s⌋ + 1");
}

export function convGeometry({ input_size = 7, kernel_size = 3, stride = 1, padding = "valid", dilation = 1,
                               row = 0, col = 0 } = {}) {
  const [n, k, s, d] = [input_size, kernel_size, stride, dilation];
  const base = { kind: "conv", params: { input_size: n, kernel_size: k, stride: s, padding, dilation: d } };
  let out, before, after;
  try {
    padding = normalizePadding(padding);
    out = convOutputLength(n, k, s, padding, d);
    if (padding === "valid") [before, after] = [0, 0];
    else if (padding === "same") [before, after] = samePadding(n, effectiveKernel(k, d), s);
    else [before, after] = [padding, padding];
  } catch (e) {
    return { ...base, error: e.message };
  }
  base.params.padding = padding;
  row = clamp(row, 0, out - 1);
  col = clamp(col, 0, out - 1);
  const size = n + before + after;
  const rows = window1d(row, k, s, d), cols = window1d(col, k, s, d);
  const isPad = (i) => i < before || i >= before + n;
  const window = [];
  for (const r of rows) for (const c of cols) window.push([r, c, isPad(r) || isPad(c)]);
  return { ...base, error: null, output_size: out, pad_before: before, pad_after: after, padded_size: size,
           row, col, window, window_input: window.filter((w) => !w[2]).map(([r, c]) => [r - before, c - before]),
           formula: convFormula(n, k, s, padding, d, out) };
}

export function receptiveFieldGeometry({ input_size = 16, layers = [["conv", 3, 2, 1], ["pool", 2, 2, 1]],
                                         row = 0, col = 0 } = {}) {
  const n = input_size;
  const base = { kind: "rf", params: { input_size: n, layers } };
  let specs, sizes;
  try {
    specs = layers.map((layer, i) => layerSpec(layer, i));
    if (!specs.length) throw new GeometryError("층이 하나 이상 있어야 합니다.");
    sizes = layerOutputLengths(n, specs);
  } catch (e) {
    return { ...base, error: e.message };
  }
  base.params.layers = specs;
  const out = sizes[sizes.length - 1];
  row = clamp(row, 0, out - 1);
  col = clamp(col, 0, out - 1);
  const rowLevels = receptiveFieldIndices(specs, row), colLevels = receptiveFieldIndices(specs, col);
  const rf = receptiveField(specs);
  const pixels = [];
  for (const r of rowLevels[0]) for (const c of colLevels[0]) pixels.push([r, c]);
  const first = (a) => a[0], last = (a) => a[a.length - 1];
  return { ...base, error: null, sizes, output_size: out, row, col, pixels,
           levels: rowLevels.map((r, i) => ({ rows: r, cols: colLevels[i] })),
           size: rf.size, jump: rf.jump, start: rf.start,
           span: [[first(rowLevels[0]), last(rowLevels[0])], [first(colLevels[0]), last(colLevels[0])]] };
}

export function transposedFormula(n, k, s, padding, op, d, out) {
  if (op === null) {
    if (padding === "valid") return `${n}·${s} + max(${d}·(${k} − 1) + 1 − ${s}, 0) = ${out}`;
    if (padding === "same") return `${n}·${s} = ${out}`;
    return `(${n} − 1)·${s} + max(${d}·(${k} − 1) + 1, ${s}) − 2·${padding} = ${out}`;
  }
  if (padding === "same")
    return `(${n} − 1)·${s} + ${d}·(${k} − 1) + 1 − 2·⌊(${d}·(${k} − 1) + 1) / 2⌋ + ${op} = ${out}`;
  const p = padding === "valid" ? 0 : padding;
  return `(${n} − 1)·${s} − 2·${p} + ${d}·(${k} − 1) + ${op} + 1 = ${out}`;
}

export function zeroInsertionGrid(n, k, s, padding, op, d) {
  const [before, after, out] = convTransposeZeroPadding(n, k, s, padding, op, d);
  const positions = range(n).map((i) => before + i * s);
  const size = out + effectiveKernel(k, d) - 1;
  const sym = Math.max(Math.min(before, after), 0);
  const first = positions[0], last = positions[positions.length - 1];
  const kinds = range(size).map((g) => {
    if (positions.includes(g)) return "value";
    if (first < g && g < last) return "inserted";
    if (g < first) return g >= before - sym ? "border" : "extra";
    return g - (last + 1) < sym ? "border" : "extra";
  });
  return { size, before, after, positions, output_size: out, kinds };
}

export function transposedGeometry({ input_size = 3, kernel_size = 3, stride = 2, padding = "valid",
                                     output_padding = null, dilation = 1, row = 0, col = 0 } = {}) {
  const [n, k, s, d] = [input_size, kernel_size, stride, dilation];
  const op = output_padding === "none" || output_padding === undefined ? null : output_padding;
  const base = { kind: "transposed",
                 params: { input_size: n, kernel_size: k, stride: s, padding, output_padding: op, dilation: d } };
  let grid;
  try {
    padding = normalizePadding(padding);
    grid = zeroInsertionGrid(n, k, s, padding, op, d);
  } catch (e) {
    return { ...base, error: e.message };
  }
  base.params.padding = padding;
  const out = grid.output_size;
  row = clamp(row, 0, out - 1);
  col = clamp(col, 0, out - 1);
  const window = [];
  for (const r of window1d(row, k, 1, d)) for (const c of window1d(col, k, 1, d)) window.push([r, c]);
  return { ...base, error: null, output_size: out, grid, row, col, window,
           formula: transposedFormula(n, k, s, padding, op, d, out) };
}

export const GEOMETRY = { conv: convGeometry, rf: receptiveFieldGeometry, transposed: transposedGeometry };

// --------------------------------------------------------------------------- scenes
const KIND_LABELS = {
  input: "입력", pad: "패딩 (0)", window: "커널이 읽는 칸", window_pad: "커널이 읽는 패딩 칸",
  output: "출력", selected: "선택한 출력 칸", rf: "의존하는 칸", span: "수용 영역 범위 (읽지 않는 칸)",
  value: "입력 값", inserted: "삽입한 0 (stride − 1개)", border: "테두리 0 (d·(k − 1) − p)",
  extra: "추가 0 (output_padding/비대칭)",
};
const TITLES = { conv: "합성곱: 출력 크기와 커널 창", rf: "수용 영역 (receptive field)",
                 transposed: "전치 합성곱: 0 삽입으로 보기" };
const legend = (kinds) => kinds.map((k) => [k, KIND_LABELS[k]]);
const layerName = ([kind, k, s, d]) => `${kind === "conv" ? "합성곱" : "풀링"} ${k}×${k}, s=${s}` + (d > 1 ? `, d=${d}` : "");

function convScene(g) {
  const { input_size: n, kernel_size: k, stride: s, padding, dilation: d } = g.params;
  const params = `입력 ${n}×${n}, 커널 ${k}×${k}, stride ${s}, padding ${pyRepr(padding)}` + (Number(d) !== 1 ? `, dilation ${d}` : "");
  if (g.error) return { grids: [], lines: [params], legend: [] };
  const size = g.padded_size, before = g.pad_before;
  const isPad = (i) => i < before || i >= before + n;
  const cells = [];
  for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) if (isPad(r) || isPad(c)) cells.push([r, c, "pad"]);
  for (const [r, c, p] of g.window) cells.push([r, c, p ? "window_pad" : "window"]);
  const label = convFormulaLabel(padding, d);
  const rows = window1d(g.row, k, s, d).map((r) => r - before), cols = window1d(g.col, k, s, d).map((c) => c - before);
  return {
    grids: [{ title: `(패딩된) 입력 ${size}×${size}`, rows: size, cols: size, base: "input", cells },
            { title: `출력 ${g.output_size}×${g.output_size}`, rows: g.output_size, cols: g.output_size,
              base: "output", cells: [[g.row, g.col, "selected"]] }],
    lines: [params, `패딩: 위/왼쪽 ${before}, 아래/오른쪽 ${g.pad_after}`, `${label}: ${g.formula}`,
            `선택한 출력 (${g.row}, ${g.col}) ← 입력 행 ${fmtIdx(rows)}, 열 ${fmtIdx(cols)}`],
    legend: legend(["input", "pad", "window", "window_pad", "output", "selected"]),
  };
}

function rfScene(g) {
  const n = g.params.input_size;
  if (g.error) return { grids: [], lines: [`입력 ${n}×${n}`], legend: [] };
  const names = g.params.layers.map(layerName);
  const last = g.sizes.length - 1;
  const grids = g.levels.map(({ rows, cols }, level) => {
    const m = g.sizes[level];
    if (level === last) return { title: `출력 (${level}층) ${m}×${m}`, rows: m, cols: m, base: "output",
                                 cells: [[g.row, g.col, "selected"]] };
    const rs = new Set(rows), cs = new Set(cols), cells = [];
    for (let r = rows[0]; r <= rows[rows.length - 1]; r++)
      for (let c = cols[0]; c <= cols[cols.length - 1]; c++) cells.push([r, c, rs.has(r) && cs.has(c) ? "rf" : "span"]);
    return { title: level === 0 ? `입력 ${m}×${m}` : `${level}층 출력 ${m}×${m}`, rows: m, cols: m,
             base: level === 0 ? "input" : "output", cells };
  });
  const centre = [g.start + g.row * g.jump, g.start + g.col * g.jump];
  return {
    grids,
    lines: [`입력 ${n}×${n} → ` + names.map((nm, i) => `${nm} (${g.sizes[i + 1]}×${g.sizes[i + 1]})`).join(" → "),
            `수용 영역 크기 r = ${g.size}, 점프 j = ${g.jump}, 시작 = ${fmtNum(g.start)} (첫 출력의 수용 영역 중심, 입력 좌표)`,
            `선택한 출력 (${g.row}, ${g.col})의 중심 = (${fmtNum(centre[0])}, ${fmtNum(centre[1])}); ` +
            `의존하는 입력 칸 ${g.pixels.length}개 (범위 ${g.size}×${g.size} = ${g.size * g.size}칸)`,
            `출력 크기: ${g.sizes.join(" → ")}`],
    legend: legend(["input", "rf", "span", "output", "selected"]),
  };
}

function transposedScene(g) {
  const { input_size: n, kernel_size: k, stride: s, padding, output_padding: op, dilation: d } = g.params;
  const params = `입력 ${n}×${n}, 커널 ${k}×${k}, stride ${s}, padding ${pyRepr(padding)}, output_padding ${pyRepr(op)}` +
    (d > 1 ? `, dilation ${d}` : "");
  if (g.error) return { grids: [], lines: [params], legend: [] };
  const { kinds, size, positions } = g.grid;
  const index = new Map(positions.map((p, i) => [p, i]));
  const cells = [];
  for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) {
    const kr = kinds[r], kc = kinds[c];
    const kind = kr === "value" && kc === "value" ? "value"
      : kr === "extra" || kc === "extra" ? "extra" : kr === "border" || kc === "border" ? "border" : "inserted";
    if (kind === "value") cells.push([r, c, kind, `x${index.get(r)}${index.get(c)}`]);
    else if (kind !== "inserted") cells.push([r, c, kind]);
  }
  for (const [r, c] of g.window) cells.push([r, c, "window"]);
  const inputCells = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) inputCells.push([i, j, "value", `x${i}${j}`]);
  const out = g.output_size;
  return {
    grids: [{ title: `입력 ${n}×${n}`, rows: n, cols: n, base: "value", cells: inputCells },
            { title: `0을 넣은 입력 ${size}×${size} (stride 1 합성곱, 뒤집은 커널)`, rows: size, cols: size,
              base: "inserted", cells },
            { title: `출력 ${out}×${out}`, rows: out, cols: out, base: "output", cells: [[g.row, g.col, "selected"]] }],
    lines: [params,
            `값 사이에 0을 ${s - 1}개씩 넣고, 테두리 0: 위/왼쪽 ${g.grid.before}, 아래/오른쪽 ${g.grid.after}` +
            (Math.min(g.grid.before, g.grid.after) < 0 ? " (음수: 그만큼 잘라냄)" : ""),
            `출력 크기: ${g.formula}`],
    legend: legend(["value", "inserted", "border", "extra", "window", "output", "selected"]),
  };
}

export function scene(g) {
  const make = { conv: convScene, rf: rfScene, transposed: transposedScene }[g.kind];
  return { title: TITLES[g.kind], error: g.error || null, ...make(g) };
}

// --------------------------------------------------------------------------- drawing (SVG)
const COLORS = {
  input: "#dbeafe", pad: "#f1f5f9", window: "#f59e0b", window_pad: "#fcd9a0",
  output: "#dcfce7", selected: "#ef4444", rf: "#f59e0b", span: "#fef3c7",
  value: "#93c5fd", inserted: "#ffffff", border: "#e5e7eb", extra: "#c4b5fd",
};
const SVG_NS = "http://www.w3.org/2000/svg";

function h(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

const escapeAttr = (text) => String(text).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

// The drawing's accessible name (role="img"): its title and how many cells of each coloured kind it shows,
// e.g. "(패딩된) 입력 9×9 격자: 패딩 (0) 32칸, 커널이 읽는 칸 9칸".
export function gridLabel(grid) {
  const counts = new Map();
  for (const [, , kind] of grid.cells) counts.set(kind, (counts.get(kind) || 0) + 1);
  const parts = [...counts].map(([kind, count]) => `${KIND_LABELS[kind] || kind} ${count}칸`);
  return `${grid.title} 격자` + (parts.length ? `: ${parts.join(", ")}` : "");
}

function drawGrid(grid) {
  const box = h("div", { class: "cu-grid" });
  box.appendChild(h("div", { class: "cu-grid-title" }, grid.title));
  const n = Math.max(grid.rows, grid.cols, 1);
  const cell = Math.max(6, Math.min(30, Math.floor(300 / n)));
  const w = grid.cols * cell, ht = grid.rows * cell;
  // One string, one parse: much faster than thousands of createElementNS calls.
  const parts = [`<svg xmlns="${SVG_NS}" role="img" aria-label="${escapeAttr(gridLabel(grid))}" ` +
                 `width="${w + 2}" height="${ht + 2}" viewBox="-1 -1 ${w + 2} ${ht + 2}">`,
                 `<rect x="0" y="0" width="${w}" height="${ht}" fill="${COLORS[grid.base] || "#fff"}"/>`];
  const labels = [];
  for (const [r, c, kind, label] of grid.cells) {
    const alpha = kind === "window" || kind === "window_pad" ? 0.8 : 1;
    parts.push(`<rect class="cu-${kind}" x="${c * cell}" y="${r * cell}" width="${cell}" height="${cell}" ` +
               `fill="${COLORS[kind] || "#ccc"}" fill-opacity="${alpha}"/>`);
    if (label) labels.push([r, c, label]);
  }
  if (cell >= 18)
    for (const [r, c, label] of labels)
      parts.push(`<text x="${c * cell + cell / 2}" y="${r * cell + cell / 2 + 3}" text-anchor="middle" ` +
                 `font-size="${Math.min(11, cell / 2.4)}" fill="#1e3a8a">${label}</text>`);
  let d = "";
  for (let i = 0; i <= grid.rows; i++) d += `M0 ${i * cell}H${w}`;
  for (let j = 0; j <= grid.cols; j++) d += `M${j * cell} 0V${ht}`;
  parts.push(`<path d="${d}" stroke="#94a3b8" stroke-width="0.6" fill="none"/></svg>`);
  const holder = h("div");
  holder.innerHTML = parts.join("");
  box.appendChild(holder.firstChild);
  return box;
}

// Draw one explorer state into `el`; `lines` (Python's text in a notebook) replaces the JS text.
export function draw(el, geometry, lines) {
  const sc = scene(geometry);
  const root = h("div", { class: "cu-explorer", "data-kind": geometry.kind,
                          "data-output-size": geometry.error ? "" : geometry.output_size });
  root.appendChild(h("div", { class: "cu-title" }, sc.title));
  if (sc.error) root.appendChild(h("div", { class: "cu-error" }, "⚠ " + sc.error));
  const row = h("div", { class: "cu-grids" });
  for (const g of sc.grids) row.appendChild(drawGrid(g));
  root.appendChild(row);
  for (const line of lines && lines.length ? lines : sc.lines) root.appendChild(h("div", { class: "cu-line" }, line));
  if (sc.legend.length) {
    const lg = h("div", { class: "cu-legend" });
    for (const [kind, text] of sc.legend) {
      const item = h("span");
      item.appendChild(h("span", { class: "cu-swatch", style: `background:${COLORS[kind] || "#ccc"}` }));
      item.appendChild(document.createTextNode(text));
      lg.appendChild(item);
    }
    root.appendChild(lg);
  }
  el.replaceChildren(root);
  return root;
}

const STYLE = `
.cu-explorer{font-size:13px;color:#111;line-height:1.4}
.cu-title{font-weight:bold;margin:4px 0}
.cu-error{color:#b91c1c;background:#fee2e2;padding:6px 8px;border-radius:4px;margin:4px 0}
.cu-grids{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
.cu-grid-title{margin-bottom:2px}
.cu-line{margin:3px 0;white-space:normal;overflow-wrap:anywhere}
.cu-legend{display:flex;flex-wrap:wrap;gap:10px;margin-top:4px;font-size:12px}
.cu-swatch{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle;border:1px solid #94a3b8}
.cu-controls{display:flex;flex-wrap:wrap;gap:4px 18px;margin:4px 0 8px}
.cu-control{display:flex;align-items:center;gap:6px;font-size:13px}
.cu-control input[type=range]{width:120px}
.cu-control output{min-width:2ch;font-variant-numeric:tabular-nums}
.cu-layer{display:flex;flex-wrap:wrap;gap:4px 18px;width:100%}
`;

function addStyle(el) {
  const doc = el.ownerDocument;
  if (doc.getElementById("cu-explorer-style")) return;
  const st = doc.createElement("style");
  st.id = "cu-explorer-style";
  st.textContent = STYLE;
  (doc.head || doc.body).appendChild(st);
}

// --------------------------------------------------------------------------- anywidget front end
function render({ model, el }) {
  addStyle(el);
  const box = document.createElement("div");
  el.appendChild(box);
  const update = () => {
    const g = model.get("geometry") || {};
    if (!g.kind) return;
    const geo = GEOMETRY[g.kind](Object.assign({}, g.params, { row: g.row || 0, col: g.col || 0 }));
    draw(box, geo, g.scene && g.scene.lines);
  };
  update();
  model.on("change:geometry", update);
  return () => model.off && model.off("change:geometry", update);
}

export default { render };

// --------------------------------------------------------------------------- static book: own sliders
// The slider ranges are those of the Python explorers (course_utils/widgets/_explorers.py).
const PADDINGS = ["valid", "same", 0, 1, 2, 3];

function slider(name, label, value, lo, hi, onInput) {
  const wrap = h("label", { class: "cu-control" });
  wrap.appendChild(h("span", {}, label));
  const input = h("input", { type: "range", name, min: lo, max: Math.max(hi, value), step: 1, value });
  const shown = h("output", {}, String(value));
  input.addEventListener("input", () => { shown.textContent = input.value; onInput(parseInt(input.value, 10)); });
  wrap.append(input, shown);
  wrap.input = input;
  wrap.setValue = (v, max) => { if (max !== undefined) input.max = Math.max(max, 0); input.value = v; shown.textContent = String(v); };
  return wrap;
}

function select(name, label, options, value, onChange) {
  const wrap = h("label", { class: "cu-control" });
  wrap.appendChild(h("span", {}, label));
  const sel = h("select", { name });
  const fill = (opts, v) => {
    sel.replaceChildren(...opts.map((o) => h("option", { value: JSON.stringify(o) }, o === null ? "None" : String(o))));
    sel.value = JSON.stringify(opts.some((o) => o === v) ? v : opts[0]);
  };
  fill(options, value);
  sel.addEventListener("change", () => onChange(JSON.parse(sel.value)));
  wrap.appendChild(sel);
  wrap.input = sel;
  wrap.fill = fill;
  return wrap;
}

// Mount an explorer with its own sliders into `el` (no kernel needed).
export function mount(el, kind, params) {
  addStyle(el);
  const state = JSON.parse(JSON.stringify(params));
  const controls = h("div", { class: "cu-controls" });
  const canvas = h("div", { class: "cu-canvas" });
  const rowcol = [];
  let redraw;
  const set = (key) => (v) => { state[key] = v; redraw(); };
  if (kind === "conv") {
    controls.append(slider("input_size", "입력 크기 n", state.input_size, 1, 28, set("input_size")),
                    slider("kernel_size", "커널 크기 k", state.kernel_size, 1, 7, set("kernel_size")),
                    slider("stride", "stride s", state.stride, 1, 4, set("stride")),
                    slider("dilation", "dilation d", state.dilation, 1, 4, set("dilation")),
                    select("padding", "padding", PADDINGS.includes(state.padding) ? PADDINGS : PADDINGS.concat([state.padding]),
                           state.padding, set("padding")));
  } else if (kind === "transposed") {
    const opOptions = () => [null, ...range(state.stride)];
    const opSelect = select("output_padding", "output_padding", opOptions(), state.output_padding, set("output_padding"));
    controls.append(slider("input_size", "입력 크기 n", state.input_size, 1, 8, set("input_size")),
                    slider("kernel_size", "커널 크기 k", state.kernel_size, 1, 5, set("kernel_size")),
                    slider("stride", "stride s", state.stride, 1, 4, (v) => {
                      state.stride = v;
                      if (state.output_padding !== null && state.output_padding >= v) state.output_padding = null;
                      opSelect.fill(opOptions(), state.output_padding);
                      redraw();
                    }),
                    select("padding", "padding", PADDINGS, state.padding, set("padding")), opSelect);
  } else {
    const maxLayers = 4;
    const layers = state.layers.map((l) => l.slice());
    while (layers.length < maxLayers) layers.push(["conv", 3, 1, 1]);
    state.n_layers = state.layers.length;
    controls.append(slider("n_layers", "층 수", state.n_layers, 1, maxLayers, set("n_layers")),
                    slider("input_size", "입력 크기 n", state.input_size, 2, 32, set("input_size")));
    state.allLayers = layers;
    state.layerBoxes = layers.map((layer, i) => {
      const box = h("div", { class: "cu-layer" });
      const setPart = (j) => (v) => { layers[i][j] = v; if (j === 0 && v === "pool") layers[i][3] = 1; redraw(); };
      const dil = slider(`dilation${i}`, "dilation", layer[3], 1, 4, setPart(3));
      box.append(select(`kind${i}`, `${i + 1}층`, ["conv", "pool"], layer[0], setPart(0)),
                 slider(`kernel${i}`, "커널", layer[1], 1, 7, setPart(1)),
                 slider(`stride${i}`, "stride", layer[2], 1, 4, setPart(2)), dil);
      box.dilation = dil;
      controls.appendChild(box);
      return box;
    });
  }
  for (const name of ["row", "col"]) {
    const sl = slider(name, name === "row" ? "출력 행" : "출력 열", state[name] || 0, 0, 27, set(name));
    rowcol.push(sl);
  }
  controls.append(...rowcol);
  redraw = () => {
    let p = state;
    if (kind === "rf") {
      const layers = state.allLayers.slice(0, state.n_layers);
      state.layerBoxes.forEach((box, i) => {
        box.style.display = i < state.n_layers ? "" : "none";
        const pool = state.allLayers[i][0] === "pool";
        box.dilation.input.disabled = pool;
        if (pool) box.dilation.setValue(1);
      });
      p = { input_size: state.input_size, layers, row: state.row, col: state.col };
    }
    const geo = GEOMETRY[kind](p);
    if (!geo.error) {
      const top = geo.output_size - 1;
      state.row = geo.row;
      state.col = geo.col;
      rowcol[0].setValue(geo.row, top);
      rowcol[1].setValue(geo.col, top);
    }
    return draw(canvas, geo);
  };
  el.replaceChildren(controls, canvas);
  redraw();
  el.redraw = redraw;
  return el;
}
