using System.Text;

namespace TransferGen.Reports;

/// <summary>A paragraph of plain text (escaped; line breaks are kept).</summary>
public sealed class ParagraphSection : ReportSection
{
    /// <summary>A paragraph of <paramref name="text"/>; a <paramref name="note"/> is set in a muted style (what a reader may skip).</summary>
    public ParagraphSection(string text, bool note = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        Text = text;
        Note = note;
    }

    /// <summary>The text.</summary>
    public string Text { get; }

    /// <summary>Whether the paragraph is a side note.</summary>
    public bool Note { get; }

    internal override void Render(StringBuilder html)
    {
        var lines = Text.ReplaceLineEndings("\n").Split('\n').Select(Encode);
        html.Append(Note ? "<p class=\"note\">" : "<p>").Append(string.Join("<br>", lines)).Append("</p>\n");
    }
}
