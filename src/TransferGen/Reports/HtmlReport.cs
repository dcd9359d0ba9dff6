using System.Text;
using TransferGen.IO;

namespace TransferGen.Reports;

/// <summary>
/// A report as one self-contained HTML file: a title, an optional line under it, and <see cref="ReportSection"/>s in
/// order. The file carries its own CSS and embeds its images as data URIs; it has no scripts and no reference to any
/// other file or address, so it opens the same anywhere, offline, and can be mailed or archived alone. All text is
/// HTML-escaped. <see cref="IsOurs"/> recognises a file this class wrote (by <see cref="GeneratorMarker"/>), so a
/// caller can replace its own earlier report without ever replacing a user's file.
/// </summary>
public sealed class HtmlReport
{
    /// <summary>The meta element every report carries in its head: what <see cref="IsOurs"/> looks for.</summary>
    public const string GeneratorMarker = "<meta name=\"generator\" content=\"TransferGen report\">";

    // How far into a file IsOurs looks: the marker comes right after the charset, well within this.
    const int MarkerWindow = 1024;

    /// <summary>A report titled <paramref name="title"/>, with an optional <paramref name="subtitle"/> under the title.</summary>
    public HtmlReport(string title, string? subtitle = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        Title = title;
        Subtitle = subtitle;
    }

    /// <summary>The title (the page's title and its top heading).</summary>
    public string Title { get; }

    /// <summary>A line under the title, or null.</summary>
    public string? Subtitle { get; }

    /// <summary>The sections, in the order they are shown.</summary>
    public List<ReportSection> Sections { get; } = [];

    /// <summary>Adds <paramref name="sections"/> at the end; returns this report.</summary>
    public HtmlReport Add(params IEnumerable<ReportSection> sections)
    {
        ArgumentNullException.ThrowIfNull(sections);
        foreach (var section in sections) Sections.Add(section ?? throw new ArgumentException("a section is null", nameof(sections)));
        return this;
    }

    /// <summary>The whole document.</summary>
    public string ToHtml()
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n").Append(GeneratorMarker).Append('\n')
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(ReportSection.Encode(Title)).Append("</title>\n")
            .Append("<style>\n").Append(HtmlReportStyle.Css).Append("</style>\n</head>\n<body>\n<main>\n")
            .Append("<h1>").Append(ReportSection.Encode(Title)).Append("</h1>\n");
        if (Subtitle is not null) html.Append("<p class=\"subtitle\">").Append(ReportSection.Encode(Subtitle)).Append("</p>\n");
        foreach (var section in Sections) section.Render(html);
        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>
    /// Writes the document (UTF-8) to <paramref name="path"/> atomically: a reader never sees half a report, and a
    /// failure leaves an earlier file as it was. Whether <paramref name="path"/> may be replaced is the caller's decision
    /// (see <see cref="IsOurs"/>).
    /// </summary>
    public void Write(string path) => AtomicFile.WriteAllText(path, ToHtml());

    /// <summary>
    /// True when the file at <paramref name="path"/> is a report this class wrote (it starts with the document head
    /// that carries <see cref="GeneratorMarker"/>); false for any other file, and when there is none.
    /// </summary>
    public static bool IsOurs(string path)
    {
        if (!File.Exists(path)) return false;
        try
        {
            using var reader = new StreamReader(path, Encoding.UTF8);
            var buffer = new char[MarkerWindow];
            var read = reader.ReadBlock(buffer, 0, buffer.Length);
            var head = new string(buffer, 0, read);
            return head.StartsWith("<!DOCTYPE html>", StringComparison.Ordinal) && head.Contains(GeneratorMarker, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;   // unreadable: not known to be ours, so it is left alone
        }
    }
}
