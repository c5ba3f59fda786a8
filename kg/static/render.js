// kg's graph page. Every string from the data goes into the DOM as text
// (textContent or a text attribute); links are made only for http(s) URLs.
(function () {
  "use strict";

  const timings = { start: performance.now() };
  window.kgTimings = timings;
  const data = JSON.parse(document.getElementById("kg-data").textContent);
  timings.parsed = performance.now();
  const FONT = "#343434";
  const DIM_NODE = { background: "rgba(200,200,200,0.3)", border: "rgba(200,200,200,0.3)" };
  const DIM_FONT = "rgba(52,52,52,0)"; // dimmed nodes lose their labels: the neighbourhood reads clearly
  const EDGE = { color: "#c4c4c4", highlight: "#555", hover: "#888" };
  const DIM_EDGE = { color: "rgba(200,200,200,0.15)", highlight: "#555", hover: "#888" };
  const MAX_LIST = 50;

  // --- small DOM helpers ---------------------------------------------------------------
  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }
  function safeHref(url) {
    if (typeof url !== "string" || url === "") return null;
    let parsed;
    try {
      parsed = new URL(url);
    } catch (err) {
      return null;
    }
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  }
  function linkOrText(url, text) {
    const href = safeHref(url);
    if (href === null) {
      const span = el("span", url, "kg-unsafe");
      span.title = "not shown as a link: only http and https links are";
      return span;
    }
    const link = el("a", text || url);
    link.href = href;
    link.rel = "noopener noreferrer";
    link.target = "_blank";
    return link;
  }
  function fmt(n) {
    return Number(n).toLocaleString("en-US");
  }
  function plural(n, word) {
    return fmt(n) + " " + word + (n === 1 ? "" : "s");
  }

  // --- the data --------------------------------------------------------------------------
  const kindInfo = new Map(data.kinds.map((k) => [k.kind, k]));
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const links = new Map(data.nodes.map((n) => [n.id, []]));
  data.edges.forEach(([from, to, relation], i) => {
    links.get(from).push({ other: to, relation: relation, out: true, edge: i });
    links.get(to).push({ other: from, relation: relation, out: false, edge: i });
  });
  function groupColor(kind) {
    const c = kindInfo.get(kind).color;
    return { background: c, border: c, highlight: { background: c, border: "#111" }, hover: { background: c, border: "#111" } };
  }

  const nodes = new vis.DataSet(
    data.nodes.map((n) => {
      return { id: n.id, label: n.short, group: n.kind, value: n.size, x: n.x, y: n.y };
    })
  );
  const relationInfo = new Map(data.relations.map((r) => [r.relation, r]));
  function edgeColor(relation) {
    const r = relationInfo.get(relation);
    return r ? { color: r.color, highlight: r.color, hover: r.color } : EDGE;
  }
  // an entity relation (used for, evaluates, ...) is drawn in its colour, wider, with its name on hover
  const edges = new vis.DataSet(
    data.edges.map(([from, to, relation], i) =>
      relationInfo.has(relation) ? { id: i, from: from, to: to, color: edgeColor(relation), width: 2, dashes: relation === "comparedWith" } : { id: i, from: from, to: to }
    )
  );

  // --- filters ---------------------------------------------------------------------------
  const hiddenKinds = new Set();
  const hiddenRelations = new Set();
  let minConfidence = 0;
  let minDegree = 0;
  const visible = new Uint8Array(data.nodes.length);
  function computeVisible() {
    for (const n of data.nodes) {
      visible[n.id] = !hiddenKinds.has(n.kind) && n.confidence >= minConfidence && n.degree >= minDegree ? 1 : 0;
    }
  }
  computeVisible();
  const nodeView = new vis.DataView(nodes, { filter: (item) => visible[item.id] === 1 });
  const edgeView = new vis.DataView(edges, {
    filter: (item) => visible[item.from] === 1 && visible[item.to] === 1 && !hiddenRelations.has(data.edges[item.id][2]),
  });

  // --- title bar and legend --------------------------------------------------------------
  document.getElementById("kg-title").textContent = data.title;
  const perKind = data.kinds.filter((k) => k.count > 0).map((k) => k.kind + " " + fmt(k.count));
  document.getElementById("kg-counts").textContent =
    plural(data.nodes.length, "node") + " (" + (perKind.join(", ") || "none") + "), " + plural(data.edges.length, "edge");
  const notes = [];
  if (data.nodes.length < data.totalNodes) {
    notes.push("showing " + fmt(data.nodes.length) + " of " + fmt(data.totalNodes) + " nodes");
  }
  if (data.cappedOut > 0) notes.push(fmt(data.cappedOut) + " lower-degree nodes hidden");
  if (data.filteredOut > 0) notes.push(fmt(data.filteredOut) + " filtered out");
  document.getElementById("kg-notes").textContent = notes.join("; ");

  const legend = document.getElementById("kg-legend");
  for (const k of data.kinds) {
    const label = el("label");
    const box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.dataset.kind = k.kind;
    box.addEventListener("change", () => {
      if (box.checked) hiddenKinds.delete(k.kind);
      else hiddenKinds.add(k.kind);
      applyFilters();
    });
    const swatch = el("span", null, "kg-swatch");
    swatch.style.background = k.color;
    swatch.dataset.shape = k.shape;
    label.append(box, swatch, el("span", k.kind), el("span", fmt(k.count), "kg-count"));
    legend.append(label);
  }

  const relationLegend = document.getElementById("kg-relations");
  relationLegend.hidden = data.relations.length === 0;
  for (const r of data.relations) {
    const label = el("label");
    const box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.dataset.relation = r.relation;
    box.addEventListener("change", () => {
      if (box.checked) hiddenRelations.delete(r.relation);
      else hiddenRelations.add(r.relation);
      applyFilters();
    });
    const swatch = el("span", null, "kg-swatch kg-line");
    swatch.style.background = r.color;
    label.append(box, swatch, el("span", r.label), el("span", fmt(r.count), "kg-count"));
    relationLegend.append(label);
  }

  const confidence = document.getElementById("kg-confidence");
  confidence.addEventListener("input", () => {
    minConfidence = Number(confidence.value);
    document.getElementById("kg-confidence-value").textContent = minConfidence.toFixed(2);
    applyFilters();
  });
  const degree = document.getElementById("kg-degree");
  degree.addEventListener("change", () => {
    minDegree = Math.max(0, Math.floor(Number(degree.value) || 0));
    applyFilters();
  });

  function showVisibleCounts() {
    document.getElementById("kg-visible").textContent =
      "visible: " + plural(nodeView.length, "node") + ", " + plural(edgeView.length, "edge");
  }
  function applyFilters() {
    computeVisible();
    nodeView.refresh();
    edgeView.refresh();
    if (selected !== null && !visible[selected]) clearSelection();
    showVisibleCounts();
  }

  // --- the network -----------------------------------------------------------------------
  const groups = {};
  for (const k of data.kinds) groups[k.kind] = { shape: k.shape, color: groupColor(k.kind) };
  const many = data.nodes.length > 500;
  const options = {
    groups: groups,
    // Size by degree; labels grow with their node and are drawn only once they would be
    // readable on screen, so a big graph shows its hubs' names first and the rest on zoom.
    nodes: {
      font: { size: 12, color: FONT },
      borderWidth: 1,
      scaling: { min: 8, max: 48, label: { enabled: true, min: 10, max: 28, maxVisible: 28, drawThreshold: 7 } },
    },
    edges: {
      arrows: { to: { enabled: true, scaleFactor: 0.4 } },
      color: EDGE,
      width: 0.8,
      smooth: data.physics && !many ? { type: "continuous" } : false,
    },
    interaction: { hover: true, hideEdgesOnDrag: many, hideEdgesOnZoom: many, multiselect: false },
    // Every node comes with a position (seeded, computed in Python), so vis-network's own
    // initial layout is off; physics, when on, only polishes it for a bounded number of steps.
    layout: { randomSeed: data.seed, improvedLayout: false },
    physics: data.physics
      ? {
          enabled: true,
          solver: "forceAtlas2Based",
          forceAtlas2Based: { gravitationalConstant: -60, centralGravity: 0.01, springLength: 90, springConstant: 0.08, damping: 0.5, avoidOverlap: 0.2 },
          stabilization: { enabled: true, iterations: data.iterations, updateInterval: 25, fit: true },
        }
      : { enabled: false },
  };
  const container = document.getElementById("kg-network");
  timings.datasets = performance.now();
  const network = new vis.Network(container, { nodes: [], edges: [] }, options);
  window.kgNetwork = network;

  function ready() {
    if (window.kgReady) return;
    window.kgStats = { nodes: nodes.length, edges: edges.length, visibleNodes: nodeView.length, visibleEdges: edgeView.length };
    showVisibleCounts();
    window.kgReadyAt = timings.ready = performance.now();
    window.kgReady = true;
    document.body.dataset.ready = "true";
  }
  if (data.physics && data.nodes.length > 0) {
    network.once("stabilizationIterationsDone", () => {
      network.setOptions({ physics: { enabled: false } });
      ready();
    });
  } else {
    network.once("afterDrawing", ready);
  }
  network.setData({ nodes: nodeView, edges: edgeView });
  timings.setData = performance.now();
  if (data.nodes.length === 0) ready();

  // --- tooltip ---------------------------------------------------------------------------
  const tooltip = document.getElementById("kg-tooltip");
  let mouse = { x: 0, y: 0 };
  container.addEventListener("mousemove", (event) => {
    mouse = { x: event.clientX, y: event.clientY };
    if (!tooltip.hidden) placeTooltip();
  });
  function placeTooltip() {
    const x = Math.min(mouse.x + 14, window.innerWidth - tooltip.offsetWidth - 4);
    const y = Math.min(mouse.y + 14, window.innerHeight - tooltip.offsetHeight - 4);
    tooltip.style.left = Math.max(0, x) + "px";
    tooltip.style.top = Math.max(0, y) + "px";
  }
  function showTooltip(parts) {
    tooltip.replaceChildren(...parts);
    tooltip.hidden = false;
    placeTooltip();
  }
  function hideTooltip() {
    tooltip.hidden = true;
  }
  function valueText(n) {
    if (n.value === null || n.value === undefined) return n.valueText;
    return String(n.value) + (n.unit ? " " + n.unit : "");
  }
  // The facts about a node, as [name, text] pairs; shared by tooltip and side panel.
  function facts(n) {
    const rows = [];
    if (n.kind === "Paper") {
      if (n.title && n.title !== n.label) rows.push(["title", n.title]);
      if (n.paperId) rows.push(["id", n.paperId]);
      if (n.proposed.length) rows.push(["proposes", n.proposed.join(", ")]);
    } else if (n.kind === "Claim") {
      if (n.evidence) rows.push(["sentence", n.evidence]);
      const value = valueText(n);
      if (value) rows.push(["value", value]);
    } else if (n.kind !== "CodeRepository") {
      if (n.aliases.length) rows.push(["aliases", n.aliases.join(", ")]);
      rows.push(["papers", fmt(n.papers)]);
    }
    if (n.confidence < 1) rows.push(["confidence", n.confidence.toFixed(2)]);
    return rows;
  }
  network.on("hoverNode", (params) => {
    const n = byId.get(params.node);
    const parts = [el("strong", n.label), el("div", n.kind, "kg-kind")];
    for (const [name, text] of facts(n)) parts.push(el("div", name + ": " + text));
    if (n.url) parts.push(el("div", "url: " + n.url));
    showTooltip(parts);
  });
  function relationName(relation) {
    const r = relationInfo.get(relation);
    return r ? r.label : relation;
  }
  network.on("hoverEdge", (params) => {
    const [from, to, relation, detail] = data.edges[params.edge];
    const parts = [el("div", byId.get(from).label + " \u2192 " + relationName(relation) + " \u2192 " + byId.get(to).label)];
    if (detail >= 0) parts.push(el("div", "stated by " + plural(data.relationDetails[detail].papers, "paper") + "; click for the sentences"));
    showTooltip(parts);
  });
  network.on("blurNode", hideTooltip);
  network.on("blurEdge", hideTooltip);
  network.on("dragStart", hideTooltip);
  network.on("zoom", hideTooltip);

  // --- selection: neighbourhood highlight and side panel ---------------------------------
  let selected = null;
  const dimmedNodes = new Uint8Array(data.nodes.length);
  const dimmedEdges = new Uint8Array(data.edges.length);
  function setDimming(keepNodes, keepEdges) {
    const nodeUpdates = [];
    for (const n of data.nodes) {
      const dim = keepNodes === null || keepNodes.has(n.id) ? 0 : 1;
      if (dim !== dimmedNodes[n.id]) {
        dimmedNodes[n.id] = dim;
        nodeUpdates.push(dim ? { id: n.id, color: DIM_NODE, font: { color: DIM_FONT } } : { id: n.id, color: groupColor(n.kind), font: { color: FONT } });
      }
    }
    const edgeUpdates = [];
    for (let i = 0; i < data.edges.length; i++) {
      const dim = keepEdges === null || keepEdges.has(i) ? 0 : 1;
      if (dim !== dimmedEdges[i]) {
        dimmedEdges[i] = dim;
        edgeUpdates.push({ id: i, color: dim ? DIM_EDGE : edgeColor(data.edges[i][2]) });
      }
    }
    if (nodeUpdates.length) nodes.update(nodeUpdates);
    if (edgeUpdates.length) edges.update(edgeUpdates);
  }
  function selectNode(id) {
    selected = id;
    const keepNodes = new Set([id]);
    const keepEdges = new Set();
    for (const link of links.get(id)) {
      keepNodes.add(link.other);
      keepEdges.add(link.edge);
    }
    setDimming(keepNodes, keepEdges);
    showPanel(byId.get(id));
  }
  function clearSelection() {
    selected = null;
    network.unselectAll();
    setDimming(null, null);
    document.getElementById("kg-panel").hidden = true;
  }
  function papersOf(n) {
    if (n.kind === "Paper") return [n];
    const seen = new Set();
    const papers = [];
    for (const link of links.get(n.id)) {
      const other = byId.get(link.other);
      if (other.kind === "Paper" && !seen.has(other.id)) {
        seen.add(other.id);
        papers.push(other);
      }
    }
    return papers.sort((a, b) => a.label.localeCompare(b.label));
  }
  function listSection(body, heading, items, render) {
    body.append(el("h3", heading + " (" + fmt(items.length) + ")"));
    const list = el("ul");
    for (const item of items.slice(0, MAX_LIST)) list.append(render(item));
    if (items.length > MAX_LIST) list.append(el("li", "and " + fmt(items.length - MAX_LIST) + " more"));
    body.append(list);
  }
  function showPanel(n) {
    const body = document.getElementById("kg-panel-body");
    body.replaceChildren(el("h2", n.label), el("div", n.kind + " \u00b7 " + n.iri, "kg-kind"));
    for (const [name, text] of facts(n)) {
      const p = el("p");
      p.append(el("strong", name + ": "), document.createTextNode(text));
      body.append(p);
    }
    if (n.url) {
      const p = el("p");
      p.append(el("strong", "link: "), linkOrText(n.url));
      body.append(p);
    }
    listSection(body, "Papers", papersOf(n), (paper) => {
      const li = el("li");
      li.append(el("span", paper.title || paper.label));
      if (paper.paperId) li.append(document.createTextNode(" [" + paper.paperId + "]"));
      if (paper.url) li.append(document.createTextNode(" "), linkOrText(paper.url, "link"));
      return li;
    });
    const related = links.get(n.id).map((link) => ({ link: link, other: byId.get(link.other) }));
    listSection(body, "Links", related, ({ link, other }) =>
      el("li", (link.out ? relationName(link.relation) + " \u2192 " : "\u2190 " + relationName(link.relation) + " ") + other.label + " (" + other.kind + ")")
    );
    document.getElementById("kg-panel").hidden = false;
  }
  function showRelationPanel(edge) {
    const [from, to, relation, detail] = data.edges[edge];
    const info = data.relationDetails[detail];
    const body = document.getElementById("kg-panel-body");
    body.replaceChildren(
      el("h2", byId.get(from).label + " \u2192 " + relationName(relation) + " \u2192 " + byId.get(to).label),
      el("div", "relation \u00b7 stated by " + plural(info.papers, "paper") + " \u00b7 best confidence " + info.confidence.toFixed(2), "kg-kind")
    );
    const sentences = info.evidence.map((sentence, k) => ({ sentence: sentence, paper: info.evidencePapers[k] || "" }));
    listSection(body, "Evidence", sentences, ({ sentence, paper }) => {
      const li = el("li");
      li.append(el("q", sentence));
      if (paper) li.append(document.createTextNode(" \u2014 " + paper));
      return li;
    });
    document.getElementById("kg-panel").hidden = false;
  }
  network.on("click", (params) => {
    if (params.nodes.length) selectNode(params.nodes[0]);
    else if (params.edges.length && data.edges[params.edges[0]][3] >= 0) {
      const [from, to] = data.edges[params.edges[0]];
      selected = null;
      setDimming(new Set([from, to]), new Set([params.edges[0]]));
      showRelationPanel(params.edges[0]);
    } else if (selected !== null) clearSelection();
    else {
      setDimming(null, null);
      document.getElementById("kg-panel").hidden = true;
    }
  });
  document.getElementById("kg-panel-close").addEventListener("click", clearSelection);

  // --- search ----------------------------------------------------------------------------
  const names = document.getElementById("kg-names");
  const seenNames = new Set();
  for (const n of data.nodes) {
    for (const name of [n.label].concat(n.aliases || [])) {
      if (!seenNames.has(name)) {
        seenNames.add(name);
        const option = el("option");
        option.value = name;
        names.append(option);
      }
    }
  }
  // Best match: an exact name beats a prefix beats a substring; then the most connected.
  function find(query) {
    const q = query.trim().toLowerCase();
    if (q === "") return null;
    let best = null;
    let bestScore = 0;
    for (const n of data.nodes) {
      let score = 0;
      for (const name of [n.label].concat(n.aliases || [])) {
        const s = name.toLowerCase();
        if (s === q) score = Math.max(score, 3);
        else if (s.startsWith(q)) score = Math.max(score, 2);
        else if (s.includes(q)) score = Math.max(score, 1);
      }
      if (score > bestScore || (score > 0 && score === bestScore && n.degree > best.degree)) {
        best = n;
        bestScore = score;
      }
    }
    return best;
  }
  const status = document.getElementById("kg-search-status");
  function search(query) {
    const n = find(query);
    if (n === null) {
      status.textContent = query.trim() ? "no node matches" : "";
      return null;
    }
    if (!visible[n.id]) {
      status.textContent = n.label + " is hidden by the filters";
      return null;
    }
    status.textContent = "found " + n.kind + ": " + n.label;
    network.selectNodes([n.id]);
    network.focus(n.id, { scale: 1.2, animation: { duration: 400, easingFunction: "easeInOutQuad" } });
    selectNode(n.id);
    return n.id;
  }
  const searchBox = document.getElementById("kg-search");
  searchBox.addEventListener("change", () => search(searchBox.value));
  searchBox.addEventListener("keydown", (event) => {
    if (event.key === "Enter") search(searchBox.value);
  });
  window.kgSearch = search;
  window.kgIdOf = (iri) => {
    const n = data.nodes.find((node) => node.iri === iri);
    return n === undefined ? null : n.id;
  };
  window.kgData = () => data; // the page's data, read-only by convention (tests, the console)
})();
