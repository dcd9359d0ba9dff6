namespace TransferGen.Reports;

/// <summary>
/// The CSS inlined in every <see cref="HtmlReport"/>: system fonts only (a web font would be a download), a readable
/// measure, tables with tabular figures, and images that shrink to the page but never grow blurry.
/// </summary>
static class HtmlReportStyle
{
    internal const string Css = """
        :root { color-scheme: light; --ink: #1e1e1e; --muted: #5f6368; --rule: #d9dce0; --shade: #f4f6f8; }
        body { margin: 0; color: var(--ink); background: #fff; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
        main { max-width: 72rem; margin: 0 auto; padding: 1.5rem 1.5rem 3rem; }
        h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
        h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; padding-bottom: .2rem; border-bottom: 1px solid var(--rule); }
        h3 { font-size: 1.05rem; margin: 1.25rem 0 .4rem; }
        p { margin: .5rem 0; max-width: 50rem; }
        .subtitle, .note, .caption, figcaption, caption { color: var(--muted); }
        .note { font-size: .9rem; }
        table { border-collapse: collapse; margin: .5rem 0 1rem; font-variant-numeric: tabular-nums; }
        caption { text-align: left; padding-bottom: .3rem; font-size: .9rem; }
        th, td { padding: .25rem .75rem; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
        thead th { border-bottom: 2px solid var(--ink); }
        tbody th { font-weight: 500; }
        .num { text-align: right; white-space: nowrap; }
        tbody tr:nth-child(even) { background: var(--shade); }
        .figures { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; margin: .5rem 0 1rem; }
        figure { margin: 0; }
        img { display: block; max-width: 100%; height: auto; border: 1px solid var(--rule); }
        img.pixelated { image-rendering: pixelated; }
        figcaption { font-size: .9rem; margin-top: .25rem; }
        pre { background: var(--shade); border: 1px solid var(--rule); padding: .75rem 1rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
        code { font: .9rem/1.4 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }

        """;
}
