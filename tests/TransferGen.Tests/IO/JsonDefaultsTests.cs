using System.Text.Json;
using TransferGen.Benchmarks.Transfer;
using TransferGen.Generation;
using TransferGen.IO;

namespace TransferGen.Tests.IO;

/// <summary>The one set of JSON conventions: what it writes, and that the formats with fixed names keep them.</summary>
public sealed class JsonDefaultsTests
{
    sealed record Sample(string RunName, GanLossKind Loss, double BestScore, Dictionary<string, double> Metrics, TransferMethod Method);

    static readonly Sample Value = new("r", GanLossKind.WganGp, double.NegativeInfinity,
        new Dictionary<string, double> { ["val_accuracy"] = 0.5, ["KeptAsIs"] = double.NaN }, TransferMethod.FineTune);

    [Fact]
    public void Names_are_snake_case_enums_strings_and_dictionary_keys_unchanged()
    {
        var json = JsonSerializer.Serialize(Value, JsonDefaults.Compact);
        Assert.Equal("""{"run_name":"r","loss":"wgan_gp","best_score":"-Infinity","metrics":{"val_accuracy":0.5,"KeptAsIs":"NaN"},"method":"finetune"}""", json);
    }

    [Fact]
    public void Non_finite_numbers_read_back()
    {
        var back = JsonSerializer.Deserialize<Sample>(JsonSerializer.Serialize(Value, JsonDefaults.Options), JsonDefaults.Options)!;
        Assert.Equal(double.NegativeInfinity, back.BestScore);
        Assert.True(double.IsNaN(back.Metrics["KeptAsIs"]));
        Assert.Equal(TransferMethod.FineTune, back.Method);
    }

    [Fact]
    public void The_indented_form_differs_from_the_compact_one_only_in_white_space()
    {
        var indented = JsonSerializer.Serialize(Value, JsonDefaults.Options);
        Assert.Contains('\n', indented);
        Assert.DoesNotContain('\n', JsonSerializer.Serialize(Value, JsonDefaults.Compact));
        Assert.Equal(JsonSerializer.Serialize(Value, JsonDefaults.Compact),
            JsonSerializer.Serialize(JsonDocument.Parse(indented).RootElement, JsonDefaults.Compact));
    }

    [Fact]
    public void The_shared_options_cannot_be_changed_by_a_caller()
    {
        Assert.True(JsonDefaults.Options.IsReadOnly);
        Assert.True(JsonDefaults.Compact.IsReadOnly);
        Assert.Throws<InvalidOperationException>(() => JsonDefaults.Options.WriteIndented = false);
    }
}
