using System.Globalization;
using TransferGen.Scoring;

namespace TransferGen.Cli;

/// <summary>How a class agreement is printed: one JSON shape and one human shape.</summary>
public static class ClassAgreementReportText
{
    /// <summary>The JSON-shaped object (keys written as they are here).</summary>
    public static Dictionary<string, object> Json(ClassAgreementReport r) => new()
    {
        ["classifier"] = r.Classifier,
        ["agreement"] = r.Agreement,
        ["chance"] = r.Chance,
        ["per_class"] = r.PerClass.Select(row => new Dictionary<string, object>
        {
            ["class"] = row.Class, ["agreed"] = row.Agreed, ["total"] = row.Total, ["rate"] = row.Rate, ["most_predicted"] = row.MostPredicted,
        }).ToList(),
    };

    /// <summary>Lines for a person: the overall figure against chance, then one line per class.</summary>
    public static IEnumerable<string> Human(ClassAgreementReport r)
    {
        var c = CultureInfo.InvariantCulture;
        yield return string.Format(c, "class agreement with {0}: {1}/{2} = {3:0.0} % (chance {4:0.0} %)",
            r.Classifier, r.PerClass.Sum(x => x.Agreed), r.PerClass.Sum(x => x.Total), 100 * r.Agreement, 100 * r.Chance);
        var width = r.PerClass.Max(x => x.Class.Length);
        foreach (var row in r.PerClass)
            yield return string.Format(c, "  {0} {1,4}/{2} = {3,5:0.0} %{4}", row.Class.PadRight(width), row.Agreed, row.Total, 100 * row.Rate,
                row.MostPredicted == row.Class ? "" : $"   (mostly taken for {row.MostPredicted})");
    }
}
