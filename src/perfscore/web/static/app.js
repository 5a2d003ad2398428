// The workbench page: upload with progress, sortable and filterable summary, findings that
// highlight their row. No framework, nothing fetched from elsewhere.
(function () {
  "use strict";
  const $ = (s, root) => (root || document).querySelector(s);
  const $$ = (s, root) => Array.from((root || document).querySelectorAll(s));

  // -- upload ---------------------------------------------------------------------------------
  async function entriesOf(entry, out) {
    if (entry.isFile) {
      out.push(await new Promise((ok, fail) => entry.file(ok, fail)));
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((ok, fail) => reader.readEntries(ok, fail));
        if (!batch.length) break;
        for (const e of batch) await entriesOf(e, out);
      }
    }
  }
  // The suffixes the server reads, as the page was given them (folders are filtered by them).
  const suffixes = (($("#drop") || {}).dataset || {}).kinds || ".toml .json .docx .xlsx";
  const KINDS = { test: (name) => suffixes.split(" ").some((s) => name.toLowerCase().endsWith(s)) };

  async function upload(files) {
    const error = $("#error");
    error.hidden = true;
    if (!files.length) return;
    const progress = $("#progress"), bar = $("#bar"), status = $("#status");
    progress.hidden = false;
    bar.max = files.length; bar.value = 0;
    const start = await fetch("/batches", { method: "POST", body: new FormData($("#options")) });
    const created = await start.json();
    if (!start.ok) { error.textContent = created.error; error.hidden = false; progress.hidden = true; return; }
    let done = 0, failed = 0;
    for (const file of files) {
      status.textContent = `正在处理 ${done + 1}/${files.length}：${file.name}（Processing）`;
      const body = new FormData();
      body.append("files", file, file.webkitRelativePath || file.name);
      try {
        const answer = await fetch(`/batches/${created.id}/files`, { method: "POST", body });
        if (!answer.ok) failed++;
      } catch (e) { failed++; }
      done++; bar.value = done;
    }
    status.textContent = `完成 ${done}/${files.length}（Done）`;
    window.location.href = created.url;
  }

  const drop = $("#drop");
  if (drop) {
    drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
    drop.addEventListener("dragleave", () => drop.classList.remove("over"));
    drop.addEventListener("drop", async (e) => {
      e.preventDefault(); drop.classList.remove("over");
      const items = Array.from(e.dataTransfer.items || []);
      const entries = items.map((i) => (i.webkitGetAsEntry ? i.webkitGetAsEntry() : null)).filter(Boolean);
      const files = [];
      if (entries.length) {  // a dropped folder is walked; its files of a known kind are kept
        for (const entry of entries) {
          const found = [];
          await entriesOf(entry, found);
          files.push(...(entry.isDirectory ? found.filter((f) => KINDS.test(f.name)) : found));
        }
      } else {
        files.push(...Array.from(e.dataTransfer.files));
      }
      upload(files);
    });
    $("#files").addEventListener("change", (e) => upload(Array.from(e.target.files)));
    $("#folder").addEventListener("change", (e) => upload(Array.from(e.target.files).filter((f) => KINDS.test(f.name))));
  }

  // -- summary: sort and filter ------------------------------------------------------------------
  const summary = $("#summary");
  if (summary) {
    $$("th[data-type]", summary).forEach((th, col) => {
      th.addEventListener("click", () => {
        const asc = !th.classList.contains("asc");
        $$("th", summary).forEach((h) => h.classList.remove("asc", "desc"));
        th.classList.add(asc ? "asc" : "desc");
        const num = th.dataset.type === "num";
        const key = (tr) => {
          const td = tr.children[col];
          const v = td ? (td.dataset.sort !== undefined ? td.dataset.sort : td.textContent.trim()) : "";
          return num ? (v === "" || isNaN(parseFloat(v)) ? -Infinity : parseFloat(v)) : v;
        };
        const body = summary.tBodies[0];
        const rows = Array.from(body.rows).sort((a, b) => {
          const x = key(a), y = key(b);
          const c = num ? x - y : String(x).localeCompare(String(y), "zh-CN");
          return asc ? c : -c;
        });
        rows.forEach((r) => body.appendChild(r));
      });
    });
    const filter = $("#code-filter");
    const apply = (code) => {
      $$("tr.line", summary).forEach((tr) => {
        tr.hidden = !!code && !tr.dataset.codes.split(" ").includes(code);
      });
    };
    if (filter) filter.addEventListener("change", () => apply(filter.value));
    $$("a.code").forEach((a) => a.addEventListener("click", (e) => {
      e.preventDefault(); filter.value = a.dataset.code; apply(a.dataset.code);
    }));
  }

  // -- one table: a finding highlights its row -------------------------------------------------
  $$("a.finding, a.finding-link").forEach((a) => a.addEventListener("click", (e) => {
    e.preventDefault();
    $$("tr.highlight").forEach((tr) => tr.classList.remove("highlight"));
    const row = a.dataset.row && document.getElementById(a.dataset.row);
    if (row) { row.classList.add("highlight"); row.scrollIntoView({ block: "center" }); }
  }));
})();
