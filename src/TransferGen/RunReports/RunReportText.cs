using System.Globalization;
using System.Text.Json;

namespace TransferGen.RunReports;

/// <summary>How numbers, options and lists read in a run report: invariant culture, a few significant digits.</summary>
static class RunReportText
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>A share 0..1 as a percentage with two decimals.</summary>
    internal static string Percent(double share) => double.IsFinite(share) ? (100 * share).ToString("0.00", C) + " %" : Number(share);

    /// <summary>A measurement with five significant digits (losses, rates), or NaN/∞ as such.</summary>
    internal static string Number(double value) => value switch
    {
        double.NaN => "NaN",
        double.PositiveInfinity => "∞",
        double.NegativeInfinity => "-∞",
        _ when value == Math.Floor(value) && Math.Abs(value) < 1e15 => value.ToString("0", C),
        _ => value.ToString("G5", C),
    };

    /// <summary>A score 0..1 with three decimals (precision, recall, F1).</summary>
    internal static string Fixed3(double value) => value.ToString("0.000", C);

    /// <summary>An integer.</summary>
    internal static string Count(long value) => value.ToString(C);

    /// <summary>An enum as config.json spells it (snake_case).</summary>
    internal static string Option(Enum value) => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    /// <summary>Yes or no.</summary>
    internal static string YesNo(bool value) => value ? "yes" : "no";

    /// <summary>Class names: all of them up to <paramref name="max"/>, else the count and the first few.</summary>
    internal static string Classes(IReadOnlyList<string> classes, int max = 20) =>
        classes.Count <= max
            ? $"{classes.Count}: {string.Join(", ", classes)}"
            : $"{classes.Count}: {string.Join(", ", classes.Take(max))}, …";

    /// <summary>A metric's value: shares (accuracies) as percentages, everything else as a number.</summary>
    internal static string Metric(string key, double value) =>
        key.Contains("accuracy", StringComparison.OrdinalIgnoreCase) && value is >= 0 and <= 1 ? Percent(value) : Number(value);
}
