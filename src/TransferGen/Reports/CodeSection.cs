using System.Text;

namespace TransferGen.Reports;

/// <summary>A block of monospaced text shown as written, such as the command that reproduces a step.</summary>
public sealed class CodeSection : ReportSection
{
    /// <summary>A block of <paramref name="code"/>, with an optional <paramref name="caption"/> above it.</summary>
    public CodeSection(string code, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(code);
        Code = code;
        Caption = caption;
    }

    /// <summary>The text of the block.</summary>
    public string Code { get; }

    /// <summary>What the block is, or null.</summary>
    public string? Caption { get; }

    internal override void Render(StringBuilder html)
    {
        if (Caption is not null) html.Append("<p class=\"caption\">").Append(Encode(Caption)).Append("</p>\n");
        html.Append("<pre><code>").Append(Encode(Code)).Append("</code></pre>\n");
    }
}
