using System.Text;
using System.Text.RegularExpressions;

namespace TransferGen.Reports;

/// <summary>
/// A table of text cells under a header row. A column whose cells all hold numbers (such as "0.8123", "-1.5e-3",
/// "81.2 %", "1,024", "NaN"; empty cells and "—" aside) is right-aligned in tabular figures, header included, so its
/// numbers line up; other columns are left-aligned, so a column of mixed values (a configuration) reads evenly. The first
/// column is set as each row's header.
/// </summary>
public sealed partial class TableSection : ReportSection
{
    /// <summary>A table of <paramref name="rows"/> under <paramref name="header"/>; every row has one cell per header cell.</summary>
    public TableSection(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        if (header.Count == 0) throw new ArgumentException("a table needs at least one column", nameof(header));
        Header = header.ToArray();
        Rows = rows.Select(r => (IReadOnlyList<string>)r.ToArray()).ToArray();
        for (var i = 0; i < Rows.Count; i++)
            if (Rows[i].Count != Header.Count)
                throw new ArgumentException($"row {i} has {Rows[i].Count} cells but the header has {Header.Count} columns", nameof(rows));
        Caption = caption;
    }

    /// <summary>A two-column table of names and values (a configuration, a set of final metrics).</summary>
    public static TableSection FromPairs(IEnumerable<(string Name, string Value)> pairs, string? caption = null, string nameHeader = "setting", string valueHeader = "value")
    {
        ArgumentNullException.ThrowIfNull(pairs);
        return new TableSection([nameHeader, valueHeader], pairs.Select(p => (IReadOnlyList<string>)[p.Name, p.Value]), caption);
    }

    /// <summary>The column names.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>The rows, each with one cell per column.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows { get; }

    /// <summary>A line above the table saying what it shows, or null.</summary>
    public string? Caption { get; }

    /// <summary>True when <paramref name="cell"/> reads as a number (optionally signed, grouped, exponent, percent).</summary>
    public static bool IsNumeric(string cell) => cell is not null && Number().IsMatch(cell.Trim());

    internal override void Render(StringBuilder html)
    {
        html.Append("<table>\n");
        if (Caption is not null) html.Append("<caption>").Append(Encode(Caption)).Append("</caption>\n");
        html.Append("<thead><tr>");
        // A numeric column's heading is right-aligned too, so it sits above its numbers.
        for (var c = 0; c < Header.Count; c++)
            html.Append(NumericColumn(c) ? "<th class=\"num\">" : "<th>").Append(Encode(Header[c])).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        var numeric = Enumerable.Range(0, Header.Count).Select(NumericColumn).ToArray();
        foreach (var row in Rows)
        {
            html.Append("<tr>");
            for (var c = 0; c < row.Count; c++)
            {
                var tag = c == 0 ? "th scope=\"row\"" : "td";
                var end = c == 0 ? "th" : "td";
                html.Append('<').Append(tag).Append(numeric[c] ? " class=\"num\">" : ">").Append(Encode(row[c])).Append("</").Append(end).Append('>');
            }
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
    }

    /// <summary>True when every cell of <paramref name="column"/> is a number, an empty cell or "—", and at least one is a number.</summary>
    public bool NumericColumn(int column) =>
        Rows.Any(r => IsNumeric(r[column])) && Rows.All(r => IsNumeric(r[column]) || r[column].Trim() is "" or "—");

    [GeneratedRegex(@"^([+\-−]?(\d{1,3}(,\d{3})+|\d+)(\.\d*)?|[+\-−]?\.\d+)([eE][+\-]?\d+)?\s?%?$|^(NaN|[+\-−]?∞|[+\-−]?Infinity)$")]
    private static partial Regex Number();
}
