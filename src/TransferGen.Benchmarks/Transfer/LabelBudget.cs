using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TransferGen.Benchmarks.Transfer;

/// <summary>
/// How many labelled training images per class a benchmark run may use: a positive K, or the whole training set
/// ("full"). In JSON it is the number K or the string "full", as the user types it.
/// </summary>
/// <param name="PerClass">K, or null for the whole training set.</param>
[JsonConverter(typeof(LabelBudgetJsonConverter))]
public readonly record struct LabelBudget(int? PerClass)
{
    /// <summary>The whole training set.</summary>
    public static LabelBudget Full => new(null);

    /// <summary>Parses one value: a positive integer or "full"; an <see cref="InputException"/> otherwise.</summary>
    public static LabelBudget Parse(string text)
    {
        var value = (text ?? "").Trim();
        if (string.Equals(value, "full", StringComparison.OrdinalIgnoreCase)) return Full;
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k >= 1) return new(k);
        throw new InputException($"--labels-per-class: '{value}' is not a positive integer or \"full\".");
    }

    /// <summary>Parses a comma-separated list such as <c>10,100,1000,full</c>; duplicates are an error.</summary>
    public static IReadOnlyList<LabelBudget> ParseList(string text)
    {
        var budgets = (text ?? "").Split(',').Select(Parse).ToList();
        if (budgets.Distinct().Count() != budgets.Count)
            throw new InputException($"--labels-per-class lists a value twice: '{text}'.");
        return budgets;
    }

    /// <summary>"full" or K.</summary>
    public override string ToString() => PerClass?.ToString(CultureInfo.InvariantCulture) ?? "full";
}

/// <summary>Writes a <see cref="LabelBudget"/> as K or "full", and reads either back.</summary>
public sealed class LabelBudgetJsonConverter : JsonConverter<LabelBudget>
{
    /// <inheritdoc />
    public override LabelBudget Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Number => new LabelBudget(reader.GetInt32()),
            JsonTokenType.String => ParseStored(reader.GetString()!),
            _ => throw new JsonException($"labels_per_class must be a number or \"full\", found {reader.TokenType}."),
        };

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, LabelBudget value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value.PerClass is { } k) writer.WriteNumberValue(k);
        else writer.WriteStringValue("full");
    }

    // A stored file that fails to parse is a bad file, which the reader reports as such (JsonException), not bad input.
    static LabelBudget ParseStored(string text)
    {
        try { return LabelBudget.Parse(text); }
        catch (InputException e) { throw new JsonException(e.Message, e); }
    }
}
