// Renderer of the course_utils slider explorers (anywidget ESM, dependency-free).
// Draws the "scene" of the synced `geometry` trait as SVG grids plus text lines.
// The same file runs inline in the static-HTML fallback with a tiny stand-in model.
const COLORS = {
  input: "#dbeafe", pad: "#f1f5f9", window: "#f59e0b", window_pad: "#fcd9a0",
  output: "#dcfce7", selected: "#ef4444", rf: "#f59e0b", span: "#fef3c7",
  value: "#93c5fd", inserted: "#ffffff", border: "#e5e7eb", extra: "#c4b5fd",
};
const SVG_NS = "http://www.w3.org/2000/svg";

function svgEl(tag, attrs) {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

function drawGrid(grid) {
  const box = document.createElement("div");
  box.className = "cu-grid";
  const title = document.createElement("div");
  title.className = "cu-grid-title";
  title.textContent = grid.title;
  box.appendChild(title);
  const n = Math.max(grid.rows, grid.cols, 1);
  const cell = Math.max(6, Math.min(30, Math.floor(300 / n)));
  const w = grid.cols * cell + 2, h = grid.rows * cell + 2;
  const svg = svgEl("svg", { width: w, height: h, viewBox: `-1 -1 ${w} ${h}` });
  svg.appendChild(svgEl("rect", { x: 0, y: 0, width: grid.cols * cell, height: grid.rows * cell,
                                  fill: COLORS[grid.base] || "#fff" }));
  const OVERLAY = { window: 0.8, window_pad: 0.8 };
  const labels = [];
  for (const c of grid.cells) {
    const [r, col, kind, label] = c;
    svg.appendChild(svgEl("rect", { x: col * cell, y: r * cell, width: cell, height: cell,
                                    fill: COLORS[kind] || "#ccc", "fill-opacity": OVERLAY[kind] || 1,
                                    class: "cu-" + kind }));
    if (label) labels.push(c);
  }
  if (cell >= 18) {
    for (const [r, col, , label] of labels) {
      const t = svgEl("text", { x: col * cell + cell / 2, y: r * cell + cell / 2 + 3,
                                "text-anchor": "middle", "font-size": Math.min(11, cell / 2.4),
                                fill: "#1e3a8a" });
      t.textContent = label;
      svg.appendChild(t);
    }
  }
  for (let i = 0; i <= grid.rows; i++)
    svg.appendChild(svgEl("line", { x1: 0, y1: i * cell, x2: grid.cols * cell, y2: i * cell,
                                    stroke: "#94a3b8", "stroke-width": 0.6 }));
  for (let j = 0; j <= grid.cols; j++)
    svg.appendChild(svgEl("line", { x1: j * cell, y1: 0, x2: j * cell, y2: grid.rows * cell,
                                    stroke: "#94a3b8", "stroke-width": 0.6 }));
  box.appendChild(svg);
  return box;
}

function draw(el, geometry) {
  const scene = (geometry && geometry.scene) || { grids: [], lines: [], legend: [] };
  const root = document.createElement("div");
  root.className = "cu-explorer";
  root.style.cssText = "font-family: sans-serif; font-size: 13px; color: #111;";
  if (scene.title) {
    const h = document.createElement("div");
    h.style.cssText = "font-weight: bold; margin: 4px 0;";
    h.textContent = scene.title;
    root.appendChild(h);
  }
  if (scene.error) {
    const e = document.createElement("div");
    e.className = "cu-error";
    e.style.cssText = "color: #b91c1c; background: #fee2e2; padding: 6px 8px; border-radius: 4px; margin: 4px 0;";
    e.textContent = "⚠ " + scene.error;
    root.appendChild(e);
  }
  const row = document.createElement("div");
  row.style.cssText = "display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start;";
  for (const g of scene.grids || []) {
    const gb = drawGrid(g);
    gb.firstChild.style.cssText = "margin-bottom: 2px;";
    row.appendChild(gb);
  }
  root.appendChild(row);
  for (const line of scene.lines || []) {
    const p = document.createElement("div");
    p.className = "cu-line";
    p.style.cssText = "margin: 3px 0; font-family: 'DejaVu Sans', sans-serif;";
    p.textContent = line;
    root.appendChild(p);
  }
  if ((scene.legend || []).length) {
    const lg = document.createElement("div");
    lg.style.cssText = "display: flex; flex-wrap: wrap; gap: 10px; margin-top: 4px; font-size: 12px;";
    for (const [kind, text] of scene.legend) {
      const it = document.createElement("span");
      const sw = document.createElement("span");
      sw.style.cssText = `display: inline-block; width: 12px; height: 12px; margin-right: 4px;
        vertical-align: middle; border: 1px solid #94a3b8; background: ${COLORS[kind] || "#ccc"};`;
      it.appendChild(sw);
      it.appendChild(document.createTextNode(text));
      lg.appendChild(it);
    }
    root.appendChild(lg);
  }
  el.replaceChildren(root);
}

function render({ model, el }) {
  const update = () => draw(el, model.get("geometry"));
  update();
  model.on("change:geometry", update);
  return () => model.off && model.off("change:geometry", update);
}

export default { render };
