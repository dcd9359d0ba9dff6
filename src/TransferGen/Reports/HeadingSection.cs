using System.Text;

namespace TransferGen.Reports;

/// <summary>A heading that starts a part of the report (level 2 under the report's title, level 3 below that).</summary>
public sealed class HeadingSection : ReportSection
{
    /// <summary>A heading of <paramref name="text"/> at <paramref name="level"/> (2 or 3).</summary>
    public HeadingSection(string text, int level = 2)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (level is < 2 or > 3) throw new ArgumentOutOfRangeException(nameof(level), level, "a section heading is level 2 or 3 (the title is level 1)");
        Text = text;
        Level = level;
    }

    /// <summary>The heading's text.</summary>
    public string Text { get; }

    /// <summary>2 or 3.</summary>
    public int Level { get; }

    internal override void Render(StringBuilder html) => html.Append($"<h{Level}>{Encode(Text)}</h{Level}>\n");
}
