// policykg web pages: a hash router over the HTTP API (same origin). Plain JS, no build step.
// Every page is a URL: #/search?q=…, #/provision/<ref>, #/cascade/<ref>, #/matrix/<document>,
// #/document/<ref>?span=START-END, #/agency/<ref>?region=…, #/compare?region=…&a=…&b=…  Long lists
// (lineage, cascade) say how many of how many they show; ?limit=N sets their page size. Every
// answer can be taken away as CSV or Excel (the API's ?format=), and the lineage drawing as SVG or PNG.
//
// Answers are read as the API's OpenAPI schema states them (the models of policykg/queries/answers.py):
// a field the schema guarantees is read as it is, not guarded. JSDoc names the schema type of each
// value taken from an answer (@returns on the fetchers, @param, @type, @typedef for the page's own
// shapes); tests/test_web_schema.py checks every field read here against the schema of the route
// it came from.
"use strict";

(() => {
  const API = new URL("..", document.baseURI); // pages live at /ui/, the API at /
  const app = document.getElementById("app");
  const LEVELS = { national: "国家", province: "省级", city: "市级", county: "县级", town: "乡镇级" };
  const LEVEL_RANK = { national: 0, province: 1, city: 2, county: 3, town: 4 };
  const KINDS = { DERIVES_FROM: "落实上级", CONTINUES: "延续往年" };
  // Why two documents are compared (the linker's reason) and how a task was restated, in the page's words.
  const REASONS = { implements: "文件称落实该文件", cites: "文件引用该文件", title: "标题主题一致", matches: "多条任务相似", unrelated: "近乎原文照录" };
  const SHAPES = { merged: "合并多项任务", split: "拆分为多项", "merged and split": "合并且拆分" };
  const ROLES = { lead: "牵头", support: "配合" };
  const ROLE_SOURCES = { annotation: "条款括注", legend: "括注+说明", list: "责任单位列表", table: "任务表", heading: "职责条目", issuer: "发文机关", text: "正文" };
  const CHANGES = { raised: "提高", lowered: "降低", same: "不变", changed: "改变", added: "新增", dropped: "删除" };
  const STATUS = { kept: "保留", added: "新增", dropped: "删除" };
  const THEME_KINDS = { section: "篇章", facility_type: "设施类型", program: "项目", FacilityType: "设施类型", Program: "项目", entity: "实体" };
  let generation = 0; // a newer navigation makes older answers stale
  let started = 0;
  let laps = {}; // ms since navigation at which a page had its answers, drew its HTML, drew its graph
  const lap = (name) => { laps[name] = Math.round(performance.now() - started); };

  // --- small helpers -------------------------------------------------------------------------

  const esc = (v) => String(v ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const arr = (v) => (Array.isArray(v) ? v : []);
  const num = (v) => (typeof v === "number" && Number.isFinite(v) ? v : null);
  const score = (v) => (num(v) === null ? "" : num(v).toFixed(2));
  const level = (v) => LEVELS[v] || v || "";
  // Items asked per page of a long list: the page's default, or ?limit=N in the URL (1–500, the API's bounds).
  const pageSize = (params, fallback) => {
    const n = Number.parseInt(params.get("limit") || "", 10);
    return Number.isInteger(n) && n >= 1 ? Math.min(n, 500) : fallback;
  };

  function href(page, arg, params) {
    let h = `#/${page}`;
    if (arg) h += `/${encodeURIComponent(arg)}`;
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== "") q.set(k, v);
    const qs = q.toString();
    return qs ? `${h}?${qs}` : h;
  }

  // FastAPI's own 422s list the parameters that failed validation; the page names them in Chinese.
  const PARAMS = { agency: "机构", region: "地区", year: "年份", year_a: "较早年份", year_b: "较晚年份", years: "年份", q: "检索内容", ref: "条款或文件", limit: "条数", offset: "起始位置", level: "层级", role: "角色", depth: "层数" };
  function detailText(detail) {
    if (typeof detail === "string") return detail;
    const names = arr(detail).map((d) => PARAMS[arr(d?.loc).at(-1)] || arr(d?.loc).at(-1)).filter(Boolean);
    return names.length ? `参数不正确:${[...new Set(names)].join("、")}` : "请求参数不正确";
  }

  class ApiError extends Error {
    constructor(status, detail, candidates, suggestions) {
      super(detailText(detail));
      this.status = status;
      this.candidates = arr(candidates);
      this.suggestions = arr(suggestions);
    }
  }

  async function api(path, params) {
    const url = new URL(path.replace(/^\//, ""), API);
    for (const [k, v] of Object.entries(params || {})) {
      if (Array.isArray(v)) for (const x of v) url.searchParams.append(k, x); // a list parameter repeats (years=2020&years=2024)
      else if (v !== undefined && v !== null && v !== "") url.searchParams.set(k, v);
    }
    // Chinese pages ask for Chinese messages (the API's Problem.detail follows Accept-Language).
    const res = await fetch(url, { headers: { Accept: "application/json", "Accept-Language": "zh-CN,zh;q=0.9" } });
    let body = null;
    try { body = await res.json(); } catch { body = null; }
    if (!res.ok) {
      // An error answers a Problem (FastAPI's own 422s too: their detail is a list, and no candidates).
      /** @type {Problem|null} */
      const problem = body;
      throw new ApiError(res.status, problem?.detail ?? res.statusText, problem?.candidates, problem?.suggestions);
    }
    return body ?? {};
  }

  const quiet = (promise) => promise.catch(() => null); // optional extras never break a page

  // --- the answers: one fetcher per route, typed with the route's response schema ---------------

  /** @returns {Promise<Page_DocRef_>} */
  const getDocuments = (params) => api("/documents", params);
  /** @returns {Promise<ProvisionAnswer>} */
  const getProvision = (ref) => api(`/provisions/${encodeURIComponent(ref)}`);
  /** @returns {Promise<LineageAnswer>} */
  const getLineage = (ref, params) => api(`/provisions/${encodeURIComponent(ref)}/lineage`, params);
  /** @returns {Promise<CascadeAnswer>} */
  const getCascade = (ref, params) => api(`/cascade/${encodeURIComponent(ref)}`, params);
  /** @returns {Promise<ObligationsAnswer>} */
  const getObligations = (params) => api("/obligations", params);
  /** @returns {Promise<CompareAnswer>} */
  const getCompare = (params) => api("/compare", params);
  /** @returns {Promise<SearchAnswer>} */
  const getSearch = (params) => api("/search", params);
  /** @returns {Promise<EntityAnswer>} */
  const getEntities = (params) => api("/entities", params);
  /** @returns {Promise<CoverageMatrixAnswer>} */
  const getMatrix = (ref) => api(`/cascade/${encodeURIComponent(ref)}/matrix`);
  /** @returns {Promise<DocumentTextAnswer>} */
  const getDocumentText = (ref) => api(`/documents/${encodeURIComponent(ref)}/text`);
  /** @returns {Promise<TimelineAnswer>} */
  const getTimeline = (params) => api("/timeline", params);

  // "导出 CSV / Excel": the same question asked of the API as a table (every item, Chinese headers).
  function exportLinks(path, params, label = "导出表格") {
    const link = (format) => {
      const url = new URL(path.replace(/^\//, ""), API);
      for (const [k, v] of Object.entries(params || {})) {
        if (k === "limit" || k === "offset") continue; // a table holds every item
        if (Array.isArray(v)) for (const x of v) url.searchParams.append(k, x);
        else if (v !== undefined && v !== null && v !== "") url.searchParams.set(k, v);
      }
      url.searchParams.set("format", format);
      url.searchParams.set("lang", "zh");
      return `${url.pathname}${url.search}`;
    };
    return `<span class="export"><span class="muted small">${esc(label)}:</span><a class="button" data-export="csv" href="${esc(link("csv"))}" download>CSV</a><a class="button" data-export="xlsx" href="${esc(link("xlsx"))}" download>Excel</a></span>`;
  }

  // The newest documents, asked once per visit: the start page lists them, forms offer their regions.
  let documentsOnce = null;
  /** @returns {Promise<DocRef[]>} */
  const documents = () => (documentsOnce ||= quiet(getDocuments({ limit: 200 })).then((listed) => (listed ? listed.items.filter((d) => !d.stub) : [])));

  /** @param {DocRef[]} docs */
  function fillRegions(docs) {
    const list = document.getElementById("regions");
    if (!list || list.childElementCount) return;
    const regions = [...new Set(docs.map((d) => d.region).filter(Boolean))].sort();
    list.innerHTML = regions.map((r) => `<option value="${esc(r)}">`).join("");
  }

  function firstSentence(text) {
    const t = String(text ?? "");
    const m = t.match(/^[\s\S]*?[。;;!?!?](?=.)/);
    const s = m ? m[0] : t;
    return s.length > 140 ? `${s.slice(0, 139)}…` : s;
  }

  /** @param {ProvisionBrief} p */
  function provLink(p, text) {
    return `<a href="${href("provision", p.id)}" data-provision="${esc(p.id)}">${esc(text ?? p.cite)}</a>`;
  }

  /** @param {DocRef|null} d */
  function docLabel(d) {
    if (!d) return "";
    return [d.doc_number, d.title].filter(Boolean).join(" ") || d.source || d.id;
  }

  // A document's title opens the reader (a cited-only stub has no text to read: it stays words).
  /** @param {DocRef|null} d */
  function docLink(d, text) {
    if (!d) return "";
    const words = esc(text ?? docLabel(d));
    return d.stub ? words : `<a href="${href("document", d.id)}" data-document="${esc(d.id)}">${words}</a>`;
  }

  /** @param {ProvisionRef} p */
  function metaLine(p) {
    const title = p.doc_title && (p.document ? `<a href="${href("document", p.document, { provision: p.id })}">《${esc(p.doc_title)}》</a>` : `《${esc(p.doc_title)}》`);
    const parts = [title, p.doc_number && esc(p.doc_number), p.year && `${esc(p.year)}年`,
      p.region && esc(p.region), p.level && esc(level(p.level))].filter(Boolean);
    return `<div class="meta">${parts.map((x) => `<span>${x}</span>`).join("")}</div>`;
  }

  /** @param {TargetRef} t */
  function targetText(t) {
    if (t.words) return t.words;
    return [t.subject, t.comparator, num(t.value), t.unit, t.deadline && `(${t.deadline})`].filter((x) => x !== null && x !== undefined && x !== "").join(" ");
  }

  /** @param {TargetRef|null} t */
  function targetValue(t) {
    if (!t) return "—";
    const v = num(t.value);
    return [t.comparator, v === null ? "" : String(v), t.unit].filter(Boolean).join(" ") || "—";
  }

  /** @param {TargetChange} c */
  function changeCell(c) {
    const kind = c.change;
    return `<span class="change-${esc(kind)}">${esc(CHANGES[kind] || kind)}</span>`;
  }

  // Highlight: each character gets the set of classes of every needle covering it; runs of equal sets
  // become one span, so overlapping entities (an agency inside a target's words) both stay visible.
  // Matching is on NFKC forms (full-/half-width brackets alike) when that keeps the length.
  function highlight(text, needles) {
    const raw = String(text ?? "");
    const normed = raw.normalize("NFKC");
    const hay = normed.length === raw.length ? normed : raw;
    const classes = Array.from({ length: raw.length }, () => new Set());
    const titles = Array.from({ length: raw.length }, () => new Set());
    for (const n of needles) {
      const words = String(n.text ?? "").trim();
      if (words.length < 2) continue;
      const needle = hay === normed ? words.normalize("NFKC") : words;
      for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + needle.length)) {
        for (let j = i; j < i + needle.length; j++) {
          classes[j].add(n.cls);
          if (n.title) titles[j].add(n.title);
        }
      }
    }
    let out = "";
    let i = 0;
    while (i < raw.length) {
      const key = [...classes[i]].sort().join(" ");
      let j = i + 1;
      while (j < raw.length && [...classes[j]].sort().join(" ") === key) j++;
      const chunk = esc(raw.slice(i, j));
      out += key ? `<span class="${esc(key)}" title="${esc([...titles[i]].join(";"))}">${chunk}</span>` : chunk;
      i = j;
    }
    return out;
  }

  const wordsOf = (...values) => values.flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v) => typeof v === "string" && v.trim());

  // Did you mean…: each name the API suggests, as the same page asked with that name.
  function suggestionHref(page, suggestion, arg, params) {
    const query = Object.fromEntries(params ? params.entries() : []);
    const isRegion = /(省|市|自治区|自治州|区|县|州|盟|旗)$/.test(suggestion) && !/(局|委|厅|办|院|府|会)$/.test(suggestion);
    if (page === "compare" || (page === "search" && isRegion)) return href(page, "", { ...query, region: suggestion });
    if (page === "search") return href("search", "", { ...query, q: suggestion });
    return href(page, suggestion, query);
  }

  function errorBox(err, page, arg, params) {
    // An ApiError carries the candidates of the API's Problem; any other error (a network failure) none.
    /** @type {(DocRef|ProvisionRef|EntityCandidate)[]} */
    const candidates = err instanceof ApiError ? err.candidates : [];
    const items = candidates.slice(0, 30).map((c) => {
      const label = c.cite || c.name || c.title || c.id;
      const type = { Agency: "agency", Program: "program", FacilityType: "facility_type" }[c.kind];
      const target = page === "search" && type ? href("search", "", { q: c.name || c.id, type, region: c.region })
        : c.kind === "Agency" || page === "agency" ? href("agency", c.id)
        : c.kind === "Provision" || page === "provision" || page === "cascade" ? href(page === "cascade" ? "cascade" : "provision", c.id)
          : null;
      const where = c.region ? `(${esc(c.region)})` : "";
      return `<li>${target ? `<a href="${target}">${esc(label)}</a>` : esc(label)}${where}</li>`;
    });
    const notFound = err?.status === 404 ? "未找到" : err?.status === 422 ? "无法确定" : "出错了";
    /** @type {string[]} */
    const suggestions = err instanceof ApiError ? err.suggestions : [];
    const near = suggestions.map((s) => `<a class="suggestion" href="${suggestionHref(page, s, arg, params)}">${esc(s)}</a>`).join("、");
    const offline = err instanceof TypeError && /fetch/i.test(err.message);
    // The message names the suggestions too (for the CLI and API); here they are links below it.
    const said = err instanceof ApiError ? err.message.replace(near ? /。?您要找的是不是:.*$/ : /$^/, "。") : "";
    const message = err instanceof ApiError ? said : offline ? "无法连接服务器,请稍后再试。" : `页面出错:${err?.message || err}`;
    return `<div class="error" role="alert"><b>${notFound}:</b>${esc(message)}${near ? `<p class="did-you-mean">您要找的是不是:${near}</p>` : ""}${items.length ? `<p>可能是指:</p><ul>${items.join("")}</ul>` : ""}</div>`;
  }

  // --- router --------------------------------------------------------------------------------

  const PAGES = { search: searchPage, provision: provisionPage, cascade: cascadePage, matrix: matrixPage, document: documentPage, agency: agencyPage, compare: comparePage };

  function parseHash() {
    const h = location.hash.replace(/^#\/?/, "");
    const [path, query] = h.split("?", 2);
    const [page, ...rest] = path.split("/");
    return { page: PAGES[page] ? page : "search", arg: rest.length ? decodeURIComponent(rest.join("/")) : "", params: new URLSearchParams(query || "") };
  }

  async function route() {
    const mine = ++generation;
    started = performance.now();
    laps = {};
    const { page, arg, params } = parseHash();
    document.body.dataset.ready = "";
    document.body.dataset.page = page;
    for (const a of document.querySelectorAll("header nav a[data-nav]")) a.classList.toggle("active", a.dataset.nav === page);
    app.innerHTML = `<div class="loading">正在加载…</div>`;
    if (window.__pkgCy) { window.__pkgCy.destroy(); window.__pkgCy = null; }
    const stale = () => mine !== generation;
    try {
      await PAGES[page](arg, params, stale);
    } catch (err) {
      if (stale()) return;
      app.innerHTML = errorBox(err, page, arg, params);
    }
    if (stale()) return;
    const ms = Math.round(performance.now() - started);
    window.__pkgTiming = { page, ms, hash: location.hash, laps };
    document.getElementById("timing").textContent = `本页用时 ${ms} ms`;
    const h1 = app.querySelector("h1")?.textContent.trim();
    document.title = h1 ? `${h1} · policykg` : "policykg · 卫生政策知识图谱";
    document.body.dataset.ready = page;
    if (page !== "provision" && "requestIdleCallback" in window) requestIdleCallback(() => loadCytoscape().catch(() => {}));
  }

  window.addEventListener("hashchange", route);
  window.addEventListener("DOMContentLoaded", route);

  // --- search --------------------------------------------------------------------------------

  const SEARCH_TYPES = { text: "全文", agency: "机构", program: "项目", facility_type: "设施类型" };

  async function searchPage(_arg, params, stale) {
    const f = Object.fromEntries(["q", "type", "region", "year", "level", "offset"].map((k) => [k, params.get(k) || ""]));
    f.type = SEARCH_TYPES[f.type] ? f.type : "text";
    const offset = Number.parseInt(f.offset, 10) || 0;
    const limit = 20;
    const wanted = f.q || f.region || f.year || f.level;
    const query = { region: f.region, year: f.year, level: f.level, limit, offset };
    if (f.type === "text") query.q = f.q; else query[f.type] = f.q;
    /** @type {SearchAnswer|null} */
    let answer = null;
    let failure = null;
    if (wanted) {
      try { answer = await getSearch(query); } catch (err) { failure = err; }
    }
    /** @type {DocRef[]} */
    const docs = wanted ? [] : await documents();
    if (stale()) return;
    let html = `<h1>条款检索</h1>${searchForm(f)}`;
    if (!wanted) html += documentList(docs);
    else if (!answer) html += errorBox(failure, "search", "", params);
    else html += `<div id="chips"></div><p class="toolbar">${exportLinks("/search", { ...query, limit: undefined, offset: undefined }, "导出全部结果")}</p>${searchResults(answer, f, offset, limit)}`;
    app.innerHTML = html;
    documents().then((d) => !stale() && fillRegions(d));
    // Names that are also entities link to their pages; asked after the results, which come first.
    if (wanted && f.q) {
      quiet(getEntities({ name: f.q, limit: 1, region: f.region })).then((found) => {
        const box = !stale() && document.getElementById("chips");
        if (box) box.innerHTML = entityChips(found, f);
      });
    }
    const form = app.querySelector("form.bar");
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const data = Object.fromEntries(new FormData(form).entries());
      location.hash = href("search", "", { ...data, type: data.type === "text" ? "" : data.type });
    });
  }

  function searchForm(f) {
    const opt = (value, label, current) => `<option value="${esc(value)}"${value === current ? " selected" : ""}>${esc(label)}</option>`;
    return `<form class="bar" role="search">
      <label>检索内容<input class="q" name="q" value="${esc(f.q)}" placeholder="如:胸痛中心 医保支付、省医保局、紧密型县域医共体" autofocus></label>
      <label>类型<select name="type">${Object.entries(SEARCH_TYPES).map(([v, l]) => opt(v, l, f.type)).join("")}</select></label>
      <label>地区<input name="region" list="regions" value="${esc(f.region)}" placeholder="全部"></label>
      <datalist id="regions"></datalist>
      <label>年份<input class="year" name="year" type="number" min="1900" max="2100" value="${esc(f.year)}" placeholder="全部"></label>
      <label>层级<select name="level">${opt("", "全部", f.level)}${Object.entries(LEVELS).map(([v, l]) => opt(v, l, f.level)).join("")}</select></label>
      <button type="submit">检索</button>
    </form>`;
  }

  /** @param {DocRef[]} loaded */
  function documentList(loaded) {
    if (!loaded.length) return `<p class="muted">库中还没有文件。</p>`;
    const rows = loaded.map((d) => `<tr>
      <td>${esc(d.year ?? "")}</td><td>${esc(d.region ?? "")}</td><td>${esc(level(d.level))}</td>
      <td>${docLink(d, d.title || d.source || d.id)}</td>
      <td>${esc(d.doc_number ?? "")}</td><td>${esc(d.issuer ?? "")}</td>
      <td class="actions"><a href="${href("search", "", { region: d.region, year: d.year, level: d.level })}">同地同年条款</a>${d.level === "province" || d.level === "national" ? `<a href="${href("matrix", d.id)}">覆盖矩阵</a><a href="${href("cascade", d.id)}">下级落实</a>` : ""}</td></tr>`);
    return `<h2>已收录文件(${loaded.length})</h2>
      <table class="grid"><thead><tr><th>年份</th><th>地区</th><th>层级</th><th>标题</th><th>文号</th><th>发文机关</th><th></th></tr></thead>
      <tbody>${rows.join("")}</tbody></table>`;
  }

  /** @param {EntityAnswer|null} answer */
  function entityChips(answer, f) {
    if (!answer) return "";
    const chips = answer.matches.map((m) => {
      if (m.kind === "Agency") return `<a href="${href("agency", m.id, { region: f.region })}">机构:${esc(m.name)} → 职责</a>`;
      const type = m.kind === "Program" ? "program" : m.kind === "FacilityType" ? "facility_type" : null;
      return type ? `<a href="${href("search", "", { q: m.name, type })}">${m.kind === "Program" ? "项目" : "设施类型"}:${esc(m.name)}</a>` : "";
    }).filter(Boolean);
    return chips.length ? `<p class="chips small">相关实体:${chips.join("")}</p>` : "";
  }

  /** @param {SearchAnswer} answer */
  function searchResults(answer, f, offset, limit) {
    const items = answer.items;
    const total = answer.total;
    const terms = answer.terms.length ? answer.terms : f.type === "text" ? wordsOf(...String(f.q).split(/\s+/)) : [];
    let html = `<p class="summary">共 ${total} 条条款${answer.mode === "some" ? "(没有条款同时包含全部词语,按命中词数排列)" : ""}</p>`;
    if (!items.length) return `${html}<p>没有找到条款。换个说法,或去掉一些筛选条件试试。</p>`;
    html += `<ol class="hits">${items.map((hit) => {
      const p = hit.provision;
      const marked = hitText(p.text || hit.snippet, terms, hit.highlights);
      return `<li><div class="hit-title">${provLink(p)} <span class="muted">${esc(p.heading ?? "")}</span></div>
        <div class="hit-text">${marked}</div>${metaLine(p)}</li>`;
    }).join("")}</ol>`;
    const page = (o) => href("search", "", { ...f, type: f.type === "text" ? "" : f.type, offset: o || "" });
    html += `<div class="pager">${offset > 0 ? `<a href="${page(Math.max(0, offset - limit))}">← 上一页</a>` : ""}
      <span class="muted">${offset + 1}–${offset + items.length} / ${total}</span>
      ${offset + items.length < total ? `<a href="${page(offset + limit)}">下一页 →</a>` : ""}</div>`;
    return html;
  }

  // The first sentence; when the heading is all of it, the next one too. If the matched words come
  // later, a window around the first match follows, so a hit shows why it was found.
  function hitText(text, terms, spans) {
    let shown = firstSentence(text);
    if (shown.length < 30 && text.length > shown.length) shown += firstSentence(text.slice(shown.length));
    const needles = terms.map((t) => ({ text: t, cls: "ev0" }));
    let html = highlight(shown, needles);
    const at = spans.map((s) => s[0]).sort((a, b) => a - b);
    const first = at.find((n) => n >= shown.length) ?? -1;
    const seen = terms.some((t) => shown.includes(t));
    if (!seen && first > 0) {
      const from = Math.max(shown.length, first - 30);
      const window = text.slice(from, first + 70);
      html += ` <span class="muted">…</span>${highlight(window, needles)}${first + 70 < text.length ? `<span class="muted">…</span>` : ""}`;
    }
    return html;
  }

  // --- provision -----------------------------------------------------------------------------

  /**
   * A lineage hop as the provision page holds it: the API's hop and the list it was loaded into
   * (up: what the provision implements or continues; down: what implements or continues it).
   * @typedef {object} ShownHop
   * @property {Hop} hop
   * @property {"up"|"down"} dir
   */

  async function provisionPage(ref, params, stale) {
    if (!ref) throw new ApiError(404, "没有指定条款");
    const limit = pageSize(params, 100);
    /** @returns {Promise<LineageAnswer>} */
    const lineageAt = (offset) => getLineage(ref, { depth: 2, limit, offset });
    const graphLib = loadCytoscape();
    const [answer, lineage] = await Promise.all([getProvision(ref), quiet(lineageAt(0))]);
    if (stale()) return;
    lap("data");
    const p = answer.provision;
    // One list of every hop loaded so far (data-hop indexes it); each direction pages on its own.
    /** @type {ShownHop[]} */
    const hops = [];
    const totals = { up: 0, down: 0 };
    /** @param {Page_Hop_} part */
    const add = (dir, part) => {
      hops.push(...part.items.map((hop) => ({ hop, dir })));
      totals[dir] = Math.max(part.total, hops.filter((s) => s.dir === dir).length);
    };
    if (lineage) {
      add("up", lineage.upstream);
      add("down", lineage.downstream);
    }
    const total = totals.up + totals.down;
    const drawn = graphHops(hops, p.id);
    const needles = entityNeedles(answer, new Map());
    app.innerHTML = `
      <div class="meta"><a href="${href("search", "", { region: p.region, year: p.year })}">${esc(p.region ?? "")} ${esc(p.year ?? "")}</a>
        ${p.section ? `<span>${esc(p.section)}</span>` : ""}</div>
      <h1>${esc(p.cite)} ${esc(p.heading ?? "")}</h1>
      ${metaLine(p)}
      <div class="layout">
        <div>
          <div class="legend"><span class="hl-lead">牵头单位</span><span class="hl-support">配合单位</span>
            <span class="hl-facility">设施类型</span><span class="hl-program">项目</span><span class="hl-target">目标</span></div>
          <div class="fulltext" id="fulltext">${highlight(p.text, needles)}</div>
          ${p.level === "province" || p.level === "national" ? `<p><a href="${href("cascade", p.id)}">查看下级地区落实情况 →</a></p>` : ""}
        </div>
        <aside class="side">${provisionSide(answer)}</aside>
      </div>
      <h2>政策沿袭</h2>
      <p class="toolbar">${exportLinks(`/provisions/${encodeURIComponent(p.id)}/lineage`, { depth: 2 }, "导出沿袭表")}</p>
      ${lineage ? documentLineage(lineage) : ""}
      ${drawn.hops.length ? `<div id="graph" role="img" aria-label="沿袭关系图"></div>
        <div class="graph-tools" id="graph-tools"></div>
        <div class="graph-legend">自上而下:国家、省级、市级、县级、乡镇级;自左而右:年份。每个方框:文号(或文件简称)、条目与标题、地区与年份。实线:落实上级;虚线:延续往年。点击条款打开,点击连线查看匹配词句。
          ${drawn.hops.length < total ? `<span id="graph-shown">图中只画出已载入关系中的 ${drawn.hops.length} 条(涉及 ${drawn.nodes} 个关联条款;直接关联优先,同层按得分从高到低),共 ${total} 条关系,见下方列表。</span>` : ""}</div>`
        : !lineage ? `<p class="error">沿袭关系暂时无法加载,请稍后刷新。</p>` : total ? "" : `<p class="muted">尚未发现与其他条款的沿袭关系。</p>`}
      ${["up", "down"].map((dir) => hopSection(dir, totals[dir], hops, p.id)).join("")}`;
    const more = async (dir) => {
      const shown = hops.filter((s) => s.dir === dir).length;
      const next = await lineageAt(shown);
      if (stale()) return;
      const from = hops.length;
      add(dir, dir === "up" ? next.upstream : next.downstream);
      const box = app.querySelector(`section.hop-list[data-dir="${dir}"] .hops`);
      box.insertAdjacentHTML("beforeend", hops.slice(from).map((s, k) => hopDetails(s, from + k, p.id)).join(""));
      wireHops(hops, [...box.querySelectorAll("details[data-hop]")].filter((d) => Number(d.dataset.hop) >= from));
      updateHopSection(dir, hops, totals[dir], limit, hops.length === from, () => more(dir), stale);
    };
    for (const dir of ["up", "down"]) updateHopSection(dir, hops, totals[dir], limit, false, () => more(dir), stale);
    wireHops(hops, [...app.querySelectorAll(".hops details[data-hop]")]);
    const first = app.querySelector(".hops details[data-hop]");
    if (first) { first.open = true; first.dispatchEvent(new Event("toggle")); }
    lap("html");
    if (drawn.hops.length) {
      try {
        await graphLib;
        if (stale()) return;
        drawLineage(p, drawn.hops);
        lap("graph");
      } catch (err) {
        document.getElementById("graph").innerHTML = `<p class="error">关系图无法显示:${esc(err.message)}</p>`;
      }
    }
    enhanceMentions(answer, stale); // aliases of facility types and programs, after first paint
  }

  // Lineage lists: upstream (what this provision implements or continues), downstream (what
  // implements or continues it). The API lists each direction breadth first: the direct hops by
  // score, highest first, then the hops through one intermediate provision.
  const HOP_TITLES = { up: "上游:本条落实或延续的条款", down: "下游:落实或延续本条的条款" };

  /** @param {ShownHop[]} hops */
  function hopSection(dir, total, hops, focus) {
    if (!total) return "";
    const mine = [];
    hops.forEach((s, i) => { if (s.dir === dir) mine.push(hopDetails(s, i, focus)); });
    return `<section class="hop-list" data-dir="${dir}"><h3>${HOP_TITLES[dir]}</h3>
      <p class="summary listed"></p><div class="hops">${mine.join("")}</div><div class="more"></div></section>`;
  }

  /** @param {ShownHop[]} shown */
  function hopCount(total, shown) {
    if (shown.length >= total) return `共 ${total} 条关系,全部列在下方。`;
    if (shown.every((s) => s.hop.depth === 1)) return `共 ${total} 条关系,下方列出直接关联中得分最高的 ${shown.length} 条。`;
    return `共 ${total} 条关系,下方列出前 ${shown.length} 条(直接关联在前,按得分从高到低;其后为经一个中间条款的间接关联)。`;
  }

  /** @param {ShownHop[]} hops */
  function updateHopSection(dir, hops, total, limit, exhausted, loadNext, stale) {
    const section = app.querySelector(`section.hop-list[data-dir="${dir}"]`);
    if (!section) return;
    const shown = hops.filter((s) => s.dir === dir);
    section.querySelector(".listed").textContent = hopCount(total, shown);
    moreControl(section.querySelector(".more"), total, shown.length, limit, exhausted, loadNext, stale);
  }

  // "显示更多": the next page of a list the API pages with limit/offset. While it loads the page is
  // not ready (document.body.dataset.ready is empty), as during a navigation.
  function moreControl(box, total, shown, limit, exhausted, loadNext, stale) {
    if (exhausted && shown < total) {
      box.innerHTML = `<span class="muted small">服务器没有返回更多条目(已列出 ${shown} 条,共 ${total} 条)。</span>`;
      return;
    }
    if (shown >= total) { box.innerHTML = ""; return; }
    box.innerHTML = `<button type="button" class="plain show-more">显示更多(再列出 ${Math.min(limit, total - shown)} 条,尚余 ${total - shown} 条)</button>`;
    const button = box.querySelector("button");
    button.addEventListener("click", async () => {
      button.disabled = true;
      button.textContent = "正在加载…";
      document.body.dataset.ready = "";
      try {
        await loadNext();
      } catch (err) {
        if (stale()) return;
        box.innerHTML = errorBox(err, document.body.dataset.page);
      }
      if (!stale()) document.body.dataset.ready = document.body.dataset.page;
    });
  }

  /** @param {ProvisionAnswer} answer */
  function entityNeedles(answer, aliases) {
    const needles = [];
    for (const a of answer.agencies) {
      for (const name of wordsOf(a.name, ...a.aliases)) needles.push({ text: name, cls: `hl-${a.role}`, title: `${ROLES[a.role]}:${a.name}` });
    }
    for (const m of answer.mentions) {
      const cls = m.kind === "Program" ? "hl-program" : "hl-facility";
      for (const name of wordsOf(m.label, ...(aliases.get(m.id) || []))) needles.push({ text: name, cls, title: `${m.kind === "Program" ? "项目" : "设施类型"}:${m.label}` });
    }
    for (const t of answer.targets) needles.push({ text: t.words, cls: "hl-target", title: `目标:${targetText(t)}` });
    return needles;
  }

  /** @param {ProvisionAnswer} answer */
  async function enhanceMentions(answer, stale) {
    const mentions = answer.mentions;
    if (!mentions.length) return;
    /** @type {(EntityAnswer|null)[]} */
    const found = await Promise.all(mentions.map((m) => quiet(getEntities({ name: m.id, limit: 1 }))));
    if (stale()) return;
    const aliases = new Map();
    // An entity's attributes are the node's own (they differ by kind); facility types and programs list aliases.
    found.forEach((f, i) => aliases.set(mentions[i].id, arr(f?.matches[0]?.attributes.aliases)));
    const box = document.getElementById("fulltext");
    if (box) box.innerHTML = highlight(answer.provision.text, entityNeedles(answer, aliases));
  }

  /** @param {ProvisionAnswer} answer */
  function provisionSide(answer) {
    const agencies = answer.agencies.map((a) => `<li><span class="badge ${a.role}">${esc(ROLES[a.role])}</span>
      <a href="${href("agency", a.id)}">${esc(a.name)}</a></li>`);
    const targets = answer.targets.map((t) => `<li>${esc(targetText(t))}${t.deadline ? ` <span class="muted small">期限 ${esc(t.deadline)}</span>` : ""}</li>`);
    const mentions = answer.mentions.map((m) => {
      const type = m.kind === "Program" ? "program" : m.kind === "FacilityType" ? "facility_type" : "";
      const label = m.kind === "Program" ? "项目" : m.kind === "FacilityType" ? "设施" : m.kind || "";
      return `<li><span class="badge">${esc(label)}</span> ${type ? `<a href="${href("search", "", { q: m.label, type })}">${esc(m.label)}</a>` : esc(m.label)}</li>`;
    });
    const block = (title, items) => `<section><h3>${title}</h3>${items.length ? `<ul>${items.join("")}</ul>` : `<p class="muted small">无</p>`}</section>`;
    return block("责任单位", agencies) + block("目标指标", targets) + block("提及的设施与项目", mentions);
  }

  /** @param {LineageAnswer} lineage */
  function documentLineage(lineage) {
    const hops = lineage.document_lineage;
    if (!hops.length) return "";
    const label = { DERIVES_FROM: "本文件落实", CITES: "本文件引用" };
    const items = hops.map((h) => `<li>${esc(label[h.kind])}:${esc(docLabel(h.document))}
      ${h.document.stub ? `<span class="muted">(未收录全文)</span>` : ""}</li>`).join("");
    const derives = hops.filter((h) => h.kind === "DERIVES_FROM").length;
    const cites = hops.length - derives;
    const said = [derives && `落实 ${derives} 份上级文件`, cites && `引用 ${cites} 份文件`].filter(Boolean).join(",");
    return `<details class="small"><summary>文件层面:${said}</summary><ul>${items}</ul></details>`;
  }

  // A hop's summary (kind, both provisions, score) is drawn at once; its side-by-side texts only
  // when opened, so a provision with a hundred derived copies still renders quickly.
  /** @param {ShownHop} s */
  function hopDetails(s, i, focus) {
    const h = s.hop;
    /** @type {ProvisionRef} */
    const other = h.source.id === focus ? h.target : h.source;
    return `<details data-hop="${i}">
      <summary><span class="badge ${s.dir === "up" ? "support" : "lead"}">${s.dir === "up" ? "上游" : "下游"}</span>
        ${esc(KINDS[h.kind])}:${provLink(h.source)} → ${provLink(h.target)}
        <span class="muted small">${esc(other.region ?? "")} ${esc(other.year ?? "")} · 得分 <b>${esc(score(h.score))}</b>${h.reason ? ` · ${esc(REASONS[h.reason] ?? h.reason)}` : ""}${h.shape && h.shape !== "one to one" ? ` · ${esc(SHAPES[h.shape] ?? h.shape)}` : ""}${h.method ? ` · ${esc(h.method)}` : ""}
        ${h.shared.length ? ` · 共同:${esc(h.shared.join("、"))}` : ""}</span></summary>
    </details>`;
  }

  // Why the linker compared the two documents, in the page's words (the API's reason_detail is English).
  /** @param {Hop} hop */
  function reasonWords(hop) {
    const detail = hop.reason_detail ?? "";
    const matches = /^(\d+) of (\d+) provisions match, a chance of (\S+)$/.exec(detail);
    if (matches) return `${matches[2]} 条中有 ${matches[1]} 条与对方文件的条款相似(两份无关文件如此相似的概率约为 ${matches[3]})`;
    const titles = /^both titles are about (.+) \/ (.+)$/.exec(detail);
    if (titles) return `两份文件的标题主题一致:${titles[1]} / ${titles[2]}`;
    if (hop.reason === "implements") return "文件称落实该文件(根据/贯彻落实《…》)";
    if (hop.reason === "cites") return "文件以标题或文号引用该文件";
    return REASONS[hop.reason] ?? detail;
  }

  /** @param {Hop} h */
  function hopBody(h) {
    const src = h.source;
    const tgt = h.target;
    const mark = (words, k) => words.map((w) => ({ text: w, cls: `ev${k % 5}`, title: `匹配 ${k + 1}` }));
    // Each aligned sentence pair is marked by the phrases both sentences print (the sentence itself
    // when they share none), in the same colour on both sides; the table below gives the sentences.
    const shared = (e, words) => (e.shared_phrases.length ? e.shared_phrases : wordsOf(...words));
    const sourceNeedles = h.evidence.flatMap((e, k) => mark(shared(e, [e.source_words, e.source_quote]), k));
    const targetNeedles = h.evidence.flatMap((e, k) => mark(shared(e, [e.target_words, e.target_quote]), k));
    // Each sentence opens the reader at its place in its document.
    const at = (doc, span, words, k) => {
      const inner = `<span class="ev${k % 5}">${esc(words || "")}</span>`;
      return doc && span ? `<a class="evidence" href="${href("document", doc, { span: `${span[0]}-${span[1]}` })}" title="在原文中查看">${inner}</a>` : inner;
    };
    const phrases = h.evidence.map((e, k) => `<tr><td class="num">${k + 1}</td><td>${at(src.document, e.source_span, wordsOf(e.source_words, e.source_quote)[0], k)}</td>
      <td>${at(tgt.document, e.target_span, wordsOf(e.target_words, e.target_quote)[0], k)}</td><td class="num">${e.score === null ? "" : esc(score(e.score))}</td></tr>`).join("");
    return `<div class="pair">
        <div><h4>${esc(src.cite)} · ${esc(src.region ?? "")} ${esc(src.year ?? "")}</h4>${highlight(src.text, sourceNeedles)}</div>
        <div><h4>${esc(tgt.cite)} · ${esc(tgt.region ?? "")} ${esc(tgt.year ?? "")}</h4>${highlight(tgt.text, targetNeedles)}</div>
      </div>
      ${phrases ? `<div class="phrases">${h.reason_detail ? `<p class="muted small">文件关系:${esc(reasonWords(h))}</p>` : ""}<table class="grid"><thead><tr><th>#</th><th>${esc(src.cite)} 中的句子</th><th>${esc(tgt.cite)} 中的句子</th><th>相似度</th></tr></thead><tbody>${phrases}</tbody></table></div>` : ""}`;
  }

  /** @param {ShownHop[]} hops */
  function wireHops(hops, boxes) {
    for (const box of boxes) {
      const fill = () => {
        if (box.open && !box.dataset.filled) { box.dataset.filled = "1"; box.insertAdjacentHTML("beforeend", hopBody(hops[box.dataset.hop].hop)); }
      };
      box.addEventListener("toggle", fill);
    }
  }

  let cytoscapeLoading = null;
  function loadCytoscape() {
    if (window.cytoscape) return Promise.resolve();
    cytoscapeLoading ||= new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = "vendor/cytoscape.min.js";
      s.onload = resolve;
      s.onerror = () => { cytoscapeLoading = null; reject(new Error("无法加载 vendor/cytoscape.min.js")); };
      document.head.append(s);
    });
    return cytoscapeLoading;
  }

  // The drawing keeps at most GRAPH_NODES linked provisions: the direct hops first, then by score,
  // and every loaded hop between the provisions kept (all hops are listed below it).
  const GRAPH_NODES = 30;

  /**
   * A hop the drawing shows, with its place in the page's list of hops (its data-hop).
   * @typedef {object} DrawnHop
   * @property {Hop} hop
   * @property {number} index
   */

  /** @param {ShownHop[]} hops */
  function graphHops(hops, focus) {
    /** @type {DrawnHop[]} */
    const listed = hops.map((s, index) => ({ hop: s.hop, index }));
    const order = listed.slice().sort((a, b) => a.hop.depth - b.hop.depth || (num(b.hop.score) ?? 0) - (num(a.hop.score) ?? 0) || a.index - b.index);
    const nodes = new Set();
    const kept = new Set();
    for (const d of order) {
      const ends = [d.hop.source.id, d.hop.target.id].filter((id) => id !== focus && !nodes.has(id));
      if (nodes.size + ends.length > GRAPH_NODES) continue;
      for (const id of ends) nodes.add(id);
      kept.add(d.index);
    }
    return { hops: listed.filter((d) => kept.has(d.index)), nodes: nodes.size };
  }

  // The drawing: a band per level (national at the top, then province, city, county, town) and a
  // column per year (earlier on the left); the provisions of one level and year stand side by side in
  // their cell, a few to a row, so parents and children never stack into a chain. The same layout draws
  // the figure on screen (Cytoscape.js) and the SVG/PNG a researcher downloads.
  const BAND_WORDS = ["国家", "省级", "市级", "县级", "乡镇级"];
  const NODE_W = 178, NODE_H = 66, GAP_X = 24, GAP_Y = 22, PER_ROW = 3, AXIS_W = 64, AXIS_H = 34;
  const shorten = (s, n) => (s && s.length > n ? `${s.slice(0, n)}…` : s || "");

  /** @param {ProvisionRef} p */
  function nodeLines(p) {
    return [p.doc_number || shorten(p.doc_title, 13) || p.document || "", `${p.label ?? ""} ${shorten(p.heading, 9)}`.trim(),
      [p.region, p.year && `${p.year}年`].filter(Boolean).join(" · ")];
  }

  /**
   * @param {ProvisionRef} focus
   * @param {ProvisionRef[]} provisions
   */
  function lineageLayout(focus, provisions) {
    const rank = (p) => LEVEL_RANK[p.level] ?? 2;
    const years = [...new Set(provisions.map((p) => p.year ?? 0))].sort((a, b) => a - b);
    const ranks = [...new Set(provisions.map(rank))].sort((a, b) => a - b);
    const cells = new Map();
    for (const p of [focus, ...provisions.filter((q) => q.id !== focus.id)]) {
      const k = `${p.year ?? 0}|${rank(p)}`;
      if (!cells.has(k)) cells.set(k, []);
      cells.get(k).push(p.id);
    }
    const count = (y, r) => cells.get(`${y}|${r}`)?.length || 0;
    const across = (y) => Math.max(1, ...ranks.map((r) => Math.min(PER_ROW, count(y, r))));
    const down = (r) => Math.max(1, ...years.map((y) => Math.ceil(count(y, r) / PER_ROW)));
    const columns = [];
    years.reduce((x, y) => { const w = across(y) * (NODE_W + GAP_X) + GAP_X; columns.push({ year: y, x, w }); return x + w; }, AXIS_W);
    const bands = [];
    ranks.reduce((top, r) => { const h = down(r) * (NODE_H + GAP_Y) + GAP_Y; bands.push({ rank: r, y: top, h }); return top + h; }, AXIS_H);
    const pos = {};
    for (const [k, ids] of cells) {
      const [y, r] = k.split("|").map(Number);
      const col = columns.find((c) => c.year === y);
      const band = bands.find((b) => b.rank === r);
      const inRow = Math.min(PER_ROW, ids.length);
      const offset = (col.w - GAP_X - inRow * (NODE_W + GAP_X)) / 2; // a cell narrower than its column is centred
      ids.forEach((id, i) => {
        pos[id] = { x: col.x + GAP_X + offset + (i % PER_ROW) * (NODE_W + GAP_X) + NODE_W / 2,
          y: band.y + GAP_Y + Math.floor(i / PER_ROW) * (NODE_H + GAP_Y) + NODE_H / 2 };
      });
    }
    const last = columns[columns.length - 1];
    const bottom = bands[bands.length - 1];
    return { pos, columns, bands, width: last.x + last.w + 10, height: bottom.y + bottom.h + 30 };
  }

  /**
   * A lineage edge the figure draws.
   * @typedef {object} FigureEdge
   * @property {string} source
   * @property {string} target
   * @property {string} kind
   * @property {number|null} score
   * @property {number} hop
   * @property {string} id
   */

  /**
   * @param {ProvisionRef} focus
   * @param {DrawnHop[]} drawn
   */
  function figureOf(focus, drawn) {
    const nodes = new Map([[focus.id, focus]]);
    for (const d of drawn) for (const q of [d.hop.source, d.hop.target]) if (!nodes.has(q.id)) nodes.set(q.id, q);
    /** @type {ProvisionRef[]} */
    const provisions = [...nodes.values()];
    const seen = new Set();
    /** @type {FigureEdge[]} */
    const edges = [];
    for (const d of drawn) {
      const id = `${d.hop.source.id}>${d.hop.target.id}>${d.hop.kind}`;
      if (seen.has(id)) continue;
      seen.add(id);
      edges.push({ source: d.hop.source.id, target: d.hop.target.id, kind: d.hop.kind, score: d.hop.score, hop: d.index, id });
    }
    return { provisions, edges, layout: lineageLayout(focus, provisions) };
  }

  /**
   * @param {ProvisionRef} focus
   * @param {DrawnHop[]} drawn
   */
  function drawLineage(focus, drawn) {
    const figure = figureOf(focus, drawn);
    const { pos, columns, bands, height } = figure.layout;
    const box = document.getElementById("graph");
    box.style.height = `${Math.min(640, Math.max(240, height + 20))}px`;
    const elements = figure.provisions.map((p) => ({
      group: "nodes",
      data: { id: p.id, label: nodeLines(p).join("\n"), focus: p.id === focus.id ? 1 : 0 },
      position: pos[p.id],
    }));
    // The axes: the years over their columns, the levels beside their bands (drawn, never tapped).
    for (const c of columns) elements.push({ group: "nodes", data: { id: `axis-year-${c.year}`, label: c.year ? `${c.year}年` : "年份不详", axis: 1 }, position: { x: c.x + c.w / 2, y: 12 }, selectable: false, grabbable: false });
    for (const b of bands) elements.push({ group: "nodes", data: { id: `axis-level-${b.rank}`, label: BAND_WORDS[b.rank] || "", axis: 1 }, position: { x: 24, y: b.y + b.h / 2 }, selectable: false, grabbable: false });
    for (const e of figure.edges) elements.push({ group: "edges", data: { id: e.id, source: e.source, target: e.target, hop: e.hop, kind: e.kind, label: score(e.score) } });
    const cy = window.cytoscape({
      container: box,
      elements,
      layout: { name: "preset", fit: true, padding: 24 },
      minZoom: 0.3,
      maxZoom: 1.3,
      style: [
        { selector: "node", style: {
          shape: "round-rectangle", width: NODE_W, height: NODE_H, "background-color": "#eef3f9", "border-width": 1, "border-color": "#8aa4c2",
          label: "data(label)", "text-wrap": "wrap", "text-max-width": NODE_W - 8, "text-valign": "center", "font-size": 12, "line-height": 1.35, color: "#1f2328",
          "font-family": "Noto Sans CJK SC, Noto Sans SC, sans-serif",
        } },
        { selector: "node[focus = 1]", style: { "background-color": "#fde2b3", "border-color": "#c27a00", "border-width": 2 } },
        { selector: "node[axis = 1]", style: { "background-opacity": 0, "border-width": 0, width: 60, height: 20, color: "#656d76", "font-size": 12, events: "no" } },
        { selector: "edge", style: {
          width: 2, "line-color": "#7a8ea6", "target-arrow-color": "#7a8ea6", "target-arrow-shape": "triangle", "curve-style": "bezier",
          label: "data(label)", "font-size": 11, "text-background-color": "#fff", "text-background-opacity": 1, "text-background-padding": 2,
        } },
        { selector: "edge[kind = 'CONTINUES']", style: { "line-style": "dashed" } },
        { selector: "edge:selected, node:selected", style: { "line-color": "#c27a00", "target-arrow-color": "#c27a00", "border-color": "#c27a00" } },
      ],
    });
    cy.on("tap", "node", (ev) => { if (!ev.target.data("axis") && ev.target.id() !== focus.id) location.hash = href("provision", ev.target.id()); });
    cy.on("tap", "edge", (ev) => openHop(ev.target.data("hop")));
    window.__pkgCy = cy; // for tests and the curious
    const tools = document.getElementById("graph-tools");
    if (tools) {
      tools.innerHTML = `<span class="muted small">下载关系图:</span><button type="button" class="plain" data-figure="svg">SVG</button><button type="button" class="plain" data-figure="png">PNG</button>`;
      const name = `沿袭-${(focus.cite || focus.id).replace(/[\\/:*?"<>|\s]+/g, "_")}`;
      tools.querySelector("[data-figure=svg]").addEventListener("click", () => saveBlob(`${name}.svg`, new Blob([lineageSvg(focus, figure)], { type: "image/svg+xml" })));
      tools.querySelector("[data-figure=png]").addEventListener("click", () => svgToPng(lineageSvg(focus, figure)).then((png) => saveBlob(`${name}.png`, png)));
    }
  }

  function saveBlob(name, blob) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.append(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 2000);
  }

  // The SVG as an image (a data: URL, which the page's Content-Security-Policy allows) drawn on a canvas at twice its size.
  function svgToPng(svg) {
    return new Promise((resolve, reject) => {
      const img = new Image();
      img.onload = () => {
        const canvas = document.createElement("canvas");
        canvas.width = img.naturalWidth * 2;
        canvas.height = img.naturalHeight * 2;
        const ctx = canvas.getContext("2d");
        ctx.scale(2, 2);
        ctx.drawImage(img, 0, 0);
        canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("PNG"))), "image/png");
      };
      img.onerror = () => reject(new Error("SVG"));
      img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
    });
  }

  const SVG_NS = ["http:", "", "www.w3.org", "2000", "svg"].join("/"); // spelt so the page names no other host
  const xml = (v) => esc(v).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");

  // A standalone SVG of the drawing: bands and years as axes, each node naming its document, item and place.
  /** @param {ProvisionRef} focus */
  function lineageSvg(focus, figure) {
    const { pos, columns, bands, width, height } = figure.layout;
    const W = NODE_W / 2, H = NODE_H / 2;
    const bandRows = bands.map((b, i) => `<rect x="0" y="${b.y}" width="${width}" height="${b.h}" fill="${i % 2 ? "#ffffff" : "#f6f8fa"}"/>
      <text x="10" y="${b.y + b.h / 2 + 4}" font-size="13" fill="#656d76">${xml(BAND_WORDS[b.rank] || "")}</text>`).join("");
    const yearHeads = columns.map((c) => `<text x="${c.x + c.w / 2}" y="22" font-size="13" text-anchor="middle" fill="#656d76">${xml(c.year ? `${c.year}年` : "年份不详")}</text>`).join("");
    const edgeLines = figure.edges.map((e) => {
      const a = pos[e.source], b = pos[e.target];
      const dx = b.x - a.x, dy = b.y - a.y;
      const cut = (sign) => { const t = Math.min(dx ? W / Math.abs(dx) : Infinity, dy ? H / Math.abs(dy) : Infinity); return [sign * dx * t, sign * dy * t]; };
      const [sx, sy] = cut(1), [tx, ty] = cut(-1);
      const mx = (a.x + b.x) / 2, my = (a.y + b.y) / 2;
      return `<g class="edge" data-kind="${xml(e.kind)}"><line x1="${a.x + sx}" y1="${a.y + sy}" x2="${b.x + tx}" y2="${b.y + ty}" stroke="#7a8ea6" stroke-width="2"${e.kind === "CONTINUES" ? ' stroke-dasharray="6 4"' : ""} marker-end="url(#arrow)"/>
        ${e.score === null ? "" : `<rect x="${mx - 16}" y="${my - 9}" width="32" height="16" fill="#fff"/><text x="${mx}" y="${my + 4}" font-size="11" text-anchor="middle">${xml(score(e.score))}</text>`}</g>`;
    }).join("");
    const nodeBoxes = figure.provisions.map((p) => {
      const c = pos[p.id];
      const lines = nodeLines(p);
      const isFocus = p.id === focus.id;
      return `<g class="node" data-id="${xml(p.id)}" data-document="${xml(p.document ?? "")}"><title>${xml(`${p.cite} ${p.heading ?? ""} · ${p.doc_title ?? ""}`)}</title>
        <rect x="${c.x - W}" y="${c.y - H}" width="${NODE_W}" height="${NODE_H}" rx="8" fill="${isFocus ? "#fde2b3" : "#eef3f9"}" stroke="${isFocus ? "#c27a00" : "#8aa4c2"}" stroke-width="${isFocus ? 2 : 1}"/>
        <text font-size="12" text-anchor="middle" fill="#1f2328">${lines.map((line, k) => `<tspan x="${c.x}" y="${c.y - 14 + k * 17}"${k === 0 ? ' font-weight="bold"' : ""}>${xml(line)}</tspan>`).join("")}</text></g>`;
    }).join("");
    return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="${SVG_NS}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, sans-serif">
  <title>${xml(`${focus.cite} ${focus.heading ?? ""} 的政策沿袭`)}</title>
  <defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#7a8ea6"/></marker></defs>
  <rect width="${width}" height="${height}" fill="#ffffff"/>${bandRows}${yearHeads}${edgeLines}${nodeBoxes}
  <text x="10" y="${height - 10}" font-size="11" fill="#656d76">实线箭头:落实上级(下级条款 → 上级条款);虚线:延续往年(后 → 前);数字:匹配得分。policykg</text>
</svg>`;
  }

  function openHop(i) {
    const box = document.querySelector(`.hops details[data-hop="${i}"]`);
    if (!box) return;
    box.open = true;
    box.dispatchEvent(new Event("toggle"));
    box.classList.add("flash");
    setTimeout(() => box.classList.remove("flash"), 1200);
    box.scrollIntoView({ behavior: "smooth", block: "center" });
  }

  // --- cascade -------------------------------------------------------------------------------

  const COVER = { derived: "已落实", "no documents": "未收录该地文件", "documents without derived provision": "有文件,未见对应条款" };

  async function cascadePage(ref, params, stale) {
    if (!ref) throw new ApiError(404, "没有指定条款或文件");
    const limit = pageSize(params, 500);
    /** @returns {Promise<CascadeAnswer>} */
    const cascadeAt = (offset) => getCascade(ref, { limit, offset });
    const answer = await cascadeAt(0);
    if (stale()) return;
    const root = answer.root;
    const rp = root.provision;
    const doc = root.document;
    // The API sorts derived provisions by region name, year, document and item, and pages that
    // order; coverage counts them all, whichever page is loaded.
    /** @type {CascadeItem[]} */
    const items = answer.regions.flatMap((g) => g.items);
    let total = Math.max(answer.total, items.length);
    const cov = answer.coverage;
    const subs = cov.subdivisions;
    app.innerHTML = `
      <div class="meta"><span>级联落实</span>${doc?.region ? `<span>${esc(doc.region)}</span>` : ""}${doc?.year ? `<span>${esc(doc.year)}年</span>` : ""}</div>
      <h1>${rp ? `${provLink(rp)} ${esc(rp.heading ?? "")}` : docLink(doc)}</h1>
      <p class="toolbar">${exportLinks(`/cascade/${encodeURIComponent(ref)}`, {})}${!rp && doc ? `<a class="button" href="${href("matrix", doc.id)}">任务 × 地区覆盖矩阵</a>` : ""}</p>
      ${rp ? `<div class="fulltext">${esc(rp.text ?? "")}</div>` : `<p class="muted">整份文件的 ${esc(root.provisions)} 条条款</p>`}
      <p class="summary"><span class="listed"></span>${cov.scope ? `${esc(cov.scope)}所辖${esc(level(cov.level))}单位 ${subs.length} 个,其中 ${cov.covered.length} 个可见落实。` : ""}</p>
      ${cov.note ? `<div class="notice">下级地区的落实情况只对省级和国家级文件统计。</div>` : ""}
      <div id="cascade-table"></div><div class="more"></div>`;
    const draw = (exhausted) => {
      app.querySelector(".summary .listed").textContent = items.length >= total ? `下级条款共 ${total} 条,全部列在下方;`
        : `下级条款共 ${total} 条,下方列出其中 ${items.length} 条(按地区名称、年份、文件排序的前 ${items.length} 条);`;
      document.getElementById("cascade-table").innerHTML = cascadeTable(subs, items);
      moreControl(app.querySelector("div.more"), total, items.length, limit, exhausted, more, stale);
    };
    const more = async () => {
      const next = await cascadeAt(items.length);
      if (stale()) return;
      const found = next.regions.flatMap((g) => g.items);
      items.push(...found);
      total = Math.max(next.total, items.length);
      draw(found.length === 0);
    };
    draw(false);
  }

  /**
   * A row of the cascade table: a subdivision the coverage counts, or a region of a derived
   * provision that the coverage does not list (a county, a region not named).
   * @typedef {object} CoverageRow
   * @property {string|null} region
   * @property {string} status
   * @property {number} derived
   */

  /**
   * @param {Subdivision[]} subs
   * @param {CascadeItem[]} items
   */
  function cascadeTable(subs, items) {
    const groups = new Map();
    for (const it of items) {
      const region = it.region || null;
      if (!groups.has(region)) groups.set(region, []);
      groups.get(region).push(it);
    }
    const listed = new Set(subs.map((s) => s.region));
    const extra = [...groups.keys()].filter((r) => !listed.has(r)).map((r) => ({ region: r, status: "derived", derived: groups.get(r).length }));
    /** @type {CoverageRow[]} */
    const rows = [...subs.map((s) => ({ region: s.region, status: s.status, derived: s.derived })), ...extra];
    rows.sort((a, b) => b.derived - a.derived);
    return `<table class="grid"><thead><tr><th>地区</th><th>情况</th><th>落实条款</th><th>得分</th><th>目标变化</th><th>机构变化<span class="muted small">(+ 新增 − 未列)</span></th></tr></thead>
      <tbody>${rows.map((s) => cascadeRows(s, groups.get(s.region) || [])).join("")}</tbody></table>`;
  }

  /**
   * @param {CoverageRow} sub
   * @param {CascadeItem[]} items
   */
  function cascadeRows(sub, items) {
    // Coverage counts the region's derived provisions with those of its subdivisions, all pages:
    // when fewer are listed in this row, the row says so.
    const count = sub.derived > items.length ? `<div class="muted small">此处列出 ${items.length} 条;计入该地(含下辖地区)的共 ${esc(sub.derived)} 条</div>` : "";
    const status = `<span class="badge ${sub.status === "derived" ? "kept" : ""}">${esc(COVER[sub.status] || sub.status)}</span>${count}`;
    if (!items.length) return `<tr class="none"><td>${esc(sub.region ?? "未标注地区")}</td><td>${status}</td><td colspan="4"></td></tr>`;
    return items.map((it, i) => {
      const changes = it.target_changes.filter((c) => c.change !== "same")
        .map((c) => `${changeCell(c)} ${esc(targetText(c.after || c.before))}`).join("<br>");
      const ag = it.agencies;
      const agencies = [...ag.added.map((a) => `+ ${esc(a.name)}`), ...ag.dropped.map((a) => `− ${esc(a.name)}`)].join("<br>");
      const words = it.evidence.map((e) => wordsOf(e.source_words, e.source_quote)[0]).filter(Boolean);
      return `<tr>${i === 0 ? `<td rowspan="${items.length}">${esc(sub.region ?? "未标注地区")}</td><td rowspan="${items.length}">${status}</td>` : ""}
        <td>${provLink(it.provision)} <span class="muted">${esc(it.provision.heading ?? "")}</span>
          <div class="meta"><span>${esc(it.provision.year ?? "")}年</span><span>${it.depth > 1 ? "经中间层级落实" : "直接落实"} ${provLink(it.derives_from, `${it.derives_from.label ?? ""} ${it.derives_from.heading ?? ""}`)}</span></div>
          ${words.length ? `<div class="small">匹配:${words.map((w, k) => `<span class="ev${k % 5}">${esc(w)}</span>`).join(" ")}</div>` : ""}</td>
        <td class="num">${esc(score(it.score))}</td><td class="small">${changes}</td><td class="small">${agencies}</td></tr>`;
    }).join("");
  }

  // --- coverage matrix ---------------------------------------------------------------------------

  const CELL = { "taken up": { mark: "✓", word: "已落实", cls: "taken" }, "not taken up": { mark: "✗", word: "未落实", cls: "not-taken" }, "no document": { mark: "–", word: "未收录该地文件", cls: "no-doc" } };
  const pct = (v) => (num(v) === null ? "—" : `${Math.round(num(v) * 100)}%`);

  async function matrixPage(ref, params, stale) {
    if (!ref) throw new ApiError(404, "没有指定文件");
    const answer = await getMatrix(ref);
    if (stale()) return;
    const d = answer.document;
    const c = answer.counts;
    // Jurisdictions with a document that could take the tasks up come first; the others are marked, not hidden.
    const order = answer.columns.map((col, k) => ({ col, k })).sort((x, y) => (y.col.documents.length > 0) - (x.col.documents.length > 0) || x.k - y.k);
    const withDocs = answer.columns.filter((col) => col.documents.length && !col.parent).map((col) => col.region);
    const head = order.map(({ col, k }) => `<th class="col ${col.documents.length ? "" : "no-doc"}${col.parent ? " county" : ""}" data-col="${k}" scope="col" title="${esc(col.region)}${col.parent ? `(${esc(col.parent)})` : ""}:${col.documents.length ? `收录 ${col.documents.length} 份可落实的文件` : "未收录该地文件"}"><span>${esc(col.region)}</span></th>`).join("");
    const rows = answer.rows.map((r, i) => {
      const cells = order.map(({ col, k }) => {
        const cell = r.cells[k];
        const look = CELL[cell.status];
        const best = cell.links[0];
        const tip = `${col.region} · ${look.word}${best ? `:${best.provision.cite}${best.provision.heading ? ` ${best.provision.heading}` : ""}(得分 ${score(cell.score)}${cell.links.length > 1 ? `,另 ${cell.links.length - 1} 条` : ""})` : ""}`;
        return `<td class="cell ${look.cls}" data-row="${i}" data-col="${k}" data-status="${esc(cell.status)}" title="${esc(tip)}" tabindex="0">${look.mark}${cell.score === null ? "" : ` <small>${esc(score(cell.score))}</small>`}</td>`;
      }).join("");
      return `<tr><th scope="row" class="task">${provLink(r.task, `${r.task.label ?? ""} ${r.task.heading || r.section || ""}`)}</th>
        <td class="num share" title="有文件的 ${esc(r.with_documents)} 个地区中 ${esc(r.taken_up)} 个落实">${r.with_documents ? `${esc(r.taken_up)}/${esc(r.with_documents)}` : "—"}</td>${cells}</tr>`;
    }).join("");
    const foot = order.map(({ col }) => `<td class="num" title="${esc(col.region)}:落实 ${esc(col.taken_up)} / ${answer.rows.length} 项任务">${col.share === null ? "–" : pct(col.share)}</td>`).join("");
    app.innerHTML = `
      <div class="meta"><span>覆盖矩阵</span>${d.region ? `<span>${esc(d.region)}</span>` : ""}${d.year ? `<span>${esc(d.year)}年</span>` : ""}</div>
      <h1>${docLink(d)}</h1>
      <p class="toolbar">${exportLinks(`/cascade/${encodeURIComponent(ref)}/matrix`, {})}<a class="button" href="${href("cascade", ref)}">按地区列出的落实条款</a></p>
      ${answer.note ? `<div class="notice">覆盖矩阵只对省级和国家级文件绘制(列为其下级地区)。</div>` : `
      <p class="summary">任务 ${esc(c.tasks)} 项 × ${esc(answer.scope ?? "")}所辖${esc(level(answer.level))}地区 ${esc(c.columns)} 个。其中 ${esc(c.with_documents)} 个地区收录了可落实这些任务的文件${withDocs.length ? `(${withDocs.map(esc).join("、")})` : ""},${esc(c.taken_up)} 项任务至少一地落实。</p>
      <p class="legend matrix-legend"><span class="cell taken">✓ 已落实(数字为最高得分)</span><span class="cell not-taken">✗ 收录了该地文件,未见落实</span><span class="cell no-doc">– 未收录该地文件:无从判断,不等于未落实</span></p>
      <div class="matrix-wrap"><table class="matrix" id="matrix"><thead><tr><th scope="col" class="task">任务</th><th scope="col" class="share">落实地区</th>${head}</tr></thead>
        <tbody>${rows}</tbody><tfoot><tr><th scope="row" class="task">该地落实的任务比例</th><td></td>${foot}</tr></tfoot></table></div>
      <div id="cell-detail" class="cell-detail" aria-live="polite"><p class="muted small">点击单元格查看落实的条款与得分。</p></div>`}`;
    const detail = document.getElementById("cell-detail");
    for (const td of app.querySelectorAll("td.cell")) {
      const show = () => {
        const r = answer.rows[Number(td.dataset.row)];
        const col = answer.columns[Number(td.dataset.col)];
        detail.innerHTML = matrixDetail(r, r.cells[Number(td.dataset.col)], col);
        for (const x of app.querySelectorAll("td.cell.chosen")) x.classList.remove("chosen");
        td.classList.add("chosen");
      };
      td.addEventListener("click", show);
      td.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); show(); } });
    }
  }

  /**
   * @param {MatrixRow} r
   * @param {MatrixCell} cell
   * @param {MatrixColumn} col
   */
  function matrixDetail(r, cell, col) {
    const look = CELL[cell.status];
    const docs = col.documents.map((x) => docLink(x)).join("、");
    const links = cell.links.map((l) => `<li>${provLink(l.provision, `${l.provision.cite} ${l.provision.heading ?? ""}`)}
      <span class="muted small">得分 ${esc(score(l.score))}${l.depth > 1 && l.via ? ` · 经 ${esc(l.via.cite)} 间接落实` : ""} · ${docLink(l.document)}</span></li>`).join("");
    const why = cell.status === "no document" ? `未收录${esc(col.region)}自 ${esc(r.task.cite)} 发布当年起的文件${col.earlier_documents ? `(收录了 ${esc(col.earlier_documents)} 份更早的文件,不可能落实该文件)` : ""},无从判断是否落实。`
      : cell.status === "not taken up" ? `收录的${esc(col.region)}文件(${docs})中没有条款落实该任务。` : "";
    return `<h3>${provLink(r.task, `${r.task.cite} ${r.task.heading ?? ""}`)} · ${esc(col.region)}:<span class="cell ${look.cls}">${look.word}</span></h3>
      ${links ? `<ul>${links}</ul>` : `<p>${why}</p>`}`;
  }

  // --- document reader -----------------------------------------------------------------------------

  const MARK_CLASS = { field: "m-field", section: "m-section", provision: "m-prov", lead: "hl-lead", support: "hl-support", target: "hl-target", mention: "hl-facility", citation: "m-cite", derives_from: "m-link", continues: "m-link", derived_by: "m-link", continued_by: "m-link" };
  const MARK_WORDS = { field: "元数据", section: "篇章", provision: "条款", lead: "牵头", support: "配合", target: "目标", mention: "提及", citation: "引用", derives_from: "落实上级", continues: "延续往年", derived_by: "被下级落实", continued_by: "被后续延续" };
  const FIELD_WORDS = { title: "标题", doc_number: "文号", issuer: "发文机关", signed: "成文日期", published: "发布日期", year: "年份", region: "地区", date: "日期", issuers: "发文机关" };
  const SOURCE_WORDS = { header: "文首", signature: "落款", title: "标题", page: "网页", text: "正文", "front matter": "前置元数据", "portal table": "网站信息表", properties: "文档属性", body: "正文" };
  const LINK_RANK = { derives_from: 0, continues: 0, derived_by: 0, continued_by: 0, citation: 1, lead: 2, support: 2, mention: 3 };

  async function documentPage(ref, params, stale) {
    if (!ref) throw new ApiError(404, "没有指定文件");
    const answer = await getDocumentText(ref);
    if (stale()) return;
    const d = answer.document;
    const focus = parseSpan(params.get("span"));
    const focusProvision = params.get("provision") || "";
    const facts = [["发文机关", answer.issuers.join("、")], ["文号", d.doc_number], ["成文日期", answer.signed], ["发布日期", answer.published],
      ["年份", d.year], ["地区", d.region], ["层级", level(d.level)], ["来源文件", d.source], ["页数", answer.pages]]
      .filter(([, v]) => v !== null && v !== undefined && v !== "");
    const sources = Object.entries(answer.field_sources).map(([k, v]) => `${FIELD_WORDS[k] || k}取自${SOURCE_WORDS[v] || v}`).join(";");
    const c = answer.citation;
    const toc = answer.provisions.map((q) => `<li><button type="button" class="plain link" data-goto="${esc(q.id)}">${esc(q.label ?? "")} ${esc(q.heading ?? "")}</button>${q.page ? ` <span class="muted small">第 ${esc(q.page)} 页</span>` : ""}</li>`).join("");
    app.innerHTML = `
      <div class="meta"><span>文件阅读</span>${d.region ? `<span>${esc(d.region)}</span>` : ""}${d.year ? `<span>${esc(d.year)}年</span>` : ""}${d.level ? `<span>${esc(level(d.level))}</span>` : ""}</div>
      <h1>${esc(d.title || d.source || d.id)}</h1>
      <p class="toolbar">${exportLinks(`/documents/${encodeURIComponent(d.id)}/text`, {}, "导出条款表")}${d.level === "province" || d.level === "national" ? `<a class="button" href="${href("matrix", d.id)}">覆盖矩阵</a>` : ""}</p>
      <div class="layout reader">
        <div>
          <div class="legend"><span class="hl-lead">牵头单位</span><span class="hl-support">配合单位</span><span class="hl-target">目标</span><span class="hl-facility">提及的设施与项目</span><span class="m-cite">引用文件</span><span class="m-link">与其他文件条款匹配的词句</span><span class="m-focus">所查看的位置</span></div>
          <div class="doctext" id="doctext">${markedText(answer, focus, focusProvision)}</div>
        </div>
        <aside class="side">
          <section><h3>文件信息</h3><dl class="facts">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join("")}</dl>
            ${sources ? `<p class="muted small">${esc(sources)}</p>` : ""}</section>
          <section class="cite"><h3>引用本文件</h3>
            ${citeBlock("cite-zh", "中文", c.chinese)}${citeBlock("cite-bibtex", "BibTeX", c.bibtex)}${citeBlock("cite-csl", "CSL-JSON", JSON.stringify(c.csl, null, 1))}</section>
          <section><h3>条款(${answer.provisions.length})</h3><ol class="toc">${toc}</ol></section>
        </aside>
      </div>`;
    for (const b of app.querySelectorAll("button[data-copy]")) {
      b.addEventListener("click", async () => {
        const text = document.getElementById(b.dataset.copy).textContent;
        try { await navigator.clipboard.writeText(text); b.textContent = "已复制"; } catch { b.textContent = "请手动复制"; }
      });
    }
    for (const b of app.querySelectorAll("button[data-goto]")) {
      b.addEventListener("click", () => document.getElementById(`prov-${b.dataset.goto}`)?.scrollIntoView({ block: "start" }));
    }
    const target = app.querySelector("#doctext .m-focus") || (focusProvision && document.getElementById(`prov-${focusProvision}`));
    if (target) target.scrollIntoView({ block: "center" });
  }

  function citeBlock(id, label, text) {
    return `<div class="cite-item"><div class="cite-head"><span>${esc(label)}</span><button type="button" class="plain small" data-copy="${id}">复制</button></div><pre id="${id}">${esc(text)}</pre></div>`;
  }

  function parseSpan(text) {
    const m = /^(\d+)-(\d+)$/.exec(text || "");
    return m && Number(m[1]) < Number(m[2]) ? [Number(m[1]), Number(m[2])] : null;
  }

  // The source text cut at every mark's ends; each piece carries the classes and words of the marks over
  // it, and links to what the most specific of them names. Provisions get an anchor at their start.
  /** @param {DocumentTextAnswer} answer */
  function markedText(answer, focus, focusProvision) {
    const text = answer.text;
    const marks = answer.marks;
    const cuts = new Set([0, text.length]);
    for (const m of marks) { cuts.add(m.span[0]); cuts.add(m.span[1]); }
    if (focus) { cuts.add(Math.min(focus[0], text.length)); cuts.add(Math.min(focus[1], text.length)); }
    const points = [...cuts].sort((a, b) => a - b);
    const starts = new Map(marks.filter((m) => m.kind === "provision").map((m) => [m.span[0], m]));
    let html = "";
    for (let i = 0; i + 1 < points.length; i++) {
      const [a, b] = [points[i], points[i + 1]];
      const over = marks.filter((m) => m.span[0] <= a && m.span[1] >= b);
      const classes = new Set(over.map((m) => MARK_CLASS[m.kind]));
      const within = over.find((m) => m.kind === "provision");
      if (within && within.provision === focusProvision) classes.add("m-focus-prov");
      if (focus && focus[0] <= a && focus[1] >= b) classes.add("m-focus");
      const start = starts.get(a);
      if (start) html += `<span class="prov-anchor" id="prov-${esc(start.provision)}" data-cite="${esc(start.label)}"></span>`;
      const words = over.filter((m) => m.kind !== "provision").map((m) => `${m.kind === "field" ? FIELD_WORDS[m.label] || m.label : MARK_WORDS[m.kind]}${m.kind === "field" ? "" : `:${m.label}`}${m.score === null ? "" : `(${score(m.score)})`}`);
      const piece = esc(text.slice(a, b).replace(/\n\s*\n/g, "\n")); // blank lines shown as one break (spans keep the stored offsets)
      const linked = over.filter((m) => m.ref && LINK_RANK[m.kind] !== undefined).sort((x, y) => LINK_RANK[x.kind] - LINK_RANK[y.kind])[0];
      const target = linked ? markHref(linked) : null;
      const attrs = `class="${esc([...classes].join(" "))}"${words.length ? ` title="${esc(words.join(";"))}"` : ""}`;
      html += !classes.size ? piece : target ? `<a ${attrs} href="${target}">${piece}</a>` : `<span ${attrs}>${piece}</span>`;
    }
    return html;
  }

  /** @param {Mark} m */
  function markHref(m) {
    if (m.kind === "lead" || m.kind === "support") return href("agency", m.ref);
    if (m.kind === "citation") return href("document", m.ref);
    if (m.kind === "mention") return href("search", "", { q: m.label });
    return href("provision", m.ref);
  }

  // --- agency --------------------------------------------------------------------------------

  async function agencyPage(ref, params, stale) {
    if (!ref) throw new ApiError(404, "没有指定机构");
    const region = params.get("region") || "";
    const [answer, succession] = await Promise.all([
      getObligations({ agency: ref, region, limit: 500 }),
      quiet(getObligations({ agency: ref, region, follow_succession: true, limit: 1 })),
    ]);
    if (stale()) return;
    const a = answer.agency;
    const counts = answer.counts;
    /** @type {RelatedAgency[]} */
    const related = succession ? succession.agencies.filter((x) => x.relation) : [];
    const rel = (kind) => related.filter((x) => x.relation === kind).map((x) => `<a href="${href("agency", x.id)}">${esc(x.name)}</a>`).join("、") || `<span class="muted">无记录</span>`;
    const aliases = a.aliases.filter((x) => x !== a.name);
    app.innerHTML = `
      <div class="meta"><span>机构</span>${a.region ? `<span>${esc(a.region)}</span>` : ""}${a.kind ? `<span>${esc(a.kind)}</span>` : ""}</div>
      <h1>${esc(a.name)}</h1>
      ${aliases.length ? `<p class="small">又称:${aliases.map(esc).join("、")}</p>` : ""}
      <p class="small">前身:${rel("predecessor")} · 后继:${rel("successor")}</p>
      <div class="chart">
        <div class="counts"><div><b>${esc(answer.total)}</b>条</div><div><b>${esc(counts.lead)}</b>牵头</div><div><b>${esc(counts.support)}</b>配合</div></div>
        ${yearChart(answer.by_year)}
      </div>
      <p class="toolbar">${exportLinks("/obligations", { agency: ref, region })}<a href="${href("search", "", { q: a.name, type: "agency" })}">在检索中查看这些条款 →</a></p>
      <h2>职责条款</h2>
      ${obligationTable(answer.documents)}`;
  }

  /** @param {YearCounts[]} byYear */
  function yearChart(byYear) {
    const rows = byYear.filter((y) => y.year !== null).sort((a, b) => a.year - b.year);
    if (!rows.length) return "";
    const max = Math.max(1, ...rows.map((y) => y.lead + y.support));
    const bw = 34, gap = 18, h = 110, top = 16;
    const w = rows.length * (bw + gap) + gap;
    const bars = rows.map((y, i) => {
      const x = gap + i * (bw + gap);
      const lh = (y.lead / max) * h;
      const sh = (y.support / max) * h;
      return `<g><title>${esc(y.year)}年:牵头 ${esc(y.lead)},配合 ${esc(y.support)}</title>
        <rect x="${x}" y="${top + h - lh}" width="${bw}" height="${lh}" fill="#f3b95f"></rect>
        <rect x="${x}" y="${top + h - lh - sh}" width="${bw}" height="${sh}" fill="#7fb2ea"></rect>
        <text x="${x + bw / 2}" y="${top + h - lh - sh - 4}" text-anchor="middle">${esc(y.total)}</text>
        <text x="${x + bw / 2}" y="${top + h + 15}" text-anchor="middle">${esc(y.year)}</text></g>`;
    }).join("");
    return `<figure class="chart-figure"><svg width="${w}" height="${top + h + 22}" role="img" aria-label="每年职责条款数">${bars}
      <line x1="0" x2="${w}" y1="${top + h}" y2="${top + h}" stroke="#d0d7de"></line></svg>
      <figcaption class="legend"><span class="hl-lead">牵头</span><span class="hl-support">配合</span>(每年条数)</figcaption></figure>`;
  }

  /** @param {DocumentObligations[]} groups */
  function obligationTable(groups) {
    if (!groups.length) return `<p class="muted">没有记录到该机构牵头或配合的条款。</p>`;
    return groups.map((g) => {
      const d = g.document;
      const c = g.counts;
      const rows = g.obligations.map((o) => `<tr>
        <td><span class="badge ${o.role}">${esc(ROLES[o.role])}</span></td>
        <td>${provLink(o.provision, `${o.provision.label ?? ""} ${o.provision.heading ?? ""}`)}</td>
        <td class="small"><span class="muted">${esc(ROLE_SOURCES[o.role_source] || o.role_source || "")}</span>
          ${o.role_source === "issuer" ? "" : esc(o.words ?? o.quote ?? "")}${o.relation ? ` <span class="muted">(${esc(o.relation)})</span>` : ""}</td></tr>`).join("");
      return `<h3>${esc(g.year ?? d?.year ?? "")}年 · ${docLink(d)} <span class="muted small">牵头 ${esc(c.lead)} · 配合 ${esc(c.support)}</span></h3>
        <table class="grid"><thead><tr><th>角色</th><th>条款</th><th>原文依据</th></tr></thead><tbody>${rows}</tbody></table>`;
    }).join("");
  }

  // --- compare -------------------------------------------------------------------------------

  async function comparePage(_arg, params, stale) {
    const f = { region: params.get("region") || "", a: params.get("a") || "", b: params.get("b") || "", years: params.get("years") || "" };
    const form = `<form class="bar">
      <label>地区<input name="region" list="regions" value="${esc(f.region)}" placeholder="如:四川省" required></label>
      <datalist id="regions"></datalist>
      <label>较早年份<input class="year" name="a" type="number" min="1900" max="2100" value="${esc(f.a)}"></label>
      <label>较晚年份<input class="year" name="b" type="number" min="1900" max="2100" value="${esc(f.b)}"></label>
      <label>时间线年份<input name="years" value="${esc(f.years)}" placeholder="默认:全部有文件的年份,如 2020,2022,2024"></label>
      <button type="submit">比较</button></form>`;
    let body = "";
    if (f.region) {
      // The timeline across the years (every loaded year unless ?years= names some), then the two years side by side.
      const years = f.years.split(/[,，\s]+/).filter((y) => /^\d{4}$/.test(y));
      try {
        const [timeline, answer] = await Promise.all([
          getTimeline({ region: f.region, years }),
          f.a && f.b ? getCompare({ region: f.region, year_a: f.a, year_b: f.b, limit: 500 }) : Promise.resolve(null),
        ]);
        if (stale()) return;
        body = timelineBody(timeline, f) + (answer ? compareBody(answer) : `<p class="muted">填写两个年份,比较其间保留、新增和未延续的条款;或点击上方时间线中相邻的两个年份。</p>`);
      } catch (err) {
        if (stale()) return;
        body = errorBox(err, "compare", "", params);
      }
    } else {
      const loaded = await documents();
      if (stale()) return;
      body = compareSuggestions(loaded);
    }
    app.innerHTML = `<h1>年度比较</h1>${form}${body}`;
    documents().then((d) => !stale() && fillRegions(d));
    const el = app.querySelector("form.bar");
    el.addEventListener("submit", (ev) => {
      ev.preventDefault();
      location.hash = href("compare", "", Object.fromEntries(new FormData(el).entries()));
    });
  }

  // Across the years: provisions per year (those continuing the year before with documents, and the
  // added ones), years without documents marked as such; consecutive years link to their comparison.
  /** @param {TimelineAnswer} t */
  function timelineBody(t, f) {
    if (!t.years.length) return `<p class="muted">未收录${esc(t.region)}的文件。</p>`;
    const max = Math.max(1, ...t.years.map((y) => y.provisions));
    const bw = 46, gap = 30, h = 120, top = 18;
    const w = t.years.length * (bw + gap) + gap;
    const bars = t.years.map((y, i) => {
      const x = gap + i * (bw + gap);
      if (!y.documents.length) return `<g><title>${esc(y.year)}年:未收录文件</title><rect class="no-doc" x="${x}" y="${top}" width="${bw}" height="${h}"></rect>
        <text x="${x + bw / 2}" y="${top + h / 2}" text-anchor="middle">无文件</text><text x="${x + bw / 2}" y="${top + h + 15}" text-anchor="middle">${esc(y.year)}</text></g>`;
      const kept = y.continuing ?? 0;
      const kh = (kept / max) * h;
      const ah = ((y.provisions - kept) / max) * h;
      return `<g><title>${esc(y.year)}年:条款 ${esc(y.provisions)} 条${y.continuing === null ? "" : `,其中延续往年 ${esc(y.continuing)} 条,新增 ${esc(y.added ?? 0)} 条`}</title>
        <rect class="kept" x="${x}" y="${top + h - kh}" width="${bw}" height="${kh}"></rect>
        <rect class="added" x="${x}" y="${top + h - kh - ah}" width="${bw}" height="${ah}"></rect>
        <text x="${x + bw / 2}" y="${top + h - kh - ah - 4}" text-anchor="middle">${esc(y.provisions)}</text>
        <text x="${x + bw / 2}" y="${top + h + 15}" text-anchor="middle">${esc(y.year)}</text></g>`;
    }).join("");
    const rows = t.years.map((y) => `<tr class="${y.documents.length ? "" : "none"}"><td>${esc(y.year)}</td>
      <td>${y.documents.length ? y.documents.map((d) => docLink(d)).join("<br>") : "未收录文件"}</td><td class="num">${esc(y.provisions)}</td>
      <td class="num">${esc(y.continuing ?? "")}</td><td class="num">${esc(y.added ?? "")}</td><td class="num">${esc(y.not_continued ?? "")}</td></tr>`).join("");
    const steps = t.steps.map((st) => `<li><a href="${href("compare", "", { region: t.region, a: st.year_a, b: st.year_b, years: f.years })}">${esc(st.year_a)} → ${esc(st.year_b)}</a>
      ${st.skipped.length ? `<span class="muted">(其间 ${st.skipped.map(esc).join("、")} 年未收录文件,跳过)</span>` : ""}:
      ${esc(st.year_a)} 年 ${esc(st.provisions_a)} 条中 ${esc(st.carried)} 条得到延续,${esc(st.year_b)} 年 ${esc(st.provisions_b)} 条中 ${esc(st.kept)} 条延续往年、${esc(st.added)} 条新增</li>`).join("");
    return `<h2>历年概览 · ${esc(t.region)}</h2>
      <p class="toolbar">${exportLinks("/timeline", { region: t.region, years: t.years.map((y) => y.year) })}</p>
      ${t.missing.length ? `<div class="notice">${t.missing.map(esc).join("、")} 年未收录${esc(t.region)}的文件:无从比较,不计为删除。</div>` : ""}
      <div class="timeline"><svg width="${w}" height="${top + h + 22}" role="img" aria-label="各年份条款数">${bars}<line x1="0" x2="${w}" y1="${top + h}" y2="${top + h}" stroke="#d0d7de"></line></svg>
        <p class="legend"><span class="swatch kept"></span>延续往年的条款 <span class="swatch added"></span>新增或首个年份的条款</p></div>
      <table class="grid"><thead><tr><th>年份</th><th>文件</th><th>条款</th><th>延续上一有文件年份</th><th>新增</th><th>其后未延续</th></tr></thead><tbody>${rows}</tbody></table>
      ${steps ? `<ul class="small steps">${steps}</ul>` : ""}`;
  }

  /** @param {DocRef[]} docs */
  function compareSuggestions(docs) {
    const years = new Map();
    for (const d of docs) if (d.region && d.year) years.set(d.region, new Set([...(years.get(d.region) || []), d.year]));
    const links = [];
    for (const [region, ys] of years) {
      const sorted = [...ys].sort();
      for (let i = 1; i < sorted.length; i++) links.push(`<li><a href="${href("compare", "", { region, a: sorted[i - 1], b: sorted[i] })}">${esc(region)} ${sorted[i - 1]} 与 ${sorted[i]}</a></li>`);
    }
    return links.length ? `<h2>可比较的年份</h2><ul>${links.join("")}</ul>` : `<p class="muted">选择一个地区和两个年份。</p>`;
  }

  /** @param {CompareAnswer} ans */
  function compareBody(ans) {
    const c = ans.counts;
    const ya = ans.year_a;
    const yb = ans.year_b;
    /** @param {DocRef[]} list */
    const docsOf = (list) => list.map((d) => `<li>${docLink(d)}</li>`).join("") || `<li class="muted">未收录该年文件</li>`;
    const themes = ans.themes.items;
    const byStatus = (s) => themes.filter((t) => t.status === s);
    /** @param {ProvisionBrief} p */
    const provItem = (p) => `<li>${provLink(p, `${p.label ?? ""} ${p.heading ?? p.cite}`)}</li>`;
    /**
     * @param {ProvisionBrief[]} ps
     * @param {ThemeTarget[]} targets
     */
    const cell = (ps, targets) => {
      const words = [...new Set(targets.map(targetText).filter(Boolean))];
      const more = ps.length > 4 ? `<details><summary class="small">另 ${ps.length - 4} 条</summary><ul>${ps.slice(4).map(provItem).join("")}</ul></details>` : "";
      const ts = words.length ? `<div class="small muted">目标:${words.slice(0, 3).map(esc).join(";")}${words.length > 3 ? ` 等 ${words.length} 项` : ""}</div>` : "";
      return `<td class="theme-cell"><ul>${ps.slice(0, 4).map(provItem).join("")}</ul>${more}${ts}</td>`;
    };
    /** @type {Theme[]} */
    const ordered = ["kept", "added", "dropped"].flatMap((s) => byStatus(s));
    const themeRows = ordered.map((t) => {
      const also = t.counterparts.filter((x) => x.name && x.name !== t.name).map((x) => esc(x.name)).join("、");
      return `<tr><td><span class="badge ${esc(t.status)}">${esc(STATUS[t.status])}</span></td>
        <td>${esc(t.name)}${also ? `<div class="muted small">→ ${also}</div>` : ""}<div class="muted small">${esc(THEME_KINDS[t.kind])}</div></td>
        ${cell(t.provisions_a, t.targets_a)}${cell(t.provisions_b, t.targets_b)}</tr>`;
    }).join("");
    const kept = ans.kept.items.map((k) => `<tr><td>${provLink(k.a)}<div class="small">${esc(k.a.heading ?? "")}</div></td>
      <td>${provLink(k.b)}<div class="small">${esc(k.b.heading ?? "")}</div></td><td class="num">${esc(score(k.score))}</td>
      <td class="small">${k.target_changes.filter((x) => x.change !== "same").map((x) => `${changeCell(x)} ${esc(targetText(x.after || x.before))}`).join("<br>")}</td></tr>`).join("");
    const changes = ans.target_changes.items.map((x) => `<tr><td>${changeCell(x)}</td>
      <td>${esc(x.before ? targetText(x.before) : "—")}</td><td class="num">${esc(targetValue(x.before))}</td>
      <td>${esc(x.after ? targetText(x.after) : "—")}</td><td class="num">${esc(targetValue(x.after))}</td></tr>`).join("");
    /** @param {ProvisionRef[]} list */
    const simple = (list) => list.map((p) => `<li>${provLink(p)} ${esc(p.heading ?? "")}</li>`).join("");
    return `
      <div class="cols">
        <div><h3>${esc(ya)}年 · ${esc(c.provisions_a)} 条</h3><ul class="small">${docsOf(ans.documents_a)}</ul></div>
        <div><h3>${esc(yb)}年 · ${esc(c.provisions_b)} 条</h3><ul class="small">${docsOf(ans.documents_b)}</ul></div>
      </div>
      ${ans.note ? `<div class="notice">${ans.status === "no documents in either year" ? `${esc(ya)} 年和 ${esc(yb)} 年` : `${esc(ans.status === "no documents in the earlier year" ? ya : yb)} 年`}未收录${esc(ans.region)}的文件:无从比较,不计新增或删除。</div>` : ""}
      <p class="toolbar">${exportLinks("/compare", { region: ans.region, year_a: ya, year_b: yb })}</p>
      <p class="summary">条款:${esc(yb)} 年 ${esc(c.kept)} 条延续 ${esc(ya)} 年的 ${esc(c.carried)} 条(延续关系 ${esc(c.pairs)} 条) · 新增 ${esc(c.added)} · ${esc(ya)} 年未见延续 ${esc(c.dropped)};
        主题:保留 ${byStatus("kept").length} · 新增 ${byStatus("added").length} · 删除 ${byStatus("dropped").length}</p>
      <h2>主题对照</h2>
      ${themeRows ? `<table class="grid" id="themes"><thead><tr><th>状态</th><th>主题</th><th>${esc(ya)}年</th><th>${esc(yb)}年</th></tr></thead><tbody>${themeRows}</tbody></table>` : `<p class="muted">没有可对照的主题。</p>`}
      <h2>目标变化</h2>
      ${changes ? `<table class="grid"><thead><tr><th>变化</th><th>${esc(ya)}年目标</th><th>数值</th><th>${esc(yb)}年目标</th><th>数值</th></tr></thead><tbody>${changes}</tbody></table>` : `<p class="muted">延续的条款之间没有目标变化。</p>`}
      <h2>延续的条款(${esc(ans.kept.total)})</h2>
      ${kept ? `<table class="grid"><thead><tr><th>${esc(ya)}年</th><th>${esc(yb)}年</th><th>得分</th><th>目标变化</th></tr></thead><tbody>${kept}</tbody></table>` : `<p class="muted">没有识别出延续关系。</p>`}
      <div class="cols spaced">
        <details><summary>${esc(yb)}年新增条款(${esc(ans.added.total)})</summary><ul class="small">${simple(ans.added.items)}</ul></details>
        <details><summary>${esc(ya)}年条款未见延续(${esc(ans.dropped.total)})</summary><ul class="small">${simple(ans.dropped.items)}</ul></details>
      </div>`;
  }
})();
