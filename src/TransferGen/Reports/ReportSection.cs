using System.Net;
using System.Text;

namespace TransferGen.Reports;

/// <summary>
/// One block of an <see cref="HtmlReport"/>: a <see cref="HeadingSection"/>, <see cref="ParagraphSection"/>,
/// <see cref="TableSection"/>, <see cref="ImageSection"/> or <see cref="CodeSection"/>. The kinds are fixed here, so that
/// every report stays self-contained and escaped: no section can add markup, scripts or external references.
/// </summary>
public abstract class ReportSection
{
    private protected ReportSection() { }

    /// <summary>Appends the section's HTML to <paramref name="html"/>.</summary>
    internal abstract void Render(StringBuilder html);

    /// <summary>Text as HTML: &lt;, &gt;, &amp; and quotes escaped, so it is shown as written and never read as markup.</summary>
    internal static string Encode(string text) => WebUtility.HtmlEncode(text);
}
