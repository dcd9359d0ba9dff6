using TransferGen.Training;
using TransferGen.Tests.Data;
using TransferGen.Transfer;

namespace TransferGen.Tests.Transfer;

[Collection(nameof(SerialTorchTests))]
public class LearningRateFinderTests
{
    static FineTuneOptions Tiny(string freeze) => TinyOptions.For(freeze, seed: 3, learningRate: new FineTuneOptions().LearningRate) with { ProbeEpochs = 2 };

    [Fact]
    public void The_curve_rises_in_rate_from_min_towards_max_and_the_suggestion_lies_within_the_range()
    {
        var range = new LrFindOptions { MinLr = 1e-5, MaxLr = 1e-1, Steps = 20 };
        var steps = new List<LrFindStep>();
        var result = new LearningRateFinder(Tiny("auto"), range) { StepDone = steps.Add }.Run(StripeData.Dataset());

        Assert.Equal("finetune", result.Phase);
        Assert.Equal(range.MinLr, result.Lrs[0], 12);
        Assert.InRange(result.Lrs.Count, 5, 20);
        Assert.True(result.Lrs.Zip(result.Lrs.Skip(1)).All(p => p.Second > p.First), "rates not increasing");
        Assert.True(result.Lrs[^1] <= range.MaxLr * (1 + 1e-12));
        if (result.StopReason is null) Assert.Equal(range.MaxLr, result.Lrs[^1], 9);
        Assert.Equal(result.Lrs.Count, result.Losses.Count);
        Assert.Equal(result.Lrs.Count, result.Smoothed.Count);
        Assert.Equal(result.Lrs.Count, steps.Count);
        // Bias-corrected: the first smoothed value is the first loss itself.
        Assert.Equal(result.Losses[0], result.Smoothed[0], 9);
        Assert.InRange(result.SuggestedLr, range.MinLr, range.MaxLr);
        Assert.Equal(result.LrAtMinLoss / 10, result.MinLossLr, 12);
    }

    [Fact]
    public void A_huge_max_lr_makes_the_loss_diverge_and_the_test_stop_early()
    {
        var range = new LrFindOptions { MinLr = 1e-3, MaxLr = 1e8, Steps = 40 };
        var result = new LearningRateFinder(Tiny("none"), range).Run(StripeData.Dataset());

        Assert.NotNull(result.StopReason);
        Assert.True(result.Lrs.Count < range.Steps, $"ran {result.Lrs.Count} steps");
        // Either the last recorded smoothed loss crossed 4× the minimum, or the next loss was not finite.
        Assert.True(result.Smoothed[^1] > 4 * result.Smoothed.Min() || result.StopReason!.Contains("not finite") || result.StopReason.Contains("became"),
            result.StopReason);
        Assert.InRange(result.SuggestedLr, range.MinLr, range.MaxLr);
    }

    [Fact]
    public void The_same_seed_gives_the_same_curve()
    {
        var range = new LrFindOptions { MinLr = 1e-4, MaxLr = 1, Steps = 12 };
        var dataset = StripeData.Dataset();
        var first = new LearningRateFinder(Tiny("auto"), range).Run(dataset);
        var second = new LearningRateFinder(Tiny("auto"), range).Run(dataset);
        var other = new LearningRateFinder(Tiny("auto") with { Seed = 4 }, range).Run(dataset);

        Assert.Equal(first.Losses, second.Losses);
        Assert.Equal(first.SuggestedLr, second.SuggestedLr);
        Assert.NotEqual(first.Losses, other.Losses);
    }

    [Fact]
    public void Scaling_the_rates_keeps_the_backbone_at_its_fraction_of_the_head_rate()
    {
        var options = Tiny("auto") with { LearningRate = 0.01, BackboneLrFactor = 0.25 };
        var tuner = new FineTuner(options);
        var setup = tuner.Prepare(StripeData.Dataset());
        using var model = setup.Model;
        using var session = tuner.OpenSession(setup, run: null);
        var context = session.CreateContext();
        context.Epoch = session.Phases[^1].FirstEpoch;
        session.EnterPhaseFor(context);
        session.ScaleRates(1e-3 / options.LearningRate);
        Assert.Equal([1e-3, 2.5e-4], session.Optimizer!.ParamGroups.Select(g => Math.Round(g.LearningRate, 12)));
    }

    [Fact]
    public void A_linear_probe_is_tested_on_cached_features()
    {
        var before = TinyBackbone.ForwardCalls;
        var result = new LearningRateFinder(Tiny("all"), new LrFindOptions { MinLr = 1e-4, MaxLr = 1, Steps = 15 }).Run(StripeData.Dataset());
        Assert.Equal("probe", result.Phase);
        // 48 images: 43 train + 5 val, each through the backbone once in batches of 8, however many steps train the head.
        Assert.Equal(7, TinyBackbone.ForwardCalls - before);
    }

    [Fact]
    public void The_suggestion_is_two_thirds_along_the_longest_fall_else_the_minimum_rate_over_10()
    {
        double[] lrs = [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1];
        // Falls from 1e-5 to 1e-2, then rises: 2/3 of the way along indices 0..3 is 1e-3.
        Assert.Equal((1e-3, "valley", 3), LrFindResult.Suggest(lrs, [2.0, 1.9, 1.4, 1.2, 1.5, 3.0], skip: 0));
        // Skipping the first two steps leaves the fall from 1e-3 to 1e-2.
        Assert.Equal((1e-2, "valley", 3), LrFindResult.Suggest(lrs, [2.0, 1.9, 1.4, 1.2, 1.5, 3.0], skip: 2));
        // The steepest single drop is the noise at the start (1.20 → 1.10); the valley runs 1.20, 1.15, ..., 1.05
        // (indices 0..8, skipping the noisy 1.10), and 2/3 along it is index 5.
        double[] many = [.. Enumerable.Range(0, 10).Select(i => Math.Pow(10, -7 + 0.6 * i))];
        Assert.Equal((many[5], "valley", 8), LrFindResult.Suggest(many, [1.20, 1.10, 1.15, 1.14, 1.13, 1.12, 1.11, 1.10, 1.05, 2.0], skip: 0));
        // Never falls: the minimum is the first rate, and its tenth is clamped into the range.
        Assert.Equal((1e-5, "min_loss_div10", 0), LrFindResult.Suggest(lrs, [1.0, 1.1, 1.2, 1.5, 2.0, 3.0], skip: 0));
    }

    [Theory]
    [InlineData(1.0, 0.1, 100)]
    [InlineData(1e-3, 1e-3, 100)]
    [InlineData(1e-7, 10.0, 4)]
    [InlineData(0.0, 10.0, 100)]
    public void Nonsensical_ranges_are_input_errors(double min, double max, int steps) =>
        Assert.Throws<InvalidOptionException>(() => new LrFindOptions { MinLr = min, MaxLr = max, Steps = steps }.Validate());

    [Fact]
    public void Save_writes_the_curve_and_the_plot()
    {
        using var folder = new TempFolder();
        var result = new LearningRateFinder(Tiny("none"), new LrFindOptions { MinLr = 1e-4, MaxLr = 1, Steps = 8 }).Run(StripeData.Dataset());
        var (json, png) = LearningRateFinder.Save(result, folder["out"]);
        Assert.Equal([".lock", "config.json", "lr-find.json", "lr-find.png"], Directory.GetFiles(folder["out"]).Select(Path.GetFileName).Order());
        Assert.Equal("lr-find", RunFolder.ReadKind(folder["out"]));
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
        foreach (var key in new[] { "lrs", "losses", "smoothed", "suggested_lr", "min_loss_lr", "phase", "options", "range" })
            Assert.True(document.RootElement.TryGetProperty(key, out _), key);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(png).Take(4));

        // A second test into the same folder replaces the first only when asked to.
        var before = File.ReadAllBytes(json);
        Assert.Contains("Overwrite", Assert.Throws<InvalidOptionException>(() => LearningRateFinder.Save(result with { SuggestedLr = 1 }, folder["out"])).Properties);
        Assert.Equal(before, File.ReadAllBytes(json));
        LearningRateFinder.Save(result with { SuggestedLr = 1 }, folder["out"], overwrite: true);
        Assert.NotEqual(before, File.ReadAllBytes(json));
    }
}
